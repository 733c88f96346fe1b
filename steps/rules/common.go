package rules

import (
	_ "embed"
	"strings"
)

//go:embed common-passwords.txt
var commonPasswordsText string

// commonPasswords holds the embedded list, lower-cased. It is built once when the
// package is initialised and only read afterwards.
var commonPasswords = parseCommonPasswords(commonPasswordsText)

func parseCommonPasswords(text string) map[string]struct{} {
	m := make(map[string]struct{})
	for line := range strings.Lines(text) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[strings.ToLower(line)] = struct{}{}
	}
	return m
}

// IsCommonPassword reports whether pw is on the embedded list of very common
// passwords (a few hundred entries, including ones that pass the provider's rule,
// such as "Password1", "Qwerty123!", "P@ssw0rd" and "Welcome1"). The comparison
// ignores case (Unicode simple folding via strings.ToLower) and nothing else:
// "password 1" or " Password1" are not matched. Per NIST SP 800-63B the wizard uses
// it to warn, on top of the provider's composition rule.
func IsCommonPassword(pw string) bool {
	if pw == "" {
		return false
	}
	_, ok := commonPasswords[strings.ToLower(pw)]
	return ok
}
