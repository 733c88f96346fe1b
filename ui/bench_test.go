package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"wizard/assets"
	"wizard/steps"
	"wizard/store"
)

// discard saves nothing: the benchmarks measure the screen, not the disk.
type discard struct{}

func (discard) Save(context.Context, *store.Session, store.Event, *store.Hold) error { return nil }
func (discard) Load(context.Context, string) (store.Session, error) {
	return store.Session{}, store.ErrNotFound
}
func (discard) Acquire(context.Context, string, store.Holder, time.Duration) (*store.Hold, error) {
	return nil, store.ErrHeld
}
func (discard) Renew(context.Context, *store.Hold) error { return nil }

func benchApp(b *testing.B, sess store.Session) *App {
	b.Helper()
	env := &steps.Env{Clock: steps.SystemClock{}, Words: assets.NewWords("en"), Theme: Theme, Region: "KZ"}
	a := New(Options{Store: discard{}, Env: env, Session: sess, User: "bench"})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 40})
	return a
}

// benchStep opens step id in the shell, driven as a program drives it (the
// harness runs every command and delivers its message), so that the type-ahead
// hold behaves as it does for a user.
func benchStep(b *testing.B, id steps.ID) (*App, *harness) {
	b.Helper()
	a := benchApp(b, store.Session{ID: "K7MQ-4XPD"})
	a.step = steps.New(id, a.env, a.sess)
	return a, newHarness(b, a, 100, 40)
}

// settled fails the benchmark unless the shell holds no keys: a held key is
// only appended to a slice, and would measure nothing.
func settled(b *testing.B, a *App) {
	b.Helper()
	if a.typed.holding() || len(a.typed.keys) > 0 {
		b.Fatalf("the shell is holding keys (%d held): the benchmark would measure a queue", len(a.typed.keys))
	}
}

// cursorLine is the option the list's cursor is on ("> Kenya" → "Kenya").
var cursorLine = regexp.MustCompile(`(?m)^[ ┃]*> (\S.*?)\s*$`)

func cursorOn(b *testing.B, h *harness) string {
	b.Helper()
	m := cursorLine.FindAllStringSubmatch(h.screen(), -1)
	if len(m) != 1 {
		b.Fatalf("want one cursor line, found %d; screen:\n%s", len(m), h.screen())
	}
	return m[0][1]
}

// BenchmarkRenderTerms is one whole frame of the first screen.
func BenchmarkRenderTerms(b *testing.B) {
	a := benchApp(b, store.Session{ID: "K7MQ-4XPD"})
	b.ReportAllocs()
	for b.Loop() {
		_ = a.View()
	}
}

// toCountryList opens the company step and moves to its second group, the
// country list, checking that the screen shows it and no key is held.
func toCountryList(b *testing.B) (*App, *harness) {
	b.Helper()
	a, h := benchStep(b, steps.Company)
	h.waitScreen("Type of organisation")
	h.key("enter")
	h.typeText("Anna Ivanova")
	h.key("enter")
	h.typeText("Acme Pharma")
	h.key("enter")
	h.waitScreen("Country of registration")
	h.pump("the hold to end", 5e9, func() bool { return !a.typed.holding() && len(a.typed.keys) == 0 })
	if got := cursorOn(b, h); got != "Kazakhstan" {
		b.Fatalf("the list opens on %q, want Kazakhstan; screen:\n%s", got, h.screen())
	}
	return a, h
}

// BenchmarkCountryListKeypress is one arrow key in the country list (~250
// countries) and the frame that follows: what a user feels while scrolling.
// It checks, before and after the timed loop, that the keys reach the list and
// move its cursor between country names.
func BenchmarkCountryListKeypress(b *testing.B) {
	a, h := toCountryList(b)
	down, up := tea.KeyPressMsg{Code: tea.KeyDown}, tea.KeyPressMsg{Code: tea.KeyUp}
	if _, cmd := a.Update(down); cmd != nil {
		b.Fatal("an arrow key returns a command: its messages would be part of the key's cost")
	}
	settled(b, a)
	next := cursorOn(b, h)
	if next == "Kazakhstan" {
		b.Fatalf("down did not move the cursor; screen:\n%s", h.screen())
	}
	a.Update(up)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := down
		if i%2 == 1 {
			k = up
		}
		i++
		a.Update(k)
		_ = a.View()
	}
	settled(b, a)
	want := "Kazakhstan"
	if i%2 == 1 {
		want = next
	}
	if got := cursorOn(b, h); got != want {
		b.Fatalf("after %d keys the cursor is on %q, want %q", i, got, want)
	}
}

// BenchmarkCountryListFilterKeypress is one typed letter of the country list's
// filter ("/" then letters) and the frame that follows; it alternates a letter
// and backspace so the filter stays one letter long.
func BenchmarkCountryListFilterKeypress(b *testing.B) {
	a, h := toCountryList(b)
	letter, back := tea.KeyPressMsg{Code: 'z', Text: "z"}, tea.KeyPressMsg{Code: tea.KeyBackspace}
	a.Update(tea.KeyPressMsg{Code: '/', Text: "/"})
	if _, cmd := a.Update(letter); cmd != nil {
		b.Fatal("a filter letter returns a command: its messages would be part of the key's cost")
	}
	settled(b, a)
	filtered := func() {
		b.Helper()
		if s := h.screen(); !strings.Contains(s, "/z") || strings.Contains(s, "Kenya") ||
			!strings.Contains(strings.ToLower(cursorOn(b, h)), "z") {
			b.Fatalf("typing z does not filter the list; screen:\n%s", s)
		}
	}
	filtered()
	a.Update(back)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := letter
		if i%2 == 1 {
			k = back
		}
		i++
		a.Update(k)
		_ = a.View()
	}
	settled(b, a)
	if i%2 == 1 {
		filtered()
	} else if s := h.screen(); strings.Contains(s, "/z") || cursorOn(b, h) == "" {
		b.Fatalf("after %d keys the filter is not empty; screen:\n%s", i, s)
	}
}

// BenchmarkDisplayNameKeypress is one letter typed into the display name (the
// first input of the display-name form: name, category, description, website)
// and the frame that follows; it alternates a letter and backspace. The key's
// command (the cursor's blink timer, which fires half a second later) is not run.
func BenchmarkDisplayNameKeypress(b *testing.B) {
	a, h := benchStep(b, steps.DisplayName)
	h.waitScreen("Display name")
	h.typeText("Acme")
	settled(b, a)
	if !strings.Contains(h.screen(), "> Acme") {
		b.Fatalf("typing does not reach the name; screen:\n%s", h.screen())
	}
	letter, back := tea.KeyPressMsg{Code: 'x', Text: "x"}, tea.KeyPressMsg{Code: tea.KeyBackspace}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := letter
		if i%2 == 1 {
			k = back
		}
		i++
		a.Update(k)
		_ = a.View()
	}
	settled(b, a)
	want := "> Acme"
	if i%2 == 1 {
		want = "> Acmex"
	}
	if !strings.Contains(h.screen(), want) {
		b.Fatalf("after %d keys the name is not %q; screen:\n%s", i, want, h.screen())
	}
}
