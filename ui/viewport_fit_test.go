package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"wizard/steps"
)

// On a screen too short for the signup step's body, the viewport opens on
// what the user acts on (the signup page's address and the wait), pgup and
// pgdown scroll it with a mark where there is more, the key help names them,
// and a resize lays the screen out again.
func TestTallBodyScrollsAndFollowsTheFocus(t *testing.T) {
	t.Parallel()
	r := newFitRun(t, "en", 60, 20)
	r.toSignup()
	h, w := r.h, r.words
	above, below := w.T("layout.more_above"), w.T("layout.more_below")
	scroll := w.T("layout.key_scroll_keys") + " " + w.T("layout.key_scroll")
	title := w.T("signup.title")
	lines := func() []string { return strings.Split(strings.TrimRight(h.screen(), "\n"), "\n") }
	has := func(s string) bool { return strings.Contains(flatText(h.screen()), flatText(s)) }

	if !has(above) || !has(w.T("signup.waiting")) || has(title) || !has(scroll) {
		t.Fatalf("the signup screen at 60×20 does not open on the address and the wait:\n%s", h.screen())
	}
	for range 5 { // more than enough pages to reach the top
		r.page(false)
	}
	if l := lines(); !strings.Contains(l[3], title) || has(above) || !has(below) || len(l) > 20 {
		t.Fatalf("pgup does not reach the top of the body:\n%s", h.screen())
	}
	for range 5 {
		r.page(true)
	}
	if has(below) || !has(above) || !has(w.T("signup.paste_hint")) {
		t.Fatalf("pgdown does not reach the end of the body:\n%s", h.screen())
	}
	if r.a.Step().ID() != steps.Signup {
		t.Fatalf("the page keys moved the flow to %s", r.a.Step().ID())
	}

	h.deliver(tea.WindowSizeMsg{Width: 100, Height: 40})
	h.settle()
	if has(above) || has(below) || has(scroll) || !has(title) || !has(w.T("signup.paste_hint")) {
		t.Fatalf("at 100×40 the whole body should show, without marks or scroll keys:\n%s", h.screen())
	}
	h.deliver(tea.WindowSizeMsg{Width: 60, Height: 20})
	h.settle()
	if !has(above) || !has(w.T("signup.waiting")) {
		t.Fatalf("back at 60×20 the screen does not show the address and the wait again:\n%s", h.screen())
	}
	checkFits(t, w, r.a, h.screen(), 60, 20)
}

// In a list, pgup and pgdown page through its options even when the body is
// taller than the screen: the shell does not take them.
func TestPageKeysStayWithAList(t *testing.T) {
	t.Parallel()
	r := newFitRun(t, "en", 60, 20)
	r.toSignup()
	r.w.finishSignup(r.a, r.h, "FINISH")
	r.wait(steps.DisplayName, "display_name.title")
	r.h.typeText("Acme Pharma")
	r.h.key("enter")
	r.wait(steps.DisplayName, "display_name.category_help")
	if _ = r.h.screen(); !r.a.scroll.over { // the shell keeps what the last frame showed
		t.Fatalf("the category list's body fits 60×20: the test shows nothing:\n%s", r.h.screen())
	}
	chosen := func() string { return cursorLine.FindString(r.h.screen()) }
	before := chosen()
	r.page(false)
	if after := chosen(); after == before || after == "" || strings.Contains(r.h.screen(), r.words.T("layout.key_scroll")) {
		t.Fatalf("pgup in the category list (was on %q):\n%s", before, r.h.screen())
	}
}

// page presses pgdown (or pgup).
func (r *fitRun) page(down bool) {
	k := tea.KeyPressMsg{Code: tea.KeyPgUp}
	if down {
		k = tea.KeyPressMsg{Code: tea.KeyPgDown}
	}
	r.h.deliver(k)
	r.h.settle()
}
