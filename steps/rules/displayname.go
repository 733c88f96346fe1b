package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// DisplayNameMinLength is Meta's published minimum, in characters (runes after NFC,
// leading and trailing spaces not counted).
const DisplayNameMinLength = 3

// DisplayNameMaxLength is the upper bound, in characters. Meta publishes none
// (api-facts.md; a BSP documents 1–255 for its API); the name is also the alpha
// name saved in the campaign database, which stores at most 128
// (assets/contract/ocm.md), so a longer one would be refused at the last step.
const DisplayNameMaxLength = 128

// DisplayNameAcronymMaxLetters is the longest all-caps word still taken for an
// acronym ("IBM", "UNICEF", "NASDAQ" pass), unless it is a common word of the
// generic-word lists ("PHARMACY", "АПТЕКА"). See NameAllCaps.
const DisplayNameAcronymMaxLetters = 8

// DisplayNameMaxPunctuation is how many punctuation marks (and math or currency
// signs) a name may hold in all ("Dr. Reddy's Co., Ltd." has 4).
const DisplayNameMaxPunctuation = 6

// NameProblem is one reason a display name may be declined. Some Meta never
// allows (Refused); the others are warnings: Meta's formatting rules do not apply
// "if a business already brands this way", and the content rules (generic word,
// place, person, slogan) are guessed from small word lists, so the user may
// confirm that the brand really is written so.
type NameProblem string

// The display-name problems, in the order CheckDisplayName reports them:
// the refusals first, then the warnings.
const (
	// NameEmpty: nothing typed (reported alone). Refused.
	NameEmpty NameProblem = "name_empty"
	// NameTooShort: fewer than DisplayNameMinLength characters. Refused.
	NameTooShort NameProblem = "name_too_short"
	// NameTooLong: more than DisplayNameMaxLength characters. Refused.
	NameTooLong NameProblem = "name_too_long"
	// NameInvalidChars: invisible or control characters (zero-width and direction
	// marks, private-use or unassigned code points, broken UTF-8), and white space
	// other than the plain space (tabs, new lines, no-break spaces). Refused.
	NameInvalidChars NameProblem = "name_invalid_chars"
	// NameSymbols: emoji, ™ ® © ℠ and other pictographic or modifier symbols. Refused.
	NameSymbols NameProblem = "name_symbols"
	// NameBrand: refers to Meta or its products WhatsApp, Facebook, Messenger,
	// Instagram, also spelt with spaces or punctuation between the letters,
	// look-alike letters or digits ("Whats App", "F4cebook", "M.E.T.A"), or in
	// Cyrillic ("Ватсап"). "Meta" and "Messenger" only count as words. Refused.
	NameBrand NameProblem = "name_brand"
	// NameOfficial: the words "official" or "verified" (also Russian "официальн…",
	// "верифицир…" and Kazakh "ресми"). Refused.
	NameOfficial NameProblem = "name_official"

	// NameSpaces: two spaces in a row, or spaces at the ends. Warning
	// (consistent spacing, a formatting rule).
	NameSpaces NameProblem = "name_spaces"
	// NameNoLetters: no letter at all ("12345", "+++"). Warning.
	NameNoLetters NameProblem = "name_no_letters"
	// NameURL: shaped like a web address or an e-mail address ("://", "www.",
	// "x@y.kz", or a word such as "acme.kz" ending in a known top-level domain).
	// Warning: brands such as Booking.com are written so.
	NameURL NameProblem = "name_url"
	// NameAllCaps: written in capitals beyond acronyms: a word of more than
	// DisplayNameAcronymMaxLetters capital letters with no lowercase one
	// ("PHARMACEUTICALS"), a word of the generic-word lists in capitals
	// ("PHARMACY"), or two or more all-caps words of four or more letters
	// ("ACME LABS"). Warning.
	NameAllCaps NameProblem = "name_all_caps"
	// NameLowercase: letters of a script with capitals, none of them capital
	// ("acme pharma"): not grammatical capitalisation. Warning ("adidas").
	NameLowercase NameProblem = "name_lowercase"
	// NamePunctuation: excess punctuation: the same mark twice in a row ("!!",
	// "..", "--"), "?!" pairs, "…", more than DisplayNameMaxPunctuation marks, or a
	// name starting with a mark (other than an opening quote or bracket) or ending
	// with a separator (, ; : - / & +). Warning ("&Other Stories").
	NamePunctuation NameProblem = "name_punctuation"
	// NameGeneric: only generic words ("Medicines for Kazakhstan", "Аптека"),
	// perhaps with places; see displayname_words.go. Warning.
	NameGeneric NameProblem = "name_generic"
	// NamePlace: only a place ("Almaty", "Северный Казахстан"). Warning.
	NamePlace NameProblem = "name_place"
	// NamePerson: looks like a person's full name: two or three words, one a
	// common first name, another shaped like a surname or patronymic
	// ("Aigerim Sadykova", "Нурлан Серикулы"). Warning.
	NamePerson NameProblem = "name_person"
	// NameSlogan: slogan shapes ("Best Prices in Almaty", "№1", "лучший",
	// "ең жақсы"). Warning.
	NameSlogan NameProblem = "name_slogan"
)

// Refused reports whether Meta never allows a name with problem p (no brand
// exception applies); otherwise p is a warning the user may confirm.
func (p NameProblem) Refused() bool {
	switch p {
	case NameEmpty, NameTooShort, NameTooLong, NameInvalidChars, NameSymbols, NameBrand, NameOfficial:
		return true
	}
	return false
}

// NameCheck is every problem CheckDisplayName found, refusals first, in the
// order of the constants; empty means none. It is a slice so that len() counts
// them all; Refusals and Warnings give the two kinds apart.
type NameCheck []NameProblem

// Refusals are the problems Meta never allows: the name cannot be used.
func (c NameCheck) Refusals() []NameProblem { return c.filter(true) }

// Warnings are the problems the user may confirm ("our brand is written this way").
func (c NameCheck) Warnings() []NameProblem { return c.filter(false) }

// Refused reports whether c holds a refusal.
func (c NameCheck) Refused() bool { return len(c.Refusals()) > 0 }

func (c NameCheck) filter(refused bool) []NameProblem {
	var out []NameProblem
	for _, p := range c {
		if p.Refused() == refused {
			out = append(out, p)
		}
	}
	return out
}

// CheckDisplayName checks a display name ("alpha name") against Meta's
// display-name guidelines as far as they can be checked mechanically and returns
// the refusals and the warnings it finds (see NameCheck). The content checks
// (generic word, place, person, slogan) are heuristics from small word lists in
// English, Russian and Kazakh (displayname_words.go): they only ever warn. Test
// names ("Acme Test"), region or department suffixes ("Acme Almaty", "Acme
// Support") and "Brand by Company" pass. It cannot judge consistency with the
// brand's website and logo: the UI asks the user to check that.
func CheckDisplayName(s string) NameCheck {
	if s == "" {
		return NameCheck{NameEmpty}
	}
	var out NameCheck
	add := func(p NameProblem, bad bool) {
		if bad {
			out = append(out, p)
		}
	}
	valid := utf8.ValidString(s)
	if valid {
		s = norm.NFC.String(s)
	}
	trimmed := strings.TrimSpace(s)
	if trimmed == "" {
		return NameCheck{NameEmpty}
	}
	n := utf8.RuneCountInString(trimmed)
	add(NameTooShort, n < DisplayNameMinLength)
	add(NameTooLong, n > DisplayNameMaxLength)
	add(NameInvalidChars, !valid || strings.ContainsFunc(s, invisibleRune))
	add(NameSymbols, strings.ContainsFunc(s, symbolRune))
	add(NameBrand, mentionsBrand(s))
	add(NameOfficial, claimsOfficial(s))

	words := nameWords(trimmed)
	add(NameSpaces, badSpaces(s))
	add(NameNoLetters, !strings.ContainsFunc(s, unicode.IsLetter))
	add(NameURL, looksLikeURL(s))
	add(NameAllCaps, shouts(s))
	add(NameLowercase, noCapitals(s))
	add(NamePunctuation, excessPunctuation(trimmed))
	c := classifyWords(words)
	add(NameGeneric, c == wordsGeneric)
	add(NamePlace, c == wordsPlace)
	add(NamePerson, personName(words))
	add(NameSlogan, slogan(trimmed, words))
	return out
}

// badSpaces: plain spaces at the ends or two in a row (other white space is
// NameInvalidChars).
func badSpaces(s string) bool {
	return s != strings.Trim(s, " ") || strings.Contains(s, "  ")
}

// invisibleRune: control, format, surrogate, private-use and unassigned code points,
// line/paragraph separators, and white space other than the plain space.
func invisibleRune(r rune) bool {
	if r == ' ' {
		return false
	}
	if unicode.IsSpace(r) {
		return true
	}
	if r == utf8.RuneError {
		return true
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Cs, unicode.Co, unicode.Zl, unicode.Zp) ||
		!unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z)
}

// symbolRune: "other" and modifier symbols (emoji, ™ ® © ℠, skin-tone modifiers,
// flags), enclosing marks (keycaps), variation selectors and the two emoji that
// Unicode files as punctuation (‼ ⁉); not the numero sign №.
func symbolRune(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return false // broken UTF-8 (or U+FFFD itself) is NameInvalidChars
	case r == '№':
		return false // the numero sign is ordinary Russian and Kazakh typography
	case unicode.In(r, unicode.So, unicode.Sk, unicode.Me):
		return true
	case r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF: // variation selectors
		return true
	case r == 0x203C || r == 0x2049:
		return true
	}
	return false
}

// foldName decomposes s (NFKD: fullwidth and styled letters become plain ones),
// drops combining marks and lower-cases it.
func foldName(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// lookAlikes maps Cyrillic and Greek letters, digits and signs that people use to
// disguise Latin letters, after foldName.
var lookAlikes = map[rune]rune{
	'а': 'a', 'в': 'b', 'е': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p',
	'с': 'c', 'т': 't', 'у': 'y', 'х': 'x', 'і': 'i', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd',
	'һ': 'h', 'ԛ': 'q', 'ԝ': 'w', 'ɑ': 'a', 'ı': 'i',
	'α': 'a', 'β': 'b', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p',
	'τ': 't', 'υ': 'u', 'χ': 'x',
	'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's',
}

func unLookAlike(s string) string {
	return strings.Map(func(r rune) rune {
		if l, ok := lookAlikes[r]; ok {
			return l
		}
		return r
	}, s)
}

// nameWords splits s into words: runs of letters and digits, also split where a
// lowercase letter is followed by an uppercase one ("MetaPharma" → Meta, Pharma),
// then folded with foldName.
func nameWords(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, foldName(string(cur)))
			cur = cur[:0]
		}
	}
	var prev rune
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if unicode.IsUpper(r) && unicode.IsLower(prev) {
				flush()
			}
			cur = append(cur, r)
		default:
			flush()
		}
		prev = r
	}
	flush()
	return words
}

// brandsAnywhere are matched in the letters of the name with everything else
// removed; they are long enough not to occur inside ordinary words.
var brandsAnywhere = []string{"whatsapp", "facebook", "instagram"}

// brandsCyrillic are the same products as people write them in Cyrillic, folded
// (foldName turns "й" into "и").
var brandsCyrillic = foldAll("ватсап", "вотсап", "уатсап", "вацап", "фейсбук", "фэйсбук", "инстаграм")

func mentionsBrand(s string) bool {
	folded := unLookAlike(foldName(s))
	letters := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return r
		}
		return -1
	}, folded)
	for _, b := range brandsAnywhere {
		if strings.Contains(letters, b) {
			return true
		}
	}
	cyrillic := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return r
		}
		return -1
	}, foldName(s))
	for _, b := range brandsCyrillic {
		if strings.Contains(cyrillic, b) {
			return true
		}
	}
	// "Meta" only as a word of its own, or spelt out in single letters ("M E T A");
	// "Messenger" as a word ("Messengers" too).
	var spelt strings.Builder
	for _, w := range nameWords(unLookAlike(s)) {
		w = unLookAlike(w)
		if w == "meta" || w == "messenger" || w == "messengers" {
			return true
		}
		if utf8.RuneCountInString(w) == 1 {
			spelt.WriteString(w)
			continue
		}
		if strings.Contains(spelt.String(), "meta") {
			return true
		}
		spelt.Reset()
	}
	return strings.Contains(spelt.String(), "meta")
}

var officialPrefixes = []string{"official", "verified", "официальн", "верифицир", "ресми"}

func claimsOfficial(s string) bool {
	words := nameWords(s)
	for _, w := range nameWords(unLookAlike(s)) {
		words = append(words, unLookAlike(w))
	}
	for _, w := range words {
		for _, p := range officialPrefixes {
			if strings.HasPrefix(w, p) {
				return true
			}
		}
	}
	return false
}

// nameTLDs are the top-level domains that make "word.tld" read as a web address:
// the generic ones people meet every day and the country codes of the region and
// of large markets. Unknown endings ("St.Petersburg", "J.P.Morgan") are let through.
var nameTLDs = map[string]bool{
	"com": true, "net": true, "org": true, "info": true, "biz": true, "io": true, "co": true,
	"ai": true, "app": true, "dev": true, "online": true, "site": true, "shop": true,
	"store": true, "tech": true, "me": true, "tv": true, "pro": true, "club": true,
	"xyz": true, "top": true, "mobi": true, "edu": true, "gov": true, "eu": true,
	"asia": true, "health": true, "clinic": true, "pharmacy": true, "med": true,
	"kz": true, "ru": true, "uz": true, "kg": true, "tj": true, "tm": true, "by": true,
	"ua": true, "am": true, "az": true, "ge": true, "md": true, "su": true, "lt": true,
	"lv": true, "ee": true, "pl": true, "de": true, "uk": true, "us": true, "ca": true,
	"fr": true, "it": true, "es": true, "pt": true, "nl": true, "be": true, "ch": true,
	"at": true, "cz": true, "tr": true, "ae": true, "in": true, "cn": true, "jp": true,
	"kr": true, "au": true, "br": true, "mx": true, "рф": true, "қаз": true,
}

func looksLikeURL(s string) bool {
	lower := strings.ToLower(s)
	if strings.Contains(lower, "://") || strings.Contains(lower, "www.") {
		return true
	}
	for _, tok := range strings.Fields(lower) {
		tok = strings.TrimFunc(tok, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if i := strings.LastIndexByte(tok, '@'); i >= 0 {
			if domainShaped(tok[i+1:], false) {
				return true
			}
			tok = tok[i+1:]
		}
		if domainShaped(tok, true) {
			return true
		}
	}
	return false
}

// domainShaped: labels of letters, digits and hyphens joined by dots, at least two;
// with knownTLD the last one must be in nameTLDs (or punycode), otherwise any
// alphabetic ending of two or more letters will do.
func domainShaped(tok string, knownTLD bool) bool {
	labels := strings.Split(tok, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.ContainsFunc(l, func(r rune) bool {
			return r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			return false
		}
	}
	tld := labels[len(labels)-1]
	if strings.HasPrefix(tld, "xn--") {
		return true
	}
	if knownTLD {
		return nameTLDs[tld]
	}
	return validTLD(tld)
}

func shouts(s string) bool {
	long := 0
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("-‐–—/&+_", r)
	}) {
		upper, lower := 0, 0
		for _, r := range w {
			switch {
			case unicode.IsUpper(r) || unicode.IsTitle(r):
				upper++
			case unicode.IsLower(r):
				lower++
			}
		}
		if lower > 0 || upper < 2 {
			continue
		}
		if upper > DisplayNameAcronymMaxLetters || genericWord(foldName(w)) {
			return true
		}
		if upper >= 4 {
			long++
		}
	}
	return long >= 2
}

// noCapitals: the name has letters of a script with capitals (they change with
// unicode.ToUpper) and none of them is a capital or title-case letter.
func noCapitals(s string) bool {
	cased := false
	for _, r := range s {
		switch {
		case unicode.IsUpper(r) || unicode.IsTitle(r):
			return false
		case unicode.IsLower(r) && unicode.ToUpper(r) != r:
			cased = true
		}
	}
	return cased
}

func punctRune(r rune) bool {
	return unicode.IsPunct(r) || unicode.In(r, unicode.Sm, unicode.Sc)
}

func excessPunctuation(s string) bool {
	if s == "" {
		return false
	}
	if strings.ContainsRune(s, '…') {
		return true
	}
	first, _ := utf8.DecodeRuneInString(s)
	if punctRune(first) && !strings.ContainsRune("\"'([«„“‘¡¿", first) {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	if strings.ContainsRune(",;:-‐–—/&+", last) {
		return true
	}
	count := 0
	var prev rune
	for _, r := range s {
		if punctRune(r) {
			count++
			if r == prev || (strings.ContainsRune("!?", r) && strings.ContainsRune("!?", prev)) {
				return true
			}
		}
		prev = r
	}
	return count > DisplayNameMaxPunctuation
}
