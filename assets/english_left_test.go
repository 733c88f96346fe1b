package assets

import (
	"regexp"
	"slices"
	"sort"
	"testing"

	"wizard/internal/englishleft"
)

// verbOrVar is a format verb or a named count of a catalog text.
var verbOrVar = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]|\$\{\w+\}`)

// latinAllowed are the Latin words some Russian and Kazakh texts hold on
// purpose, by key: what the user types or the program takes as it is
// (answers, flag values, commands of the shell, JSON names, ids), and the
// English words a rule gives as its examples.
var latinAllowed = map[string][]string{
	"accessible.yes_words":            {"yes"}, // answers typed on an English keyboard
	"accessible.no_words":             {"no"},
	"accessible.all_words":            {"all"},
	"accessible.back_words":           {"back"},
	"accessible.list_words":           {"list"},
	"cli.usage.hint_bool":             {"true", "false"},
	"cli.list.bad_status":             {"active", "waiting", "done", "abandoned"}, // what --status takes
	"help.list.flag.status":           {"active", "waiting", "done", "abandoned"},
	"help.list.long":                  {"active", "waiting", "done", "abandoned"},
	"help.flag.lang":                  {"en", "ru", "kk"},
	"help.flag.partner-url":           {"partner"}, // the flag's own word
	"help.exit.error":                 {"doctor"},  // the command
	"help.completion.long":            {"resume", "show", "export", "abandon"},
	"help.completion.bash.long":       {"completion", "source"},
	"help.completion.fish.long":       {"source"},
	"help.completion.zsh.long":        {"autoload", "compinit", "echo", "source"},
	"help.completion.powershell.long": {"Out", "String", "Invoke", "Expression"},
	"help.demo.example":               {"wrong", "code", "verify", "phone", "reset", "resume"}, // a scenario, a step
	"help.demo.flag.at":               {"verify", "code"},
	"help.demo.reset.long":            {"resume"},
	"help.sandbox.flag.fault":         {"prefix", "method", "kind", "status", "timeout", "malformed", "reset", "count", "delay", "code", "lasts", "cooldown", "true", "Graph"}, // the keys a fault takes (and a value); Meta's API by its name
	"help.sandbox.flag.allow-remote":  {"loopback"},
	"cli.sandbox.not_loopback":        {"loopback"},
	"help.show.flag.json":             {"session", "events"},
	"cli.sandbox.token":               {"Authorization", "Bearer"}, // an HTTP header, as a script sends it
	"cli.doctor.mode_open":            {"chmod"},
	"cli.open.permission":             {"ls"},
	"cli.no_terminal":                 {"pipe"},     // the word a pipe goes by, given next to its name
	"presenter.activation.app.guide":  {"register"}, // Meta's call, not made
	"presenter.terms.world":           {"Add"},      // the provider's button
	// a display name's rules and their examples: names, and English words the rule is about
	"display_name.name_placeholder":      {"Acme", "Pharma"},
	"display_name.warn.name_generic":     {"Acme"},
	"display_name.warn.name_place":       {"Acme"},
	"display_name.warn.name_lowercase":   {"adidas"},
	"display_name.warn.name_punctuation": {"Stories"},
	"display_name.warn.name_slogan":      {"best"},
	"display_name.name_official":         {"Official", "Verified"},
}

// Every Russian and Kazakh text holds no English word but names
// (englishleft) and the words latinAllowed gives it: what the catalogs say
// is said in the language, on every screen, in every message and help.
func TestRussianAndKazakhCatalogsHoldNoEnglish(t *testing.T) {
	for _, lang := range []string{"ru", "kk"} {
		texts := rawTexts(t, lang)
		keys := make([]string, 0, len(texts))
		for k := range texts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, text := range texts[k].texts() {
				var left []string
				for _, w := range englishleft.Find(verbOrVar.ReplaceAllString(text, " ")) {
					if !slices.Contains(latinAllowed[k], w) {
						left = append(left, w)
					}
				}
				if len(left) > 0 {
					t.Errorf("%s %s shows English %q: %q", lang, k, left, text)
				}
			}
		}
	}
	for k := range latinAllowed {
		if !NewWords("en").Has(k) {
			t.Errorf("latinAllowed names %s, which no catalog has", k)
		}
	}
}
