package ui

import (
	"context"
	"strings"
	"testing"

	"wizard/store"
)

// A display name Meta's guidelines may decline, confirmed in the root model as
// a brand written so: Enter first goes back to the name (nothing sent, nothing
// saved), b sends it, and the history records what was warned and who confirmed.
func TestDisplayNameWarningConfirmedIsInTheHistory(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	firstHalf(w, a, h)

	fill := func() {
		for range 4 {
			h.key("enter")
		}
	}
	h.waitScreen("Display Name (Alpha Name)")
	h.typeText("Booking.com")
	h.key("enter")
	h.key("enter") // category: Other
	h.key("enter") // no description
	h.typeText("https://booking.com")
	h.key("enter")
	h.waitScreen("Meta may decline this display name")
	for _, want := range []string{"No URL form", "b our brand is written this way", "enter/e edit the name"} {
		if !strings.Contains(h.screen(), want) {
			t.Fatalf("the warning screen lacks %q:\n%s", want, h.screen())
		}
	}

	h.key("enter") // the safe answer: back to the name
	h.waitScreen("Display Name (Alpha Name)")
	if p := a.Session().Profile; !p.ConfirmedAt.IsZero() {
		t.Fatalf("Enter confirmed a warned name: %+v", p)
	}
	fill()
	h.waitScreen("Meta may decline this display name")
	h.key("b")
	h.waitScreen("Country of the number")

	saved, err := w.st.Load(context.Background(), a.Session().ID)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Profile.DisplayName != "Booking.com" || saved.Profile.ConfirmedAt.IsZero() {
		t.Fatalf("profile not saved: %+v", saved.Profile)
	}
	events, err := w.st.Events(context.Background(), saved.ID)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, e := range events {
		if e.Kind == "step.done" && e.Step == "display-name" {
			found = true
			if !strings.Contains(e.Detail, "warned: name_url") || !strings.Contains(e.Detail, "our brand is written this way") || e.By != "tester" || e.At.IsZero() {
				t.Errorf("the confirmation is not in the history: %+v", e)
			}
		}
	}
	if !found {
		t.Fatalf("no display-name step.done event: %+v", events)
	}
}
