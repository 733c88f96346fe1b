package ui

import (
	"context"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"wizard/steps"
	"wizard/store"
)

// slowSaver writes like the store but lets the test hold a save back, so that
// two saves would overlap if the shell let them.
type slowSaver struct {
	mu sync.Mutex
	*store.Store
	gate    chan struct{}
	running int
	overlap bool
}

func (s *slowSaver) Save(ctx context.Context, sess *store.Session, ev store.Event, hold *store.Hold) error {
	s.mu.Lock()
	s.running++
	if s.running > 1 {
		s.overlap = true
	}
	s.mu.Unlock()
	<-s.gate
	err := s.Store.Save(ctx, sess, ev, hold)
	s.mu.Lock()
	s.running--
	s.mu.Unlock()
	return err
}

// The "resumed" save and the step's first save never race: the newest
// session is what stays on disk.
func TestSavesRunOneAtATimeAndTheNewestWins(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sess := store.Session{ID: store.NewID(), Status: store.StatusActive}
	for _, id := range steps.Order[:steps.Position(steps.Finished)-1] {
		markDone(&sess, id)
	}
	slow := &slowSaver{Store: w.st, gate: make(chan struct{})}
	a := New(Options{Store: slow, Env: w.env, Session: sess, Resumed: true, User: "tester"})
	h := newHarness(t, a, 100, 40)
	go func() {
		for range 10 {
			time.Sleep(20 * time.Millisecond)
			slow.gate <- struct{}{}
		}
	}()
	h.waitScreen("All done")
	h.pump("both saves", 5*time.Second, func() bool { return !a.saving() })
	if slow.overlap {
		t.Fatal("two saves ran at the same time")
	}
	saved, err := w.st.Load(context.Background(), sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Status != store.StatusDone || saved.FinishedAt.IsZero() || saved.Step != string(steps.Finished) {
		t.Fatalf("on disk: status %s step %s finished %v; want done", saved.Status, saved.Step, saved.FinishedAt)
	}
	h.deliver(tea.KeyPressMsg{Code: tea.KeyEnter})
}

// markDone fills in what a finished step leaves in a session.
func markDone(s *store.Session, id steps.ID) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	switch id {
	case steps.Terms:
		s.Terms.AcceptedAt = now
	case steps.Account:
		s.Account = store.Account{ID: "acc_1", Email: testEmail, VerifiedAt: now}
	case steps.Company:
		s.Company = store.Company{CompanyName: "Acme Pharma", Country: "KZ", SavedAt: now}
	case steps.NumberStatus:
		s.Number.ConfirmedAt, s.Path = now, store.PathNew
	case steps.Signup:
		s.Signup = store.Signup{Event: "FINISH", WABAID: "1"}
	case steps.DisplayName:
		s.Profile = store.Profile{DisplayName: "Acme Pharma", ConfirmedAt: now, SentAt: now}
	case steps.Phone:
		s.Phone = store.Phone{ID: "2", E164: "+77011234567"}
	case steps.VerifyCode:
		s.Code.RegisteredAt = now
	case steps.Activation:
		s.Activation = store.Activation{AlphaCode: "AN-1", ActivatedAt: now}
	case steps.AlphaName:
		s.Alpha = store.Alpha{Name: "Acme Pharma", Country: "KZ", SavedAt: now}
	}
}

// A save that changes what the session holds also moves its step: a session
// whose alpha name is saved is at "done", whatever screen is still showing.
//
// Not parallel: the held Enter reaches the summary only if the save that
// changes the screen ends within the shell's type-ahead hold, which is bounded
// by real time (ui/app.go, holdFor × maxHoldTicks); other tests' saves on the
// same disk can make it longer than that.
func TestRecordMovesTheSavedStep(t *testing.T) {
	w := newWorld(t)
	sess := store.Session{ID: store.NewID(), Status: store.StatusActive}
	for _, id := range steps.Order[:steps.Position(steps.AlphaName)-1] {
		markDone(&sess, id)
	}
	a, h := w.app(sess, true)
	h.waitScreen("Add & Edit Alpha Names for Campaigns")
	h.key("enter")
	h.waitScreen("Saved: Acme Pharma")
	h.pump("the save", 5*time.Second, func() bool { return !a.saving() })
	saved, _ := w.st.Load(context.Background(), sess.ID)
	if saved.Step != string(steps.Finished) || saved.Alpha.SavedAt.IsZero() {
		t.Fatalf("saved step %q alpha %+v; want done", saved.Step, saved.Alpha)
	}

	// Enter to go on, and at once Enter again to leave the summary: the second
	// key is held while the screens change, then quits.
	h.deliver(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.deliver(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.pump("quit", 5*time.Second, func() bool { return h.quit })
	if a.Exit() != ExitFinished {
		t.Fatalf("exit %v, want finished", a.Exit())
	}
}

// A resumed signup is saved on the revision it was loaded at (issue 15: a
// save on any other revision is a conflict): the shell carries the loaded
// Rev into its first save and each save's new Rev into the next.
func TestResumedSessionSavesOnItsRevision(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	sess := store.Session{ID: store.NewID(), Status: store.StatusActive}
	for _, kind := range []string{"created", "step.done"} { // revision 2 on disk
		if err := w.st.Save(ctx, &sess, store.Event{Kind: kind}, nil); err != nil {
			t.Fatal(err)
		}
	}
	loaded, err := w.st.Load(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	a, h := w.app(loaded, true)
	h.waitScreen("Do you accept the provider's terms?")
	h.pump("the resume saved", 10*time.Second, func() bool {
		evs, _ := w.st.Events(ctx, sess.ID)
		return len(evs) == 3
	})
	h.key("y")
	h.waitScreen("Business e-mail")
	h.pump("the terms saved", 10*time.Second, func() bool {
		got, _ := w.st.Load(ctx, sess.ID)
		return got.Rev == 4
	})
	if a.saveErr != nil {
		t.Fatalf("a save failed: %v", a.saveErr)
	}
	if evs, _ := w.st.Events(ctx, sess.ID); len(evs) != 4 || evs[2].Kind != "resumed" {
		t.Fatalf("history %+v", evs)
	}
}
