package ui

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"wizard/steps"
	"wizard/store"
)

// delaySaver writes like the store, each save taking a while (a slow disk).
type delaySaver struct {
	*store.Store
	delay atomic.Int64 // nanoseconds
}

func (s *delaySaver) Save(ctx context.Context, sess *store.Session, ev store.Event, hold *store.Hold) error {
	time.Sleep(time.Duration(s.delay.Load())) // the disk is slow; nothing waits on this to be exact
	return s.Store.Save(ctx, sess, ev, hold)
}

// Keys typed while a save is slow wait for the save they follow: Enter, Enter
// on the alpha-name "Saved:" screen goes on and then leaves the summary.
func TestKeysWaitForASlowSave(t *testing.T) {
	w := newWorld(t)
	sess := store.Session{ID: store.NewID(), Status: store.StatusActive}
	for _, id := range steps.Order[:steps.Position(steps.AlphaName)-1] {
		markDone(&sess, id)
	}
	slow := &delaySaver{Store: w.st}
	a := New(Options{Store: slow, Env: w.env, Session: sess, Resumed: true, User: "tester"})
	h := newHarness(t, a, 100, 40)
	h.waitScreen("Add & Edit Alpha Names for Campaigns")
	h.key("enter")
	h.waitScreen("Saved: Acme Pharma")
	h.pump("the save", 5*time.Second, func() bool { return !a.saving() })

	slow.delay.Store(int64(300 * time.Millisecond))
	h.deliver(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.deliver(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.pump("quit", 10*time.Second, func() bool { return h.quit })
	if a.Exit() != ExitFinished {
		t.Fatalf("exit %v, want finished; screen:\n%s", a.Exit(), h.screen())
	}
	saved, err := w.st.Load(context.Background(), sess.ID)
	if err != nil || saved.Status != store.StatusDone {
		t.Fatalf("on disk: %v %v, want done", saved.Status, err)
	}
}

// failingSaver refuses every save once fail is set (a full disk).
type failingSaver struct {
	*store.Store
	fail atomic.Bool
}

func (s *failingSaver) Save(ctx context.Context, sess *store.Session, ev store.Event, hold *store.Hold) error {
	if s.fail.Load() {
		return errors.New("no space left on device")
	}
	return s.Store.Save(ctx, sess, ev, hold)
}

// After a failed save, ctrl+c does not quit as if all were saved: it says what
// would be lost, and a second ctrl+c quits with it listed.
func TestQuitAfterAFailedSaveSaysWhatIsLost(t *testing.T) {
	w := newWorld(t)
	sess := store.Session{ID: store.NewID()}
	fs := &failingSaver{Store: w.st}
	a := New(Options{Store: fs, Env: w.env, Session: sess, User: "tester"})
	h := newHarness(t, a, 100, 40)
	h.waitScreen("Do you accept the provider's terms?")
	h.pump("the first save", 5*time.Second, func() bool { return !a.saving() })
	fs.fail.Store(true)
	h.key("y")
	h.waitScreen("Could not save your progress")

	h.key("ctrl+c")
	if h.quit {
		t.Fatal("ctrl+c quit at once although a save had failed")
	}
	if !strings.Contains(h.screen(), "(1 change waiting)") || !strings.Contains(h.screen(), "ctrl+c again to quit without it") {
		t.Fatalf("the screen does not say what quitting loses:\n%s", h.screen())
	}
	h.key("ctrl+c")
	h.pump("quit", 5*time.Second, func() bool { return h.quit })
	if a.Exit() != ExitUnsaved {
		t.Fatalf("exit %v, want unsaved", a.Exit())
	}
	lost := a.Unsaved()
	if len(lost) != 1 || lost[0].Step != string(steps.Terms) || lost[0].Kind != "step.done" {
		t.Fatalf("unsaved %+v, want the terms' step.done", lost)
	}
}

// After a failed save, freeing space and ctrl+r saves it and goes on.
func TestRetryAfterAFailedSaveGoesOn(t *testing.T) {
	w := newWorld(t)
	fs := &failingSaver{Store: w.st}
	a := New(Options{Store: fs, Env: w.env, Session: store.Session{ID: store.NewID()}, User: "tester"})
	h := newHarness(t, a, 100, 40)
	h.waitScreen("Do you accept the provider's terms?")
	h.pump("the first save", 5*time.Second, func() bool { return !a.saving() })
	fs.fail.Store(true)
	h.key("y")
	h.waitScreen("Could not save your progress")
	h.key("ctrl+c") // asks first
	fs.fail.Store(false)
	h.key("ctrl+r")
	h.waitScreen("Business e-mail")
	if a.saveErr != nil || a.quitAsked {
		t.Fatalf("after the retry: error %v, quit asked %v", a.saveErr, a.quitAsked)
	}
}

// A new signup's id is shown only once the signup is in the data file: an id
// on the screen names a signup that a crash cannot lose.
func TestTheIDShowsOnceTheSignupIsSaved(t *testing.T) {
	w := newWorld(t)
	slow := &slowSaver{Store: w.st, gate: make(chan struct{})}
	id := store.NewID()
	a := New(Options{Store: slow, Env: w.env, Session: store.Session{ID: id}, User: "tester"})
	h := newHarness(t, a, 100, 40)
	h.pump("the terms", 5*time.Second, func() bool { return strings.Contains(h.screen(), "Do you accept") })
	if strings.Contains(h.screen(), id) || strings.Contains(a.View().WindowTitle, id) {
		t.Fatalf("the id %s is shown before the signup is saved:\n%s", id, h.screen())
	}
	slow.gate <- struct{}{}
	h.pump("the id", 5*time.Second, func() bool { return strings.Contains(h.screen(), id) })
	if !strings.Contains(a.View().WindowTitle, id) {
		t.Errorf("the window title lacks the id once saved: %q", a.View().WindowTitle)
	}
}
