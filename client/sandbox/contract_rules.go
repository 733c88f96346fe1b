package sandbox

// The provider's input rules as assets/contract/*.md writes them down, read by
// the sandbox itself. The wizard has its own validators (wizard/steps/rules) that
// run before anything is sent; the sandbox must not borrow them, or a drift
// between what the wizard lets through and what the provider takes could never
// show. client/contract_drift_test.go puts the two side by side over HTTP.
//
// Each function quotes the contract's rule it implements. Keep them in step with
// the .md files, not with the wizard's code.

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Password (partner.md, POST /v1/accounts): "at least 8 characters (Unicode code
// points) and at least 3 of the 4 kinds: lowercase letters (Ll), uppercase letters
// (Lu), decimal digits (Nd), special characters (every other letter, mark, number,
// punctuation or symbol). White space and invisible characters count towards the
// length only."
const (
	passwordMinChars = 8
	passwordMinKinds = 3
)

// passwordStrength counts a password's characters and how many of the four kinds
// of character it holds.
func passwordStrength(pw string) (chars, kinds int) {
	var seen [4]bool // lowercase, uppercase, digit, special
	for _, r := range pw {
		chars++
		switch {
		case unicode.Is(unicode.Ll, r):
			seen[0] = true
		case unicode.Is(unicode.Lu, r):
			seen[1] = true
		case unicode.Is(unicode.Nd, r):
			seen[2] = true
		case unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S):
			seen[3] = true
		}
	}
	for _, k := range seen {
		if k {
			kinds++
		}
	}
	return chars, kinds
}

// E-mail address (partner.md, "Accepted e-mail addresses"): local@domain after
// trimming, at most 254 bytes, no white space.
const (
	emailMaxBytes       = 254
	emailLocalMaxBytes  = 64
	domainMaxBytes      = 253
	domainLabelMaxChars = 63
)

// atextSymbols are the ASCII characters besides letters and digits that RFC 5322
// allows in an unquoted local part.
const atextSymbols = "!#$%&'*+-/=?^_`{|}~"

// validEmail reports whether s (already trimmed) is an address the provider sends
// mail to.
func validEmail(s string) bool {
	if s == "" || len(s) > emailMaxBytes || !utf8.ValidString(s) {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	return ok && validLocalPart(local) && validDomainName(domain)
}

// validLocalPart: "1 to 64 bytes; one or more atoms joined by single dots (no dot
// at either end); an atom is ASCII letters, digits and ! # $ % & ' * + - / = ? ^ _
// ` { | } ~, and any non-ASCII character that is not white space. No quoting."
func validLocalPart(l string) bool {
	if l == "" || len(l) > emailLocalMaxBytes {
		return false
	}
	for _, atom := range strings.Split(l, ".") {
		if atom == "" {
			return false
		}
		for _, r := range atom {
			ascii := r < utf8.RuneSelf
			switch {
			case ascii && (isASCIILetter(r) || isASCIIDigit(r) || strings.ContainsRune(atextSymbols, r)):
			case !ascii && !unicode.Is(unicode.White_Space, r):
			default:
				return false
			}
		}
	}
	return true
}

// validDomainName: "at most 253 bytes, two or more labels joined by dots, no dot at
// the end; a label is 1 to 63 characters: letters of any script, ASCII digits,
// hyphens (not first or last) and combining marks (not first); the last label is
// letters and marks only with at least two letters, or punycode: xn-- (any case)
// and at least one more character. No IP addresses, no domain literals."
func validDomainName(d string) bool {
	if len(d) > domainMaxBytes {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !validLabel(l) {
			return false
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) > 4 && strings.EqualFold(tld[:4], "xn--") {
		return true
	}
	letters := 0
	for _, r := range tld {
		if unicode.IsLetter(r) {
			letters++
		} else if !unicode.IsMark(r) {
			return false
		}
	}
	return letters >= 2
}

func validLabel(l string) bool {
	if l == "" || utf8.RuneCountInString(l) > domainLabelMaxChars ||
		strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
		return false
	}
	first := true
	for _, r := range l {
		letterLike := unicode.IsLetter(r) || isASCIIDigit(r) || r == '-' || (!first && unicode.IsMark(r))
		if !letterLike {
			return false
		}
		first = false
	}
	return true
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
func isASCIIDigit(r rune) bool  { return r >= '0' && r <= '9' }

func allASCIIDigits(s string) bool {
	for _, r := range s {
		if !isASCIIDigit(r) {
			return false
		}
	}
	return s != ""
}

// validCountry (partner.md company, ocm.md): "ISO 3166-1 alpha-2", i.e. two ASCII
// letters, given upper-cased.
func validCountry(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}

// Phone number (graph.md, POST /{waba_id}/phone_numbers): "cc is 1 to 3 ASCII
// digits; phone_number, once spaces, hyphens and parentheses are removed, is 4 to
// 14 ASCII digits, without + or the country code".
const (
	ccMaxDigits       = 3
	nationalMinDigits = 4
	nationalMaxDigits = 14
)

// phoneSeparators are what graph removes from phone_number before checking it.
var phoneSeparators = strings.NewReplacer(" ", "", "-", "", "(", "", ")", "")

func validPhoneShape(cc, national string) bool {
	return allASCIIDigits(cc) && len(cc) <= ccMaxDigits &&
		allASCIIDigits(national) && len(national) >= nationalMinDigits && len(national) <= nationalMaxDigits
}

// validPIN (graph.md, register): "pin is exactly 6 ASCII digits".
func validPIN(pin string) bool { return len(pin) == 6 && allASCIIDigits(pin) }

// Business profile (graph.md, whatsapp_business_profile).
const (
	descriptionMaxChars = 512
	aboutMaxChars       = 139
	websitesMax         = 2
	websiteMaxChars     = 256
)

// validWebsite: "an http or https URL: it starts with http:// or https://, the
// scheme in any case (RFC 3986 schemes are case-insensitive), and is at most 256
// characters (Unicode code points, not bytes)".
func validWebsite(u string) bool {
	if utf8.RuneCountInString(u) > websiteMaxChars {
		return false
	}
	scheme, _, ok := strings.Cut(u, "://")
	return ok && (strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https"))
}

// validNameStatus is ocm.md's rule for name_status (upper-cased first): 1 to
// 32 ASCII letters and underscores.
func validNameStatus(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !isASCIILetter(r) && r != '_' {
			return false
		}
	}
	return true
}
