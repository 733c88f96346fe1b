package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

var ctx = context.Background()

// mustCheck fails t if Check finds a problem in the file (bbolt's check and
// the records; not the import rules).
func mustCheck(t testing.TB, s *Store) {
	t.Helper()
	r, err := s.Check(ctx, vNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) > 0 {
		t.Fatal(errors.Join(r.Problems...))
	}
}

// checkErr is what Check found in the file, as one error; nil if nothing.
func checkErr(t testing.TB, s *Store) error {
	t.Helper()
	r, err := s.Check(ctx, vNow)
	if err != nil {
		t.Fatal(err)
	}
	return errors.Join(r.Problems...)
}

var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "wizard.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustSave(t testing.TB, s *Store, sess *Session, ev Event) {
	t.Helper()
	if err := s.Save(ctx, sess, ev, nil); err != nil {
		t.Fatal(err)
	}
}

// put saves a fresh session with the given id, status and update time.
func put(t testing.TB, s *Store, id string, st Status, updated time.Time) Session {
	t.Helper()
	sess := Session{ID: id, Status: st, Step: "terms", UpdatedAt: updated}
	mustSave(t, s, &sess, Event{Kind: "saved", At: updated})
	return sess
}

// listAll is List(q) on s, every page, failing t on an error.
func listAll(t testing.TB, s *Store, q Query) []Session {
	t.Helper()
	var out []Session
	for {
		page, err := s.List(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Sessions...)
		if page.Next == "" {
			return out
		}
		q.Cursor = page.Next
	}
}

func ids(list []Session) string {
	var out []string
	for _, s := range list {
		out = append(out, s.ID)
	}
	return strings.Join(out, " ")
}

func countKeys(t *testing.T, s *Store, bucket []byte) int {
	t.Helper()
	n := 0
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(k, v []byte) error { n++; return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSaveLoadRoundTrip(t *testing.T) {
	s := openTemp(t)
	sess := Session{
		ID:        "k7mq4xpd", // saved under its canonical form
		CreatedAt: at(0),
		UpdatedAt: at(5),
		CreatedBy: "alice",
		UpdatedBy: "bob",
		Status:    StatusWaiting, WaitingReason: "display name review",
		Step:    "profile",
		Path:    PathMigration,
		Terms:   Terms{AcceptedAt: at(1)},
		Account: Account{Email: "a@example.com", ID: "acc-1", CreatedAt: at(2)},
		Company: Company{OrgType: "company", FullName: "Alice A", CompanyName: "ACME", Country: "KZ", NotRobot: true},
		Number:  Number{OnBusinessAPI: true, ConfirmedAt: at(3)},
		Signup:  Signup{SessionID: "su-1", Event: "FINISH", WABAID: "123", PhoneNumberID: "456"},
		Profile: Profile{DisplayName: "ACME", Category: "OTHER"},
		Phone:   Phone{Country: "KZ", E164: "+77011234567", CC: "7", Number: "7011234567"},
		Code:    Code{Method: "SMS", Requests: 2, Attempts: 1, ExpiresAt: at(10)},
		Alpha:   Alpha{Name: "ACME"},
	}
	mustSave(t, s, &sess, Event{Kind: "step.done", By: "bob", At: at(5)})

	if sess.ID != "K7MQ-4XPD" || sess.Rev != 1 || sess.Schema != SessionSchema {
		t.Fatalf("after save: id %q rev %d schema %d", sess.ID, sess.Rev, sess.Schema)
	}
	for _, id := range []string{"K7MQ-4XPD", "k7mq-4xpd", "K7MQ4XPD", " k7mq 4xpd "} {
		got, err := s.Load(ctx, id)
		if err != nil {
			t.Fatalf("Load(%q): %v", id, err)
		}
		if !reflect.DeepEqual(got, sess) {
			t.Fatalf("Load(%q):\n got %+v\nwant %+v", id, got, sess)
		}
	}
}

func TestLoadNotFound(t *testing.T) {
	s := openTemp(t)
	_, err := s.Load(ctx, "k7mq4xpd")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "K7MQ-4XPD") {
		t.Fatalf("Load of a missing id: %v", err)
	}
	if _, err := s.Events(ctx, "K7MQ-4XPD"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Events of a missing id: %v", err)
	}
}

func TestSaveDefaults(t *testing.T) {
	s := openTemp(t)
	sess := Session{ID: NewID(), Status: StatusActive, Step: "terms"}
	mustSave(t, s, &sess, Event{Kind: "created", At: at(7)}) // no UpdatedAt: taken from the event
	if !sess.UpdatedAt.Equal(at(7)) || !sess.CreatedAt.Equal(at(7)) {
		t.Fatalf("UpdatedAt %v CreatedAt %v, want both %v", sess.UpdatedAt, sess.CreatedAt, at(7))
	}
	sess.UpdatedAt, sess.CreatedAt = at(9), time.Time{}
	mustSave(t, s, &sess, Event{Kind: "step.done"}) // no event time: taken from the session
	if !sess.CreatedAt.Equal(at(7)) {
		t.Fatalf("CreatedAt %v, want it kept as %v", sess.CreatedAt, at(7))
	}
	evs, err := s.Events(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !evs[1].At.Equal(at(9)) || evs[1].Step != "terms" {
		t.Fatalf("second event %+v: want At %v and Step terms", evs[1], at(9))
	}
	if err := s.Save(ctx, &Session{}, Event{}, nil); err == nil {
		t.Fatal("Save without an id succeeded")
	}
}

func TestRevAndSeq(t *testing.T) {
	s := openTemp(t)
	sess := Session{ID: NewID(), Status: StatusActive, Step: "terms"}
	steps := []string{"terms", "account", "company"}
	for i, step := range steps {
		sess.Step = step
		sess.UpdatedAt = at(i)
		mustSave(t, s, &sess, Event{Kind: "step.done", At: at(i)})
		if sess.Rev != uint64(i+1) {
			t.Fatalf("save %d: rev %d, want %d", i, sess.Rev, i+1)
		}
	}
	// A stale copy is refused (issue 15: a save succeeds only on the
	// revision it loaded), with the session as stored, and changes nothing.
	stale := sess
	stale.Rev = 1
	stale.UpdatedAt = at(10)
	err := s.Save(ctx, &stale, Event{Kind: "resumed", Step: "account"}, nil)
	if ce, ok := errors.AsType[*ConflictError](err); !ok || !errors.Is(err, ErrConflict) || ce.Stored != 3 || ce.Loaded != 1 ||
		!reflect.DeepEqual(ce.Current, sess) {
		t.Fatalf("stale copy: %v, want a conflict with revision 3", err)
	}
	if stale.Rev != 1 {
		t.Fatalf("a refused save changed the copy: rev %d", stale.Rev)
	}
	// The copy that has the stored revision saves.
	sess.UpdatedAt = at(10)
	mustSave(t, s, &sess, Event{Kind: "resumed", Step: "account"})
	if sess.Rev != 4 {
		t.Fatalf("rev %d, want 4", sess.Rev)
	}

	evs, err := s.Events(ctx, strings.ToLower(sess.ID))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"terms", "account", "company", "account"}
	if len(evs) != len(want) {
		t.Fatalf("%d events, want %d", len(evs), len(want))
	}
	for i, ev := range evs {
		if ev.Seq != uint64(i+1) || ev.Step != want[i] {
			t.Errorf("event %d: seq %d step %q, want seq %d step %q", i, ev.Seq, ev.Step, i+1, want[i])
		}
	}
}

func TestSaveFailureLeavesSessionAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wizard.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sess := put(t, s, NewID(), StatusActive, at(0))
	s.Close()

	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	before := sess
	sess.UpdatedAt = at(1)
	before.UpdatedAt = at(1)
	err = ro.Save(ctx, &sess, Event{Kind: "x"}, nil)
	if !errors.Is(err, berrors.ErrDatabaseReadOnly) {
		t.Fatalf("Save on a read-only store: %v", err)
	}
	if !reflect.DeepEqual(sess, before) {
		t.Fatalf("failed save changed the session: %+v", sess)
	}
	if got, err := ro.Load(ctx, sess.ID); err != nil || got.Rev != 1 {
		t.Fatalf("read-only Load: rev %d, %v", got.Rev, err)
	}
}

func TestEventsInOrder(t *testing.T) {
	s := openTemp(t)
	id := NewID()
	// More than 255 events, so a little-endian or textual key would misorder them.
	err := s.update(ctx, func(tx *bolt.Tx) error {
		sess := Session{ID: id, Status: StatusActive}
		for i := range 300 {
			sess.UpdatedAt = at(i)
			if _, err := saveTx(tx, &sess, Event{Kind: fmt.Sprint(i)}, t0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	evs, err := s.Events(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 300 {
		t.Fatalf("%d events, want 300", len(evs))
	}
	for i, ev := range evs {
		if ev.Seq != uint64(i+1) || ev.Kind != fmt.Sprint(i) {
			t.Fatalf("event %d: seq %d kind %q", i, ev.Seq, ev.Kind)
		}
	}
}

func TestListNewestFirst(t *testing.T) {
	s := openTemp(t)
	a := put(t, s, "AAAA-AAAA", StatusActive, at(1))
	put(t, s, "BBBB-BBBB", StatusActive, at(2))
	put(t, s, "CCCC-CCCC", StatusActive, at(3))
	a.UpdatedAt = at(4)
	mustSave(t, s, &a, Event{Kind: "resumed"}) // A moves to the front
	c, _ := s.Load(ctx, "CCCC-CCCC")
	c.UpdatedAt = at(0)
	mustSave(t, s, &c, Event{Kind: "odd clock"}) // C moves to the back

	if got, want := ids(listAll(t, s, Query{})), "AAAA-AAAA BBBB-BBBB CCCC-CCCC"; got != want {
		t.Fatalf("List: %s, want %s", got, want)
	}
	if n, m := countKeys(t, s, bucketByUpdated), countKeys(t, s, bucketSessions); n != m {
		t.Fatalf("%d index keys for %d sessions: old keys left behind", n, m)
	}
}

func TestListLimitAndFilters(t *testing.T) {
	s := openTemp(t)
	statuses := []Status{StatusActive, StatusDone, StatusWaiting, StatusAbandoned, StatusActive, StatusDone}
	var all []string
	for i, st := range statuses {
		id := fmt.Sprintf("%c%c%c%c-2222", 'A'+i, 'A'+i, 'A'+i, 'A'+i)
		put(t, s, id, st, at(i))
		all = append([]string{id}, all...) // newest first
	}

	cases := []struct {
		name string
		opt  Query
		want []string
	}{
		{"all", Query{}, all},
		{"limit", Query{Limit: 2}, all[:2]},
		{"limit above count", Query{Limit: 100}, all},
		{"done", Query{Statuses: []Status{StatusDone}}, []string{all[0], all[4]}},
		{"active or waiting, limit 2", Query{Limit: 2, Statuses: []Status{StatusActive, StatusWaiting}},
			[]string{all[1], all[3]}},
		{"search by id", Query{Search: "bbbb2"}, all[4:5]},
		{"status and search", Query{Statuses: []Status{StatusActive}, Search: "aaaa-"}, all[5:]},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			page, err := s.List(ctx, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			list := page.Sessions
			if got, want := ids(list), strings.Join(tc.want, " "); got != want {
				t.Fatalf("got  %s\nwant %s", got, want)
			}
		})
	}
}

func TestLatest(t *testing.T) {
	s := openTemp(t)
	if _, ok, err := s.Latest(ctx, Query{}); ok || err != nil {
		t.Fatalf("Latest on an empty store: ok %v, %v", ok, err)
	}
	put(t, s, "AAAA-AAAA", StatusActive, at(1))
	put(t, s, "BBBB-BBBB", StatusWaiting, at(2))
	put(t, s, "CCCC-CCCC", StatusAbandoned, at(3))
	put(t, s, "DDDD-DDDD", StatusDone, at(4))

	if got, ok, err := s.Latest(ctx, Query{}); err != nil || !ok || got.ID != "DDDD-DDDD" {
		t.Fatalf("Latest(false) = %s %v %v, want DDDD-DDDD", got.ID, ok, err)
	}
	if got, ok, err := s.Latest(ctx, Query{Statuses: Resumable}); err != nil || !ok || got.ID != "BBBB-BBBB" {
		t.Fatalf("Latest(true) = %s %v %v, want BBBB-BBBB", got.ID, ok, err)
	}
}

// The file is locked only for the length of a transaction (issue 15): two
// stores on one file both read and write. A transaction that cannot get the
// lock within Timeout — here because the test holds bbolt's lock itself, as
// a long transaction elsewhere would — is a *LockedError.
func TestLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wizard.db")
	first, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("a second Open while the first is open: %v", err)
	}
	defer second.Close()
	a := put(t, first, "AAAA-AAAA", StatusActive, at(1))
	put(t, second, "BBBB-BBBB", StatusActive, at(2))
	if got, err := second.Load(ctx, a.ID); err != nil || got.Rev != 1 {
		t.Fatalf("the second store reads the first's save: %+v %v", got, err)
	}
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if list := listAll(t, ro, Query{}); len(list) != 2 {
		t.Fatalf("read-only list: %s", ids(list))
	}

	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	want := "another wizard is using " + path + "; close it first (or wait for it to finish)"
	quick := Options{Timeout: 200 * time.Millisecond}
	calls := map[string]func() error{
		"open": func() error {
			s, err := Open(path, quick)
			if err == nil {
				s.Close()
			}
			return err
		},
		"open read-only": func() error {
			s, err := Open(path, Options{Timeout: quick.Timeout, ReadOnly: true})
			if err == nil {
				s.Close()
			}
			return err
		},
		"load": func() error {
			s := &Store{path: path, timeout: quick.Timeout, now: time.Now, inited: true}
			_, err := s.Load(ctx, a.ID)
			return err
		},
		"save": func() error {
			s := &Store{path: path, timeout: quick.Timeout, now: time.Now, inited: true}
			sess := a
			return s.Save(ctx, &sess, Event{Kind: "x"}, nil)
		},
	}
	for name, call := range calls {
		start := time.Now()
		err := call()
		took := time.Since(start)
		var le *LockedError
		if !errors.As(err, &le) || le.Path != path {
			t.Fatalf("%s: got %T %v, want *LockedError for %s", name, err, err, path)
		}
		if took > 10*time.Second {
			t.Errorf("%s: gave up after %v", name, took)
		}
		if err.Error() != want {
			t.Errorf("%s: message %q\nwant    %q", name, err, want)
		}
	}
	db.Close()
	if got, err := ro.Load(ctx, a.ID); err != nil || got.Rev != 1 {
		t.Fatalf("Load after the lock is free: %+v %v", got, err)
	}
	sess := a
	mustSave(t, second, &sess, Event{Kind: "again"})
}

func TestCorrupt(t *testing.T) {
	garbage := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*131 + i/7)
		}
		return b
	}
	// valid returns a real store file with some sessions in it, and its page size.
	valid := func(t *testing.T) ([]byte, int) {
		path := filepath.Join(t.TempDir(), "valid.db")
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 50 {
			put(t, s, NewID(), StatusActive, at(i))
		}
		s.Close()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b, os.Getpagesize()
	}
	// Meta pages: a 16-byte page header, then magic(4) version(4) pageSize(4) flags(4)
	// root(16) freelist(8) pgid(8) txid(8) checksum(8).
	const (
		offVersion  = 16 + 4
		offChecksum = 16 + 56
	)

	cases := []struct {
		name string
		file func(t *testing.T) []byte
		is   error // underlying error, if a bbolt one
	}{
		{"short garbage", func(*testing.T) []byte { return []byte("not a database\n") }, berrors.ErrInvalid},
		{"garbage", func(*testing.T) []byte { return garbage(64 << 10) }, berrors.ErrInvalid},
		{"checksum", func(t *testing.T) []byte {
			b, ps := valid(t)
			b[offChecksum] ^= 0xff
			b[ps+offChecksum] ^= 0xff
			return b
		}, berrors.ErrChecksum},
		{"version", func(t *testing.T) []byte {
			b, ps := valid(t)
			binary.LittleEndian.PutUint32(b[offVersion:], 99)
			binary.LittleEndian.PutUint32(b[ps+offVersion:], 99)
			return b
		}, berrors.ErrVersionMismatch},
		{"damaged pages", func(t *testing.T) []byte {
			b, ps := valid(t)
			copy(b[2*ps:], garbage(len(b)-2*ps))
			return b
		}, nil},
		{"truncated", func(t *testing.T) []byte {
			b, _ := valid(t)
			return b[:len(b)/4]
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "wizard.db")
			orig := tc.file(t)
			if err := os.WriteFile(path, orig, 0o600); err != nil {
				t.Fatal(err)
			}
			for _, ro := range []bool{false, true} {
				s, err := Open(path, Options{ReadOnly: ro})
				if err == nil {
					s.Close()
					t.Fatalf("ReadOnly=%v: Open succeeded", ro)
				}
				var ce *CorruptError
				if !errors.As(err, &ce) || ce.Path != path {
					t.Fatalf("ReadOnly=%v: got %T %v, want *CorruptError", ro, err, err)
				}
				if tc.is != nil && !errors.Is(err, tc.is) {
					t.Errorf("ReadOnly=%v: %v does not wrap %v", ro, err, tc.is)
				}
				if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "--repair") ||
					!strings.Contains(msg, "damaged") {
					t.Errorf("message %q", msg)
				}
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, orig) {
				t.Fatal("Open changed a damaged file")
			}
		})
	}
}

func TestCheck(t *testing.T) {
	s := openTemp(t)
	for i := range 20 {
		sess := put(t, s, NewID(), StatusActive, at(i))
		sess.UpdatedAt = at(100 + i)
		mustSave(t, s, &sess, Event{Kind: "again"})
	}
	mustCheck(t, s)
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("HOME", "/home/someone")
	t.Setenv("XDG_DATA_HOME", "/xdg/data")
	if p, err := DefaultPath(); err != nil || p != "/xdg/data/wizard/wizard.db" {
		t.Errorf("with XDG_DATA_HOME: %q %v", p, err)
	}
	for _, v := range []string{"", "relative/dir"} {
		t.Setenv("XDG_DATA_HOME", v)
		if p, err := DefaultPath(); err != nil || p != "/home/someone/.local/share/wizard/wizard.db" {
			t.Errorf("XDG_DATA_HOME=%q: %q %v", v, p, err)
		}
	}
}

func TestOpenMissingReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none", "wizard.db")
	if _, err := Open(path, Options{ReadOnly: true}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("read-only Open of a missing file: %v", err)
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("read-only Open created the directory")
	}
}

func BenchmarkSave(b *testing.B) {
	s := openTemp(b)
	sessions := make([]Session, 100)
	for i := range sessions {
		sessions[i] = Session{ID: NewID(), Status: StatusActive, Step: "terms"}
	}
	for i := 0; b.Loop(); i++ {
		sess := &sessions[i%len(sessions)]
		sess.UpdatedAt = at(i)
		if err := s.Save(ctx, sess, Event{Kind: "step.done"}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListNewest20(b *testing.B) {
	s := openTemp(b)
	err := s.update(ctx, func(tx *bolt.Tx) error {
		for i := range 10_000 {
			sess := Session{ID: NewID(), Status: StatusActive, Step: "company", UpdatedAt: at(i)}
			sess.Company = Company{FullName: "Someone", CompanyName: "Some Company", Country: "KZ"}
			if _, err := saveTx(tx, &sess, Event{Kind: "created"}, t0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		page, err := s.List(ctx, Query{Limit: 20})
		if err != nil || len(page.Sessions) != 20 {
			b.Fatal(len(page.Sessions), err)
		}
	}
}

func TestCheckFindsIndexProblems(t *testing.T) {
	s := openTemp(t)
	a := put(t, s, "AAAA-AAAA", StatusActive, at(1))
	put(t, s, "BBBB-BBBB", StatusActive, at(2))
	err := s.update(ctx, func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketByUpdated)
		if err := idx.Delete(indexKey(a.UpdatedAt, a.ID)); err != nil {
			return err
		}
		if err := idx.Put(indexKey(at(9), "CCCC-CCCC"), nil); err != nil {
			return err
		}
		_, err := tx.Bucket(bucketEvents).CreateBucket([]byte("DDDD-DDDD"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = checkErr(t, s)
	for _, want := range []string{"session AAAA-AAAA is missing from the index", "has no session", "history DDDD-DDDD has no session"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Check: %v; want %q", err, want)
		}
	}
}

// testClock is a clock a test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Watch on the file: a hold that expires (no write at all) is a change of
// that signup; several writes between two looks are one "read everything".
func TestWatchOnTheFile(t *testing.T) {
	clock := &testClock{t: t0}
	path := filepath.Join(t.TempDir(), "wizard.db")
	s, err := Open(path, Options{Now: clock.Now, WatchInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.Acquire(ctx, "K7MQ-4XPD", Holder{Who: "aigerim"}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch, err := s.Watch(wctx)
	if err != nil {
		t.Fatal(err)
	}
	next := func() Change {
		t.Helper()
		select {
		case c := <-ch:
			return c
		case <-time.After(30 * time.Second):
			t.Fatal("no change in 30 s")
		}
		return Change{}
	}
	clock.Advance(time.Minute) // the hold expires: nothing is written
	if c := next(); c.ID != h.ID {
		t.Fatalf("expiry: %+v", c)
	}
	// Another store (as another process would) writes twice: both between
	// two looks are one change that says "read again"; a look between them
	// sees each, with its revision.
	other, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := put(t, other, "AAAA-AAAA", StatusActive, at(1))
	a.UpdatedAt = at(2)
	mustSave(t, other, &a, Event{Kind: "again"})
	if c := next(); c.ID != "" && c.ID != a.ID {
		t.Fatalf("writes: %+v", c)
	} else if c.ID == a.ID && c.Rev == 1 {
		if c := next(); c.ID != a.ID || c.Rev != 2 {
			t.Fatalf("the second write: %+v", c)
		}
	}
	cancel()
	for range ch {
	}
}
