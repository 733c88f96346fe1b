package steps

import (
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"

	"wizard/assets"
)

// The country list of the phone step filters on typed letters, and the chosen
// country reaches the number form.
func TestCountryListFiltersInThePhoneStep(t *testing.T) {
	h := newSHHarness(t)
	h.start(Phone)
	h.mustSee("> Kazakhstan")
	h.press('/')
	for _, r := range "germ" {
		h.press(r)
	}
	h.mustSee("/germ")
	h.mustSee("> Germany")
	h.mustNotSee("Kazakhstan")
	h.enter()
	h.mustSee(h.T("phone.number", "Germany"))
}

// A filter that matches nothing says so, keeps the list where it is, and esc
// brings every country back with the cursor where it was.
func TestCountryListNoMatch(t *testing.T) {
	h := newSHHarness(t)
	h.start(Phone)
	h.press('/')
	h.typeText("qqq") // a paste types into the filter too
	h.mustSee("/qqq")
	h.mustSee(h.T("countries.no_match"))
	h.enter()
	h.mustSee(h.T("countries.no_match")) // nothing to choose: still on the list
	h.send(tea.KeyPressMsg{Code: tea.KeyEscape})
	h.mustSee("> Kazakhstan")
	h.mustNotSee("qqq")
}

// In every language the list shows the country names of that language and
// finds a country by its name typed in English, Russian or Kazakh, in either
// script: /Казах, /Қазақ and /Kaz all find Kazakhstan.
func TestCountryListFindsANameInEveryLanguage(t *testing.T) {
	shown := map[string]string{"en": "Kazakhstan", "ru": "Казахстан", "kk": "Қазақстан"}
	for _, lang := range []string{"en", "ru", "kk"} {
		for _, query := range []string{"Казах", "Қазақ", "Kaz", "kazakh", "қазақстан"} {
			t.Run(lang+"/"+query, func(t *testing.T) {
				h := newSHHarness(t)
				h.env.Words = assets.NewWords(lang)
				h.sess.Company.Country = "DE" // the list starts elsewhere
				h.env.Region = "DE"
				h.start(Phone)
				h.mustNotSee("> " + shown[lang])
				h.press('/')
				h.typeText(query)
				h.mustSee("> " + shown[lang])
				h.mustNotSee(h.T("countries.no_match"))
				h.enter()
				h.mustSee(h.T("phone.number", shown[lang]))
			})
		}
	}
}

// Every country has its name in each of the wizard's languages: CLDR (through
// x/text) has Russian and Kazakh names for all of them.
func TestEveryCountryHasANameInEveryLanguage(t *testing.T) {
	for _, tag := range assets.Languages() {
		countries := Countries(tag)
		if len(countries) < 200 {
			t.Fatalf("%s: only %d countries", tag, len(countries))
		}
		for _, c := range countries {
			if c.Name == c.Code {
				t.Errorf("%s: %s has no name", tag, c.Code)
			}
			if len(c.Also) == 0 {
				t.Errorf("%s: %s (%s) has no name in another language", tag, c.Code, c.Name)
			}
		}
	}
}

// Only the rows in view are drawn: the list shows 8 countries, not 250.
func TestCountryListShowsOnlyItsRows(t *testing.T) {
	h := newSHHarness(t)
	h.start(Phone)
	lines := map[string]bool{}
	for _, l := range strings.Split(ansi.Strip(h.step.View(100)), "\n") {
		lines[strings.TrimLeft(strings.TrimRight(l, " "), "┃ >")] = true
	}
	var names int
	for _, c := range Countries(h.env.Words.Language()) {
		if lines[c.Name] {
			names++
		}
	}
	if names != 8 {
		t.Fatalf("%d countries drawn, want 8:\n%s", names, h.step.View(100))
	}
}

// countrySelect is a huh field: it binds the value, answers form.GetString and
// filters without accents ("cote" finds Côte d’Ivoire).
func TestCountrySelectInAForm(t *testing.T) {
	env := &Env{Words: assets.NewWords("en"), Theme: shTheme{dark: huh.ThemeCharm(true), light: huh.ThemeCharm(false)}}
	value := "KZ"
	f := newForm(env, huh.NewGroup(countrySelect(env, "country", "Country", "Type / to search.", &value)))
	f = driveForm(f, f.Init())
	keys := []tea.Msg{tea.KeyPressMsg{Code: '/', Text: "/"}}
	for _, r := range "cote" {
		keys = append(keys, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	f = driveForm(f, nil, keys...)
	if v := ansi.Strip(f.View()); !strings.Contains(v, "> Côte d’Ivoire") {
		t.Fatalf("cote does not find Côte d’Ivoire:\n%s", v)
	}
	f = driveForm(f, nil, tea.KeyPressMsg{Code: tea.KeyEnter})
	if f.State != huh.StateCompleted || value != "CI" || f.GetString("country") != "CI" {
		t.Fatalf("state %v, value %q, GetString %q", f.State, value, f.GetString("country"))
	}
}

// driveForm hands msgs to the form, then every message its commands produce
// (batches and sequences unpacked), on this goroutine.
func driveForm(f *huh.Form, cmd tea.Cmd, msgs ...tea.Msg) *huh.Form {
	var queue []tea.Msg
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		msg := c()
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().ConvertibleTo(cmdSliceType) {
			for _, c := range v.Convert(cmdSliceType).Interface().([]tea.Cmd) {
				run(c)
			}
			return
		}
		if msg != nil {
			queue = append(queue, msg)
		}
	}
	run(cmd)
	queue = append(queue, msgs...)
	for n := 0; len(queue) > 0 && n < 1000; n++ {
		msg := queue[0]
		queue = queue[1:]
		var c tea.Cmd
		f, c = updateForm(f, msg)
		run(c)
	}
	return f
}

// In the country list esc ends a search: it never means "the previous step".
func TestEscInTheCountryListIsNotBack(t *testing.T) {
	h := newSHHarness(t)
	m := New(Phone, h.env, h.sess).(*phone) // its first form is the country list alone
	m.form.Init()
	if formWantsBack(m.form, tea.KeyPressMsg{Code: tea.KeyEscape}, "country") {
		t.Fatal("esc in the country list would leave the step")
	}
	if !formWantsBack(m.form, tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}, "country") {
		t.Fatal("shift+tab on the country list does not go back")
	}
}
