package rules

// CodeLength is the number of digits of the verification code and of the two-step PIN.
const CodeLength = 6

// NormaliseCode reads a verification code as typed or pasted from the SMS
// ("WhatsApp code 123-830"): exactly six ASCII digits, optionally split in the
// middle by ONE hyphen or space ("123-456", "123 456"). It returns the six digits
// ("123456"), as verify_code wants them. Anything else — other separators, white
// space at the ends, non-ASCII digits, more or fewer digits — is refused.
func NormaliseCode(s string) (code string, ok bool) {
	if len(s) == CodeLength+1 && (s[3] == '-' || s[3] == ' ') {
		s = s[:3] + s[4:]
	}
	if !sixDigits(s) {
		return "", false
	}
	return s, true
}

// CheckPIN reports whether s is a two-step verification PIN: exactly six ASCII
// digits, nothing else. Whether it is a good one is IsWeakPIN's question.
func CheckPIN(s string) bool { return sixDigits(s) }

// IsWeakPIN reports whether a PIN that passes CheckPIN is easy to guess: one digit
// six times ("111111"), a run up or down ("123456", "654321", "012345"), or a
// repeated pair or triple ("121212", "123123"). It returns false for anything that
// is not a PIN.
func IsWeakPIN(s string) bool {
	if !sixDigits(s) {
		return false
	}
	up, down := true, true
	for i := 1; i < len(s); i++ {
		up = up && s[i] == s[i-1]+1
		down = down && s[i] == s[i-1]-1
	}
	pairs := s[0:2] == s[2:4] && s[2:4] == s[4:6] // also covers "111111"
	triples := s[0:3] == s[3:6]
	return up || down || pairs || triples
}

func sixDigits(s string) bool {
	if len(s) != CodeLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
