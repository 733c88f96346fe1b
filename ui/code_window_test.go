package ui

import (
	"strings"
	"testing"
	"time"

	"wizard/client/sandbox"
	"wizard/store"
)

// quitAndReload ends the program as ctrl+c does, reopens the data file as a new
// process would, and returns the saved session.
func quitAndReload(w *world, a *App, h *harness) store.Session {
	w.t.Helper()
	h.deliver(keyMsg("ctrl+c"))
	h.pump("quit", 5*time.Second, func() bool { return h.quit })
	h.stop()
	w.st.Close()
	w.open()
	s, err := w.st.Load(a.Session().ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// The countdown is the guide's 60 seconds, by the clock; when it ends the
// screen says so, offers a new code and still takes the one received (Meta
// decides) until Meta's own lifetime of the code, which the provider gave.
func TestCodeWindowEndsAfterSixtySecondsOfTheClock(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	firstHalf(w, a, h)
	upToCode(w, h)
	h.key("s")
	h.waitScreen("Verification code")
	requested := a.Session().Code.RequestedAt
	w.clock.set(requested.Add(50 * time.Second))
	h.waitScreen("0:10") // the next one-second tick redraws from the saved deadline
	w.clock.set(requested.Add(61 * time.Second))
	h.waitScreen("The 60 seconds are over")
	for _, want := range []string{"you can still enter it", "Verification code", "resend by SMS", "resend by voice call"} {
		if !strings.Contains(h.screen(), want) {
			t.Fatalf("after the countdown the screen lacks %q:\n%s", want, h.screen())
		}
	}
	if got := a.Session().Code.ValidUntil.Sub(requested); got != sandbox.CodeTTL {
		t.Fatalf("Meta's lifetime of the code saved as %v, want the provider's %v", got, sandbox.CodeTTL)
	}
	w.clock.set(requested.Add(sandbox.CodeTTL + time.Second))
	h.waitScreen("The code has expired")
	if strings.Contains(h.screen(), "Verification code") {
		t.Fatalf("the code field is still open after Meta's lifetime of the code:\n%s", h.screen())
	}
}

func TestResumedCodeWindowKeepsItsDeadline(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	firstHalf(w, a, h)
	upToCode(w, h)
	h.key("s")
	h.waitScreen("Verification code")
	saved := quitAndReload(w, a, h)
	if saved.Code.RequestedAt.IsZero() || saved.Code.ExpiresAt.Sub(saved.Code.RequestedAt) != 60*time.Second ||
		saved.Code.ValidUntil.Sub(saved.Code.RequestedAt) != sandbox.CodeTTL {
		t.Fatalf("the request time and windows were not saved: %+v", saved.Code)
	}

	// 50 s later, in a new process: 10 s left, the field is there.
	w.clock.set(saved.Code.RequestedAt.Add(50 * time.Second))
	b, h2 := w.app(saved, true)
	h2.waitScreen("0:10")
	if !strings.Contains(h2.screen(), "Verification code") {
		t.Fatalf("the resumed code field is missing:\n%s", h2.screen())
	}
	saved = quitAndReload(w, b, h2)

	// After the countdown: the field, and a new code offered.
	w.clock.set(saved.Code.RequestedAt.Add(80 * time.Second))
	c, h3 := w.app(saved, true)
	h3.waitScreen("The 60 seconds are over")
	if !strings.Contains(h3.screen(), "Verification code") || !strings.Contains(h3.screen(), "resend by SMS") {
		t.Fatalf("after the countdown, resumed:\n%s", h3.screen())
	}
	saved = quitAndReload(w, c, h3)

	// After Meta's lifetime of the code: only resend.
	w.clock.set(saved.Code.RequestedAt.Add(sandbox.CodeTTL + time.Minute))
	_, h4 := w.app(saved, true)
	h4.waitScreen("resend by SMS")
	if strings.Contains(h4.screen(), "Verification code") {
		t.Fatalf("an expired code can still be typed:\n%s", h4.screen())
	}
}

func TestActivationResumesAfterRestart(t *testing.T) {
	t.Parallel()
	// The provider takes an hour of the world's clock: nothing but the clock
	// moving on while the wizard is closed can finish the activation.
	w := newWorldWith(t, sandbox.Options{ActivationDelay: time.Hour})
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	toPIN(w, a, h)
	h.typeText(testPIN)
	h.key("enter")
	h.typeText(testPIN)
	h.key("enter")
	h.waitScreen("Step 10 of 12")
	// The start is saved first; only then does the screen say closing is safe.
	h.waitScreen("You may close the wizard")
	saved := quitAndReload(w, a, h)
	if saved.Activation.StartedAt.IsZero() || saved.Step != "activation" {
		t.Fatalf("the activation start was not saved: step %s %+v", saved.Step, saved.Activation)
	}
	w.clock.advance(time.Hour)
	_, h2 := w.app(saved, true)
	h2.waitScreen("Your Alpha Name code:")
	h2.key("enter")
	h2.waitScreen("Add & Edit Alpha Names for Campaigns")
}
