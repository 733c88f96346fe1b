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
		"Metallica Fan Shop",      // "meta" inside a word is fine
		"Acme Metadata Tools",     // likewise
		"Acme Tap",                // letters run together into "acmetap": not a word "Meta"
		"Instant Clean",           // not "Instagram"
		"Фармация Acme Казахстан", // Cyrillic, with a region
		"Қазақ Фарм",              // Kazakh letters
		"НИИ Кардиологии",         // Cyrillic acronym
		"شركة أكمي",               // Arabic, RTL, no case
		"東京製薬",                    // CJK, no case
		"Café Crème",
		"BMW Group",
		"NASA Federal Credit Union",
		"Pfizer",
		"3M Kazakhstan",
		"A" + strings.Repeat("a", DisplayNameMaxLength-6) + " Labs",
		"UNICEF", "UNESCO", "NASDAQ", "E*TRADE", "ACMEPHAR", // acronyms up to 8 letters
		"Аптека Плюс", "Ақ Жол",
	} {
		if got := CheckDisplayName(s); len(got) != 0 {
			t.Errorf("CheckDisplayName(%q) = %v, want none", s, got)
		}
	}
}

func TestCheckDisplayNameBad(t *testing.T) {
	tests := []struct {
		in   string
		want NameCheck
	}{
		{"", NameCheck{NameEmpty}},
		{"   ", NameCheck{NameEmpty}},
		{"Ab", NameCheck{NameTooShort}},
		{"A", NameCheck{NameTooShort}},
		{" Ab", NameCheck{NameTooShort, NameSpaces}},
		{"A" + strings.Repeat("a", DisplayNameMaxLength), NameCheck{NameTooLong}},
		{" Acme Pharma", NameCheck{NameSpaces}},
		{"Acme Pharma ", NameCheck{NameSpaces}},
		{"Acme  Pharma", NameCheck{NameSpaces}},
		{"Acme\tPharma", NameCheck{NameInvalidChars}},
		{"Acme\nPharma", NameCheck{NameInvalidChars}},
		{"Acme\u00a0Pharma", NameCheck{NameInvalidChars}}, // no-break space
		{"Acme\u200bPharma", NameCheck{NameInvalidChars}}, // zero-width space
		{"Acme\u202ePharma", NameCheck{NameInvalidChars}}, // right-to-left override
		{"Acme\x00Pharma", NameCheck{NameInvalidChars}},
		{"Acme \xffPharma", NameCheck{NameInvalidChars}},
		{"Acme\ue000 Pharma", NameCheck{NameInvalidChars}}, // private use
		{"Acme Pharma 💊", NameCheck{NameSymbols}},
		{"Acme Pharma™", NameCheck{NameSymbols}},
		{"Acme® Pharma", NameCheck{NameSymbols}},
		{"© Acme Pharma", NameCheck{NameSymbols}},
		{"Acme Pharma℠", NameCheck{NameSymbols}},
		{"Acme Pharma 🇰🇿", NameCheck{NameSymbols}},
		{"Acme ❤️ Pharma", NameCheck{NameSymbols}},
		{"Acme 1️⃣ Pharma", NameCheck{NameSymbols}},
		{"Acme ‼ Pharma", NameCheck{NameSymbols}},
		{"Acme ★ Pharma", NameCheck{NameSymbols}},
		{"12345", NameCheck{NameNoLetters}},
		{"+++", NameCheck{NameNoLetters, NamePunctuation}},
		{"Acme WhatsApp", NameCheck{NameBrand}},
		{"Acme Whats App", NameCheck{NameBrand}},
		{"Acme What's-App Support", NameCheck{NameBrand}},
		{"W h a t s A p p Acme", NameCheck{NameBrand}},
		{"Wh4tsApp Acme", NameCheck{NameBrand}},
		{"Wһatsapp Acme", NameCheck{NameBrand}}, // Cyrillic һ
		{"Acme Facebook Shop", NameCheck{NameBrand}},
		{"Acme Faceb00k", NameCheck{NameBrand}},
		{"Acme Instagram", NameCheck{NameBrand}},
		{"Acme Іnstagram", NameCheck{NameBrand}}, // Cyrillic І
		{"Acme Messenger", NameCheck{NameBrand}},
		{"Acme Messengers", NameCheck{NameBrand}},
		{"Acme Ватсап", NameCheck{NameBrand}},
		{"Инстаграм Acme", NameCheck{NameBrand}},
		{"Meta Acme", NameCheck{NameBrand}},
		{"Acme by meta", NameCheck{NameBrand}},
		{"Acme M E T A", NameCheck{NameBrand}},
		{"Acme M.E.T.A.", NameCheck{NameBrand}},
		{"MetaPharma", NameCheck{NameBrand}},
		{"Acme Мета", NameCheck{NameBrand}}, // Cyrillic
		{"Acme M3ta", NameCheck{NameBrand}},
		{"ＷｈａｔｓＡｐｐ Acme", NameCheck{NameBrand}}, // fullwidth
		{"Acme Official", NameCheck{NameOfficial}},
		{"Official Acme Store", NameCheck{NameOfficial}},
		{"Acme Verified", NameCheck{NameOfficial}},
		{"Acme Officially", NameCheck{NameOfficial}},
		{"Официальный Acme", NameCheck{NameOfficial}},
		{"Acme Ресми", NameCheck{NameOfficial}},
		{"acme.kz", NameCheck{NameURL, NameLowercase}},
		{"Acme.com", NameCheck{NameURL}},
		{"Acme Pharma.kz", NameCheck{NameURL}},
		{"Shop.acme.ru", NameCheck{NameURL}},
		{"Www.acme", NameCheck{NameURL}},
		{"Https://acme", NameCheck{NameURL, NamePunctuation}}, // "//"
		{"Acme (acme.kz)", NameCheck{NameURL}},
		{"Info@acme.kz", NameCheck{NameURL}},
		{"Acme info@acme.pharma", NameCheck{NameURL}},
		{"Аптека.рф", NameCheck{NameURL}},
		{"ACME PHARMA", NameCheck{NameAllCaps}},
		{"PHARMACEUTICALS", NameCheck{NameAllCaps, NameGeneric}},
		{"Acme PHARMACY", NameCheck{NameAllCaps}}, // 8 letters, but a common word
		{"Acme АПТЕКА", NameCheck{NameAllCaps}},
		{"ACME LABS", NameCheck{NameAllCaps}},
		{"ФАРМАЦИЯ Acme", NameCheck{NameAllCaps}},
		{"acme pharma", NameCheck{NameLowercase}},
		{"аптека плюс", NameCheck{NameLowercase}},
		{"Acme Pharma!!", NameCheck{NamePunctuation}},
		{"Acme Pharma??", NameCheck{NamePunctuation}},
		{"Acme Pharma?!", NameCheck{NamePunctuation}},
		{"Acme Pharma...", NameCheck{NamePunctuation}},
		{"Acme Pharma…", NameCheck{NamePunctuation}},
		{"Acme -- Pharma", NameCheck{NamePunctuation}},
		{"!Acme Pharma", NameCheck{NamePunctuation}},
		{"- Acme Pharma", NameCheck{NamePunctuation}},
		{"Acme Pharma,", NameCheck{NamePunctuation}},
		{"Acme & ", NameCheck{NameSpaces, NamePunctuation}},
		{"A.c.m.e. P.h.a.r.m.a", NameCheck{NamePunctuation}},
		{"Acme*Pharma*Best*Price*Now*Here*Yes*Go", NameCheck{NamePunctuation, NameSlogan}},
		{"Pharmacy", NameCheck{NameGeneric}},
		{"Аптека", NameCheck{NameGeneric}},
		{"Аптеки Казахстана", NameCheck{NameGeneric}},
		{"Дәріхана", NameCheck{NameGeneric}},
		{"Medical Center", NameCheck{NameGeneric}},
		{"Astana", NameCheck{NamePlace}},
		{"Северный Казахстан", NameCheck{NamePlace}},
		{"Қазақстан", NameCheck{NamePlace}},
		{"Central Asia", NameCheck{NamePlace}},
		{"Anna Ivanova", NameCheck{NamePerson}},
		{"Sadykova Aigerim", NameCheck{NamePerson}},
		{"Нурлан Серикулы", NameCheck{NamePerson}},
		{"Айгерім Садықова", NameCheck{NamePerson}},
		{"Ivan Petrovich Sidorov", NameCheck{NamePerson}},
		{"Acme №1", NameCheck{NameSlogan}},
		{"Acme #1", NameCheck{NameSlogan}},
		{"Лучшая аптека", NameCheck{NameSlogan}},
		{"Ең жақсы дәріхана", NameCheck{NameSlogan}},
		{"Acme for You", NameCheck{NameSlogan}},
		{"Низкие цены Acme", NameCheck{NameSlogan}},
		// several at once, in the stable order: refusals, then warnings
		{" OFFICIAL WHATSAPP!! 💬 ", NameCheck{NameSymbols, NameBrand, NameOfficial, NameSpaces, NameAllCaps, NamePunctuation}},
		{"Meta.com™", NameCheck{NameSymbols, NameBrand, NameURL}},
		{"www.facebook.com/acme", NameCheck{NameBrand, NameURL, NameLowercase}},
		{"😀😀", NameCheck{NameTooShort, NameSymbols, NameNoLetters}},
	}
	for _, tt := range tests {
		if got := CheckDisplayName(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("CheckDisplayName(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestDisplayNameIssueTable holds every name of the issue ("Display names:
// Meta's guidelines, with Meta's exception") and the guideline examples of
// docs/api-facts.md, with the refusals and warnings each must get.
func TestDisplayNameIssueTable(t *testing.T) {
	tests := []struct {
		in                 string
		refusals, warnings []NameProblem
	}{
		// wrongly refused before: acronyms up to 8 letters, brands written so, long names
		{in: "UNICEF"},
		{in: "UNESCO"},
		{in: "NASDAQ"},
		{in: "E*TRADE"},
		{in: "Booking.com", warnings: []NameProblem{NameURL}},
		{in: "&Other Stories", warnings: []NameProblem{NamePunctuation}},
		{in: "Acme " + strings.Repeat("Pharma ", 12) + "Labs"},                           // 93 characters
		{in: strings.Repeat("Acme ", 24) + "Labs"},                                       // 124 characters
		{in: strings.Repeat("Acme ", 25) + "Labs", refusals: []NameProblem{NameTooLong}}, // 129: over the campaign database's 128
		// wrongly accepted before
		{in: "Acme Messenger", refusals: []NameProblem{NameBrand}},
		{in: "acme pharma", warnings: []NameProblem{NameLowercase}},
		{in: "Medicines for Kazakhstan", warnings: []NameProblem{NameGeneric}},
		{in: "Almaty", warnings: []NameProblem{NamePlace}},
		{in: "Aigerim Sadykova", warnings: []NameProblem{NamePerson}},
		{in: "Best Prices in Almaty", warnings: []NameProblem{NameSlogan}},
		// what Meta never allows
		{in: "Ab", refusals: []NameProblem{NameTooShort}},
		{in: "Acme WhatsApp", refusals: []NameProblem{NameBrand}},
		{in: "Acme Facebook", refusals: []NameProblem{NameBrand}},
		{in: "Acme Instagram", refusals: []NameProblem{NameBrand}},
		{in: "Official Acme", refusals: []NameProblem{NameOfficial}},
		{in: "Acme Verified", refusals: []NameProblem{NameOfficial}},
		{in: "Acme 💊", refusals: []NameProblem{NameSymbols}},
		{in: "Acme™", refusals: []NameProblem{NameSymbols}},
		{in: "Acme\u200bPharma", refusals: []NameProblem{NameInvalidChars}},
		// the guidelines' formatting rules: warnings, for brands written so
		{in: "ACME PHARMA", warnings: []NameProblem{NameAllCaps}},
		{in: "Acme  Pharma", warnings: []NameProblem{NameSpaces}},
		{in: "Acme Pharma!!", warnings: []NameProblem{NamePunctuation}},
		{in: "Acme.kz", warnings: []NameProblem{NameURL}},
		// allowed: test names, region or department suffixes, "Brand by Company"
		{in: "Test Number"},
		{in: "Acme Test"},
		{in: "Test Pharmacy"},
		{in: "Тест Аптека"},
		{in: "Acme Kazakhstan"},
		{in: "Acme Almaty"},
		{in: "Acme Pharma Central Asia"},
		{in: "Acme Казахстан"},
		{in: "Acme Support"},
		{in: "Acme HR"},
		{in: "Acme Доставка"},
		{in: "Fresh Juices by ABC Foods"},
		{in: "Acme Care by Acme Pharma"},
	}
	for _, tt := range tests {
		got := CheckDisplayName(tt.in)
		if r, w := got.Refusals(), got.Warnings(); !slices.Equal(r, tt.refusals) || !slices.Equal(w, tt.warnings) {
			t.Errorf("CheckDisplayName(%q): refusals %v, warnings %v; want %v, %v", tt.in, r, w, tt.refusals, tt.warnings)
		}
		if got.Refused() != (len(tt.refusals) > 0) {
			t.Errorf("CheckDisplayName(%q).Refused() = %v", tt.in, got.Refused())
		}
	}
}

var nameOrder = []NameProblem{
	NameEmpty, NameTooShort, NameTooLong, NameInvalidChars, NameSymbols, NameBrand, NameOfficial,
	NameSpaces, NameNoLetters, NameURL, NameAllCaps, NameLowercase, NamePunctuation,
	NameGeneric, NamePlace, NamePerson, NameSlogan,
}

func FuzzCheckDisplayName(f *testing.F) {
	for _, s := range []string{"", "Acme Pharma", "Dr. Reddy's", "IBM", "Whats App", "M E T A", "acme.kz", "ACME LABS",
		"Acme!!", "💊™", "\xff", "ǅungla", "Ａｃｍｅ", "UNICEF", "Booking.com", "&Other Stories", "Acme Messenger",
		"Medicines for Kazakhstan", "Almaty", "Aigerim Sadykova", "Best Prices in Almaty", "Аптека №1", "Ең жақсы"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := CheckDisplayName(s)
		// stable order (refusals first), no duplicates, only known kinds
		last := -1
		for _, p := range got {
			i := slices.Index(nameOrder, p)
			if i < 0 || i <= last {
				t.Fatalf("CheckDisplayName(%q) = %v: unknown or out of order", s, got)
			}
			last = i
		}
		if r, w := got.Refusals(), got.Warnings(); len(r)+len(w) != len(got) || !slices.Equal(append(r, w...), got) {
			t.Fatalf("CheckDisplayName(%q) = %v: refusals %v and warnings %v do not split it", s, got, r, w)
		}
		if slices.Contains(got, NameEmpty) && len(got) != 1 {
			t.Fatalf("NameEmpty with others: %v", got)
		}
		if got.Refused() {
			return
		}
		// a name that may be sent (perhaps once the user confirmed its warnings)
		// has the properties Meta never waives
		trimmed := strings.TrimSpace(s)
		n := utf8.RuneCountInString(trimmed)
		if !utf8.ValidString(s) || n < DisplayNameMinLength || n > DisplayNameMaxLength {
			t.Fatalf("accepted %q of %d runes", s, n)
		}
		lower := strings.ToLower(s)
		for _, bad := range []string{"whatsapp", "facebook", "instagram", "official", "verified", "™", "®", "©"} {
			if strings.Contains(lower, bad) {
				t.Fatalf("accepted %q containing %q", s, bad)
			}
		}
		if strings.ContainsFunc(s, func(r rune) bool {
			return (unicode.In(r, unicode.So, unicode.Cc, unicode.Cf) && r != '№') || (unicode.IsSpace(r) && r != ' ')
		}) {
			t.Fatalf("accepted %q with a symbol, a control character or odd white space", s)
		}
		if len(got) > 0 {
			return
		}
		// a name without warnings has the formatting the guidelines ask for
		if s != trimmed || strings.Contains(s, "  ") || !strings.ContainsFunc(s, unicode.IsLetter) {
			t.Fatalf("no warning for %q with bad spaces or no letter", s)
		}
		for _, bad := range []string{"://", "www.", "!!", "..", "…"} {
			if strings.Contains(lower, bad) {
				t.Fatalf("no warning for %q containing %q", s, bad)
			}
		}
	})
}
