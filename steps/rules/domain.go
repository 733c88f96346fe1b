package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// domainMaxLength bounds a whole domain name (RFC 1035: 253 octets without the root dot).
const domainMaxLength = 253

// labelMaxLength bounds one dot-separated label of a domain name (RFC 1035).
const labelMaxLength = 63

// validDomain reports whether d looks like a public Internet domain name: at least
// two labels; each label 1–63 characters of letters (any script, for IDN), ASCII
// digits, combining marks inside a label, and hyphens not at either end; the last
// label (the TLD) is alphabetic and at least two letters long, or punycode
// ("xn--…"). No trailing dot, no IP addresses, no "localhost".
func validDomain(d string) bool {
	if d == "" || len(d) > domainMaxLength || !utf8.ValidString(d) {
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
	return validTLD(labels[len(labels)-1])
}

func validLabel(l string) bool {
	n := utf8.RuneCountInString(l)
	if n == 0 || n > labelMaxLength {
		return false
	}
	if l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i, r := range l {
		switch {
		case r == '-', r >= '0' && r <= '9', unicode.IsLetter(r):
		case unicode.IsMark(r) && i > 0:
			// combining marks belong to the letter before them (Devanagari, Thai, …)
		default:
			return false
		}
	}
	return true
}

func validTLD(t string) bool {
	if strings.HasPrefix(strings.ToLower(t), "xn--") {
		return len(t) > len("xn--") // the label rules already checked the characters
	}
	letters := 0
	for _, r := range t {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.IsMark(r):
		default:
			return false
		}
	}
	return letters >= 2
}
