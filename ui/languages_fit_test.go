package ui

import (
	"strings"
	"testing"
	"time"

	"charm.land/lipgloss/v2"

	"wizard/assets"
	"wizard/steps"
	"wizard/store"
)

// The first steps in every language at 80×24: no line wider than the
// terminal (Russian and Kazakh run longer than English: the footer's step
// keys are cut, never wrapped), the whole screen within 24 lines, and the
// footer with the quit key on the last line.
func TestFirstStepsFit80x24InEveryLanguage(t *testing.T) {
	for _, tag := range assets.Languages() {
		lang := tag.String()
		t.Run(lang, func(t *testing.T) {
			w := newWorld(t)
			words := assets.NewWords(lang)
			w.env.Words = words
			a := New(Options{Store: w.st, Env: w.env, Session: store.Session{ID: store.NewID()}, User: "tester"})
			h := newHarness(t, a, 80, 24)
			quit := "ctrl+c " + words.T("ui.key_quit")
			check := func(id steps.ID) {
				t.Helper()
				h.pump(string(id)+" with its footer", 10*time.Second, func() bool {
					lines := strings.Split(strings.TrimRight(h.screen(), "\n"), "\n")
					return a.Step().ID() == id && strings.HasSuffix(strings.TrimSpace(lines[len(lines)-1]), quit)
				})
				screen := h.screen()
				lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
				if len(lines) > 24 {
					t.Errorf("%s %s: %d lines at 80×24:\n%s", lang, id, len(lines), screen)
				}
				for _, l := range lines {
					if lipgloss.Width(l) > 80 {
						t.Errorf("%s %s: a line of %d columns at 80×24: %q", lang, id, lipgloss.Width(l), l)
					}
				}
			}
			check(steps.Terms)
			h.key("enter")
			check(steps.Account)
			h.typeText(testEmail)
			h.key("enter")
			h.typeText(testPassword)
			h.key("enter")
			h.typeText(testPassword)
			h.key("enter")
			check(steps.VerifyEmail)
			w.clickVerifyLink()
			check(steps.Company)
		})
	}
}
