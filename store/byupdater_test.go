package store

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// byUsers are the names the tests of by_updater save under: "" (nobody
// said), one that is a prefix of another, and one with a 0x00 in it (Save
// does not refuse it), so that a user's keys cannot run into another's.
var byUsers = []string{"alice", "bob", "", "al", "al\x00ice", "алия"}

// fillByUsers saves n signups, each saved a few times by changing users at
// changing times, some waiting, some done; it returns them as stored.
func fillByUsers(t *testing.T, s *Store, n int) []Session {
	t.Helper()
	var out []Session
	for i := range n {
		sess := Session{ID: NewID(), Status: StatusActive, Step: "terms", UpdatedAt: at(i), UpdatedBy: byUsers[i%len(byUsers)]}
		sess.Company.CompanyName = "Firm " + strconv.Itoa(i)
		mustSave(t, s, &sess, Event{Kind: "created"})
		for j := range i % 4 {
			sess.UpdatedBy = byUsers[(i/2+j+1)%len(byUsers)]
			sess.UpdatedAt = at(1000 - 3*i + j) // the order changes, and some times are the same
			if (i+j)%3 == 0 {
				sess.Status = StatusWaiting
			}
			if (i+j)%5 == 0 {
				sess.Status = StatusDone
			}
			mustSave(t, s, &sess, Event{Kind: "step.done"})
		}
		out = append(out, sess)
	}
	return out
}

// wantBy is what List(q) must give: all, filtered by q's rules, newest first
// (ties by id, descending).
func wantBy(all []Session, q Query) string {
	var out []Session
	for _, s := range all {
		if newMatcher(q).match(s) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b Session) int {
		return -bytes.Compare(indexKey(a.UpdatedAt, a.ID), indexKey(b.UpdatedAt, b.ID))
	})
	return ids(out)
}

// checkByQueries compares List and Latest with By (every user, with and
// without statuses and a search, in pages of 1, 3 and all) with what all
// calls for.
func checkByQueries(t *testing.T, s *Store, all []Session) {
	t.Helper()
	for _, by := range append(byUsers[:len(byUsers):len(byUsers)], "nobody", "alice\x00") {
		for _, st := range [][]Status{nil, Resumable} {
			for _, limit := range []int{0, 1, 3} {
				for _, search := range []string{"", "FIRM 1"} {
					q := Query{By: by, Statuses: st, Limit: limit, Search: search}
					want := wantBy(all, q)
					if got := ids(listAll(t, s, q)); got != want {
						t.Errorf("List(By %q, Statuses %v, Limit %d, Search %q) = %q, want %q", by, st, limit, search, got, want)
					}
				}
			}
			latest, ok, err := s.Latest(ctx, Query{By: by, Statuses: st})
			want, _, _ := strings.Cut(wantBy(all, Query{By: by, Statuses: st}), " ")
			if err != nil || ok != (want != "") || latest.ID != want {
				t.Errorf("Latest(By %q, Statuses %v) = %s %v %v, want %q", by, st, latest.ID, ok, err, want)
			}
		}
	}
}

func TestByUpdaterAfterManySaves(t *testing.T) {
	s := openTemp(t)
	all := fillByUsers(t, s, 60)
	count := map[string]int{}
	for _, sess := range all {
		count[sess.UpdatedBy]++
	}
	for _, by := range byUsers {
		if count[by] < 3 {
			t.Fatalf("the test's signups: %q has %d, want at least 3 of each user's", by, count[by])
		}
	}
	checkByQueries(t, s, all)
	if n := countKeys(t, s, bucketByUpdater); n != len(all) {
		t.Errorf("%d by_updater keys, want %d", n, len(all))
	}
	mustCheck(t, s)

	// A cursor is the same either way: one from a page of everyone's goes on
	// in a page of one user's, and back.
	first, err := s.List(ctx, Query{Limit: 7})
	if err != nil {
		t.Fatal(err)
	}
	q := Query{By: "alice", Cursor: first.Next}
	below := indexKey(first.Sessions[6].UpdatedAt, first.Sessions[6].ID)
	var rest []Session
	for _, sess := range all {
		if sess.UpdatedBy == "alice" && bytes.Compare(indexKey(sess.UpdatedAt, sess.ID), below) < 0 {
			rest = append(rest, sess)
		}
	}
	if got, want := ids(listAll(t, s, q)), wantBy(rest, Query{}); got != want {
		t.Errorf("alice's after everyone's first page: %q, want %q", got, want)
	}
	page, err := s.List(ctx, Query{By: "bob", Limit: 2})
	if err != nil || page.Next == "" {
		t.Fatal(page, err)
	}
	if _, err := s.List(ctx, Query{Cursor: page.Next, Limit: 3}); err != nil {
		t.Errorf("everyone's after bob's page: %v", err)
	}
}

func TestByUpdaterImportReplace(t *testing.T) {
	s := openTemp(t)
	all := fillByUsers(t, s, 12)
	sess := all[3]
	b, err := s.Export(ctx, sess.ID, at(2000), "alice")
	if err != nil {
		t.Fatal(err)
	}
	b.Session.UpdatedBy = "carol"
	b.Session.UpdatedAt = at(1500)
	b.Session.Rev++ // a newer revision, made elsewhere
	got, err := s.Import(ctx, b.Session, b.Events, true)
	if err != nil {
		t.Fatal(err)
	}
	all[3] = got
	checkByQueries(t, s, all)
	if page := listAll(t, s, Query{By: "carol"}); ids(page) != sess.ID {
		t.Errorf("carol's: %q, want %s", ids(page), sess.ID)
	}
	if page := listAll(t, s, Query{By: sess.UpdatedBy}); strings.Contains(ids(page), sess.ID) {
		t.Errorf("%q's still has %s after the import gave it to carol", sess.UpdatedBy, sess.ID)
	}

	// A new one, imported without replace, is indexed too.
	fresh := Session{ID: NewID(), Status: StatusActive, Step: "terms", UpdatedAt: at(3), UpdatedBy: "dana", CreatedAt: at(3)}
	if _, err := s.Import(ctx, fresh, nil, false); err != nil {
		t.Fatal(err)
	}
	if latest, ok, err := s.Latest(ctx, Query{By: "dana", Statuses: Resumable}); err != nil || !ok || latest.ID != fresh.ID {
		t.Errorf("dana's latest: %s %v %v", latest.ID, ok, err)
	}
	mustCheck(t, s)
}

// downgradeToSchema1 makes the file at s as a schema-1 wizard left it: no
// by_updater, schema_version 1 (migration 2 adds only the bucket).
func downgradeToSchema1(t *testing.T, s *Store) {
	t.Helper()
	err := s.update(ctx, func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketByUpdater); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, []byte("1"))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrateFromSchema1(t *testing.T) {
	old := openTemp(t)
	all := fillByUsers(t, old, 30)
	downgradeToSchema1(t, old)
	path := old.Path()

	// Read-only (list, show, doctor without --repair): read as it is, by
	// walking by_updated; nothing is written.
	ro, err := OpenReadOnly(path, 0)
	if err != nil {
		t.Fatalf("read-only open of a schema-1 file: %v", err)
	}
	if v, err := ro.SchemaVersion(ctx); err != nil || v != 1 {
		t.Fatalf("schema after a read-only open: %d %v", v, err)
	}
	checkByQueries(t, ro, all)
	if r, err := ro.Check(ctx, at(5000)); err != nil || len(r.Problems) > 0 {
		t.Fatalf("Check of a schema-1 file: %v %v", r.Problems, err)
	}
	if _, err := ro.Load(ctx, all[0].ID); err != nil {
		t.Fatal(err)
	}

	// The first writer migrates it.
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.SchemaVersion(ctx); err != nil || v != SchemaVersion {
		t.Fatalf("schema after Open: %d %v", v, err)
	}
	if n := countKeys(t, s, bucketByUpdater); n != len(all) {
		t.Fatalf("%d by_updater keys after migrating, want %d", n, len(all))
	}
	mustCheck(t, s)
	checkByQueries(t, s, all)
	// The store opened read-only before now reads the new index.
	checkByQueries(t, ro, all)

	// And saves keep it.
	sess := all[5]
	sess.UpdatedBy, sess.UpdatedAt = "erlan", at(4000)
	mustSave(t, s, &sess, Event{Kind: "step.done"})
	all[5] = sess
	checkByQueries(t, s, all)
	mustCheck(t, s)
}

func TestCheckFindsByUpdaterProblems(t *testing.T) {
	for _, tc := range []struct {
		name string
		harm func(tx *bolt.Tx, a Session) error
		want []string
	}{
		{"key missing", func(tx *bolt.Tx, a Session) error {
			return tx.Bucket(bucketByUpdater).Delete(updaterKey(a.UpdatedBy, a.UpdatedAt, a.ID))
		}, []string{"session " + a1 + " is missing from the index by user"}},
		{"key of another user", func(tx *bolt.Tx, a Session) error {
			b := tx.Bucket(bucketByUpdater)
			if err := b.Delete(updaterKey(a.UpdatedBy, a.UpdatedAt, a.ID)); err != nil {
				return err
			}
			return b.Put(updaterKey("mallory", a.UpdatedAt, a.ID), nil)
		}, []string{"session " + a1 + " is missing from the index by user", "index by user key", "has no session"}},
		{"extra key", func(tx *bolt.Tx, a Session) error {
			return tx.Bucket(bucketByUpdater).Put(updaterKey("bob", at(9), "CCCC-CCCC"), nil)
		}, []string{"index by user key", "has no session"}},
		{"stale key kept", func(tx *bolt.Tx, a Session) error {
			return tx.Bucket(bucketByUpdater).Put(updaterKey(a.UpdatedBy, at(0), a.ID), nil)
		}, []string{"index by user key", "has no session"}},
		{"bucket missing", func(tx *bolt.Tx, a Session) error {
			return tx.DeleteBucket(bucketByUpdater)
		}, []string{"the index by user (bucket by_updater) is missing"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			a := Session{ID: a1, Status: StatusActive, Step: "terms", UpdatedAt: at(1), UpdatedBy: "alice"}
			mustSave(t, s, &a, Event{Kind: "saved"})
			b := Session{ID: "BBBB-BBBB", Status: StatusActive, Step: "terms", UpdatedAt: at(2), UpdatedBy: "bob"}
			mustSave(t, s, &b, Event{Kind: "saved"})
			mustCheck(t, s)
			if err := s.update(ctx, func(tx *bolt.Tx) error { return tc.harm(tx, a) }); err != nil {
				t.Fatal(err)
			}
			err := checkErr(t, s)
			for _, want := range tc.want {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("Check: %v; want %q", err, want)
				}
			}
		})
	}
}

const a1 = "AAAA-AAAA"

func TestUpdaterKeys(t *testing.T) {
	when := time.Unix(0, 1234567890)
	for _, by := range byUsers {
		k := updaterKey(by, when, a1)
		got, rest, ok := splitUpdaterKey(k)
		if !ok || got != by || !bytes.Equal(rest, indexKey(when, a1)) || updaterKeyID(k) != a1 {
			t.Errorf("%q: split %q %x %v", by, got, rest, ok)
		}
		for _, other := range byUsers {
			if other != by && bytes.HasPrefix(updaterKey(other, when, a1), updaterPrefix(by)) {
				t.Errorf("%q's key starts with %q's prefix", other, by)
			}
		}
	}
	for _, bad := range [][]byte{nil, {5, 'a'}, {0x80}, append(updaterPrefix("al"), 1, 2, 3)} {
		if _, _, ok := splitUpdaterKey(bad); ok {
			t.Errorf("%x split", bad)
		}
	}
}
