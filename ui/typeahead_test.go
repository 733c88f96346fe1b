package ui

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/spinner"
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

	typeBurst(h, testEmail+"\r"+testPassword+"\r"+testPassword+"\r")
	h.waitScreen("We sent a link to " + testEmail)
	if strings.Contains(h.screen(), "not the same") {
		t.Fatalf("keys went to the wrong field:\n%s", h.screen())
	}
}

// The hold ends when the form's own focus message has moved the focus, not on
// whatever message comes first: a spinner's tick or a resize arriving between
// Enter and huh's "next field" must not let the next keys into the field left.
func TestTypeAheadWaitsForTheFocusNotForAnyMessage(t *testing.T) {
	w := newWorld(t)
	_, h := w.app(store.Session{ID: store.NewID()}, false)
	h.waitScreen("Do you accept the provider's terms?")
	h.key("y")
	h.waitScreen("Business e-mail")

	// Unrelated messages after each Enter, handled before huh's focus message.
	typeBurst(h, testEmail+"\r"+testPassword+"\r"+testPassword+"\r",
		spinner.TickMsg{}, tea.WindowSizeMsg{Width: 100, Height: 40})
	h.waitScreen("We sent a link to " + testEmail)
	if strings.Contains(h.screen(), "not the same") {
		t.Fatalf("keys went to the wrong field:\n%s", h.screen())
	}
}

// Keys typed after a step finished wait for its save and go to the next step.
func TestKeysTypedDuringASaveGoToTheNextStep(t *testing.T) {
	w := newWorld(t)
	_, h := w.app(store.Session{ID: store.NewID()}, false)
	h.waitScreen("Do you accept the provider's terms?")
	// "y" finishes the terms; the e-mail typed at once must reach the account step.
	h.deliver(keyMsg("y"))
	for _, r := range testEmail {
		h.deliver(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	h.waitScreen("Business e-mail")
	h.settle()
	if !strings.Contains(h.screen(), testEmail) {
		t.Fatalf("the e-mail typed during the save is not in its field:\n%s", h.screen())
	}
}

// typeBurst delivers s at once, as auto-type does ('\r' is Enter), with the
// messages of afterEnter delivered right after each Enter.
func typeBurst(h *harness, s string, afterEnter ...tea.Msg) {
	for _, r := range s {
		if r == '\r' {
			h.deliver(tea.KeyPressMsg{Code: tea.KeyEnter})
			for _, m := range afterEnter {
				h.deliver(m)
			}
			continue
		}
		h.deliver(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}
