package steps

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"wizard/steps/rules"
)

// fillProfile types a display name and goes through the other fields: the
// default category, no description, a website.
func (h *shHarness) fillProfile(name string) {
	h.t.Helper()
	h.typeText(name)
	h.enter()
	h.enter() // category: the default, Other
	h.enter() // no description
	h.typeText("https://acme.kz")
	h.enter()
}

// clearField deletes what the focused input holds, as a user would: backspace.
func (h *shHarness) clearField(n int) {
	for range n {
		h.send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
}

// A name Meta's guidelines may decline, but which the brand really writes so:
// the second screen says which guideline and why; Enter is the safe answer (back
// to the name); only b sends it, and the warning goes into the history's line.
func TestDisplayNameWarnedConfirmedWithB(t *testing.T) {
	h := newSHHarness(t)
	h.start(DisplayName)
	h.fillProfile("Booking.com")
	h.mustSee(h.T("display_name.warn_title"))
	h.mustSee(h.T("display_name.warn.name_url"))
	h.mustSee(h.T("display_name.warn_keys"))
	h.mustSee("Booking.com") // the preview
	if !h.helpHas("our brand is written this way") || !h.helpHas("edit the name") {
		t.Fatalf("the footer does not name the keys: %v", h.step.Help())
	}

	// Enter does not send a warned name: it goes back to the name, kept.
	h.enter()
	if len(h.dones) != 0 {
		t.Fatal("Enter confirmed a warned name")
	}
	h.mustSee(h.T("display_name.name"))
	h.mustSee("Booking.com")
	for range 4 {
		h.enter()
	}
	h.mustSee(h.T("display_name.warn_title"))

	h.press('b')
	if len(h.dones) != 1 {
		t.Fatalf("got %d Done after b, want 1", len(h.dones))
	}
	d := h.dones[0]
	for _, want := range []string{`"Booking.com"`, "warned: name_url", "our brand is written this way"} {
		if !strings.Contains(d.Detail.English(), want) {
			t.Errorf("Detail %q lacks %q", d.Detail.English(), want)
		}
	}
	if p := h.sess.Profile; p.DisplayName != "Booking.com" || !p.ConfirmedAt.Equal(h.clock.Now()) {
		t.Fatalf("profile = %+v", p)
	}
}

// Several warnings are all listed and all go into the history's line.
func TestDisplayNameSeveralWarnings(t *testing.T) {
	h := newSHHarness(t)
	h.start(DisplayName)
	h.fillProfile("Best Pharmacy!!")
	for _, p := range []rules.NameProblem{rules.NamePunctuation, rules.NameSlogan} {
		h.mustSee(plain(nameWarningText(h.env, p)))
	}
	h.press('b')
	if len(h.dones) != 1 || !strings.Contains(h.dones[0].Detail.English(), "warned: name_punctuation, name_slogan;") {
		t.Fatalf("dones = %+v", h.dones)
	}
}

// A refused name cannot go on: the field says why, and neither Enter nor b
// gets past it.
func TestDisplayNameRefusedCannotGoOn(t *testing.T) {
	for _, tc := range []struct {
		name string
		want rules.NameProblem
	}{
		{"Acme Messenger", rules.NameBrand},
		{"Official Acme", rules.NameOfficial},
		{"Ab", rules.NameTooShort},
		{"Acme Pharma™", rules.NameSymbols},
		{strings.Repeat("Acme ", 51) + "Labs", rules.NameTooLong},
	} {
		t.Run(tc.name[:min(len(tc.name), 14)], func(t *testing.T) {
			h := newSHHarness(t)
			h.start(DisplayName)
			h.typeText(tc.name)
			h.enter()
			h.mustSee(plain(nameProblemText(h.env, tc.want)))
			h.press('b')
			h.enter()
			h.enter()
			h.mustNotSee(h.T("display_name.category"))
			h.mustNotSee(h.T("display_name.warn_title"))
			h.mustNotSee(h.T("display_name.check_title"))
			if len(h.dones) != 0 || len(h.records) != 0 {
				t.Fatal("a refused name must not be reported")
			}
		})
	}
}

// A warned name edited instead: e goes back to the name, the fixed name has no
// warning, and the ordinary second look confirms it with Enter.
func TestDisplayNameWarnedThenEdited(t *testing.T) {
	h := newSHHarness(t)
	h.start(DisplayName)
	h.fillProfile("acme pharma")
	h.mustSee(h.T("display_name.warn.name_lowercase"))
	h.press('e')
	h.mustSee(h.T("display_name.name"))
	h.clearField(len("acme pharma"))
	h.typeText("Acme Pharma")
	for range 4 {
		h.enter()
	}
	h.mustSee(h.T("display_name.check_title"))
	h.mustNotSee(h.T("display_name.warn_title"))
	if h.helpHas("our brand is written this way") {
		t.Fatal("the brand key is offered without a warning")
	}
	h.press('b') // means nothing here
	if len(h.dones) != 0 {
		t.Fatal("b confirmed a name without warnings")
	}
	h.enter()
	if len(h.dones) != 1 {
		t.Fatalf("got %d Done, want 1", len(h.dones))
	}
	if d := h.dones[0].Detail.English(); strings.Contains(d, "warned") || h.sess.Profile.DisplayName != "Acme Pharma" {
		t.Fatalf("Detail %q, profile %+v", d, h.sess.Profile)
	}
}

// Names the guidelines allow reach the ordinary second look with no warning.
func TestDisplayNameAllowedNamesAreNotWarned(t *testing.T) {
	for _, name := range []string{"UNICEF", "NASDAQ", "E*TRADE", "Acme Test", "Acme Almaty",
		"Acme Support", "Fresh Juices by ABC Foods", "Acme " + strings.Repeat("Pharma ", 12) + "Labs"} {
		h := newSHHarness(t)
		h.start(DisplayName)
		h.fillProfile(name)
		h.mustSee(h.T("display_name.check_title"))
		h.enter()
		if len(h.dones) != 1 || strings.Contains(h.dones[0].Detail.English(), "warned") {
			t.Errorf("%q: dones = %+v", name, h.dones)
		}
	}
}

// Every problem has its sentence in the catalog: refusals in the field, the
// warnings on the second screen.
func TestDisplayNameProblemCatalog(t *testing.T) {
	h := newSHHarness(t)
	all := []rules.NameProblem{rules.NameEmpty, rules.NameTooShort, rules.NameTooLong, rules.NameInvalidChars,
		rules.NameSymbols, rules.NameBrand, rules.NameOfficial, rules.NameSpaces, rules.NameNoLetters, rules.NameURL,
		rules.NameAllCaps, rules.NameLowercase, rules.NamePunctuation, rules.NameGeneric, rules.NamePlace,
		rules.NamePerson, rules.NameSlogan}
	for _, p := range all {
		var key, text string
		if p.Refused() {
			key, text = "display_name."+string(p), nameProblemText(h.env, p)
			if p == rules.NameBrand {
				key = "display_name.name_meta_products"
			}
		} else {
			key, text = "display_name.warn."+string(p), nameWarningText(h.env, p)
		}
		if !h.env.Words.Has(key) || strings.Contains(text, "%!") || text == key {
			t.Errorf("%s: key %s, text %q", p, key, text)
		}
	}
	for _, k := range []string{"display_name.warn_title", "display_name.warn_body", "display_name.warn_keys"} {
		if !h.env.Words.Has(k) {
			t.Errorf("missing %s", k)
		}
	}
}

// The warning screen, with three warnings, fits the body of an 80×24 frame
// (24 lines less the header, two blank lines and the footer: 19), at the
// body width the shell gives (78).
func TestDisplayNameWarningsFit80x24(t *testing.T) {
	h := newSHHarness(t)
	h.start(DisplayName)
	h.fillProfile("Best Pharmacy  No.1!!")
	dn := h.step.(*displayName)
	if len(dn.warnings) < 3 {
		t.Fatalf("want three warnings or more for this test, got %v", dn.warnings)
	}
	view := ansi.Strip(dn.View(78))
	lines := strings.Split(view, "\n")
	if len(lines) > 19 {
		t.Errorf("%d lines, want at most 19:\n%s", len(lines), view)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 78 {
			t.Errorf("line of %d columns: %q", w, l)
		}
	}
}
