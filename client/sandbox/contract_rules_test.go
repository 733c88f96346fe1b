package sandbox

import (
	"strings"
	"testing"
)

// The sandbox's rules against the examples of assets/contract/*.md, with no
// reference to the wizard's validators (client/contract_drift_test.go compares
// the two).

func TestPasswordRule(t *testing.T) {
	for _, tt := range []struct {
		pw           string
		chars, kinds int
	}{
		{"Str0ng!pass", 11, 4},
		{"password", 8, 1},
		{"Pass word 1", 11, 3},       // the spaces count towards the length only
		{"密码密码", 4, 1},               // letters without case are special
		{"ǅ²\u0301", 3, 1},           // Lt, No and M are special too
		{"a١", 2, 2},                 // a digit of any script
		{"\u200b\x01\u00a0\t", 4, 0}, // invisible characters and white space: no kind
		{"", 0, 0},
	} {
		if chars, kinds := passwordStrength(tt.pw); chars != tt.chars || kinds != tt.kinds {
			t.Errorf("passwordStrength(%q) = %d, %d; want %d, %d", tt.pw, chars, kinds, tt.chars, tt.kinds)
		}
	}
}

func TestEmailRule(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"ops@acme.kz", true},
		{"new@company.com", true},
		{"x!#$%&'*+-/=?^_`{|}~y@example.kz", true},
		{"почта@пример.рф", true},
		{"a@example.xn--p1ai", true},
		{"a@नमस्ते.भारत", true},
		{strings.Repeat("a", 64) + "@example.kz", true},
		{strings.Repeat("a", 65) + "@example.kz", false},
		{"a@" + strings.Repeat("я", 63) + ".kz", true}, // labels count characters
		{"a@" + strings.Repeat("я", 64) + ".kz", false},
		{strings.Repeat("a", 64) + "@" + strings.Repeat(strings.Repeat("b", 62)+".", 3) + "kz", false}, // 255 bytes
		{`"a b"@x.kz`, false},
		{"a(c)@x.kz", false},
		{"Ops <ops@acme.kz>", false},
		{"a@[192.0.2.1]", false},
		{"a@192.0.2.1", false},
		{"a@localhost", false},
		{"a@example.k", false},
		{"a@xn--.kz", false},
		{"a@\u0301x.kz", false},
		{"a..b@x.kz", false},
		{".a@x.kz", false},
		{"a b@x.kz", false},
		{"a\u00a0b@x.kz", false},
		{"a@b@x.kz", false},
		{"", false},
	} {
		if got := validEmail(tt.in); got != tt.ok {
			t.Errorf("validEmail(%q) = %v, want %v", tt.in, got, tt.ok)
		}
	}
}

func TestGraphShapes(t *testing.T) {
	if !validPhoneShape("7", "7011234567") || !validPhoneShape("683", "4002") || !validPhoneShape("1", strings.Repeat("9", 14)) {
		t.Error("a shape graph.md accepts was refused")
	}
	for _, p := range [][2]string{{"", "7011234567"}, {"+7", "7011234567"}, {"1234", "7011234567"}, {"7", "123"},
		{"7", strings.Repeat("9", 15)}, {"7", "701123456x"}, {"7", "٧٠١١٢٣٤٥٦٧"}} {
		if validPhoneShape(p[0], p[1]) {
			t.Errorf("validPhoneShape(%q, %q) accepted", p[0], p[1])
		}
	}
	for pin, ok := range map[string]bool{"482915": true, "111111": true, "12345": false, "1234567": false, "４８２９１５": false, "": false} {
		if validPIN(pin) != ok {
			t.Errorf("validPIN(%q) = %v", pin, !ok)
		}
	}
	for site, ok := range map[string]bool{
		"https://acme.kz": true, "HTTPS://acme.kz": true, "Http://acme.kz": true, "https://": true,
		"https://acme.kz/" + strings.Repeat("я", 240): true, "https://acme.kz/" + strings.Repeat("я", 241): false,
		"acme.kz": false, "ftp://acme.kz": false, "https:/acme.kz": false, "": false,
	} {
		if validWebsite(site) != ok {
			t.Errorf("validWebsite(%.30q) = %v", site, !ok)
		}
	}
	for c, ok := range map[string]bool{"KZ": true, "ZZ": true, "kz": false, "KAZ": false, "K": false, "ÄB": false} {
		if validCountry(c) != ok {
			t.Errorf("validCountry(%q) = %v", c, !ok)
		}
	}
}
