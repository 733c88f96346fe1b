// Package storetest is the test suite of the store contract (store.Engine):
// every engine runs it, so both behave the same to the wizard. It knows
// nothing of any engine: it is given a way to open a new, empty one.
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Engine { return openMine(t) })
//	}
//
// An engine that takes a clock for its holds runs the suite with Suite and
// Clocked: hold expiry is then tested exactly, by moving the clock; without
// one, by waiting (on conditions, with generous deadlines) for short TTLs.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"wizard/store"
)

// Suite is the suite with its knobs.
type Suite struct {
	// Open returns a new, empty engine (closed by the suite when the test
	// ends, or by t.Cleanup). now is the clock the engine must use for holds
	// and defaults when Clocked; otherwise it may be ignored.
	Open func(t *testing.T, now func() time.Time) store.Engine
	// Clocked: the engine uses now for holds, so the suite moves it.
	Clocked bool
	// Writers and Saves size the lost-update test: Writers goroutines each
	// save the same signup Saves times. Zero means 8 and 25.
	Writers, Saves int
}

// Run runs the suite on engines open gives, on real time.
func Run(t *testing.T, open func(t *testing.T) store.Engine) {
	Suite{Open: func(t *testing.T, _ func() time.Time) store.Engine { return open(t) }}.Run(t)
}

// Clock is a clock the suite sets.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// t0 is a time in the past with whole microseconds (what PostgreSQL keeps).
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793000, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

// env is one test's engine and clock.
type env struct {
	t     *testing.T
	e     store.Engine
	clock *Clock // nil on real time
	ctx   context.Context
}

func (s Suite) env(t *testing.T) *env {
	t.Helper()
	c := &Clock{t: time.Now().UTC().Truncate(time.Microsecond)}
	var now func() time.Time
	if s.Clocked {
		now = c.Now
	} else {
		c = nil
	}
	if now == nil {
		now = time.Now
	}
	e := s.Open(t, now)
	t.Cleanup(func() { e.Close() })
	return &env{t: t, e: e, clock: c, ctx: t.Context()}
}

// Run runs every test of the suite.
func (s Suite) Run(t *testing.T) {
	if s.Writers == 0 {
		s.Writers = 8
	}
	if s.Saves == 0 {
		s.Saves = 25
	}
	tests := []struct {
		name string
		fn   func(*env)
	}{
		{"RoundTrip", testRoundTrip},
		{"NotFound", testNotFound},
		{"Conflict", testConflict},
		{"NoLostUpdate", func(e *env) { testNoLostUpdate(e, s.Writers, s.Saves) }},
		{"Fencing", testFencing},
		{"HoldExpiryAndRenewal", testHoldExpiry},
		{"Holds", testHolds},
		{"Break", testBreak},
		{"List", testList},
		{"ListCursor", testListCursor},
		{"Latest", testLatest},
		{"Watch", testWatch},
		{"ExportImport", func(e *env) { testExportImport(e, s) }},
		{"Check", testCheck},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(s.env(t)) })
	}
}

func (e *env) save(sess *store.Session, ev store.Event, hold *store.Hold) {
	e.t.Helper()
	if err := e.e.Save(e.ctx, sess, ev, hold); err != nil {
		e.t.Fatalf("save %s: %v", sess.ID, err)
	}
}

func (e *env) load(id string) store.Session {
	e.t.Helper()
	s, err := e.e.Load(e.ctx, id)
	if err != nil {
		e.t.Fatalf("load %s: %v", id, err)
	}
	return s
}

func (e *env) events(id string) []store.Event {
	e.t.Helper()
	evs, err := e.e.Events(e.ctx, id)
	if err != nil {
		e.t.Fatalf("events %s: %v", id, err)
	}
	return evs
}

// put saves a new signup and returns it as stored.
func (e *env) put(id string, st store.Status, updated time.Time, fill func(*store.Session)) store.Session {
	e.t.Helper()
	s := store.Session{ID: id, Status: st, Step: "terms", UpdatedAt: updated, CreatedAt: updated}
	if fill != nil {
		fill(&s)
	}
	e.save(&s, store.Event{Kind: "created", At: updated, By: s.UpdatedBy}, nil)
	return s
}

// same compares two sessions as the contract keeps them: their JSON.
func same(a, b store.Session) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func holder(who string) store.Holder {
	return store.Holder{Who: who, Machine: "OFFICE-PC-3", PID: 4242}
}

// seqsWithoutGaps fails unless evs are numbered 1, 2, … len(evs).
func seqsWithoutGaps(t *testing.T, evs []store.Event) {
	t.Helper()
	for i, ev := range evs {
		if ev.Seq != uint64(i+1) {
			t.Fatalf("event %d has seq %d: the history has a gap or is out of order", i, ev.Seq)
		}
	}
}

func testRoundTrip(e *env) {
	t := e.t
	sess := store.Session{
		ID: "k7mq4xpd", CreatedAt: at(0), UpdatedAt: at(5), CreatedBy: "alice", UpdatedBy: "bob",
		Status: store.StatusWaiting, WaitingReason: "display name review", Step: "profile", Path: store.PathMigration,
		Account: store.Account{Email: "ops@acme.kz", ID: "acc-1", CreatedAt: at(2)},
		Company: store.Company{OrgType: "company", FullName: "Алия Серик", CompanyName: "ТОО «Акме»", Country: "KZ"},
		Phone:   store.Phone{Country: "KZ", E164: "+77011234567", CC: "7", Number: "7011234567"},
	}
	words := []store.Phrase{{Key: "history.number_added", Args: []string{"+7 701 123 4567", "1066"}}, {Key: "history.via.browser"}}
	e.save(&sess, store.Event{Kind: "step.done", By: "bob", At: at(5), Detail: "saved", Words: words}, nil)
	if sess.ID != "K7MQ-4XPD" || sess.Rev != 1 || sess.Schema != store.SessionSchema {
		t.Fatalf("after the first save: id %q rev %d schema %d", sess.ID, sess.Rev, sess.Schema)
	}
	for _, id := range []string{"K7MQ-4XPD", "k7mq-4xpd", "K7MQ4XPD"} {
		if got := e.load(id); !same(got, sess) {
			t.Fatalf("load %q:\n got %+v\nwant %+v", id, got, sess)
		}
	}
	sess.Step, sess.UpdatedAt = "phone", at(6)
	e.save(&sess, store.Event{Kind: "step.done", By: "bob"}, nil)
	if sess.Rev != 2 || !sess.CreatedAt.Equal(at(0)) {
		t.Fatalf("after the second save: rev %d created %v", sess.Rev, sess.CreatedAt)
	}
	evs := e.events(sess.ID)
	seqsWithoutGaps(t, evs)
	if len(evs) != 2 || evs[0].Detail != "saved" || evs[1].Step != "phone" || !evs[1].At.Equal(at(6)) {
		t.Fatalf("events %+v", evs)
	}
	if !reflect.DeepEqual(evs[0].Words, words) || evs[1].Words != nil {
		t.Fatalf("the events' words: %+v and %+v, want %+v and none", evs[0].Words, evs[1].Words, words)
	}
	if err := e.e.Save(e.ctx, &store.Session{}, store.Event{}, nil); err == nil {
		t.Fatal("a save without an id succeeded")
	}
}

func testNotFound(e *env) {
	if _, err := e.e.Load(e.ctx, "ZZZZ-ZZZZ"); !errors.Is(err, store.ErrNotFound) {
		e.t.Fatalf("load of a missing signup: %v", err)
	}
	if _, err := e.e.Events(e.ctx, "ZZZZ-ZZZZ"); !errors.Is(err, store.ErrNotFound) {
		e.t.Fatalf("events of a missing signup: %v", err)
	}
	if _, err := e.e.Export(e.ctx, "ZZZZ-ZZZZ", at(0), "x"); !errors.Is(err, store.ErrNotFound) {
		e.t.Fatalf("export of a missing signup: %v", err)
	}
}

// Two writers from one loaded copy: exactly one wins; the other is told,
// with the signup as stored, and changes nothing.
func testConflict(e *env) {
	t := e.t
	e.put("AAAA-AAAA", store.StatusActive, at(0), nil)
	a, b := e.load("AAAA-AAAA"), e.load("AAAA-AAAA")
	a.Step, a.UpdatedAt = "account", at(1)
	e.save(&a, store.Event{Kind: "step.done", By: "alice"}, nil)

	b.Step, b.UpdatedAt = "company", at(2)
	before := b
	err := e.e.Save(e.ctx, &b, store.Event{Kind: "step.done", By: "bob"}, nil)
	ce, ok := errors.AsType[*store.ConflictError](err)
	if !ok || !errors.Is(err, store.ErrConflict) {
		t.Fatalf("the second writer: %v, want a *ConflictError", err)
	}
	if ce.ID != "AAAA-AAAA" || ce.Loaded != 1 || ce.Stored != 2 || !same(ce.Current, a) {
		t.Fatalf("conflict %+v\nwant the stored %+v", ce, a)
	}
	if !same(b, before) {
		t.Fatal("a refused save changed the writer's copy")
	}
	if got := e.load("AAAA-AAAA"); !same(got, a) {
		t.Fatalf("after the refused save: %+v", got)
	}
	if evs := e.events("AAAA-AAAA"); len(evs) != 2 || evs[1].By != "alice" {
		t.Fatalf("the refused save added to the history: %+v", evs)
	}
	// A new signup (revision 0) whose id is taken conflicts too.
	fresh := store.Session{ID: "AAAA-AAAA", Status: store.StatusActive, UpdatedAt: at(3)}
	if err := e.e.Save(e.ctx, &fresh, store.Event{Kind: "created"}, nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a new signup over a stored one: %v", err)
	}
	// Reloaded, the second writer saves.
	b = e.load("AAAA-AAAA")
	b.Step = "company"
	e.save(&b, store.Event{Kind: "step.done", By: "bob"}, nil)
	if b.Rev != 3 {
		t.Fatalf("rev %d, want 3", b.Rev)
	}
}

// Writers goroutines race on one signup, each adding one to a counter Saves
// times, reloading on a conflict: no increment is lost, the revision counts
// every save, and the history has no gaps.
func testNoLostUpdate(e *env, writers, saves int) {
	t := e.t
	e.put("RACE-2345", store.StatusActive, at(0), nil)
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		conflicts int
		failed    error
	)
	for w := range writers {
		wg.Go(func() {
			for range saves {
				for {
					s, err := e.e.Load(e.ctx, "RACE-2345")
					if err == nil {
						s.Code.Requests++
						s.UpdatedBy = fmt.Sprintf("writer-%d", w)
						err = e.e.Save(e.ctx, &s, store.Event{Kind: "count", By: s.UpdatedBy}, nil)
					}
					if errors.Is(err, store.ErrConflict) {
						mu.Lock()
						conflicts++
						mu.Unlock()
						continue
					}
					if err != nil {
						mu.Lock()
						failed = errors.Join(failed, err)
						mu.Unlock()
						return
					}
					break
				}
			}
		})
	}
	wg.Wait()
	if failed != nil {
		t.Fatal(failed)
	}
	got := e.load("RACE-2345")
	total := writers * saves
	if got.Code.Requests != total || got.Rev != uint64(total+1) {
		t.Fatalf("counter %d rev %d after %d saves: updates were lost", got.Code.Requests, got.Rev, total)
	}
	evs := e.events("RACE-2345")
	if len(evs) != total+1 {
		t.Fatalf("%d events, want %d", len(evs), total+1)
	}
	seqsWithoutGaps(t, evs)
	t.Logf("%d writers × %d saves: %d conflicts, 0 updates lost", writers, saves, conflicts)
}

// lapse makes h expire: by the clock, or by waiting for it.
func (e *env) lapse(h *store.Hold) {
	e.t.Helper()
	if e.clock != nil {
		e.clock.Advance(h.TTL + time.Millisecond)
		return
	}
	e.waitFor("the hold to expire", func() bool { return time.Now().After(h.Expires.Add(10 * time.Millisecond)) })
}

// waitFor waits until ok, polling, for up to 30 s.
func (e *env) waitFor(what string, ok func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			e.t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ttl is a hold's TTL for tests that let holds expire: short on real time.
func (e *env) ttl() time.Duration {
	if e.clock != nil {
		return store.DefaultHoldTTL
	}
	return 400 * time.Millisecond
}

func testFencing(e *env) {
	t := e.t
	e.put("FENC-2345", store.StatusActive, at(0), nil)
	h, err := e.e.Acquire(e.ctx, "fenc2345", holder("aigerim"), e.ttl())
	if err != nil {
		t.Fatal(err)
	}
	if h.ID != "FENC-2345" || h.Token == "" || h.Holder != holder("aigerim") || !h.Expires.After(h.Since) || h.TTL != e.ttl() {
		t.Fatalf("hold %+v", h)
	}
	s := e.load("FENC-2345")
	s.Step = "account"
	e.save(&s, store.Event{Kind: "step.done"}, h)

	// Without the hold: refused, saying who holds it.
	other := e.load("FENC-2345")
	other.Step = "company"
	err = e.e.Save(e.ctx, &other, store.Event{Kind: "step.done"}, nil)
	if he, ok := errors.AsType[*store.HeldError](err); !ok || !errors.Is(err, store.ErrHeld) || he.Hold.Holder.Who != "aigerim" ||
		he.Hold.Holder.Machine != "OFFICE-PC-3" || he.Hold.Token != "" || !he.Hold.Since.Equal(h.Since) {
		t.Fatalf("a save without the hold on a held signup: %v", err)
	}
	// A second holder is refused, and so is the holder taking it again.
	if _, err := e.e.Acquire(e.ctx, "FENC-2345", holder("bob"), e.ttl()); !errors.Is(err, store.ErrHeld) {
		t.Fatalf("a second Acquire: %v", err)
	}
	if _, err := e.e.Acquire(e.ctx, "FENC-2345", holder("aigerim"), e.ttl()); !errors.Is(err, store.ErrHeld) {
		t.Fatalf("the holder's second Acquire: %v", err)
	}

	// The hold lapses and bob takes it: aigerim's saves and renewals are refused.
	e.lapse(h)
	s = e.load("FENC-2345")
	s.Step = "company"
	if err := e.e.Save(e.ctx, &s, store.Event{Kind: "step.done"}, h); !errors.Is(err, store.ErrHoldLost) {
		t.Fatalf("a save with a lapsed hold: %v", err)
	}
	h2, err := e.e.Acquire(e.ctx, "FENC-2345", holder("bob"), e.ttl()*20)
	if err != nil {
		t.Fatalf("Acquire after the hold lapsed: %v", err)
	}
	if h2.Token == h.Token {
		t.Fatal("two holds share a token")
	}
	if err := e.e.Save(e.ctx, &s, store.Event{Kind: "step.done"}, h); !errors.Is(err, store.ErrHoldLost) {
		t.Fatalf("a save with a hold taken over: %v", err)
	}
	if err := e.e.Renew(e.ctx, h); !errors.Is(err, store.ErrHoldLost) {
		t.Fatalf("renewal of a hold taken over: %v", err)
	}
	if err := e.e.Release(e.ctx, h); err != nil {
		t.Fatalf("release of a lapsed hold: %v", err)
	}
	e.save(&s, store.Event{Kind: "step.done", By: "bob"}, h2) // the release left bob's hold alone
	if got := e.load("FENC-2345"); got.Step != "company" || got.Rev != 3 {
		t.Fatalf("after bob's save: %+v", got)
	}
	// A hold on another signup does not fence this one.
	h3, err := e.e.Acquire(e.ctx, "XTHR-2345", holder("bob"), e.ttl()*20)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.e.Save(e.ctx, &s, store.Event{Kind: "x"}, h3); !errors.Is(err, store.ErrHoldLost) {
		t.Fatalf("a save with the hold of another signup: %v", err)
	}
	// A new signup is held before its first save.
	h4, err := e.e.Acquire(e.ctx, "NEWW-2345", holder("bob"), e.ttl()*20)
	if err != nil {
		t.Fatal(err)
	}
	fresh := store.Session{ID: "NEWW-2345", Status: store.StatusActive, UpdatedAt: at(1)}
	if err := e.e.Save(e.ctx, &fresh, store.Event{Kind: "created"}, nil); !errors.Is(err, store.ErrHeld) {
		t.Fatalf("a first save without the hold of a held new signup: %v", err)
	}
	e.save(&fresh, store.Event{Kind: "created"}, h4)
}

func testHoldExpiry(e *env) {
	t := e.t
	ttl := e.ttl()
	if e.clock == nil {
		// On real time (no timings asserted): a renewal moves Expires on,
		// and the hold, left alone, expires.
		h, err := e.e.Acquire(e.ctx, "EXPT-2345", holder("aigerim"), 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		first := h.Expires
		if err := e.e.Renew(e.ctx, h); err != nil || h.Expires.Before(first) {
			t.Fatalf("renewal: %v, expires %v (was %v)", err, h.Expires, first)
		}
		if err := e.e.Release(e.ctx, h); err != nil {
			t.Fatal(err)
		}
		if h, err = e.e.Acquire(e.ctx, "EXPT-2345", holder("aigerim"), ttl); err != nil {
			t.Fatal(err)
		}
		e.lapse(h)
		if err := e.e.Renew(e.ctx, h); !errors.Is(err, store.ErrHoldLost) {
			t.Fatalf("renewal of an expired hold: %v", err)
		}
		if _, err := e.e.Acquire(e.ctx, "EXPT-2345", holder("bob"), ttl); err != nil {
			t.Fatalf("Acquire after the hold expired: %v", err)
		}
		return
	}
	h, err := e.e.Acquire(e.ctx, "EXPT-2345", holder("aigerim"), ttl)
	if err != nil {
		t.Fatal(err)
	}
	first := h.Expires
	for range 3 { // renewed at TTL/3, it outlives its first expiry
		e.clock.Advance(ttl / 3)
		if err := e.e.Renew(e.ctx, h); err != nil {
			t.Fatalf("renewal: %v", err)
		}
	}
	if !h.Expires.After(first) {
		t.Fatalf("renewal did not move Expires: %v, first %v", h.Expires, first)
	}
	if _, err := e.e.Acquire(e.ctx, "EXPT-2345", holder("bob"), ttl); !errors.Is(err, store.ErrHeld) {
		t.Fatalf("Acquire of a renewed hold past its first expiry: %v", err)
	}
	e.clock.Advance(ttl - time.Millisecond) // just before it expires
	if _, err := e.e.Acquire(e.ctx, "EXPT-2345", holder("bob"), ttl); !errors.Is(err, store.ErrHeld) {
		t.Fatalf("Acquire just before expiry: %v", err)
	}
	e.clock.Advance(time.Millisecond) // now == Expires: expired
	if err := e.e.Renew(e.ctx, h); !errors.Is(err, store.ErrHoldLost) {
		t.Fatalf("renewal of an expired hold: %v", err)
	}
	if _, err := e.e.Acquire(e.ctx, "EXPT-2345", holder("bob"), ttl); err != nil {
		t.Fatalf("Acquire at expiry: %v", err)
	}
}

func testHolds(e *env) {
	t := e.t
	if hs, err := e.e.Holds(e.ctx); err != nil || len(hs) != 0 {
		t.Fatalf("holds of an empty store: %v %v", hs, err)
	}
	long := e.ttl() * 50
	a, err := e.e.Acquire(e.ctx, "HDAA-AAAA", holder("aigerim"), long)
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.e.Acquire(e.ctx, "HDBB-BBBB", store.Holder{Who: "bob", Machine: "OFFICE-PC-7", PID: 7}, long)
	if err != nil {
		t.Fatal(err)
	}
	hs, err := e.e.Holds(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(hs, func(x, y store.Hold) int { return strings.Compare(x.ID, y.ID) })
	if len(hs) != 2 || hs[0].Token != "" || hs[0].ID != a.ID || hs[0].Holder != a.Holder || hs[1].ID != b.ID || hs[1].Holder != b.Holder ||
		!hs[0].Since.Equal(a.Since) || !hs[1].Expires.Equal(b.Expires) {
		t.Fatalf("holds %+v", hs)
	}
	if err := e.e.Release(e.ctx, a); err != nil {
		t.Fatal(err)
	}
	if hs, _ := e.e.Holds(e.ctx); len(hs) != 1 || hs[0].ID != b.ID {
		t.Fatalf("holds after a release: %+v", hs)
	}
	// Released, it is free at once.
	if _, err := e.e.Acquire(e.ctx, "HDAA-AAAA", holder("carol"), long); err != nil {
		t.Fatalf("Acquire after a release: %v", err)
	}
	// An expired hold is not listed.
	short, err := e.e.Acquire(e.ctx, "HDCC-CCCC", holder("dana"), e.ttl())
	if err != nil {
		t.Fatal(err)
	}
	e.lapse(short)
	hs, _ = e.e.Holds(e.ctx)
	if slices.ContainsFunc(hs, func(h store.Hold) bool { return h.ID == "HDCC-CCCC" }) || len(hs) != 2 {
		t.Fatalf("holds after one expired: %+v", hs)
	}
}

// testBreak: a hold whose holder died is given up without its token, but only
// that hold: one taken since (by someone else, or again) stays.
func testBreak(e *env) {
	t := e.t
	long := e.ttl() * 50
	dead, err := e.e.Acquire(e.ctx, "BRKA-AAAA", store.Holder{Who: "aigerim", Machine: "OFFICE-PC-3", PID: 4242}, long)
	if err != nil {
		t.Fatal(err)
	}
	var he *store.HeldError
	if _, err := e.e.Acquire(e.ctx, "BRKA-AAAA", holder("bob"), long); !errors.As(err, &he) {
		t.Fatalf("Acquire of a held signup: %v", err)
	}
	// A hold that is not exactly the one seen is left alone.
	other := he.Hold
	other.Holder.PID++
	if err := e.e.Break(e.ctx, other); err != nil {
		t.Fatal(err)
	}
	if hs, _ := e.e.Holds(e.ctx); len(hs) != 1 {
		t.Fatalf("Break of another holder's hold removed it: %+v", hs)
	}
	if err := e.e.Break(e.ctx, he.Hold); err != nil {
		t.Fatal(err)
	}
	if hs, _ := e.e.Holds(e.ctx); len(hs) != 0 {
		t.Fatalf("holds after Break: %+v", hs)
	}
	// The dead holder's token fences it out; the next holder is not disturbed
	// by a Break of the old hold.
	next, err := e.e.Acquire(e.ctx, "BRKA-AAAA", holder("bob"), long)
	if err != nil {
		t.Fatalf("Acquire after Break: %v", err)
	}
	if err := e.e.Renew(e.ctx, dead); !errors.Is(err, store.ErrHoldLost) {
		t.Fatalf("the broken hold renewed: %v", err)
	}
	if err := e.e.Break(e.ctx, he.Hold); err != nil {
		t.Fatal(err)
	}
	if err := e.e.Renew(e.ctx, next); err != nil {
		t.Fatalf("a Break of the old hold broke the new one: %v", err)
	}
}

// listed is every page of List(q), and the number of pages.
func (e *env) listed(q store.Query) ([]store.Session, int) {
	e.t.Helper()
	var out []store.Session
	pages := 0
	for {
		p, err := e.e.List(e.ctx, q)
		if err != nil {
			e.t.Fatalf("list %+v: %v", q, err)
		}
		pages++
		out = append(out, p.Sessions...)
		if p.Next == "" {
			return out, pages
		}
		if pages > 1000 {
			e.t.Fatal("List never ends")
		}
		q.Cursor = p.Next
	}
}

func ids(list []store.Session) string {
	var out []string
	for _, s := range list {
		out = append(out, s.ID)
	}
	return strings.Join(out, " ")
}

func testList(e *env) {
	t := e.t
	e.put("AAAA-2345", store.StatusActive, at(1), func(s *store.Session) {
		s.Company.CompanyName, s.Account.Email, s.UpdatedBy = "Acme Pharma", "ops@acme.kz", "alice"
	})
	e.put("BBBB-2345", store.StatusWaiting, at(2), func(s *store.Session) {
		s.Company.CompanyName, s.Phone.E164, s.UpdatedBy = "Steppe Foods", "+77011234567", "bob"
	})
	e.put("CCCC-2345", store.StatusDone, at(3), func(s *store.Session) {
		s.Company.CompanyName, s.UpdatedBy = "ТОО «Ромашка»", "alice"
	})
	e.put("DDDD-2345", store.StatusAbandoned, at(4), func(s *store.Session) {
		s.Company.CompanyName, s.Account.Email, s.UpdatedBy = "Other <Co> & Sons", "a@other.kz", "bob"
	})
	// A save moves a signup to the front.
	a := e.load("AAAA-2345")
	a.UpdatedAt = at(5)
	e.save(&a, store.Event{Kind: "resumed"}, nil)

	cases := []struct {
		name string
		q    store.Query
		want string
	}{
		{"all, newest first", store.Query{}, "AAAA-2345 DDDD-2345 CCCC-2345 BBBB-2345"},
		{"status", store.Query{Statuses: []store.Status{store.StatusDone}}, "CCCC-2345"},
		{"statuses", store.Query{Statuses: store.Resumable}, "AAAA-2345 BBBB-2345"},
		{"by", store.Query{By: "alice"}, "AAAA-2345 CCCC-2345"},
		{"by and status", store.Query{By: "bob", Statuses: []store.Status{store.StatusWaiting}}, "BBBB-2345"},
		{"search company, any case", store.Query{Search: "ACME"}, "AAAA-2345"},
		{"search company, not ASCII", store.Query{Search: "ромашка"}, "CCCC-2345"},
		{"search e-mail", store.Query{Search: "@other.KZ"}, "DDDD-2345"},
		{"search what JSON escapes", store.Query{Search: "<co> & sons"}, "DDDD-2345"},
		{"search id without its dash", store.Query{Search: "bbbb23"}, "BBBB-2345"},
		{"search id with its dash", store.Query{Search: "cccc-2"}, "CCCC-2345"},
		{"search number", store.Query{Search: "+7 701 123"}, "BBBB-2345"},
		{"search matches nothing", store.Query{Search: "nowhere"}, ""},
		{"search and status", store.Query{Search: "2345", Statuses: []store.Status{store.StatusAbandoned}}, "DDDD-2345"},
		{"search a field it does not look at", store.Query{Search: "terms"}, ""},
		{"limit", store.Query{Limit: 2}, "AAAA-2345 DDDD-2345"},
	}
	for _, tc := range cases {
		p, err := e.e.List(e.ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := ids(p.Sessions); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
		if tc.q.Limit == 0 && p.Next != "" {
			t.Errorf("%s: a cursor without a limit", tc.name)
		}
	}
}

func testListCursor(e *env) {
	t := e.t
	const n = 23
	var want []string
	for i := range n {
		const alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ" // what signup ids are made of
		id := fmt.Sprintf("PAGE-%c%c%c%c", alphabet[i%len(alphabet)], alphabet[i/len(alphabet)], 'C', 'D')
		st := store.StatusActive
		if i%3 == 0 {
			st = store.StatusDone
		}
		e.put(id, st, at(i), nil)
		want = append([]string{id}, want...)
	}
	for _, limit := range []int{1, 5, n, n + 1} {
		got, pages := e.listed(store.Query{Limit: limit})
		if ids(got) != strings.Join(want, " ") {
			t.Fatalf("limit %d: pages give\n%s\nwant\n%s", limit, ids(got), strings.Join(want, " "))
		}
		if wantPages := (n + limit - 1) / limit; pages != wantPages {
			t.Errorf("limit %d: %d pages, want %d (the last page has no cursor)", limit, pages, wantPages)
		}
	}
	// With a filter, pages hold matching signups only.
	var active []string
	for i, id := range want {
		if (n-1-i)%3 != 0 {
			active = append(active, id)
		}
	}
	got, _ := e.listed(store.Query{Limit: 4, Statuses: []store.Status{store.StatusActive}})
	if ids(got) != strings.Join(active, " ") {
		t.Fatalf("filtered pages give\n%s\nwant\n%s", ids(got), strings.Join(active, " "))
	}
	// A signup saved between two pages moves to the front: the next page
	// goes on from where the last one ended, without repeating one.
	p, err := e.e.List(e.ctx, store.Query{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	moved := e.load(want[10])
	moved.UpdatedAt = at(100)
	e.save(&moved, store.Event{Kind: "resumed"}, nil)
	q := store.Query{Limit: 5, Cursor: p.Next}
	rest, _ := e.listed(q)
	all := append(p.Sessions, rest...)
	if len(all) != n-1 || slices.ContainsFunc(rest, func(s store.Session) bool { return s.ID == moved.ID }) ||
		ids(rest[:5]) != strings.Join(want[5:10], " ") {
		t.Fatalf("pages around a save: %s | %s", ids(p.Sessions), ids(rest))
	}
}

func testLatest(e *env) {
	t := e.t
	if _, ok, err := e.e.Latest(e.ctx, store.Query{}); ok || err != nil {
		t.Fatalf("latest of an empty store: %v %v", ok, err)
	}
	e.put("AAAA-2345", store.StatusActive, at(1), func(s *store.Session) { s.UpdatedBy = "alice" })
	e.put("BBBB-2345", store.StatusWaiting, at(2), func(s *store.Session) { s.UpdatedBy = "bob" })
	e.put("CCCC-2345", store.StatusDone, at(3), func(s *store.Session) { s.UpdatedBy = "alice" })
	e.put("DDDD-2345", store.StatusActive, at(4), func(s *store.Session) { s.UpdatedBy = "carol" })
	for _, tc := range []struct {
		q    store.Query
		want string
	}{
		{store.Query{}, "DDDD-2345"},
		{store.Query{Statuses: store.Resumable, By: "alice"}, "AAAA-2345"},
		{store.Query{Statuses: store.Resumable, By: "bob"}, "BBBB-2345"},
		{store.Query{By: "alice"}, "CCCC-2345"},
		{store.Query{Statuses: store.Resumable, By: "nobody"}, ""},
		{store.Query{Limit: 7, Statuses: store.Resumable}, "DDDD-2345"}, // Limit is ignored
	} {
		s, ok, err := e.e.Latest(e.ctx, tc.q)
		if err != nil || ok != (tc.want != "") || s.ID != tc.want {
			t.Errorf("latest %+v: %s %v %v, want %q", tc.q, s.ID, ok, err, tc.want)
		}
	}
}

func testWatch(e *env) {
	t := e.t
	ctx, cancel := context.WithCancel(e.ctx)
	ch, err := e.e.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// wait reads changes until one is about id (or says "read everything").
	wait := func(what, id string) {
		t.Helper()
		deadline := time.After(30 * time.Second)
		for {
			select {
			case c, ok := <-ch:
				if !ok {
					t.Fatalf("%s: the channel closed", what)
				}
				if c.ID == "" || c.ID == id {
					return
				}
			case <-deadline:
				t.Fatalf("%s: no change seen in 30 s", what)
			}
		}
	}
	s := e.put("WTCH-2345", store.StatusActive, at(1), nil)
	wait("a save", s.ID)
	h, err := e.e.Acquire(e.ctx, s.ID, holder("aigerim"), e.ttl()*50)
	if err != nil {
		t.Fatal(err)
	}
	wait("a hold taken", s.ID)
	if err := e.e.Release(e.ctx, h); err != nil {
		t.Fatal(err)
	}
	wait("a hold given up", s.ID)
	cancel()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("the channel did not close after ctx ended")
		}
	}
}

func testExportImport(e *env, s Suite) {
	t := e.t
	orig := e.put("EXPT-6789", store.StatusActive, at(1), func(s *store.Session) {
		s.Company.CompanyName, s.Account.Email = "Acme", "ops@acme.kz"
	})
	orig.Step, orig.UpdatedAt = "account", at(2)
	e.save(&orig, store.Event{Kind: "step.done", By: "alice"}, nil)
	b, err := e.e.Export(e.ctx, "expt6789", at(3), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if b.Format != store.BundleFormat || b.Version != store.BundleVersion || b.ExportedBy != "alice" ||
		!b.ExportedAt.Equal(at(3)) || !same(b.Session, orig) || len(b.Events) != 2 {
		t.Fatalf("bundle %+v", b)
	}
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	b, err = store.DecodeBundle(data)
	if err != nil {
		t.Fatal(err)
	}

	// Into another store.
	dst := s.env(t)
	note := store.Event{Kind: "imported", At: at(4), By: "bob"}
	got, err := dst.e.Import(dst.ctx, b.Session, append(b.Events, note), false)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != orig.ID || got.Rev != orig.Rev+1 || got.Account != orig.Account {
		t.Fatalf("imported %+v", got)
	}
	if loaded := dst.load(orig.ID); !same(loaded, got) {
		t.Fatalf("loaded %+v\nimported %+v", loaded, got)
	}
	evs := dst.events(orig.ID)
	seqsWithoutGaps(t, evs)
	if len(evs) != 3 || evs[2].Kind != "imported" {
		t.Fatalf("imported history %+v", evs)
	}

	// Refusals: already there; with replace, a newer revision there; a held one.
	if _, err := dst.e.Import(dst.ctx, b.Session, b.Events, false); !errors.Is(err, store.ErrExists) {
		t.Fatalf("import over a stored signup: %v", err)
	} else if ee, ok := errors.AsType[*store.ExistsError](err); !ok || ee.ID != orig.ID || ee.Rev != got.Rev {
		t.Fatalf("exists error %+v", err)
	}
	_, err = dst.e.Import(dst.ctx, b.Session, b.Events, true)
	if ce, ok := errors.AsType[*store.ConflictError](err); !ok || ce.Stored != got.Rev || ce.Loaded != b.Session.Rev || !same(ce.Current, got) {
		t.Fatalf("replace of a newer revision: %v", err)
	}
	h, err := dst.e.Acquire(dst.ctx, orig.ID, holder("carol"), dst.ttl()*50)
	if err != nil {
		t.Fatal(err)
	}
	newer := got
	newer.Step = "company"
	if _, err := dst.e.Import(dst.ctx, newer, b.Events, true); !errors.Is(err, store.ErrHeld) {
		t.Fatalf("replace of a held signup: %v", err)
	}
	if after := dst.load(orig.ID); !same(after, got) {
		t.Fatalf("refused imports changed the signup: %+v", after)
	}
	if err := dst.e.Release(dst.ctx, h); err != nil {
		t.Fatal(err)
	}
	// The stored revision itself, replaced: allowed, and a revision above it.
	replaced, err := dst.e.Import(dst.ctx, newer, b.Events, true)
	if err != nil {
		t.Fatalf("replace at the stored revision: %v", err)
	}
	if replaced.Rev != got.Rev+1 || replaced.Step != "company" {
		t.Fatalf("replaced %+v", replaced)
	}
	if evs := dst.events(orig.ID); len(evs) != 2 {
		t.Fatalf("history after replace: %+v", evs)
	}
	// A writer that loaded before the replace is told.
	stale := got
	if err := dst.e.Save(dst.ctx, &stale, store.Event{Kind: "x"}, nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a save loaded before the replace: %v", err)
	}
}

func testCheck(e *env) {
	t := e.t
	for i := range 5 {
		s := e.put(fmt.Sprintf("CHEK-%c345", 'A'+i), store.StatusActive, at(i), nil)
		s.Step = "account"
		e.save(&s, store.Event{Kind: "step.done"}, nil)
	}
	r, err := e.e.Check(e.ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) > 0 || len(r.Invalid) > 0 {
		t.Fatalf("check of a healthy store: %v %v", r.Problems, r.Invalid)
	}
}
