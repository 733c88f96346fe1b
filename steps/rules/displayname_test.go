package rules

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestCheckDisplayNameGood(t *testing.T) {
	for _, s := range []string{
		"Acme Pharma",
		"Bayer KZ",
		"IBM",
		"Dr. Reddy's",
		"Dr. Reddy's Laboratories (KZ)",
		"KT Sir",
		"Lil'Cupcakes",
		"Johnson & Johnson",
		"AstraZeneca Kazakhstan",
		"Sanofi-Aventis",
		"L.L.Bean, Inc.",
		"St.Petersburg Clinic", // not a domain: unknown ending
		"J.P. Morgan",
		"Yahoo!",
		"Fresh Produce Cold Pressed Juices by ABC Foods",
		"Metallica Fan Shop",  // "meta" inside a word is fine
		"Acme Metadata Tools", // likewise
		"Acme Tap",            // letters run together into "acmetap": not a word "Meta"
		"Instant Clean",       // not "Instagram"
		"Фармация Казахстана", // Cyrillic
		"Қазақ Фарм",          // Kazakh letters
		"НИИ Кардиологии",     // Cyrillic acronym
		"شركة أكمي",           // Arabic, RTL, no case
		"東京製薬",                // CJK, no case
		"Café Crème",
		"BMW Group",
		"NASA Federal Credit Union",
		"Pfizer",
		"3M Kazakhstan",
		strings.Repeat("a", DisplayNameMaxLength-5) + " Labs",
	} {
		if got := CheckDisplayName(s); len(got) != 0 {
			t.Errorf("CheckDisplayName(%q) = %v, want none", s, got)
		}
	}
}

func TestCheckDisplayNameBad(t *testing.T) {
	tests := []struct {
		in   string
		want []NameProblem
	}{
		{"", []NameProblem{NameEmpty}},
		{"   ", []NameProblem{NameEmpty}},
		{"Ab", []NameProblem{NameTooShort}},
		{"A", []NameProblem{NameTooShort}},
		{" Ab", []NameProblem{NameTooShort, NameSpaces}},
		{strings.Repeat("Acme ", 16) + "Labs", []NameProblem{NameTooLong}},
		{" Acme Pharma", []NameProblem{NameSpaces}},
		{"Acme Pharma ", []NameProblem{NameSpaces}},
		{"Acme  Pharma", []NameProblem{NameSpaces}},
		{"Acme\tPharma", []NameProblem{NameSpaces}},
		{"Acme\nPharma", []NameProblem{NameSpaces}},
		{"Acme\u00a0Pharma", []NameProblem{NameSpaces}},
		{"Acme\u200bPharma", []NameProblem{NameInvalidChars}}, // zero-width space
		{"Acme\u202ePharma", []NameProblem{NameInvalidChars}}, // right-to-left override
		{"Acme\x00Pharma", []NameProblem{NameInvalidChars}},
		{"Acme \xffPharma", []NameProblem{NameInvalidChars}},
		{"Acme\ue000 Pharma", []NameProblem{NameInvalidChars}}, // private use
		{"Acme Pharma 💊", []NameProblem{NameSymbols}},
		{"Acme Pharma™", []NameProblem{NameSymbols}},
		{"Acme® Pharma", []NameProblem{NameSymbols}},
		{"© Acme Pharma", []NameProblem{NameSymbols}},
		{"Acme Pharma℠", []NameProblem{NameSymbols}},
		{"Acme Pharma 🇰🇿", []NameProblem{NameSymbols}},
		{"Acme ❤️ Pharma", []NameProblem{NameSymbols}},
		{"Acme 1️⃣ Pharma", []NameProblem{NameSymbols}},
		{"Acme ‼ Pharma", []NameProblem{NameSymbols}},
		{"Acme ★ Pharma", []NameProblem{NameSymbols}},
		{"12345", []NameProblem{NameNoLetters}},
		{"+++", []NameProblem{NameNoLetters, NamePunctuation}},
		{"Acme WhatsApp", []NameProblem{NameBrand}},
		{"Acme Whats App", []NameProblem{NameBrand}},
		{"Acme What's-App Support", []NameProblem{NameBrand}},
		{"W h a t s A p p Acme", []NameProblem{NameBrand}},
		{"Wh4tsApp Acme", []NameProblem{NameBrand}},
		{"Wһatsapp Acme", []NameProblem{NameBrand}}, // Cyrillic һ
		{"Acme Facebook Shop", []NameProblem{NameBrand}},
		{"Acme Faceb00k", []NameProblem{NameBrand}},
		{"Acme Instagram", []NameProblem{NameBrand}},
		{"Acme Іnstagram", []NameProblem{NameBrand}}, // Cyrillic І
		{"Meta Acme", []NameProblem{NameBrand}},
		{"Acme by meta", []NameProblem{NameBrand}},
		{"Acme M E T A", []NameProblem{NameBrand}},
		{"Acme M.E.T.A.", []NameProblem{NameBrand}},
		{"MetaPharma", []NameProblem{NameBrand}},
		{"Acme Мета", []NameProblem{NameBrand}}, // Cyrillic
		{"Acme M3ta", []NameProblem{NameBrand}},
		{"ＷｈａｔｓＡｐｐ Acme", []NameProblem{NameBrand}}, // fullwidth
		{"Acme Official", []NameProblem{NameOfficial}},
		{"Official Acme Store", []NameProblem{NameOfficial}},
		{"Acme Verified", []NameProblem{NameOfficial}},
		{"Acme Officially", []NameProblem{NameOfficial}},
		{"Официальный Acme", []NameProblem{NameOfficial}},
		{"Acme Ресми", []NameProblem{NameOfficial}},
		{"acme.kz", []NameProblem{NameURL}},
		{"Acme.com", []NameProblem{NameURL}},
		{"Acme Pharma.kz", []NameProblem{NameURL}},
		{"shop.acme.ru", []NameProblem{NameURL}},
		{"www.acme", []NameProblem{NameURL}},
		{"https://acme", []NameProblem{NameURL, NamePunctuation}}, // "//"
		{"Acme (acme.kz)", []NameProblem{NameURL}},
		{"info@acme.kz", []NameProblem{NameURL}},
		{"Acme info@acme.pharma", []NameProblem{NameURL}},
		{"Аптека.рф", []NameProblem{NameURL}},
		{"ACME PHARMA", []NameProblem{NameAllCaps}},
		{"PHARMACEUTICALS", []NameProblem{NameAllCaps}},
		{"Acme PHARMACY", []NameProblem{NameAllCaps}},
		{"ACME LABS", []NameProblem{NameAllCaps}},
		{"ФАРМАЦИЯ Казахстана", []NameProblem{NameAllCaps}},
		{"Acme Pharma!!", []NameProblem{NamePunctuation}},
		{"Acme Pharma??", []NameProblem{NamePunctuation}},
		{"Acme Pharma?!", []NameProblem{NamePunctuation}},
		{"Acme Pharma...", []NameProblem{NamePunctuation}},
		{"Acme Pharma…", []NameProblem{NamePunctuation}},
		{"Acme -- Pharma", []NameProblem{NamePunctuation}},
		{"!Acme Pharma", []NameProblem{NamePunctuation}},
		{"- Acme Pharma", []NameProblem{NamePunctuation}},
		{"Acme Pharma,", []NameProblem{NamePunctuation}},
		{"Acme & ", []NameProblem{NameSpaces, NamePunctuation}},
		{"A.c.m.e. P.h.a.r.m.a", []NameProblem{NamePunctuation}},
		{"Acme*Pharma*Best*Price*Now*Here*Yes*Go", []NameProblem{NamePunctuation}},
		// several at once, in the stable order
		{" OFFICIAL WHATSAPP!! 💬 ", []NameProblem{NameSpaces, NameSymbols, NameBrand, NameOfficial, NameAllCaps, NamePunctuation}},
		{"Meta.com™", []NameProblem{NameSymbols, NameBrand, NameURL}},
		{"www.facebook.com/acme", []NameProblem{NameBrand, NameURL}},
		{"😀😀", []NameProblem{NameTooShort, NameSymbols, NameNoLetters}},
	}
	for _, tt := range tests {
		if got := CheckDisplayName(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("CheckDisplayName(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

var nameOrder = []NameProblem{
	NameEmpty, NameTooShort, NameTooLong, NameSpaces, NameInvalidChars, NameSymbols, NameNoLetters,
	NameBrand, NameOfficial, NameURL, NameAllCaps, NamePunctuation,
}

func FuzzCheckDisplayName(f *testing.F) {
	for _, s := range []string{"", "Acme Pharma", "Dr. Reddy's", "IBM", "Whats App", "M E T A", "acme.kz", "ACME LABS", "Acme!!", "💊™", "\xff", "ǅungla", "Ａｃｍｅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := CheckDisplayName(s)
		// stable order, no duplicates, only known kinds
		last := -1
		for _, p := range got {
			i := slices.Index(nameOrder, p)
			if i < 0 || i <= last {
				t.Fatalf("CheckDisplayName(%q) = %v: unknown or out of order", s, got)
			}
			last = i
		}
		if slices.Contains(got, NameEmpty) && len(got) != 1 {
			t.Fatalf("NameEmpty with others: %v", got)
		}
		if len(got) > 0 {
			return
		}
		// an accepted name has the documented properties
		n := utf8.RuneCountInString(s)
		if !utf8.ValidString(s) || n < DisplayNameMinLength || n > DisplayNameMaxLength {
			t.Fatalf("accepted %q of %d runes", s, n)
		}
		if s != strings.TrimSpace(s) || strings.Contains(s, "  ") || !strings.ContainsFunc(s, unicode.IsLetter) {
			t.Fatalf("accepted %q with bad spaces or no letter", s)
		}
		lower := strings.ToLower(s)
		for _, bad := range []string{"whatsapp", "facebook", "instagram", "official", "verified", "://", "www.", "™", "®", "©", "!!", "..", "…"} {
			if strings.Contains(lower, bad) {
				t.Fatalf("accepted %q containing %q", s, bad)
			}
		}
		if strings.ContainsFunc(s, func(r rune) bool { return unicode.In(r, unicode.So, unicode.Cc, unicode.Cf) }) {
			t.Fatalf("accepted %q with a symbol or control character", s)
		}
	})
}
