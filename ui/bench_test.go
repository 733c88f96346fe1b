package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"wizard/assets"
	"wizard/steps"
	"wizard/store"
)

// discard saves nothing: the benchmarks measure the screen, not the disk.
type discard struct{}

func (discard) Save(*store.Session, store.Event) error { return nil }

func benchApp(b *testing.B, sess store.Session) *App {
	b.Helper()
	env := &steps.Env{Clock: steps.SystemClock{}, Words: assets.NewWords("en"), Theme: Theme, Region: "KZ"}
	a := New(Options{Store: discard{}, Env: env, Session: sess, User: "bench"})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 40})
	return a
}

// BenchmarkRenderTerms is one whole frame of the first screen.
func BenchmarkRenderTerms(b *testing.B) {
	a := benchApp(b, store.Session{ID: "K7MQ-4XPD"})
	b.ReportAllocs()
	for b.Loop() {
		_ = a.View()
	}
}

// BenchmarkCountryListKeypress is one arrow key in the country list (~250
// countries) and the frame that follows: what a user feels while scrolling.
func BenchmarkCountryListKeypress(b *testing.B) {
	a := benchApp(b, store.Session{ID: "K7MQ-4XPD"})
	a.step = steps.New(steps.Company, a.env, a.sess)
	a.step.Init()
	// Move to the second group, where the country list is.
	for _, k := range []tea.KeyPressMsg{{Code: tea.KeyEnter}, {Code: 'A', Text: "A"}, {Code: tea.KeyEnter},
		{Code: 'B', Text: "B"}, {Code: tea.KeyEnter}} {
		a.Update(k)
	}
	down, up := tea.KeyPressMsg{Code: tea.KeyDown}, tea.KeyPressMsg{Code: tea.KeyUp}
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
}
