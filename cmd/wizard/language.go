package main

import (
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"wizard/assets"
	"wizard/store"
)

// The language of the screens is, in this order: --lang, WIZARD_LANG, the
// locale (LC_ALL, LC_MESSAGES, LANG), English. An explicit choice (the flag or
// WIZARD_LANG) that no catalog speaks is a usage error that names the
// languages there are; a locale without a catalog (de_DE) quietly gets English.
// A signup remembers the language it was started in (store.Session.Language):
// resuming it shows that language again, unless --lang or WIZARD_LANG says
// otherwise.

// Words picks the catalog from --lang, then WIZARD_LANG, then LC_ALL/LC_MESSAGES/LANG.
func (f *factory) Words() *assets.Words {
	if f.words == nil {
		lang, _ := f.chosenLanguage()
		if lang == "" {
			lang = localeFromEnv(f.Getenv)
		}
		f.words = assets.NewWords(lang)
	}
	return f.words
}

// chosenLanguage is the language asked for with --lang or WIZARD_LANG, and
// where it was asked for ("" when neither is given).
func (f *factory) chosenLanguage() (lang, where string) {
	if l := strings.TrimSpace(f.flags.lang); l != "" {
		return l, "--lang"
	}
	if l := strings.TrimSpace(f.Getenv("WIZARD_LANG")); l != "" {
		return l, "WIZARD_LANG"
	}
	return "", ""
}

// SessionWords are the words to work on sess in: its own language, unless
// --lang or WIZARD_LANG chooses one (or it has none: a signup saved before
// signups remembered their language).
func (f *factory) SessionWords(sess store.Session) *assets.Words {
	if lang, _ := f.chosenLanguage(); lang == "" && sess.Language != "" {
		if _, ok := assets.Supported(sess.Language); ok {
			return assets.NewWords(sess.Language)
		}
	}
	return f.Words()
}

// checkLanguage refuses a --lang or WIZARD_LANG that no catalog speaks,
// saying (in the locale's language) which ones there are.
func (f *factory) checkLanguage() error {
	lang, where := f.chosenLanguage()
	if lang == "" {
		return nil
	}
	if _, ok := assets.Supported(lang); ok {
		return nil
	}
	w := assets.NewWords(localeFromEnv(f.Getenv))
	key := "cli.lang.unknown_flag"
	if where == "WIZARD_LANG" {
		key = "cli.lang.unknown_env"
	}
	return failT(w, 2, key, lang, languageList())
}

// languageList names the languages there are, each in itself: "en (English), ru (русский), …".
func languageList() string {
	var parts []string
	for _, t := range assets.Languages() {
		parts = append(parts, t.String()+" ("+languageName(t)+")")
	}
	return strings.Join(parts, ", ")
}

// languageName is a language's name in itself ("русский", "қазақ тілі").
func languageName(t language.Tag) string {
	if n := display.Self.Name(t); n != "" {
		return n
	}
	return t.String()
}

// checkLanguageFirst makes every command under root refuse an unknown
// --lang or WIZARD_LANG before it does anything else.
func checkLanguageFirst(f *factory, root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		if run := c.RunE; run != nil {
			c.RunE = func(cmd *cobra.Command, args []string) error {
				if err := f.checkLanguage(); err != nil {
					return err
				}
				return run(cmd, args)
			}
		}
	}
	walk(root)
}

func localeFromEnv(getenv func(string) string) string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := getenv(v); s != "" && s != "C" && s != "POSIX" {
			return s
		}
	}
	return ""
}

// sessionLanguage names the language a signup was worked in, for 'wizard
// show': "русский (ru)".
func sessionLanguage(code string) string {
	t, err := language.Parse(code)
	if err != nil {
		return code
	}
	return languageName(t) + " (" + code + ")"
}
