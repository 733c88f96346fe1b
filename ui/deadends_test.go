package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"wizard/store"
)

// A PIN a thief guesses first is warned about as it is typed, at 80×24, and
// still accepted (Meta takes it); a good one is not warned about.
func TestWeakPINIsWarnedAboutButAccepted(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	toPIN(w, a, h)
	h.deliver(tea.WindowSizeMsg{Width: 80, Height: 24})
	const warning = "the first PINs a thief tries"
	h.typeText("48291")
	if strings.Contains(h.screen(), warning) {
		t.Fatalf("a PIN half typed is warned about:\n%s", h.screen())
	}
	for range 5 {
		h.key("backspace")
	}
	h.typeText("123456")
	h.waitScreen(warning)
	h.key("enter")
	h.typeText("123456")
	if !strings.Contains(h.screen(), warning) {
		t.Fatalf("the warning is gone while the PIN is repeated:\n%s", h.screen())
	}
	h.key("enter")
	h.waitScreen("Your Alpha Name code:")
	h.pump("saved", 5*time.Second, func() bool {
		s, _ := w.st.Load(context.Background(), a.Session().ID)
		return !s.Code.RegisteredAt.IsZero()
	})
}
