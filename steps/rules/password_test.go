package rules

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		pw                          string
		length, lo, up, digit, spec bool
		kinds                       int
		ok                          bool
	}{
		{"", false, false, false, false, false, 0, false},
		{"password", true, true, false, false, false, 1, false},
		{"passw0rd", true, true, false, true, false, 2, false},
		{"Passw0rd", true, true, true, true, false, 3, true},
		{"Password1", true, true, true, true, false, 3, true},
		{"P@ssw0rd", true, true, true, true, true, 4, true},
		{"Aa1!", false, true, true, true, true, 4, false},
		{"Aa1!aaa", false, true, true, true, true, 4, false},   // 7 characters
		{"Aa1!aaaa", true, true, true, true, true, 4, true},    // exactly 8
		{"ABCDEFG1", true, false, true, true, false, 2, false}, // upper + digit only
		{"ABCDEFG!1", true, false, true, true, true, 3, true},
		{"abcdef!!", true, true, false, false, true, 2, false},
		{"12345678", true, false, false, true, false, 1, false},
		{"Пароль123", true, true, true, true, false, 3, true},  // Cyrillic letters count by case
		{"пароль12", true, true, false, true, false, 2, false}, // 8 runes, 14 bytes
		{"ПАРОЛЬ!1", true, false, true, true, true, 3, true},   // upper Cyrillic, special, digit
		{"Пар1", false, true, true, true, false, 3, false},     // 4 runes although 7 bytes
		{"密码密码密码12", true, false, false, true, true, 2, false}, // caseless letters are special
		{"密码密码Ab12", true, true, true, true, true, 4, true},
		{"كلمةالسر12", true, false, false, true, true, 2, false}, // RTL, caseless
		{"كلمةالسرA1", true, false, true, true, true, 3, true},
		{"סיסמהAb1", true, true, true, true, true, 4, true},      // Hebrew + Latin
		{"Aa1 aaaa", true, true, true, true, false, 3, true},     // a space counts towards the length only
		{"        ", true, false, false, false, false, 0, false}, // eight spaces
		{"aaaa\taaA1", true, true, true, true, false, 3, true},   // tab: length only
		{"😀😀😀😀aA1x", true, true, true, true, true, 4, true},      // emoji are special characters
		{"😀😀😀😀😀😀😀😀", true, false, false, false, true, 1, false},
		{"😀😀😀😀😀😀😀", false, false, false, false, true, 1, false}, // 7 runes, 28 bytes
		{"Abcdefg١", true, true, true, true, false, 3, true},    // Arabic-Indic digit counts as a digit
		{strings.Repeat("Ab1!", 20), true, true, true, true, true, 4, true},
		{strings.Repeat("a", 65), true, true, false, false, false, 1, false},
	}
	for _, tt := range tests {
		c := CheckPassword(tt.pw)
		want := PasswordCheck{Length: tt.length, Lower: tt.lo, Upper: tt.up, Digit: tt.digit, Special: tt.spec, Kinds: tt.kinds}
		if c != want {
			t.Errorf("CheckPassword(%q) = %+v, want %+v", tt.pw, c, want)
		}
		if c.OK() != tt.ok {
			t.Errorf("CheckPassword(%q).OK() = %v, want %v", tt.pw, c.OK(), tt.ok)
		}
	}
}

func TestIsCommonPassword(t *testing.T) {
	tests := []struct {
		pw     string
		common bool
	}{
		{"Password1", true}, // passes the provider's rule, still common
		{"PASSWORD1", true},
		{"password1", true},
		{"Qwerty123!", true},
		{"P@ssw0rd", true},
		{"p@SSW0RD", true},
		{"Welcome1", true},
		{"Welcome@123", true},
		{"1q2w3e4r", true},
		{"Пароль123", true}, // Cyrillic, case-folded
		{"ЙЦУКЕН", true},
		{"123456", true},
		{"", false},
		{" Password1", false}, // only case is ignored
		{"Password1 ", false},
		{"Acme-Pharma-2026!", false},
		{"correct horse battery staple", false},
	}
	for _, tt := range tests {
		if got := IsCommonPassword(tt.pw); got != tt.common {
			t.Errorf("IsCommonPassword(%q) = %v, want %v", tt.pw, got, tt.common)
		}
	}
}

func TestCommonPasswordList(t *testing.T) {
	if n := len(commonPasswords); n < 200 || n > 1000 {
		t.Errorf("list has %d entries, want a few hundred", n)
	}
	passing := 0
	for pw := range commonPasswords {
		if pw != strings.TrimSpace(pw) || pw == "" {
			t.Errorf("entry %q has white space at an end", pw)
		}
		// The lower-cased entry with its first letter upper-cased is how people
		// satisfy the rule; count the entries that then pass it.
		r, size := utf8.DecodeRuneInString(pw)
		if CheckPassword(strings.ToUpper(string(r)) + pw[size:]).OK() {
			passing++
		}
	}
	if passing < 40 {
		t.Errorf("only %d entries pass the provider's rule once capitalised; the list should cover those", passing)
	}
}

func FuzzCheckPassword(f *testing.F) {
	for _, s := range []string{"", "Password1", "Пароль123", "密码密码Ab12", "😀😀😀😀aA1x", "\xff\xfe\xfd\xfcAa1!", "Aa1 aaaa"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		c := CheckPassword(pw)
		kinds := 0
		for _, b := range []bool{c.Lower, c.Upper, c.Digit, c.Special} {
			if b {
				kinds++
			}
		}
		if c.Kinds != kinds {
			t.Fatalf("Kinds = %d, but %d kinds are set", c.Kinds, kinds)
		}
		if c.Length != (utf8.RuneCountInString(pw) >= PasswordMinLength) {
			t.Fatalf("Length = %v for %d runes", c.Length, utf8.RuneCountInString(pw))
		}
		if c.OK() && (utf8.RuneCountInString(pw) < PasswordMinLength || c.Kinds < PasswordMinKinds) {
			t.Fatalf("OK for %q with %d runes and %d kinds", pw, utf8.RuneCountInString(pw), c.Kinds)
		}
		if IsCommonPassword(pw) != IsCommonPassword(strings.ToUpper(pw)) && utf8.ValidString(pw) &&
			strings.ToLower(strings.ToUpper(pw)) == strings.ToLower(pw) {
			t.Fatalf("IsCommonPassword differs by case for %q", pw)
		}
	})
}
