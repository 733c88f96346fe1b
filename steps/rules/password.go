// Package rules holds the pure validators the wizard applies before anything is sent:
// no UI, no I/O, each fuzzed. The sandbox checks what the provider accepts with
// its own code, from the written contract (assets/contract/); a test over HTTP
// (client/contract_drift_test.go) catches any drift between the two.
package rules

import "unicode"

// PasswordMinLength is the provider's minimum password length, in characters (runes).
const PasswordMinLength = 8

// PasswordMinKinds is how many of the four kinds of character a password needs.
const PasswordMinKinds = 3

// PasswordCheck is the provider's password rule applied to one password, item by
// item, so the UI can show it as a checklist that ticks while the user types.
type PasswordCheck struct {
	Length  bool // at least PasswordMinLength characters
	Lower   bool // a lowercase letter
	Upper   bool // an uppercase letter
	Digit   bool // a digit
	Special bool // anything else that is printable and not a space
	Kinds   int  // how many of Lower, Upper, Digit, Special are present
}

// OK reports whether the password meets the provider's rule.
func (c PasswordCheck) OK() bool { return c.Length && c.Kinds >= PasswordMinKinds }

// CheckPassword applies the provider's rule: at least 8 characters and at least 3 of
// lowercase, uppercase, digits and special characters. Letters of any script count
// by their case; letters without case (e.g. CJK) count as special characters.
func CheckPassword(pw string) PasswordCheck {
	var c PasswordCheck
	n := 0
	for _, r := range pw {
		n++
		switch {
		case unicode.IsLower(r):
			c.Lower = true
		case unicode.IsUpper(r):
			c.Upper = true
		case unicode.IsDigit(r):
			c.Digit = true
		case unicode.IsSpace(r) || !unicode.IsPrint(r):
			// spaces and control characters count towards the length only
		default:
			c.Special = true
		}
	}
	c.Length = n >= PasswordMinLength
	for _, ok := range []bool{c.Lower, c.Upper, c.Digit, c.Special} {
		if ok {
			c.Kinds++
		}
	}
	return c
}
