package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"wizard/store"
)

// Keys that arrive all at once (a password manager's auto-type, a fast typist)
// land in the fields they were meant for, though huh moves focus asynchronously.
//
// Not parallel: the shell's type-ahead hold is bounded by real time and ends
// on any message but a key (ui/app.go, release), so a loaded machine can end it
// before the form's own focus message; running alone keeps that load low.
func TestTypeAheadStaysInItsFields(t *testing.T) {
	w := newWorld(t)
	_, h := w.app(store.Session{ID: store.NewID()}, false)
	h.waitScreen("Do you accept the provider's terms?")
	h.key("y")
	h.waitScreen("Business e-mail")

	burst := testEmail + "\r" + testPassword + "\r" + testPassword + "\r"
	for _, r := range burst {
		if r == '\r' {
			h.deliver(tea.KeyPressMsg{Code: tea.KeyEnter})
			continue
		}
		h.deliver(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	h.waitScreen("We sent a link to " + testEmail)
	if strings.Contains(h.screen(), "not the same") {
		t.Fatalf("keys went to the wrong field:\n%s", h.screen())
	}
}
