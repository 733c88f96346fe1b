package rules

import (
	"net"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestCheckWebsite(t *testing.T) {
	path := "https://acme.kz/" + strings.Repeat("p", WebsiteMaxLength-len("https://acme.kz/"))
	tests := []struct {
		in   string
		want URLProblem
	}{
		{"https://acme.kz", URLOK},
		{"http://acme.kz", URLOK},
		{"https://www.acme-pharma.kz/", URLOK},
		{"HTTPS://ACME.KZ/About", URLOK},
		{"https://acme.kz/ru/about?utm_source=wa#contacts", URLOK},
		{"https://shop.acme.co.uk:8443/path", URLOK},
		{"https://пример.рф/", URLOK},
		{"https://xn--e1afmkfd.xn--p1ai", URLOK},
		{"https://acme.kz/%D0%BE-%D0%BD%D0%B0%D1%81", URLOK},
		{path, URLOK}, // exactly the limit

		{"", URLEmpty},
		{" https://acme.kz", URLSpaces},
		{"https://acme.kz ", URLSpaces},
		{"https://acme.kz/about us", URLSpaces},
		{"https://acme.kz/\t", URLSpaces},
		{path + "p", URLTooLong},
		{"https://acme.kz/<script>", URLSyntax},
		{"https://acme.kz/a\"b", URLSyntax},
		{"https://acme.kz/a\\b", URLSyntax},
		{"https://acme.kz/\x00", URLSyntax},
		{"https://acme.kz/%zz", URLSyntax},
		{"https://acme.kz:99999/", URLSyntax},
		{"https://acme.kz:0/", URLSyntax},
		{"https://acme.kz:abc/", URLSyntax},
		{"acme.kz", URLNoScheme},
		{"www.acme.kz", URLNoScheme},
		{"//acme.kz", URLNoScheme},
		{"https:acme.kz", URLNoScheme},
		{"ftp://acme.kz", URLScheme},
		{"javascript://acme.kz", URLScheme},
		{"mailto:info@acme.kz", URLNoScheme},
		{"https://user:pass@acme.kz", URLCredentials},
		{"https://user@acme.kz", URLCredentials},
		{"https://", URLHost},
		{"https:///path", URLHost},
		{"https://localhost", URLHost},
		{"https://localhost:8080/", URLHost},
		{"https://127.0.0.1/", URLHost},
		{"https://[::1]/", URLHost},
		{"https://192.168.1.10:8080/", URLHost},
		{"https://acme", URLHost},
		{"https://acme.k", URLHost},
		{"https://acme.kz./", URLHost},
		{"https://-acme.kz", URLHost},
		{"https://acme_pharma.kz", URLHost},
		{"https://acme..kz", URLHost},
	}
	for _, tt := range tests {
		if got := CheckWebsite(tt.in); got != tt.want {
			t.Errorf("CheckWebsite(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if utf8.RuneCountInString(path) != WebsiteMaxLength {
		t.Fatalf("test input has %d characters", utf8.RuneCountInString(path))
	}
}

func FuzzCheckWebsite(f *testing.F) {
	for _, s := range []string{"", "https://acme.kz", "http://a.b.kz:80/x?y#z", "https://user@acme.kz", "https://127.0.0.1", "acme.kz", "https://пример.рф/", "https://[::1]:80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if CheckWebsite(s) != URLOK {
			return
		}
		if utf8.RuneCountInString(s) > WebsiteMaxLength || strings.ContainsFunc(s, unicode.IsSpace) {
			t.Fatalf("accepted %q: too long or spaces", s)
		}
		u, err := url.Parse(s)
		if err != nil {
			t.Fatalf("accepted %q, which url.Parse refuses: %v", s, err)
		}
		if sc := strings.ToLower(u.Scheme); sc != "http" && sc != "https" {
			t.Fatalf("accepted %q with scheme %q", s, u.Scheme)
		}
		if u.User != nil || u.Opaque != "" {
			t.Fatalf("accepted %q with credentials or opaque part", s)
		}
		h := u.Hostname()
		if net.ParseIP(h) != nil || !strings.Contains(h, ".") || !validDomain(h) {
			t.Fatalf("accepted %q with host %q", s, h)
		}
	})
}
