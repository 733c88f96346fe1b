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

// DisplayNameMaxLength is the wizard's own upper bound, in characters. Meta does
// not publish one (api-facts.md: unconfirmed); a BSP documents 1–255 for its API.
// The guidelines refuse slogans and long descriptions, chat headers cut long names
// short, and real brand names, even "Brand by Company" forms, fit well within 75,
// so 75 keeps every plausible name while stopping pasted sentences.
const DisplayNameMaxLength = 75

// DisplayNameAcronymMaxLetters is the longest all-caps word still taken for an
// acronym ("IBM", "NASA", "BAYER" pass; "PHARMA" does not). See NameAllCaps.
const DisplayNameAcronymMaxLetters = 5

// DisplayNameMaxPunctuation is how many punctuation marks (and math or currency
// signs) a name may hold in all ("Dr. Reddy's Co., Ltd." has 4).
const DisplayNameMaxPunctuation = 6

// NameProblem is one reason a display name would be declined.
type NameProblem string

// The display-name problems, in the order CheckDisplayName reports them.
const (
	// NameEmpty: nothing typed (reported alone).
	NameEmpty NameProblem = "name_empty"
	// NameTooShort: fewer than DisplayNameMinLength characters.
	NameTooShort NameProblem = "name_too_short"
	// NameTooLong: more than DisplayNameMaxLength characters.
	NameTooLong NameProblem = "name_too_long"
	// NameSpaces: leading or trailing white space, two spaces in a row, or white
	// space other than the plain space (tabs, new lines, no-break spaces).
	NameSpaces NameProblem = "name_spaces"
	// NameInvalidChars: invisible or control characters (zero-width and direction
	// marks, private-use or unassigned code points, broken UTF-8).
	NameInvalidChars NameProblem = "name_invalid_chars"
	// NameSymbols: emoji, ™ ® © ℠ and other pictographic or modifier symbols.
	NameSymbols NameProblem = "name_symbols"
	// NameNoLetters: no letter at all ("123", "+++").
	NameNoLetters NameProblem = "name_no_letters"
	// NameBrand: refers to WhatsApp, Meta, Facebook or Instagram, also spelt with
	// spaces or punctuation between the letters, look-alike letters or digits
	// ("Whats App", "F4cebook", "M.E.T.A"). "Meta" only counts as a whole word.
	NameBrand NameProblem = "name_brand"
	// NameOfficial: the words "official" or "verified" (also Russian "официальн…",
	// "верифицир…" and Kazakh "ресми").
	NameOfficial NameProblem = "name_official"
	// NameURL: shaped like a web address or an e-mail address ("://", "www.",
	// "x@y.kz", or a word such as "acme.kz" ending in a known top-level domain).
	NameURL NameProblem = "name_url"
	// NameAllCaps: written in capitals beyond acronyms: a word of more than
	// DisplayNameAcronymMaxLetters capital letters with no lowercase one
	// ("PHARMA"), or two or more all-caps words of four or more letters
	// ("ACME LABS"). Words of two to five capitals are acronyms ("IBM", "Bayer KZ").
	NameAllCaps NameProblem = "name_all_caps"
	// NamePunctuation: excess punctuation: the same mark twice in a row ("!!",
	// "..", "--"), "?!" pairs, "…", more than DisplayNameMaxPunctuation marks, or a
	// name starting with a mark (other than an opening quote or bracket) or ending
	// with a separator (, ; : - / & +).
	NamePunctuation NameProblem = "name_punctuation"
)

// CheckDisplayName returns every problem it finds in a display name ("alpha name")
// according to Meta's display-name guidelines as far as they can be checked
// mechanically, in the order of the constants above; nil means none was found.
// It cannot judge the rules that need knowledge of the business (a person's name,
// a generic word or place alone, a slogan, consistency with the brand's website):
// the UI asks the user to check those.
func CheckDisplayName(s string) []NameProblem {
	if s == "" {
		return []NameProblem{NameEmpty}
	}
	var out []NameProblem
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
		return []NameProblem{NameEmpty}
	}
	n := utf8.RuneCountInString(trimmed)
	add(NameTooShort, n < DisplayNameMinLength)
	add(NameTooLong, n > DisplayNameMaxLength)
	add(NameSpaces, badSpaces(s))
	add(NameInvalidChars, !valid || strings.ContainsFunc(s, invisibleRune))
	add(NameSymbols, strings.ContainsFunc(s, symbolRune))
	add(NameNoLetters, !strings.ContainsFunc(s, unicode.IsLetter))
	add(NameBrand, mentionsBrand(s))
	add(NameOfficial, claimsOfficial(s))
	add(NameURL, looksLikeURL(s))
	add(NameAllCaps, shouts(s))
	add(NamePunctuation, excessPunctuation(trimmed))
	return out
}

func badSpaces(s string) bool {
	if s != strings.TrimSpace(s) || strings.Contains(s, "  ") {
		return true
	}
	return strings.ContainsFunc(s, func(r rune) bool { return r != ' ' && unicode.IsSpace(r) })
}

// invisibleRune: control, format, surrogate, private-use and unassigned code points,
// and line/paragraph separators; white space is NameSpaces' business.
func invisibleRune(r rune) bool {
	if unicode.IsSpace(r) {
		return false
	}
	if r == utf8.RuneError {
		return true
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Cs, unicode.Co, unicode.Zl, unicode.Zp) ||
		!unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z)
}

// symbolRune: "other" and modifier symbols (emoji, ™ ® © ℠, skin-tone modifiers,
// flags), enclosing marks (keycaps), variation selectors and the two emoji that
// Unicode files as punctuation (‼ ⁉).
func symbolRune(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return false // broken UTF-8 (or U+FFFD itself) is NameInvalidChars
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
	// "Meta" only as a word of its own, or spelt out in single letters ("M E T A").
	var spelt strings.Builder
	for _, w := range nameWords(unLookAlike(s)) {
		w = unLookAlike(w)
		if w == "meta" {
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
		if upper > DisplayNameAcronymMaxLetters {
			return true
		}
		if upper >= 4 {
			long++
		}
	}
	return long >= 2
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
