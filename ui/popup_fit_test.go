package ui

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"wizard/store"
)

// fits80x24 checks that the screen, drawn at 80×24, has at most 24 lines with
// the header and the key help on it.
func fits80x24(t *testing.T, h *harness, what string) {
	t.Helper()
	h.deliver(tea.WindowSizeMsg{Width: 80, Height: 24})
	scr := strings.TrimRight(h.screen(), "\n")
	lines := strings.Split(scr, "\n")
	if len(lines) > 24 || !strings.Contains(lines[1], "Step ") || !strings.Contains(lines[len(lines)-1], "ctrl+c") {
		t.Errorf("%s does not fit 80×24 with header and keys (%d lines):\n%s", what, len(lines), scr)
	}
	if testing.Verbose() {
		t.Logf("%s at 80×24:\n%s", what, scr)
	}
	for i, l := range lines {
		if n := len([]rune(l)); n > 80 {
			t.Errorf("%s: line %d is %d wide", what, i+1, n)
		}
	}
	h.deliver(tea.WindowSizeMsg{Width: 100, Height: 40})
}

func TestPopupScreensFit80x24(t *testing.T) {
	t.Parallel()
	t.Run("signup: a reported error with what support asks for", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		a, h := w.app(store.Session{ID: store.NewID()}, false)
		toSignup(w, h)
		resp, err := http.PostForm(a.Session().Signup.URL+"/result", url.Values{"event": {"CANCEL"},
			"current_step": {"PHONE_NUMBER_VERIFICATION"}, "error_message": {"The SMS with the code never arrived on the phone"},
			"error_id": {"524126"}, "session_id": {"f34b6950d5ba4c1e"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h.waitScreen("The signup reported an error")
		fits80x24(t, h, "the reported error")
	})
	t.Run("signup: cancelled on a screen", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		a, h := w.app(store.Session{ID: store.NewID()}, false)
		toSignup(w, h)
		h.pump("a signup session", 5*time.Second, func() bool { return a.Session().Signup.URL != "" })
		resp, err := http.PostForm(a.Session().Signup.URL+"/result", url.Values{"event": {"CANCEL"}, "current_step": {"BUSINESS_ACCOUNT_SELECTION"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h.waitScreen("(BUSINESS_ACCOUNT_SELECTION)")
		fits80x24(t, h, "the cancel")
	})
	t.Run("display name Meta holds, and its change", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		a, h := w.app(store.Session{ID: store.NewID()}, false)
		toSignup(w, h)
		w.popup(a, h, popupVerified)
		h.waitScreen("The display name Meta holds")
		fits80x24(t, h, "the name Meta holds")
		h.key("c")
		h.waitScreen("New display name")
		fits80x24(t, h, "the new name's field")
		h.key("enter")
		h.waitScreen("Ask Meta for this display name instead?")
		fits80x24(t, h, "the review warning")
	})
	t.Run("the Business app's notice", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		a, h := w.app(store.Session{ID: store.NewID()}, false)
		toSignup(w, h)
		w.popup(a, h, popupApp)
		h.waitScreen("The number stays on the WhatsApp Business app")
		fits80x24(t, h, "the coexistence screen")
	})
	t.Run("the PIN of a number the pop-up verified", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		a, h := w.app(store.Session{ID: store.NewID()}, false)
		toSignup(w, h)
		w.popup(a, h, popupVerified)
		h.waitScreen("The display name Meta holds")
		h.key("enter")
		h.waitScreen("verified in Meta's pop-up")
		fits80x24(t, h, "the PIN screen")
	})
}
