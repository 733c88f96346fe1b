package ui

import (
	"context"
	"strings"
	"testing"

	"wizard/store"
)

// Activation fails because Meta declined the display name: the screen offers
// another name (with the review warning), saves it, and activates again —
// no dead end of "r" failing for ever.
func TestDeclinedDisplayNameCanBeChangedAndActivated(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	firstHalf(w, a, h)
	upToCodeWith(w, h, "701 999 9999") // the sandbox declines this number's name
	requestAndEnterCode(w, a, h)
	h.waitScreen("Set the two-step verification PIN")
	h.typeText(testPIN)
	h.key("enter")
	h.typeText(testPIN)
	h.key("enter")

	h.waitScreen("Press n to choose another display name")
	h.key("n")
	h.waitScreen("New display name (Alpha Name)")
	h.typeText(" Group")
	h.key("enter")
	h.waitScreen("Send this display name for review?")
	if !strings.Contains(h.screen(), "Acme Pharma Group") || !strings.Contains(h.screen(), "reviews every display name") {
		t.Fatalf("the second look does not show the name and the review warning:\n%s", h.screen())
	}
	h.key("enter")
	h.waitScreen("Your Alpha Name code:")

	saved, err := w.st.Load(context.Background(), a.Session().ID)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Profile.DisplayName != "Acme Pharma Group" {
		t.Fatalf("saved display name %q, want the new one", saved.Profile.DisplayName)
	}
	events, _ := w.st.Events(context.Background(), saved.ID)
	var asked bool
	for _, e := range events {
		asked = asked || strings.Contains(e.Detail, `new display name "Acme Pharma Group" asked for`)
	}
	if !asked {
		t.Errorf("the history does not record the new name: %+v", events)
	}
	h.key("enter")
	h.waitScreen("Add & Edit Alpha Names for Campaigns")
}
