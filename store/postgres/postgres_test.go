package postgres

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"wizard/internal/pgtest"
	"wizard/store"
)

func TestMain(m *testing.M) {
	if os.Getenv(holderEnv) != "" {
		os.Exit(holderMain())
	}
	os.Exit(pgtest.Main(m))
}

// open opens the engine on a fresh database of its own.
func open(t testing.TB) (*Engine, string) {
	t.Helper()
	url := pgtest.NewDB(t)
	return openURL(t, url), url
}

func openURL(t testing.TB, url string) *Engine {
	t.Helper()
	e, err := Open(context.Background(), url, Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

var t0 = time.Date(2026, 3, 14, 9, 26, 53, 123456789, time.UTC)

func newSession(company string) store.Session {
	return store.Session{
		ID: store.NewID(), Status: store.StatusActive, Step: "company", UpdatedBy: "aigerim",
		Company: store.Company{CompanyName: company},
	}
}

func save(t testing.TB, e *Engine, s *store.Session, kind string) {
	t.Helper()
	if err := e.Save(context.Background(), s, store.Event{Kind: kind, By: s.UpdatedBy}, nil); err != nil {
		t.Fatalf("save %s: %v", s.ID, err)
	}
}

func TestSaveLoad(t *testing.T) {
	ctx := context.Background()
	e, _ := open(t)
	s := newSession("Acme")
	s.ID = strings.ToLower(strings.ReplaceAll(s.ID, "-", "")) // any case, without the dash
	want := store.NormaliseID(s.ID)
	if err := e.Save(ctx, &s, store.Event{At: t0, Kind: "created"}, nil); err != nil {
		t.Fatal(err)
	}
	if s.ID != want || s.Rev != 1 || s.Schema != store.SessionSchema || !s.UpdatedAt.Equal(t0) || !s.CreatedAt.Equal(t0) {
		t.Fatalf("after the first save: id %s rev %d schema %d updated %v created %v", s.ID, s.Rev, s.Schema, s.UpdatedAt, s.CreatedAt)
	}
	got, err := e.Load(ctx, strings.ToLower(want))
	if err != nil {
		t.Fatal(err)
	}
	if got != s {
		t.Fatalf("loaded\n%+v\nsaved\n%+v", got, s)
	}

	// The next save keeps CreatedAt when it is not given, and numbers the event.
	s.CreatedAt, s.UpdatedAt = time.Time{}, t0.Add(time.Minute)
	s.Step = "number-status"
	if err := e.Save(ctx, &s, store.Event{Kind: "step.done"}, nil); err != nil {
		t.Fatal(err)
	}
	if s.Rev != 2 || !s.CreatedAt.Equal(t0) {
		t.Fatalf("second save: rev %d created %v", s.Rev, s.CreatedAt)
	}
	evs, err := e.Events(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].Seq != 1 || evs[1].Seq != 2 || evs[1].Step != "number-status" || !evs[1].At.Equal(s.UpdatedAt) {
		t.Fatalf("events: %+v", evs)
	}

	if _, err := e.Load(ctx, store.NewID()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Load of a missing signup: %v, want ErrNotFound", err)
	}
	if _, err := e.Events(ctx, store.NewID()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Events of a missing signup: %v, want ErrNotFound", err)
	}
	bad := newSession("x")
	bad.ID = "../etc"
	if err := e.Save(ctx, &bad, store.Event{}, nil); err == nil {
		t.Fatal("a save with an id that is not a signup id succeeded")
	}
}

func TestConflict(t *testing.T) {
	ctx := context.Background()
	e, _ := open(t)
	s := newSession("Acme")
	save(t, e, &s, "created")

	a, b := s, s // two writers loaded revision 1
	a.Company.CompanyName = "Acme A"
	save(t, e, &a, "a")
	b.Company.CompanyName = "Acme B"
	err := e.Save(ctx, &b, store.Event{Kind: "b"}, nil)
	var ce *store.ConflictError
	if !errors.As(err, &ce) || !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second writer: %v, want a *ConflictError", err)
	}
	if ce.Loaded != 1 || ce.Stored != 2 || ce.Current.Company.CompanyName != "Acme A" || ce.Current.Rev != 2 {
		t.Fatalf("conflict: %+v", ce)
	}
	if b.Rev != 1 || b.Company.CompanyName != "Acme B" {
		t.Fatalf("a refused save changed the session: %+v", b)
	}
	evs, _ := e.Events(ctx, s.ID)
	if len(evs) != 2 {
		t.Fatalf("a refused save changed the history: %d events", len(evs))
	}

	// Two writers of the same new signup: one wins.
	n := newSession("New")
	n2 := n
	save(t, e, &n, "created")
	if err := e.Save(ctx, &n2, store.Event{Kind: "created"}, nil); !errors.As(err, &ce) || ce.Stored != 1 || ce.Loaded != 0 {
		t.Fatalf("second first save: %v", err)
	}
}

func holder(who string) store.Holder {
	return store.Holder{Who: who, Machine: "OFFICE-PC-3", PID: os.Getpid()}
}

func TestHoldsAndFencing(t *testing.T) {
	ctx := context.Background()
	e, _ := open(t)
	s := newSession("Acme")
	save(t, e, &s, "created")

	h, err := e.Acquire(ctx, strings.ToLower(s.ID), holder("aigerim"), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if h.ID != s.ID || h.Token == "" || h.TTL != time.Minute || !h.Expires.After(h.Since) {
		t.Fatalf("hold: %+v", h)
	}
	// Someone else can neither hold it nor save it without a hold.
	var he *store.HeldError
	if _, err := e.Acquire(ctx, s.ID, holder("bolat"), time.Minute); !errors.As(err, &he) || he.Hold.Holder.Who != "aigerim" ||
		he.Hold.Holder.Machine != "OFFICE-PC-3" || !he.Hold.Since.Equal(h.Since) {
		t.Fatalf("second Acquire: %v", err)
	}
	if !strings.Contains(he.Error(), "in use by aigerim on OFFICE-PC-3") {
		t.Fatalf("HeldError says %q", he.Error())
	}
	other := s
	if err := e.Save(ctx, &other, store.Event{Kind: "x"}, nil); !errors.As(err, &he) || !errors.Is(err, store.ErrHeld) {
		t.Fatalf("save without the hold: %v, want *HeldError", err)
	}
	// The holder can.
	if err := e.Save(ctx, &s, store.Event{Kind: "step.done"}, h); err != nil {
		t.Fatalf("save with the hold: %v", err)
	}
	holds, err := e.Holds(ctx)
	if err != nil || len(holds) != 1 || holds[0].ID != s.ID || holds[0].Holder.Who != "aigerim" {
		t.Fatalf("Holds: %+v, %v", holds, err)
	}
	before := h.Expires
	if err := e.Renew(ctx, h); err != nil || !h.Expires.After(before) {
		t.Fatalf("Renew: %v; expires %v → %v", err, before, h.Expires)
	}
	if err := e.Release(ctx, h); err != nil {
		t.Fatal(err)
	}
	if err := e.Release(ctx, h); err != nil {
		t.Fatalf("a second Release: %v", err)
	}
	if err := e.Renew(ctx, h); !errors.Is(err, store.ErrHoldLost) {
		t.Fatalf("Renew of a released hold: %v", err)
	}
	if holds, _ := e.Holds(ctx); len(holds) != 0 {
		t.Fatalf("holds after release: %+v", holds)
	}

	// A hold that lapsed is taken by another; the first holder's save is
	// refused (fencing), and so is its renewal.
	short, err := e.Acquire(ctx, s.ID, holder("aigerim"), 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	taken := waitAcquire(t, e, s.ID, holder("bolat"), time.Minute, 30*time.Second)
	stale := s
	if err := e.Save(ctx, &stale, store.Event{Kind: "late"}, short); !errors.Is(err, store.ErrHoldLost) {
		t.Fatalf("save with a lapsed hold: %v, want ErrHoldLost", err)
	}
	if err := e.Renew(ctx, short); !errors.Is(err, store.ErrHoldLost) {
		t.Fatalf("renew of a lapsed hold: %v", err)
	}
	if err := e.Save(ctx, &s, store.Event{Kind: "bolat"}, taken); err != nil {
		t.Fatalf("save by the new holder: %v", err)
	}
	// A lapsed hold that nobody took is lost too.
	if err := e.Release(ctx, taken); err != nil {
		t.Fatal(err)
	}
	short, _ = e.Acquire(ctx, s.ID, holder("aigerim"), 200*time.Millisecond)
	waitFree(t, e, s.ID, 30*time.Second)
	if err := e.Save(ctx, &s, store.Event{Kind: "late"}, short); !errors.Is(err, store.ErrHoldLost) {
		t.Fatalf("save with an expired hold: %v, want ErrHoldLost", err)
	}
	// A new signup can be held before its first save.
	n := newSession("New")
	nh, err := e.Acquire(ctx, n.ID, holder("aigerim"), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Save(ctx, &n, store.Event{Kind: "created"}, nh); err != nil {
		t.Fatalf("first save of a held new signup: %v", err)
	}
}

// waitAcquire tries to hold id until it succeeds (the hold before it lapsed).
func waitAcquire(t testing.TB, e *Engine, id string, who store.Holder, ttl, limit time.Duration) *store.Hold {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		h, err := e.Acquire(context.Background(), id, who, ttl)
		if err == nil {
			return h
		}
		if !errors.Is(err, store.ErrHeld) || time.Now().After(deadline) {
			t.Fatalf("Acquire %s: %v", id, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitFree waits until no live hold on id is listed.
func waitFree(t testing.TB, e *Engine, id string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		holds, err := e.Holds(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(holds, func(h store.Hold) bool { return h.ID == id }) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the hold on %s did not lapse in %s", id, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestList(t *testing.T) {
	ctx := context.Background()
	e, _ := open(t)
	var all []store.Session
	for i, c := range []struct {
		company, email, phone, by string
		status                    store.Status
	}{
		{"Acme Ltd", "boss@acme.kz", "+77011234567", "aigerim", store.StatusActive},
		{"Қазақ Телеком", "info@telecom.kz", "+77272000000", "bolat", store.StatusWaiting},
		{"Globex", "ops@globex.com", "+14155550100", "aigerim", store.StatusDone},
		{"Initech 100%_off", "x@initech.com", "", "aigerim", store.StatusAbandoned},
		{"Umbrella", "", "+77019998877", "bolat", store.StatusActive},
	} {
		s := newSession(c.company)
		s.Account.Email, s.Phone.E164, s.UpdatedBy, s.Status = c.email, c.phone, c.by, c.status
		s.UpdatedAt = t0.Add(time.Duration(i) * time.Second)
		save(t, e, &s, "created")
		all = append(all, s)
	}
	ids := func(p store.Page) []string {
		var out []string
		for _, s := range p.Sessions {
			out = append(out, s.Company.CompanyName)
		}
		return out
	}
	check := func(q store.Query, want ...string) {
		t.Helper()
		p, err := e.List(ctx, q)
		if err != nil {
			t.Fatalf("List(%+v): %v", q, err)
		}
		if got := ids(p); !slices.Equal(got, want) {
			t.Fatalf("List(%+v) = %q, want %q", q, got, want)
		}
		if p.Next != "" {
			t.Fatalf("List(%+v) gave a next page %q", q, p.Next)
		}
	}
	check(store.Query{}, "Umbrella", "Initech 100%_off", "Globex", "Қазақ Телеком", "Acme Ltd")
	check(store.Query{Statuses: store.Resumable}, "Umbrella", "Қазақ Телеком", "Acme Ltd")
	check(store.Query{By: "aigerim"}, "Initech 100%_off", "Globex", "Acme Ltd")
	check(store.Query{Statuses: store.Resumable, By: "bolat"}, "Umbrella", "Қазақ Телеком")
	check(store.Query{Search: "ACME"}, "Acme Ltd")
	check(store.Query{Search: "қазақ"}, "Қазақ Телеком") // folded by the wizard, not the database's C locale
	check(store.Query{Search: "globex.COM"}, "Globex")
	check(store.Query{Search: "+7 701"}, "Umbrella", "Acme Ltd")
	check(store.Query{Search: "(701) 999"}, "Umbrella")
	check(store.Query{Search: "%_"}, "Initech 100%_off") // LIKE's wildcards are taken literally
	check(store.Query{Search: "_"}, "Initech 100%_off")
	check(store.Query{Search: "nobody"})
	id := all[2].ID
	check(store.Query{Search: strings.ToLower(strings.ReplaceAll(id, "-", ""))}, "Globex")
	check(store.Query{Search: strings.ToLower(id[:6])}, "Globex")

	// Pages of two, by cursor.
	var got []string
	q := store.Query{Limit: 2}
	for pages := 0; ; pages++ {
		p, err := e.List(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ids(p)...)
		if p.Next == "" {
			if pages != 2 {
				t.Fatalf("%d pages, want 3", pages+1)
			}
			break
		}
		q.Cursor = p.Next
	}
	if !slices.Equal(got, []string{"Umbrella", "Initech 100%_off", "Globex", "Қазақ Телеком", "Acme Ltd"}) {
		t.Fatalf("paged: %q", got)
	}
	if p, err := e.List(ctx, store.Query{Limit: 5}); err != nil || len(p.Sessions) != 5 || p.Next != "" {
		t.Fatalf("a full last page: %d sessions, next %q, %v", len(p.Sessions), p.Next, err)
	}
	if _, err := e.List(ctx, store.Query{Cursor: "nonsense"}); err == nil {
		t.Fatal("a bad cursor was accepted")
	}

	s, ok, err := e.Latest(ctx, store.Query{Statuses: store.Resumable, By: "aigerim"})
	if err != nil || !ok || s.Company.CompanyName != "Acme Ltd" {
		t.Fatalf("Latest: %v %v %v", s.Company.CompanyName, ok, err)
	}
	if _, ok, err := e.Latest(ctx, store.Query{By: "nobody"}); ok || err != nil {
		t.Fatalf("Latest of nothing: %v %v", ok, err)
	}
}

func TestWatch(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e, url := open(t)
	ch, err := e.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	next := func() store.Change {
		t.Helper()
		select {
		case c, ok := <-ch:
			if !ok {
				t.Fatal("the watch channel closed")
			}
			return c
		case <-time.After(30 * time.Second):
			t.Fatal("no change seen in 30 s")
		}
		panic("unreachable")
	}
	// Another engine (another wizard) saves: this one sees it.
	other := openURL(t, url)
	s := newSession("Acme")
	save(t, other, &s, "created")
	if c := next(); c != (store.Change{ID: s.ID, Rev: 1}) {
		t.Fatalf("after a save: %+v", c)
	}
	h, err := other.Acquire(ctx, s.ID, holder("bolat"), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if c := next(); c.ID != s.ID {
		t.Fatalf("after a hold: %+v", c)
	}
	if err := other.Renew(ctx, h); err != nil {
		t.Fatal(err)
	}
	if err := other.Release(ctx, h); err != nil {
		t.Fatal(err)
	}
	if c := next(); c.ID != s.ID { // the release; the renewal sent nothing
		t.Fatalf("after a release: %+v", c)
	}
	select {
	case c := <-ch:
		t.Fatalf("an extra change %+v (a renewal notifies nobody)", c)
	default:
	}

	// A hold that expires (its holder gone) writes nothing; the watch
	// sees it all the same.
	if _, err := other.Acquire(ctx, s.ID, holder("bolat"), 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if c := next(); c.ID != s.ID {
		t.Fatalf("after a short hold: %+v", c)
	}
	if c := next(); c.ID != s.ID {
		t.Fatalf("after the short hold expired: %+v", c)
	}
	if holds, err := other.Holds(ctx); err != nil || len(holds) != 0 {
		t.Fatalf("the watch said the hold expired, but Holds gives %+v, %v", holds, err)
	}

	// The listening connection is cut: the watch comes back and says
	// "read again", then goes on.
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN%'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("cutting the watch's connection: %d, %v", n, err)
	}
	if c := next(); c != (store.Change{}) {
		t.Fatalf("after the connection was cut: %+v, want an empty Change", c)
	}
	save(t, other, &s, "again")
	if c := next(); c != (store.Change{ID: s.ID, Rev: 2}) {
		t.Fatalf("after reconnecting: %+v", c)
	}

	cancel()
	for range ch { // closed when ctx ends
	}
	// Close ends the watches it has.
	ch2, err := other.Watch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	other.Close()
	for range ch2 {
	}
}

func TestExportImport(t *testing.T) {
	ctx := context.Background()
	src, _ := open(t)
	dst, _ := open(t)
	s := newSession("Acme")
	s.UpdatedAt = time.Now().Add(-time.Hour).UTC()
	save(t, src, &s, "created")
	s.UpdatedAt = s.UpdatedAt.Add(time.Minute)
	save(t, src, &s, "step.done")
	at := time.Now().UTC()
	b, err := src.Export(ctx, strings.ToLower(s.ID), at, "aigerim")
	if err != nil {
		t.Fatal(err)
	}
	if b.Format != store.BundleFormat || b.Session != s || len(b.Events) != 2 || !b.ExportedAt.Equal(at) || b.ExportedBy != "aigerim" {
		t.Fatalf("bundle: %+v", b)
	}
	if err := store.ValidateBundle(b, time.Now()); err != nil {
		t.Fatalf("the bundle does not validate: %v", err)
	}

	events := append(slices.Clone(b.Events), store.Event{Kind: "imported", By: "bolat"})
	got, err := dst.Import(ctx, b.Session, events, false)
	if err != nil {
		t.Fatal(err)
	}
	if got.Rev != s.Rev+1 || got.ID != s.ID {
		t.Fatalf("imported: rev %d", got.Rev)
	}
	evs, err := dst.Events(ctx, s.ID)
	if err != nil || len(evs) != 3 || evs[2].Seq != 3 || evs[2].Kind != "imported" || evs[2].Step != s.Step {
		t.Fatalf("imported history: %+v %v", evs, err)
	}
	// It saves on from there.
	if err := dst.Save(ctx, &got, store.Event{Kind: "step.done"}, nil); err != nil || got.Rev != s.Rev+2 {
		t.Fatalf("save after import: %v", err)
	}

	var ee *store.ExistsError
	if _, err := dst.Import(ctx, b.Session, b.Events, false); !errors.As(err, &ee) || !errors.Is(err, store.ErrExists) || ee.Rev != got.Rev {
		t.Fatalf("import again: %v, want *ExistsError", err)
	}
	var ce *store.ConflictError
	if _, err := dst.Import(ctx, b.Session, b.Events, true); !errors.As(err, &ce) || ce.Stored != got.Rev {
		t.Fatalf("replace by an older revision: %v, want *ConflictError", err)
	}
	h, err := dst.Acquire(ctx, s.ID, holder("bolat"), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	newer := got
	newer.Rev += 5
	var he *store.HeldError
	if _, err := dst.Import(ctx, newer, b.Events, true); !errors.As(err, &he) {
		t.Fatalf("replace a held signup: %v, want *HeldError", err)
	}
	dst.Release(ctx, h)
	if rep, err := dst.Import(ctx, newer, b.Events, true); err != nil || rep.Rev != newer.Rev+1 {
		t.Fatalf("replace by a newer revision: %+v %v", rep, err)
	}
	if evs, _ := dst.Events(ctx, s.ID); len(evs) != 2 {
		t.Fatalf("the replaced history has %d events, want the bundle's 2", len(evs))
	}

	bad := b.Session
	bad.Status = "weird"
	if _, err := dst.Import(ctx, bad, nil, true); !errors.Is(err, store.ErrInvalidData) {
		t.Fatalf("import of an invalid signup: %v", err)
	}
	if r, err := dst.Check(ctx, time.Now()); err != nil || !r.OK() {
		t.Fatalf("Check after imports: %+v %v", r, err)
	}
}

func TestCheck(t *testing.T) {
	ctx := context.Background()
	e, url := open(t)
	var ss []store.Session
	for _, c := range []string{"A", "B", "C", "D"} {
		s := newSession(c)
		s.UpdatedAt = time.Now().Add(-time.Hour)
		save(t, e, &s, "created")
		save(t, e, &s, "step.done")
		save(t, e, &s, "step.done")
		ss = append(ss, s)
	}
	if r, err := e.Check(ctx, time.Now()); err != nil || !r.OK() {
		t.Fatalf("Check of a sound database: %+v %v", r, err)
	}
	if st, err := e.Stats(ctx); err != nil || st.Sessions != 4 || st.Events != 12 || st.ByStatus[store.StatusActive] != 4 {
		t.Fatalf("Stats: %+v %v", st, err)
	}
	// Save does not enforce every import rule: such a signup is Invalid.
	ss[3].Step = "nowhere"
	save(t, e, &ss[3], "x")

	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, sql := range []string{
		`DELETE FROM wizard_events WHERE id = '` + ss[0].ID + `' AND seq = 2`,
		`UPDATE wizard_sessions SET rev = 7 WHERE id = '` + ss[1].ID + `'`,
		`UPDATE wizard_sessions SET company = 'zzz' WHERE id = '` + ss[2].ID + `'`,
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	r, err := e.Check(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var probs []string
	for _, p := range r.Problems {
		probs = append(probs, p.Error())
	}
	joined := strings.Join(probs, "\n")
	for _, want := range []string{
		ss[0].ID + `": its history has a gap: event 3 follows 1`,
		ss[1].ID + `": the row says revision 7, the signup 3`,
		ss[2].ID + `": the row's search columns disagree`,
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("Check problems lack %q:\n%s", want, joined)
		}
	}
	if len(r.Problems) != 3 {
		t.Errorf("%d problems, want 3:\n%s", len(r.Problems), joined)
	}
	if len(r.Invalid) != 1 || !errors.Is(r.Invalid[0], store.ErrInvalidData) || !strings.Contains(r.Invalid[0].Error(), ss[3].ID) {
		t.Errorf("Invalid: %v", r.Invalid)
	}
}

func TestWhere(t *testing.T) {
	url := pgtest.NewDB(t)
	if !strings.Contains(url, ":pw") {
		t.Fatalf("the test URL %s has no password to hide", url)
	}
	e := openURL(t, url)
	if w := e.Where(); strings.Contains(w, ":pw") || !strings.HasPrefix(w, "postgres://postgres@127.0.0.1:") {
		t.Fatalf("Where() = %q", w)
	}
	for raw, want := range map[string]string{
		"postgres://u:secret@db.office:5433/wizard?sslmode=require": "postgres://u@db.office:5433/wizard?sslmode=require",
		"postgres://db/wizard?password=secret&user=u":               "postgres://db/wizard?user=u",
		"host=db.office port=5433 user=u password=secret dbname=w":  "postgres://u@db.office:5433/w",
	} {
		cfg, err := pgx.ParseConfig(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := where(raw, cfg); got != want {
			t.Errorf("where(%q) = %q, want %q", raw, got, want)
		}
	}
	// An unreachable database: the error names it without the password.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := Open(ctx, "postgres://u:secret@127.0.0.1:1/nothing?sslmode=disable", Options{})
	if err == nil || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "postgres://u@127.0.0.1:1/nothing") {
		t.Fatalf("Open of nothing: %v", err)
	}
}

// Wizards that connect to a new database at once create its tables once.
func TestMigrateConcurrently(t *testing.T) {
	url := pgtest.NewDB(t)
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		wg.Go(func() {
			e, err := Open(context.Background(), url, Options{})
			if err == nil {
				e.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent Open: %v", err)
		}
	}
	// A database a newer wizard laid out is refused.
	e := openURL(t, url)
	if _, err := e.pool.Exec(context.Background(), `UPDATE wizard_schema SET version = $1`, LayoutVersion+1); err != nil {
		t.Fatal(err)
	}
	var se *store.SchemaError
	if _, err := Open(context.Background(), url, Options{}); !errors.As(err, &se) || se.Have != LayoutVersion+1 {
		t.Fatalf("Open of a newer layout: %v, want *SchemaError", err)
	}
}

// Eight writers race on one signup until 1,000 saves have succeeded: every
// save that succeeded is in the result (none lost), the history has one event
// per save without gaps, and the final revision counts them.
func TestRaceEightWriters(t *testing.T) {
	const writers, saves = 8, 1000
	ctx := context.Background()
	url := pgtest.NewDB(t)
	first := openURL(t, url)
	s := newSession("Race")
	s.Profile.Description = "0"
	save(t, first, &s, "created")

	var (
		mu        sync.Mutex
		done      int // successful saves
		conflicts int
		wg        sync.WaitGroup
		errs      = make(chan error, writers)
	)
	for w := range writers {
		e := openURL(t, url) // each writer a wizard of its own, with its own pool
		wg.Go(func() {
			for {
				cur, err := e.Load(ctx, s.ID)
				if err != nil {
					errs <- err
					return
				}
				for {
					mu.Lock()
					if done >= saves {
						mu.Unlock()
						return
					}
					mu.Unlock()
					var n int
					fmt.Sscan(cur.Profile.Description, &n)
					next := cur
					next.Profile.Description = fmt.Sprint(n + 1)
					next.UpdatedBy = fmt.Sprintf("writer%d", w)
					err := e.Save(ctx, &next, store.Event{Kind: "step.done", By: next.UpdatedBy}, nil)
					var ce *store.ConflictError
					switch {
					case err == nil:
						mu.Lock()
						done++
						mu.Unlock()
						cur = next
						continue
					case errors.As(err, &ce):
						mu.Lock()
						conflicts++
						mu.Unlock()
						cur = ce.Current // reload from what the conflict carries
						continue
					}
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, err := first.Load(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := first.Events(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d writers: %d saves succeeded, %d refused as conflicts", writers, done, conflicts)
	// A writer may pass the done<saves check at once with others: a few
	// saves beyond 1,000 can succeed; every one of them must be counted.
	if done < saves {
		t.Fatalf("%d saves succeeded, want at least %d", done, saves)
	}
	if got.Rev != uint64(done)+1 || got.Profile.Description != fmt.Sprint(done) {
		t.Fatalf("final revision %d and counter %s after %d saves (+1 first): updates were lost", got.Rev, got.Profile.Description, done)
	}
	if len(evs) != done+1 {
		t.Fatalf("%d events after %d saves (+1 first)", len(evs), done)
	}
	for i, ev := range evs {
		if ev.Seq != uint64(i+1) {
			t.Fatalf("event %d has seq %d: the history has a gap", i+1, ev.Seq)
		}
	}
	if conflicts == 0 {
		t.Log("no conflicts at all: the writers did not overlap (a loaded machine may serialise them)")
	}
}

// The support log gets a line per saved or imported event; times left zero
// come from Options.Now.
func TestLogAndClock(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDB(t)
	clock := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	e, err := Open(ctx, url, Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var log strings.Builder
	e.SetLog(&log)
	s := newSession("Acme")
	if err := e.Save(ctx, &s, store.Event{Kind: "created", By: "aigerim"}, nil); err != nil {
		t.Fatal(err)
	}
	if !s.UpdatedAt.Equal(clock) {
		t.Fatalf("UpdatedAt %v, want the engine's clock %v", s.UpdatedAt, clock)
	}
	b, err := e.Export(ctx, s.ID, clock, "aigerim")
	if err != nil {
		t.Fatal(err)
	}
	other := b.Session
	other.ID = store.NewID()
	if _, err := e.Import(ctx, other, append(b.Events, store.Event{Kind: "imported"}), false); err != nil {
		t.Fatal(err)
	}
	want := store.LogLine(s.ID, store.Event{Seq: 1, At: clock, By: "aigerim", Step: "company", Kind: "created"}) + "\n" +
		store.LogLine(other.ID, store.Event{Seq: 2, At: clock, Step: "company", Kind: "imported"}) + "\n"
	if log.String() != want {
		t.Fatalf("log:\n%s\nwant:\n%s", log.String(), want)
	}
}
