package rules

import (
	"net/mail"
	"strings"
	"testing"
	"unicode"
)

func TestCheckEmail(t *testing.T) {
	local64 := strings.Repeat("a", 64)
	label63 := strings.Repeat("d", 63)
	long := strings.Repeat("a", 60) + "@" + strings.Repeat(label63+".", 3) + "kz" // 60+1+192+2 = 255 bytes
	tests := []struct {
		in   string
		want EmailProblem
	}{
		// accepted
		{"a@b.kz", EmailOK},
		{"aigerim.nurlanova@acme-pharma.kz", EmailOK},
		{"user.name+tag@example.com", EmailOK},
		{"USER@EXAMPLE.COM", EmailOK},
		{"o'neil@acme.co.uk", EmailOK},
		{"x_y@a1.io", EmailOK},
		{"a-b@sub-domain.example.org", EmailOK},
		{"иван@пример.рф", EmailOK},          // internationalised, Cyrillic
		{"user@xn--80ak6aa92e.com", EmailOK}, // punycode label
		{"user@mail.xn--p1ai", EmailOK},      // punycode TLD (.рф)
		{"用户@例子.广告", EmailOK},                // CJK letters
		{"مستخدم@مثال.مصر", EmailOK},         // RTL, Arabic TLD
		{local64 + "@acme.kz", EmailOK},      // local part at the limit
		{"john@" + label63 + ".kz", EmailOK}, // label at the limit
		{"info@xn--e1afmkfd.xn--80ao21a", EmailOK},

		// refused
		{"", EmailEmpty},
		{" a@b.kz", EmailSpaces},
		{"a@b.kz ", EmailSpaces},
		{"a b@c.kz", EmailSpaces},
		{"a@b .kz", EmailSpaces},
		{"a\t@b.kz", EmailSpaces},
		{"a@b.kz\n", EmailSpaces},
		{"a@b.kz\u00a0", EmailSpaces},                   // no-break space
		{"John Smith <john@acme.kz>", EmailDisplayName}, // not "no spaces": the name is what is wrong
		{"User Name <u@x.com>", EmailDisplayName},
		{"John Smith<john@acme.kz>", EmailDisplayName},
		{`"Smith, John" <john@acme.kz>`, EmailDisplayName},
		{"<john@acme.kz> ", EmailDisplayName},
		{"john@acme.kz>", EmailDisplayName},
		{"John<john@acme.kz>", EmailDisplayName},
		{"<john@acme.kz>", EmailDisplayName},
		{`"John"<john@acme.kz>`, EmailDisplayName},
		{long, EmailTooLong},
		{local64 + "a@acme.kz", EmailLocalTooLong},
		{"john", EmailSyntax},
		{"john@", EmailSyntax},
		{"@acme.kz", EmailSyntax},
		{"john@@acme.kz", EmailSyntax},
		{"jo..hn@acme.kz", EmailSyntax},
		{".john@acme.kz", EmailSyntax},
		{"john.@acme.kz", EmailSyntax},
		{`"john"@acme.kz`, EmailSyntax},     // quoting is refused
		{"(boss)john@acme.kz", EmailSyntax}, // comments too
		{"john@acme.kz,jane@acme.kz", EmailSyntax},
		{"john@acme..kz", EmailSyntax},
		{"john@acme", EmailDomain},
		{"john@localhost", EmailDomain},
		{"john@acme.k", EmailDomain},
		{"john@acme.123", EmailDomain},
		{"john@1.2.3.4", EmailDomain},
		{"john@-acme.kz", EmailDomain},
		{"john@acme-.kz", EmailDomain},
		{"john@a_b.kz", EmailDomain},
		{"john@acme😀.kz", EmailDomain},
		{"john@acme.kz.", EmailSyntax},
		{"john@[10.0.0.1]", EmailDomain},
		{"john@" + label63 + "d.kz", EmailDomain}, // 64-character label
		{"john@acme.xn--", EmailDomain},
	}
	for _, tt := range tests {
		if got := CheckEmail(tt.in); got != tt.want {
			t.Errorf("CheckEmail(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if len(long) != 255 {
		t.Fatalf("test input has %d bytes, want 255", len(long))
	}
}

func TestNamedEmailAddress(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"User Name <u@x.com>", "u@x.com"},
		{"John Smith <john@acme.kz>", "john@acme.kz"},
		{`"John Smith" <john@acme.kz>`, "john@acme.kz"},
		{`"Smith, John" <john@acme.kz>`, "john@acme.kz"},
		{"John<john@acme.kz>", "john@acme.kz"},
		{"<john@acme.kz>", "john@acme.kz"},
		{" <john@acme.kz> ", "john@acme.kz"},
		{"Иван Петров <иван@пример.рф>", "иван@пример.рф"},
		{"=?utf-8?q?Ivan?= <ivan@acme.kz>", "ivan@acme.kz"},
		{"Ops <OPS@ACME.KZ>", "OPS@ACME.KZ"}, // as typed: the case is the user's

		// nothing to offer
		{"john@acme.kz", ""},            // already bare
		{"John Smith john@acme.kz", ""}, // no brackets: just spaces
		{"", ""},
		{"John <john@acme.kz", ""},                 // unclosed
		{"John john@acme.kz>", ""},                 // no opening bracket
		{"John <>", ""},                            // nothing inside
		{"John <john>", ""},                        // not an address inside
		{"John <john@localhost>", ""},              // inside, but refused itself
		{`John <"j s"@acme.kz>`, ""},               // quoted local part: refused itself
		{"A <a@acme.kz>, B <b@acme.kz>", ""},       // two addresses: which one?
		{"john@acme.kz <john@acme.kz>", ""},        // ParseAddress does not read it
		{"John <john@acme.kz> <jane@acme.kz>", ""}, // two angle-addrs
		{"John <" + strings.Repeat("a", 65) + "@acme.kz>", ""},
	} {
		got := NamedEmailAddress(tt.in)
		if got != tt.want {
			t.Errorf("NamedEmailAddress(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got != "" && (CheckEmail(tt.in) != EmailDisplayName || CheckEmail(got) != EmailOK) {
			t.Errorf("NamedEmailAddress(%q) = %q: offered for the wrong problem or not acceptable", tt.in, got)
		}
	}
}

func FuzzCheckEmail(f *testing.F) {
	for _, s := range []string{"", "a@b.kz", "иван@пример.рф", "John <j@a.kz>", `"x"@a.kz`, "a@[1.2.3.4]", "a@b.xn--p1ai", "a@b..kz",
		"User Name <u@x.com>", `"N" <u@x.com>`, "<u@x.com>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if a := NamedEmailAddress(s); a != "" && (CheckEmail(s) != EmailDisplayName || CheckEmail(a) != EmailOK || !strings.Contains(s, a)) {
			t.Fatalf("NamedEmailAddress(%q) offers %q, which is not the acceptable address inside it", s, a)
		}
		p := CheckEmail(s)
		if p != EmailOK {
			return
		}
		addr, err := mail.ParseAddress(s)
		if err != nil || addr.Name != "" || addr.Address != s {
			t.Fatalf("accepted %q, which ParseAddress reads as %v, %v", s, addr, err)
		}
		if strings.ContainsFunc(s, unicode.IsSpace) || strings.ContainsAny(s, "<>") || len(s) > EmailMaxLength {
			t.Fatalf("accepted %q with spaces, brackets or too long", s)
		}
		at := strings.LastIndexByte(s, '@')
		if at < 1 || at > EmailLocalMaxLength || !validDomain(s[at+1:]) {
			t.Fatalf("accepted %q with a bad local part or domain", s)
		}
		if !strings.Contains(s[at+1:], ".") {
			t.Fatalf("accepted %q without a dot in the domain", s)
		}
	})
}
