package rules

import (
	"errors"
	"strconv"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// PhoneInputMaxLength bounds what ParsePhone reads, in bytes; longer input is PhoneTooLong.
const PhoneInputMaxLength = 64

// PhoneProblem is why a phone number was refused; "" means it is acceptable.
type PhoneProblem string

// The phone problems, in the order ParsePhone tests them (it reports the first).
const (
	PhoneOK PhoneProblem = ""
	// PhoneEmpty: nothing typed (white space only counts as nothing).
	PhoneEmpty PhoneProblem = "phone_empty"
	// PhoneNoCountryCode: typed without "+country code" and no usable region was given.
	PhoneNoCountryCode PhoneProblem = "phone_no_country_code"
	// PhoneBadCountryCode: "+" followed by a country calling code that does not exist (+999 …).
	PhoneBadCountryCode PhoneProblem = "phone_bad_country_code"
	// PhoneNotANumber: letters (including vanity numbers like 1-800-FLOWERS) or
	// characters other than digits, spaces, a leading "+", and - ( ) . /
	PhoneNotANumber PhoneProblem = "phone_not_a_number"
	// PhoneExtension: an extension ("ext. 12", "#12", "x12"): the number must be reachable directly.
	PhoneExtension PhoneProblem = "phone_extension"
	// PhoneShortCode: a short code or emergency number (112, 103, 911, 7040 …).
	PhoneShortCode PhoneProblem = "phone_short_code"
	// PhoneTooShort: fewer digits than any number of that country (or only a local
	// number, without the area code).
	PhoneTooShort PhoneProblem = "phone_too_short"
	// PhoneTooLong: more digits than any number of that country.
	PhoneTooLong PhoneProblem = "phone_too_long"
	// PhoneWrongLength: a digit count between the shortest and longest numbers of
	// that country that no kind of its numbers has.
	PhoneWrongLength PhoneProblem = "phone_wrong_length"
	// PhoneInvalidForRegion: the right length, but not a number the country's
	// numbering plan assigns (libphonenumber's IsValidNumber is false).
	PhoneInvalidForRegion PhoneProblem = "phone_invalid"
	// PhoneNotForRegion: a valid number, but of another country than the region
	// asked for. The Phone is filled in (its Region says which country), so the UI
	// can offer to switch the country.
	PhoneNotForRegion PhoneProblem = "phone_not_for_region"
)

// Phone is a parsed, valid phone number in the shapes the services want.
type Phone struct {
	Region        string // ISO 3166 alpha-2 of the number ("KZ"); "001" for non-geographic numbers (+800 …)
	E164          string // "+77011234567"
	CC            string // country calling code without "+": "7"
	National      string // national significant number, no trunk prefix: "7011234567"
	International string // INTERNATIONAL format for display: "+7 701 123 4567"
	Type          string // "mobile", "fixed_line", "fixed_line_or_mobile", "toll_free", "premium_rate", "shared_cost", "voip", "personal_number", "pager", "uan", "voicemail" or "unknown"
	TollFree      bool   // Type == "toll_free": verify by voice call, not SMS
}

// PreferVoice reports whether the verification code should rather be requested by
// voice call: the number is not known to be a mobile one (toll-free, fixed line,
// VoIP …), so it may not receive SMS.
func (p Phone) PreferVoice() bool {
	return p.Type != "mobile" && p.Type != "fixed_line_or_mobile"
}

var phoneTypeNames = map[phonenumbers.PhoneNumberType]string{
	phonenumbers.FIXED_LINE:           "fixed_line",
	phonenumbers.MOBILE:               "mobile",
	phonenumbers.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
	phonenumbers.TOLL_FREE:            "toll_free",
	phonenumbers.PREMIUM_RATE:         "premium_rate",
	phonenumbers.SHARED_COST:          "shared_cost",
	phonenumbers.VOIP:                 "voip",
	phonenumbers.PERSONAL_NUMBER:      "personal_number",
	phonenumbers.PAGER:                "pager",
	phonenumbers.UAN:                  "uan",
	phonenumbers.VOICEMAIL:            "voicemail",
}

// ParsePhone reads a phone number as a person types it ("+7 701 123 45 67",
// "8 (701) 123-45-67", "0151 12345678") using libphonenumber's rules. region is
// the ISO alpha-2 country (any case) the number belongs to: it is used to read
// numbers typed without "+", and a valid number of another country is reported as
// PhoneNotForRegion. With region "" (or one libphonenumber does not know) the number
// must start with "+" and may be of any country. Leading and trailing white space
// is ignored. Short codes, emergency numbers and numbers with an extension are refused.
//
// The Phone is filled in when the problem is "" or PhoneNotForRegion, and is the
// zero value otherwise. When it is filled in, E164 starts with "+" and parses back
// to the same number.
func ParsePhone(input, region string) (Phone, PhoneProblem) {
	s := strings.TrimSpace(input)
	region = strings.ToUpper(strings.TrimSpace(region))
	if !phonenumbers.GetSupportedRegions()[region] {
		region = ""
	}
	if s == "" {
		return Phone{}, PhoneEmpty
	}
	if len(s) > PhoneInputMaxLength {
		return Phone{}, PhoneTooLong
	}
	num, err := phonenumbers.Parse(s, region)
	if err != nil {
		return Phone{}, parseProblem(err, s)
	}
	if num.GetExtension() != "" {
		return Phone{}, PhoneExtension
	}
	if !phoneChars(s) {
		return Phone{}, PhoneNotANumber
	}
	valid := phonenumbers.IsValidNumber(num)
	if !valid && isShortCode(num, s, region) {
		return Phone{}, PhoneShortCode
	}
	switch phonenumbers.IsPossibleNumberWithReason(num) {
	case phonenumbers.TOO_SHORT, phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
		return Phone{}, PhoneTooShort
	case phonenumbers.TOO_LONG:
		return Phone{}, PhoneTooLong
	case phonenumbers.INVALID_LENGTH:
		return Phone{}, PhoneWrongLength
	case phonenumbers.INVALID_COUNTRY_CODE:
		return Phone{}, PhoneBadCountryCode
	}
	if !valid {
		return Phone{}, PhoneInvalidForRegion
	}
	p := Phone{
		Region:        phonenumbers.GetRegionCodeForNumber(num),
		E164:          phonenumbers.Format(num, phonenumbers.E164),
		CC:            strconv.Itoa(int(num.GetCountryCode())),
		National:      phonenumbers.GetNationalSignificantNumber(num),
		International: phonenumbers.Format(num, phonenumbers.INTERNATIONAL),
		Type:          "unknown",
	}
	if name, ok := phoneTypeNames[phonenumbers.GetNumberType(num)]; ok {
		p.Type = name
	}
	p.TollFree = p.Type == "toll_free"
	if region != "" && p.Region != region {
		// Countries sharing a calling code (KZ and RU on +7, the NANP on +1) share
		// some ranges, e.g. 8 800 toll-free: libphonenumber names the first country
		// that matches, so ask about the requested one before calling it foreign.
		if !phonenumbers.IsValidNumberForRegion(num, region) {
			return p, PhoneNotForRegion
		}
		p.Region = region
	}
	return p, PhoneOK
}

func parseProblem(err error, s string) PhoneProblem {
	switch {
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "＋") {
			return PhoneBadCountryCode
		}
		return PhoneNoCountryCode
	case errors.Is(err, phonenumbers.ErrTooShortNSN), errors.Is(err, phonenumbers.ErrTooShortAfterIDD):
		return PhoneTooShort
	case errors.Is(err, phonenumbers.ErrNumTooLong):
		return PhoneTooLong
	default:
		return PhoneNotANumber
	}
}

// phoneChars reports whether s holds only what people type in a phone number:
// digits (of any script; libphonenumber normalises them), spaces, one leading "+",
// and the separators - ( ) . / (with the Unicode dashes).
func phoneChars(s string) bool {
	for i, r := range s {
		switch {
		case unicode.IsDigit(r), r == ' ', r == '\u00a0':
		case r == '+' || r == '＋':
			if i != 0 {
				return false
			}
		case strings.ContainsRune("-()./‐‑‒–—−", r):
		default:
			return false
		}
	}
	return true
}

// isShortCode reports whether num (already known not to be a valid full number) is
// a short code or an emergency number of its country or of the region asked for.
func isShortCode(num *phonenumbers.PhoneNumber, s, region string) bool {
	if phonenumbers.IsValidShortNumber(num) {
		return true
	}
	if region == "" {
		return false
	}
	return phonenumbers.IsValidShortNumberForRegion(num, region) || phonenumbers.IsEmergencyNumber(s, region)
}

// CallingCode returns the country calling code of an ISO alpha-2 region (any
// case), without "+": "7" for KZ, "998" for UZ; "" when libphonenumber does not
// know the region.
func CallingCode(region string) string {
	region = strings.ToUpper(strings.TrimSpace(region))
	if !phonenumbers.GetSupportedRegions()[region] {
		return ""
	}
	return strconv.Itoa(phonenumbers.GetCountryCodeForRegion(region))
}
