// Package englishleft finds English words left on a Russian or Kazakh screen,
// for the tests that read the screens and the commands' output in those
// languages: every Latin word that is not a name. Names stay as their owners
// write them — Meta's and the provider's products, buttons and fields ("Allow
// All", "Display Name (Alpha Name)", "Embedded Signup"), the keys of the
// keyboard, the wizard's commands, flags and settings — and so do what users,
// files and services gave (the caller lists those as data), addresses, ids and
// codes.
package englishleft

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

// Phrases are names of more than one word, as Meta's and the provider's pages
// and the guides write them; they are taken out before the words are read.
var Phrases = []string{
	"Add & Edit Alpha Names for Campaigns",
	"Display Name (Alpha Name)", "Alpha Name", "Display Name",
	"Allow All", "Not now", "I am not a robot", "Create account", "Confirm number details",
	"Business Solution Provider", "WhatsApp Business Platform", "WhatsApp Business API",
	"WhatsApp Business App", "Business App", "WhatsApp Business", "WhatsApp Manager", "Meta Business Suite", "Business Manager",
	"Embedded Signup", "Cloud API", "On-Premises", "Admin Panel", "OCM Admin Panel",
	"Too Many Requests", "Retry-After",
	"e-mail", "E-MAIL", // as Russian writes the word
}

// names are single words that are names: products, companies, protocols,
// the keys of the keyboard, the wizard itself, the buttons and options of
// Meta's and the provider's pages that the guides name.
var names = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		Meta WhatsApp Facebook Instagram Messenger Business Platform OCM BSP WABA
		SMS PIN API URL HTTP HTTPS OK JSON ID IDs VPN SSH SIM IP UTC MST DB OTP CLDR
		PowerShell bash zsh fish roff man
		wizard postgres
		ctrl alt shift tab enter esc space pgup pgdn pgdown home end backspace Enter Esc Tab Ctrl
		coexistence
		Save Continue Finish Next Start Verify Government Company Other Country Activation
	`) {
		names[strings.ToLower(w)] = true
	}
}

var (
	latinWord = regexp.MustCompile(`[A-Za-z]+`)
	// command is the wizard's command line as the texts quote it: 'wizard resume ID'.
	command = regexp.MustCompile(`\bwizard(\s+(demo|completion))?(\s+(resume|reset|list|show|export|import|copy|abandon|doctor|sandbox|demo|version|man|completion|help|bash|zsh|fish|powershell))?\b`)
	// a placeholder of a golden file or a usage line: ID, FILE, PORT, STEP …
	placeholder = regexp.MustCompile(`^[A-Z][A-Z_]+$`)
)

// Find returns the English words in text that are not names nor part of
// data (what users, files and services gave, which stays as they wrote it),
// each once, sorted.
func Find(text string, data ...string) []string {
	// A text wrapped over lines splits a phrase: phrases are taken out of the
	// text with its line breaks and frames made spaces.
	flat := strings.Join(strings.FieldsFunc(ansi.Strip(text), func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("┃│╭╮╰╯─", r)
	}), " ")
	// The longest first, so that a name inside a longer one does not split it.
	cut := append(slices.Clone(data), Phrases...)
	sort.SliceStable(cut, func(i, j int) bool { return len(cut[i]) > len(cut[j]) })
	for _, d := range cut {
		if strings.TrimSpace(d) != "" {
			flat = strings.ReplaceAll(flat, strings.Join(strings.Fields(d), " "), " ")
		}
	}
	flat = command.ReplaceAllString(flat, " ")
	seen := map[string]bool{}
	afterFlag := false
	for _, tok := range strings.Fields(flat) {
		// A flag's value is the flag's ("--status done", "--lang ru").
		value := afterFlag && isASCII(tok)
		afterFlag = strings.HasPrefix(strings.TrimLeft(tok, `"'«(`), "--") && !strings.Contains(tok, "=")
		if value || !isProse(tok) {
			continue
		}
		for _, w := range latinWord.FindAllString(tok, -1) {
			if len(w) < 2 || names[strings.ToLower(w)] || placeholder.MatchString(w) {
				continue
			}
			seen[w] = true
		}
	}
	out := make([]string, 0, len(seen))
	for w := range seen {
		out = append(out, w)
	}
	sort.Strings(out)
	return out
}

// isProse says whether a token could be a word of a sentence, not an address,
// a path, an e-mail, a flag, a setting, an id or a code.
func isProse(tok string) bool {
	tok = strings.Trim(tok, `"'«»“”‘’()[]{}.,;:!?…—–·•*✓✗`)
	switch {
	case tok == "":
		return false
	case strings.Contains(tok, "://"), strings.Contains(tok, "@"), strings.Contains(tok, "/"),
		strings.Contains(tok, "\\"), strings.Contains(tok, "="), strings.Contains(tok, "_"),
		strings.HasPrefix(tok, "-"), strings.HasPrefix(tok, "$"), strings.HasPrefix(tok, "+"),
		strings.Contains(tok, "+"): // a key chord (ctrl+c) or a number
		return false
	}
	for _, r := range tok {
		if unicode.IsDigit(r) {
			return false // an id (K7MQ-4XPD), a code, a version
		}
	}
	if strings.Contains(tok, ".") {
		return false // a file (bundle.json), a host, a saved field's name (phone.e164)
	}
	// A word with Cyrillic letters in it is a word of the language with a
	// name inside («Meta-ның»): the name is read on its own.
	return true
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}
