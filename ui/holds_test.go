package ui

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"wizard/assets"
	"wizard/steps"
	"wizard/store"
)

var (
	assetsEN = assets.NewWords("en")
	me       = store.Holder{Who: "tester", Machine: "OFFICE-PC-1", PID: 101}
	aigerim  = store.Holder{Who: "Aigerim", Machine: "OFFICE-PC-3", PID: 202}
)

// newHoldWorld is a world whose data file reads the world's clock, frozen at
// 10:00: holds expire exactly when the test moves the clock on, never by
// themselves.
func newHoldWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t)
	w.clock.set(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
	st, err := store.Open(filepath.Join(t.TempDir(), "holds.db"), store.Options{Now: w.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	w.st = st
	return w
}

// held takes a hold on id for holder, as the command does before the shell starts.
func (w *world) held(id string, holder store.Holder, ttl time.Duration) *store.Hold {
	w.t.Helper()
	h, err := w.st.Acquire(context.Background(), id, holder, ttl)
	if err != nil {
		w.t.Fatal(err)
	}
	return h
}

// holdApp builds the shell on a new signup held with hold, saving through st.
func (w *world) holdApp(st Store, id string, hold *store.Hold, width, height int) (*App, *harness) {
	a := New(Options{Store: st, Env: w.env, Session: store.Session{ID: id}, User: "tester", Hold: hold})
	h := newHarness(w.t, a, width, height)
	h.waitScreen("Do you accept the provider's terms?")
	h.pump("the first save", 10*time.Second, func() bool { return !a.saving() })
	return a, h
}

// countingStore counts the renewals the store accepted; failRenew makes
// renewals fail as a database out of reach does.
type countingStore struct {
	*store.Store
	renewed   atomic.Int64
	failed    atomic.Int64
	failRenew atomic.Bool
	// failAcquire makes taking a hold fail as a database out of reach does.
	failAcquire atomic.Bool
}

func (s *countingStore) Acquire(ctx context.Context, id string, h store.Holder, ttl time.Duration) (*store.Hold, error) {
	if s.failAcquire.Load() {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	}
	return s.Store.Acquire(ctx, id, h, ttl)
}

func (s *countingStore) Renew(ctx context.Context, h *store.Hold) error {
	if s.failRenew.Load() {
		s.failed.Add(1)
		return &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	}
	err := s.Store.Renew(ctx, h)
	if err == nil {
		s.renewed.Add(1)
	}
	return err
}

func events(t *testing.T, st *store.Store, id string) []store.Event {
	t.Helper()
	evs, err := st.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func kinds(evs []store.Event) string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Kind)
	}
	return strings.Join(out, " ")
}

// The shell renews its hold every TTL/3: with the store's clock moved on a
// third of the TTL after each renewal, the hold is still the same live one
// after more than three TTLs, and nobody else can take it.
func TestRenewalKeepsTheHoldAcrossSeveralTTLs(t *testing.T) {
	t.Parallel()
	w := newHoldWorld(t)
	id := store.NewID()
	const ttl = 600 * time.Millisecond
	hold := w.held(id, me, ttl)
	cs := &countingStore{Store: w.st}
	a, h := w.holdApp(cs, id, hold, 100, 40)

	for range 10 { // 10 × ttl/3: more than three TTLs of the store's clock
		n := cs.renewed.Load()
		h.pump("renewal", 10*time.Second, func() bool { return cs.renewed.Load() > n })
		w.clock.advance(ttl / 3)
	}
	h.settle()
	if got := a.Hold(); got == nil || got.Token != hold.Token {
		t.Fatalf("the shell's hold is %+v; want the one it was given, renewed", got)
	}
	if _, err := w.st.Acquire(context.Background(), id, aigerim, ttl); !errors.Is(err, store.ErrHeld) {
		t.Fatalf("another holder took the signup (%v); it should still be held", err)
	}
	h.key("y")
	h.waitScreen("Business e-mail")
	saved, err := w.st.Load(context.Background(), id)
	if err != nil || saved.Terms.AcceptedAt.IsZero() {
		t.Fatalf("the terms were not saved with the renewed hold: %v %+v", err, saved.Terms)
	}
	h.settle()
}

// A hold that lapsed while nobody took it (the laptop slept past the TTL) is
// taken again by the next renewal, and the next save goes through with it.
func TestALapsedHoldIsRetakenByTheRenewal(t *testing.T) {
	t.Parallel()
	w := newHoldWorld(t)
	id := store.NewID()
	hold := w.held(id, me, 600*time.Millisecond)
	a, h := w.holdApp(w.st, id, hold, 100, 40)

	w.clock.advance(time.Hour) // asleep
	h.pump("the hold taken again", 10*time.Second, func() bool { return a.Hold() != nil && a.Hold().Token != hold.Token })
	h.key("y")
	h.waitScreen("Business e-mail")
	if a.saveErr != nil || a.takenOver != nil {
		t.Fatalf("after the hold was taken again: save error %v, taken over %v", a.saveErr, a.takenOver)
	}
	saved, _ := w.st.Load(context.Background(), id)
	if saved.Terms.AcceptedAt.IsZero() {
		t.Fatal("the terms were not saved with the new hold")
	}
	holds, _ := w.st.Holds(context.Background())
	if len(holds) != 1 || holds[0].Holder != me {
		t.Fatalf("holds %+v; want this wizard's", holds)
	}
	h.settle()
}

// A save that meets a lapsed hold nobody took takes it again and goes through.
func TestASaveRetakesALapsedHold(t *testing.T) {
	t.Parallel()
	w := newHoldWorld(t)
	id := store.NewID()
	hold := w.held(id, me, time.Hour) // the first renewal is 20 minutes away
	a, h := w.holdApp(w.st, id, hold, 100, 40)

	w.clock.advance(2 * time.Hour)
	h.key("y")
	h.waitScreen("Business e-mail")
	if got := a.Hold(); got == nil || got.Token == hold.Token {
		t.Fatalf("hold %+v; want a new one", got)
	}
	if evs := events(t, w.st, id); kinds(evs) != "created step.done" {
		t.Fatalf("history %q", kinds(evs))
	}
}

// A save that meets a lapsed hold while the store cannot be reached says so
// (not a disk problem); ctrl+r once it answers again takes the hold and saves.
func TestASaveThatCannotRetakeItsHoldIsRetried(t *testing.T) {
	t.Parallel()
	w := newHoldWorld(t)
	id := store.NewID()
	hold := w.held(id, me, time.Hour)
	cs := &countingStore{Store: w.st}
	a, h := w.holdApp(cs, id, hold, 100, 40)

	w.clock.advance(2 * time.Hour)
	cs.failAcquire.Store(true)
	h.key("y")
	h.waitScreen("Could not save your progress: the store did not answer")
	if strings.Contains(h.screen(), "disk") {
		t.Fatalf("a store out of reach is worded as a disk problem:\n%s", h.screen())
	}
	cs.failAcquire.Store(false)
	h.key("ctrl+r")
	h.waitScreen("Business e-mail")
	if a.saveErr != nil || a.Hold() == nil || a.Hold().Token == hold.Token {
		t.Fatalf("after ctrl+r: error %v, hold %+v", a.saveErr, a.Hold())
	}
	if got := kinds(events(t, w.st, id)); got != "created step.done" {
		t.Fatalf("history %q", got)
	}
}

// takeOver lets the hold lapse and has Aigerim take the signup at 10:42.
func takeOver(w *world, id string) {
	w.t.Helper()
	w.clock.set(time.Date(2026, 11, 21, 10, 42, 0, 0, time.UTC))
	w.held(id, aigerim, time.Hour)
}

// Someone else took the signup while the hold had lapsed: the save is
// refused, the screen says who and what is lost, nothing more is saved, no
// key but quit does anything, and Unsaved lists what was lost.
func TestATakenOverSignupSavesNothingMore(t *testing.T) {
	t.Parallel()
	w := newHoldWorld(t)
	id := store.NewID()
	hold := w.held(id, me, 10*time.Minute)
	a, h := w.holdApp(w.st, id, hold, 100, 40)
	takeOver(w, id)

	h.key("y")
	h.waitScreen("Aigerim on OFFICE-PC-3 took this signup over at 10:42.")
	if !strings.Contains(h.screen(), "since 10:00 is not saved") || !strings.Contains(h.screen(), "wizard show "+id) {
		t.Fatalf("the screen does not say what is lost and what to do:\n%s", h.screen())
	}
	before := h.screen()
	h.key("n")
	h.key("esc")
	h.key("ctrl+r")
	if h.screen() != before {
		t.Fatalf("a key changed the taken-over screen:\n%s", h.screen())
	}
	if evs := events(t, w.st, id); kinds(evs) != "created" {
		t.Fatalf("saved after the take-over: %q", kinds(evs))
	}
	if a.Hold() != nil {
		t.Errorf("Hold() = %+v after the take-over; want nil (nothing to release)", a.Hold())
	}
	lost := a.Unsaved()
	if len(lost) != 1 || lost[0].Step != string(steps.Terms) || lost[0].Kind != "step.done" {
		t.Fatalf("unsaved %+v, want the terms' step.done", lost)
	}
	h.key("ctrl+c")
	h.pump("quit", 5*time.Second, func() bool { return h.quit })
	if a.Exit() != ExitUnsaved {
		t.Fatalf("exit %v, want unsaved", a.Exit())
	}
	if got, ok := a.TakenOver(); !ok || got.Holder != aigerim {
		t.Fatalf("TakenOver() = %+v %v", got, ok)
	}
}

// A renewal that finds the signup taken over shows the same screen, with
// nothing lost when nothing was waiting.
func TestARenewalFindsTheSignupTakenOver(t *testing.T) {
	t.Parallel()
	w := newHoldWorld(t)
	id := store.NewID()
	hold := w.held(id, me, 600*time.Millisecond)
	a, h := w.holdApp(w.st, id, hold, 100, 40)
	takeOver(w, id)
	h.pump("the take-over", 10*time.Second, func() bool { return a.takenOver != nil })
	if !strings.Contains(h.screen(), "Aigerim on OFFICE-PC-3 took this signup over at 10:42.") {
		t.Fatalf("screen:\n%s", h.screen())
	}
	if len(a.Unsaved()) != 0 {
		t.Fatalf("unsaved %+v; nothing was waiting", a.Unsaved())
	}
	h.key("ctrl+c")
	h.pump("quit", 5*time.Second, func() bool { return h.quit })
	if a.Exit() != ExitInterrupted {
		t.Fatalf("exit %v, want interrupted (nothing lost)", a.Exit())
	}
}

// Without a hold, a save refused because someone holds the signup is a take-over.
func TestASaveWithoutAHoldMeetsSomeonesHold(t *testing.T) {
	t.Parallel()
	w := newHoldWorld(t)
	id := store.NewID()
	a, h := w.holdApp(w.st, id, nil, 100, 40)
	takeOver(w, id)
	h.key("y")
	h.waitScreen("Aigerim on OFFICE-PC-3 took this signup over at 10:42.")
	if len(a.Unsaved()) != 1 {
		t.Fatalf("unsaved %+v", a.Unsaved())
	}
}

// Who and which machine come from the store: they reach the screen escaped.
func TestTheHoldersNameIsMadeSafe(t *testing.T) {
	t.Parallel()
	w := newHoldWorld(t)
	id := store.NewID()
	hold := w.held(id, me, 10*time.Minute)
	_, h := w.holdApp(w.st, id, hold, 100, 40)
	w.clock.advance(time.Hour)
	w.held(id, store.Holder{Who: "Aigerim\x1b[2J", Machine: "PC\x07"}, time.Hour)
	h.key("y")
	h.waitScreen(`Aigerim\x1b[2J on PC\a took this signup over`)
	if v := h.model.View().Content; strings.Contains(v, "\x1b[2J") || strings.Contains(v, "\x07") {
		t.Fatal("a control sequence from the store reached the screen")
	}
}

// The taken-over screen, in the frame, at 80×24.
func TestTakenOverScreen(t *testing.T) {
	t.Parallel()
	w := newHoldWorld(t)
	id := "K7MQ-4XPD"
	hold := w.held(id, me, 10*time.Minute)
	_, h := w.holdApp(w.st, id, hold, 80, 24)
	takeOver(w, id)
	h.key("y")
	h.waitScreen("took this signup over")
	fits(t, h.screen())
	golden.RequireEqual(t, stable(h.screen()))
}

// fits fails unless screen fits 80×24.
func fits(t *testing.T, screen string) {
	t.Helper()
	lines := strings.Split(screen, "\n")
	if len(lines) > 24 {
		t.Errorf("%d lines; the screen has 24:\n%s", len(lines), screen)
	}
	for _, l := range lines {
		if n := len([]rune(l)); n > 80 {
			t.Errorf("a line of %d columns: %q", n, l)
		}
	}
}

// otherWriter saves the signup as another wizard (support at 10:05) would:
// loaded, changed by change, saved with its history.
func otherWriter(w *world, id string, change func(*store.Session)) {
	w.t.Helper()
	ctx := context.Background()
	cur, err := w.st.Load(ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	w.clock.set(time.Date(2026, 11, 21, 10, 5, 0, 0, time.UTC))
	change(&cur)
	cur.UpdatedAt, cur.UpdatedBy = w.clock.Now(), "support"
	cur.Step = string(steps.Next(cur))
	if err := w.st.Save(ctx, &cur, store.Event{By: "support", Kind: "edited"}, nil); err != nil {
		w.t.Fatal(err)
	}
}

// Someone saved the signup meanwhile, without moving it on: the save is
// refused, the shell reloads their signup, applies what this screen did onto
// it and saves again. Both changes are kept, the history has both, and a
// notice says who changed what until the next key.
func TestAConflictOnTheSameStepKeepsBothChanges(t *testing.T) {
	t.Parallel()
	w := newHoldWorld(t)
	id := store.NewID()
	a, h := w.holdApp(w.st, id, nil, 100, 40)
	otherWriter(w, id, func(s *store.Session) { s.Company.CompanyName = "Acme Pharma" })

	h.key("y")
	h.waitScreen("Business e-mail")
	h.pump("the save", 10*time.Second, func() bool { return !a.saving() })
	if !strings.Contains(h.screen(), "Someone else changed this signup: support at 10:05 — company.") {
		t.Fatalf("no notice:\n%s", h.screen())
	}
	saved, _ := w.st.Load(context.Background(), id)
	if saved.Terms.AcceptedAt.IsZero() || saved.Company.CompanyName != "Acme Pharma" {
		t.Fatalf("stored terms %+v company %+v; want both changes", saved.Terms, saved.Company)
	}
	if got := kinds(events(t, w.st, id)); got != "created edited step.done" {
		t.Fatalf("history %q; want both writers' events", got)
	}
	if a.Session().Company.CompanyName != "Acme Pharma" {
		t.Fatal("the shell's session lacks the other writer's change")
	}
	h.typeText("a")
	if strings.Contains(h.screen(), "Someone else changed") {
		t.Fatalf("the notice stayed after a key:\n%s", h.screen())
	}
}

// Someone moved the signup on meanwhile: what this screen did is dropped, the
// step the signup is at now is shown, and the notice says where it is.
func TestAConflictWhereTheSignupMovedOnShowsItsStep(t *testing.T) {
	t.Parallel()
	w := newHoldWorld(t)
	id := "K7MQ-4XPD"
	a, h := w.holdApp(w.st, id, nil, 80, 24)
	otherWriter(w, id, func(s *store.Session) { s.Terms.AcceptedAt = w.clock.Now() })

	h.key("y")
	h.waitScreen("Business e-mail")
	h.settle()
	want := "Someone else changed this signup: support at 10:05 — step, terms. It is now at Provider account."
	if !strings.Contains(strings.Join(strings.Fields(h.screen()), " "), want) {
		t.Fatalf("no notice %q:\n%s", want, h.screen())
	}
	if got := kinds(events(t, w.st, id)); got != "created edited" {
		t.Fatalf("history %q; the dropped change was saved", got)
	}
	if a.Step().ID() != steps.Account || a.saving() {
		t.Fatalf("at %s, saving %v", a.Step().ID(), a.saving())
	}
	fits(t, h.screen())
	golden.RequireEqual(t, stable(h.screen()))
}

// A hold that lapsed, someone else's save meanwhile, then this wizard's save:
// the hold is taken again, the revision check finds the conflict, and the
// change is applied onto theirs.
func TestALapsedHoldThenAConflict(t *testing.T) {
	t.Parallel()
	w := newHoldWorld(t)
	id := store.NewID()
	hold := w.held(id, me, 3*time.Minute)
	a, h := w.holdApp(w.st, id, hold, 100, 40)
	otherWriter(w, id, func(s *store.Session) { s.Company.CompanyName = "Acme Pharma" }) // at 10:05: lapsed

	h.key("y")
	h.waitScreen("Business e-mail")
	h.pump("the save", 10*time.Second, func() bool { return !a.saving() })
	if got := kinds(events(t, w.st, id)); got != "created edited step.done" {
		t.Fatalf("history %q", got)
	}
	if a.Hold() == nil || a.Hold().Token == hold.Token {
		t.Fatalf("hold %+v; want a new one", a.Hold())
	}
}

// Someone abandoned the signup meanwhile: the notice says so, and the next
// key ends the run.
func TestAConflictWithAnAbandonedSignupEndsTheRun(t *testing.T) {
	t.Parallel()
	w := newHoldWorld(t)
	id := store.NewID()
	a, h := w.holdApp(w.st, id, nil, 100, 40)
	otherWriter(w, id, func(s *store.Session) { s.Status = store.StatusAbandoned })

	h.key("y")
	h.pump("the notice", 10*time.Second, func() bool { return a.notice != "" })
	h.settle()
	if !strings.Contains(h.screen(), "support at 10:05 — status.") {
		t.Fatalf("screen:\n%s", h.screen())
	}
	h.deliver(keyMsg("y"))
	h.pump("quit", 5*time.Second, func() bool { return h.quit })
	if a.Exit() != ExitAbandoned {
		t.Fatalf("exit %v, want abandoned", a.Exit())
	}
	if got := kinds(events(t, w.st, id)); got != "created edited" {
		t.Fatalf("history %q", got)
	}
}

// Renewals the store does not answer are tried again at each tick; once that
// has lasted past the TTL a quiet line says so, and it goes when the store
// answers again (here by taking the lapsed hold again).
func TestRenewalsThatFailAreTriedAgain(t *testing.T) {
	t.Parallel()
	w := newHoldWorld(t)
	id := store.NewID()
	const ttl = 600 * time.Millisecond
	hold := w.held(id, me, ttl)
	cs := &countingStore{Store: w.st}
	a, h := w.holdApp(cs, id, hold, 100, 40)

	cs.failRenew.Store(true)
	h.pump("a failed renewal", 10*time.Second, func() bool { return cs.failed.Load() > 0 })
	if strings.Contains(h.screen(), "could not renew") {
		t.Fatalf("a single failure is shown:\n%s", h.screen())
	}
	w.clock.advance(time.Second)
	h.pump("the quiet line", 10*time.Second, func() bool { return strings.Contains(h.screen(), "could not renew its hold") })
	cs.failRenew.Store(false)
	h.pump("the hold taken again", 10*time.Second, func() bool { return a.Hold() != nil && a.Hold().Token != hold.Token })
	h.settle()
	if strings.Contains(h.screen(), "could not renew") {
		t.Fatalf("the line stayed:\n%s", h.screen())
	}
}

// A save the store could not make is worded by what failed: a database out of
// reach is not a disk problem.
func TestASaveFailureIsWordedByItsKind(t *testing.T) {
	for _, c := range []struct {
		err        error
		want, dont string
	}{
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, "the store did not answer", "disk"},
		{context.DeadlineExceeded, "the store did not answer", "disk"},
		{&store.LockedError{Path: "/x/wizard.db"}, "wait a moment", "disk"},
		{errors.New("something odd"), "wizard doctor", "disk"},
	} {
		if k := saveFailedKey(c.err); strings.Contains(assetsEN.T(k, c.err), c.dont) || !strings.Contains(assetsEN.T(k, c.err), c.want) {
			t.Errorf("%v: %q", c.err, assetsEN.T(k, c.err))
		}
	}
}

// Every part of a session a notice may name has its words.
func TestEverySessionPartHasWords(t *testing.T) {
	typ := reflect.TypeFor[store.Session]()
	for _, i := range sessionParts {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if !assetsEN.Has("ui.part." + name) {
			t.Errorf("no words for ui.part.%s", name)
		}
	}
}

// Someone finished the signup meanwhile: its summary is shown with the
// notice, and the next key ends the run as finished.
func TestAConflictWithAFinishedSignupEndsTheRun(t *testing.T) {
	t.Parallel()
	w := newHoldWorld(t)
	id := store.NewID()
	a, h := w.holdApp(w.st, id, nil, 100, 40)
	otherWriter(w, id, func(s *store.Session) {
		for _, step := range steps.Order[:steps.Position(steps.Finished)-1] {
			markDone(s, step)
		}
		s.Status, s.FinishedAt = store.StatusDone, w.clock.Now()
	})

	h.key("y")
	h.pump("the notice", 10*time.Second, func() bool { return a.notice != "" })
	h.settle()
	if a.Step().ID() != steps.Finished || !strings.Contains(h.screen(), "It is now at Done.") {
		t.Fatalf("at %s; screen:\n%s", a.Step().ID(), h.screen())
	}
	h.deliver(keyMsg("enter"))
	h.pump("quit", 5*time.Second, func() bool { return h.quit })
	if a.Exit() != ExitFinished {
		t.Fatalf("exit %v, want finished", a.Exit())
	}
}
