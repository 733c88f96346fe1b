package rules

import (
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func TestParsePhoneValid(t *testing.T) {
	tests := []struct {
		in, region string
		want       Phone
	}{
		// Kazakhstan: international, national with trunk prefix 8, separators, no prefix
		{"+7 701 123 4567", "KZ", Phone{"KZ", "+77011234567", "7", "7011234567", "+7 701 123 4567", "mobile", false}},
		{"+77011234567", "", Phone{"KZ", "+77011234567", "7", "7011234567", "+7 701 123 4567", "mobile", false}},
		{"8 701 123 4567", "KZ", Phone{"KZ", "+77011234567", "7", "7011234567", "+7 701 123 4567", "mobile", false}},
		{"8 (701) 123-45-67", "KZ", Phone{"KZ", "+77011234567", "7", "7011234567", "+7 701 123 4567", "mobile", false}},
		{"+7.701.123.45.67", "kz", Phone{"KZ", "+77011234567", "7", "7011234567", "+7 701 123 4567", "mobile", false}},
		{"7011234567", "KZ", Phone{"KZ", "+77011234567", "7", "7011234567", "+7 701 123 4567", "mobile", false}},
		{"  +7 701 123 4567\n", "KZ", Phone{"KZ", "+77011234567", "7", "7011234567", "+7 701 123 4567", "mobile", false}},
		{"８ ７０１ １２３ ４５６７", "KZ", Phone{"KZ", "+77011234567", "7", "7011234567", "+7 701 123 4567", "mobile", false}}, // fullwidth digits
		{"+7 (7172) 55-12-34", "KZ", Phone{"KZ", "+77172551234", "7", "7172551234", "+7 7172 55 12 34", "fixed_line", false}},
		{"8 800 080 1234", "KZ", Phone{"KZ", "+78000801234", "7", "8000801234", "+7 800 080-12-34", "toll_free", true}},
		// Russia
		{"+7 912 345-67-89", "RU", Phone{"RU", "+79123456789", "7", "9123456789", "+7 912 345-67-89", "mobile", false}},
		{"8 (495) 123-45-67", "RU", Phone{"RU", "+74951234567", "7", "4951234567", "+7 495 123-45-67", "fixed_line", false}},
		{"8 800 555 35 35", "RU", Phone{"RU", "+78005553535", "7", "8005553535", "+7 800 555-35-35", "toll_free", true}},
		// Uzbekistan, Kyrgyzstan
		{"+998 90 123 45 67", "UZ", Phone{"UZ", "+998901234567", "998", "901234567", "+998 90 123 45 67", "mobile", false}},
		{"+998 71 123 45 67", "UZ", Phone{"UZ", "+998711234567", "998", "711234567", "+998 71 123 45 67", "fixed_line", false}},
		{"+996 555 123 456", "KG", Phone{"KG", "+996555123456", "996", "555123456", "+996 555 123 456", "mobile", false}},
		{"0555 123 456", "KG", Phone{"KG", "+996555123456", "996", "555123456", "+996 555 123 456", "mobile", false}},
		// Germany
		{"0151 12345678", "DE", Phone{"DE", "+4915112345678", "49", "15112345678", "+49 1511 2345678", "mobile", false}},
		{"+49 30 123456", "DE", Phone{"DE", "+4930123456", "49", "30123456", "+49 30 123456", "fixed_line", false}},
		// United States (NANP; 800 is shared by the NANP countries)
		{"(201) 555-0123", "US", Phone{"US", "+12015550123", "1", "2015550123", "+1 201-555-0123", "fixed_line_or_mobile", false}},
		{"+1 800 555 0199", "US", Phone{"US", "+18005550199", "1", "8005550199", "+1 800-555-0199", "toll_free", true}},
		{"+1 800 555 0199", "CA", Phone{"CA", "+18005550199", "1", "8005550199", "+1 800-555-0199", "toll_free", true}},
		// United Kingdom
		{"+44 7400 123456", "GB", Phone{"GB", "+447400123456", "44", "7400123456", "+44 7400 123456", "mobile", false}},
		{"07400 123456", "GB", Phone{"GB", "+447400123456", "44", "7400123456", "+44 7400 123456", "mobile", false}},
		{"+44 20 7946 0958", "GB", Phone{"GB", "+442079460958", "44", "2079460958", "+44 20 7946 0958", "fixed_line", false}},
		{"0800 123 4567", "GB", Phone{"GB", "+448001234567", "44", "8001234567", "+44 800 123 4567", "toll_free", true}},
		// non-geographic: international freephone
		{"+800 1234 5678", "", Phone{"001", "+80012345678", "800", "12345678", "+800 1234 5678", "toll_free", true}},
		// an unknown region is ignored when the number has its country code
		{"+7 701 123 4567", "XX", Phone{"KZ", "+77011234567", "7", "7011234567", "+7 701 123 4567", "mobile", false}},
	}
	for _, tt := range tests {
		got, prob := ParsePhone(tt.in, tt.region)
		if prob != PhoneOK || got != tt.want {
			t.Errorf("ParsePhone(%q, %q) = %+v, %q\n want %+v", tt.in, tt.region, got, prob, tt.want)
		}
	}
}

func TestParsePhoneProblems(t *testing.T) {
	tests := []struct {
		in, region string
		want       PhoneProblem
	}{
		{"", "KZ", PhoneEmpty},
		{"   ", "KZ", PhoneEmpty},
		{"701 123 4567", "", PhoneNoCountryCode},
		{"8 701 123 4567", "XX", PhoneNoCountryCode},
		{"00 49 30 123456", "", PhoneNoCountryCode},
		{"+999 123 456", "", PhoneBadCountryCode},
		{"+999 123 456", "KZ", PhoneBadCountryCode},
		{"abc", "KZ", PhoneNotANumber},
		{"+7 701 ABC 4567", "KZ", PhoneNotANumber},
		{"1-800-FLOWERS", "US", PhoneNotANumber}, // vanity letters: ask for the digits
		{"+7 701 123 4567!", "KZ", PhoneNotANumber},
		{"+7 701 123 4567 📞", "KZ", PhoneNotANumber},
		{"7+701 123 4567", "KZ", PhoneNotANumber},
		{"++77011234567", "KZ", PhoneNotANumber},
		{"+", "", PhoneNotANumber},
		{"+7 701 123 4567 ext. 12", "KZ", PhoneExtension},
		{"+7 701 123 4567 x5", "KZ", PhoneExtension},
		{"+7 701 123 4567;ext=5", "KZ", PhoneExtension},
		{"+1 201 555 0123 #5", "US", PhoneExtension},
		{"112", "KZ", PhoneShortCode}, // emergency
		{"103", "KZ", PhoneShortCode}, // ambulance
		{"101", "KZ", PhoneShortCode},
		{"112", "RU", PhoneShortCode},
		{"112", "DE", PhoneShortCode},
		{"911", "US", PhoneShortCode},
		{"999", "GB", PhoneShortCode},
		{"7040", "US", PhoneShortCode},
		// libphonenumber's short-number data for UZ does not list 112: refused all the same
		{"112", "UZ", PhoneTooShort},
		{"+7 701 123", "KZ", PhoneTooShort},
		{"8 701 12", "KZ", PhoneTooShort},
		{"+7 701 123 45 6", "KZ", PhoneTooShort},
		{"1414", "KZ", PhoneTooShort},
		{"+49 30 12", "DE", PhoneInvalidForRegion},
		{"+7 701 123 4567 890 12", "KZ", PhoneTooLong},
		{"+44 20 7946 0958 1234", "GB", PhoneTooLong},
		{"1234567890123456789012345", "US", PhoneTooLong},
		{strings.Repeat("1", PhoneInputMaxLength+1), "KZ", PhoneTooLong},
		{"+7 701 123 4567 8", "KZ", PhoneWrongLength},
		{"+7 101 123 4567", "KZ", PhoneInvalidForRegion},
		{"07700 900123", "GB", PhoneInvalidForRegion}, // Ofcom's range for drama, never assigned
		{"+49 1511 2345678 9", "DE", PhoneInvalidForRegion},
		{"+7 701 123 4567", "RU", PhoneNotForRegion},
		{"+7 495 123 45 67", "KZ", PhoneNotForRegion},
		{"+49 30 123456", "KZ", PhoneNotForRegion},
		{"8 10 49 30 123456", "KZ", PhoneNotForRegion}, // KZ's international prefix 8~10
		{"+1 201 555 0123", "CA", PhoneNotForRegion},
		{"+44 7911 123456", "GB", PhoneNotForRegion}, // 79111… is Guernsey's
		{"+800 1234 5678", "KZ", PhoneNotForRegion},
	}
	for _, tt := range tests {
		got, prob := ParsePhone(tt.in, tt.region)
		if prob != tt.want {
			t.Errorf("ParsePhone(%q, %q) problem = %q, want %q", tt.in, tt.region, prob, tt.want)
		}
		if prob != PhoneNotForRegion && got != (Phone{}) {
			t.Errorf("ParsePhone(%q, %q) = %+v with problem %q, want the zero Phone", tt.in, tt.region, got, prob)
		}
	}
}

func TestParsePhoneNotForRegionFillsPhone(t *testing.T) {
	p, prob := ParsePhone("+49 30 123456", "KZ")
	if prob != PhoneNotForRegion || p.Region != "DE" || p.E164 != "+4930123456" {
		t.Fatalf("got %+v, %q; want the German number, flagged", p, prob)
	}
}

func TestPhonePreferVoice(t *testing.T) {
	for in, want := range map[string]bool{
		"+7 701 123 4567":  false, // mobile
		"+1 201 555 0123":  false, // fixed line or mobile
		"+7 7172 55 12 34": true,  // fixed line
		"+7 800 555 35 35": true,  // toll-free: voice, not SMS
	} {
		p, prob := ParsePhone(in, "")
		if prob != PhoneOK {
			t.Fatalf("ParsePhone(%q) = %q", in, prob)
		}
		if p.PreferVoice() != want {
			t.Errorf("%q (%s): PreferVoice = %v, want %v", in, p.Type, p.PreferVoice(), want)
		}
	}
}

func FuzzParsePhone(f *testing.F) {
	seeds := [][2]string{
		{"+7 701 123 4567", "KZ"}, {"8 701 123 4567", "KZ"}, {"8 800 555 35 35", "RU"}, {"112", "KZ"},
		{"+1 800 555 0199", "US"}, {"07400 123456", "GB"}, {"+800 1234 5678", ""}, {"1-800-FLOWERS", "US"},
		{"+7 701 123 4567 ext. 12", "KZ"}, {"８ ７０１ １２３ ４５６７", "KZ"}, {"+49 30 123456", "KZ"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, in, region string) {
		p, prob := ParsePhone(in, region)
		if prob != PhoneOK && prob != PhoneNotForRegion {
			if p != (Phone{}) {
				t.Fatalf("problem %q with a filled Phone %+v", prob, p)
			}
			return
		}
		if !strings.HasPrefix(p.E164, "+"+p.CC) || p.E164 != "+"+p.CC+p.National {
			t.Fatalf("inconsistent %+v", p)
		}
		for _, r := range p.E164[1:] {
			if r < '0' || r > '9' {
				t.Fatalf("E164 %q has a non-digit", p.E164)
			}
		}
		again, prob2 := ParsePhone(p.E164, "")
		if prob2 != PhoneOK || again.E164 != p.E164 || again.Type != p.Type {
			t.Fatalf("%q → %+v re-parses to %+v, %q", in, p, again, prob2)
		}
		same, prob3 := ParsePhone(p.E164, p.Region)
		if prob3 != PhoneOK || same != p {
			t.Fatalf("%q → %+v re-parses with its region to %+v, %q", in, p, same, prob3)
		}
		num, err := phonenumbers.Parse(p.E164, "")
		if err != nil || !phonenumbers.IsValidNumber(num) {
			t.Fatalf("E164 %q is not a valid number: %v", p.E164, err)
		}
		if prob == PhoneOK && p.Region == "" {
			t.Fatalf("no region in %+v", p)
		}
	})
}

func TestCallingCode(t *testing.T) {
	for region, want := range map[string]string{"KZ": "7", "ru": "7", "UZ": "998", "KG": "996", "DE": "49", "US": "1", "GB": "44", "": "", "XX": "", "001": ""} {
		if got := CallingCode(region); got != want {
			t.Errorf("CallingCode(%q) = %q, want %q", region, got, want)
		}
	}
}
