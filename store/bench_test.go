package store

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// The benchmarks of issue 15 (ratios in one run, see BENCHMARKS.md):
//
//	go test -run '^$' -bench 'OpenFirstRead|ResumeOffer|List20|SaveVsBare|ListSearch' -benchmem -count=3 ./store/
//
// and a file of N signups for measuring `wizard list` (peak RSS) by hand:
//
//	STORE_BUILD_FILE=/tmp/100k.db STORE_BUILD_N=100000 go test -run '^TestBuildFile$' ./store/
//	/usr/bin/time -v wizard list --data /tmp/100k.db

// sampleUsers are the staff of a built file, by turns: the i-th signup was
// last updated by sampleUsers[i%3], so alice has the newest of a file of
// 1,000 or 100,000.
var sampleUsers = []string{"alice", "aigerim", "daniyar"}

// sampleSession is the i-th signup of a built file: a realistic size, with
// company, e-mail and number filled in, as a signup half-way through.
func sampleSession(i int) Session {
	id := NewID()
	by := sampleUsers[i%len(sampleUsers)]
	sess := Session{ID: id, Status: StatusActive, Step: "phone", CreatedAt: at(i), UpdatedAt: at(i),
		CreatedBy: by, UpdatedBy: by, Path: PathNew}
	if i%4 == 0 {
		sess.Status = StatusDone
	}
	sess.Terms.AcceptedAt = at(i)
	sess.Account = Account{Email: fmt.Sprintf("ops%d@company%d.kz", i, i), ID: "acc-" + strconv.Itoa(i), CreatedAt: at(i)}
	sess.Company = Company{OrgType: "company", FullName: "Someone Somebody", CompanyName: fmt.Sprintf("Some Company %d LLP", i),
		Country: "KZ", NotRobot: true, SavedAt: at(i)}
	sess.Number = Number{ConfirmedAt: at(i)}
	sess.Signup = Signup{SessionID: "su-" + strconv.Itoa(i), Event: "FINISH", WABAID: "1234567890" + strconv.Itoa(i),
		BusinessID: "987654321" + strconv.Itoa(i), StartedAt: at(i), FinishedAt: at(i)}
	sess.Phone = Phone{Country: "KZ", E164: fmt.Sprintf("+7701%07d", i), CC: "7", Number: fmt.Sprintf("701%07d", i)}
	return sess
}

// buildFile writes n signups (two events each) into a new store file at path.
func buildFile(path string, n int) error {
	s, err := Open(path, Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	for done := 0; done < n; {
		batch := min(n-done, 5000)
		err := s.update(ctx, func(tx *bolt.Tx) error {
			for i := done; i < done+batch; i++ {
				sess := sampleSession(i)
				if _, err := saveTx(tx, &sess, Event{Kind: "created", By: sess.UpdatedBy}, t0); err != nil {
					return err
				}
				if _, err := saveTx(tx, &sess, Event{Kind: "step.done", By: sess.UpdatedBy, Detail: "the company's details"}, t0); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		done += batch
	}
	return nil
}

// TestBuildFile writes a file of STORE_BUILD_N signups (default 100,000) at
// STORE_BUILD_FILE, for measuring the commands on it; it skips without one.
func TestBuildFile(t *testing.T) {
	path := os.Getenv("STORE_BUILD_FILE")
	if path == "" {
		t.Skip("set STORE_BUILD_FILE (and STORE_BUILD_N) to build a data file")
	}
	n := 100_000
	if v := os.Getenv("STORE_BUILD_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatalf("%s exists: give a new path", path)
	}
	if err := buildFile(path, n); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	t.Logf("%s: %d signups, %d bytes", path, n, fi.Size())
}

// built files, one per size, shared by the benchmarks of one run.
var built struct {
	sync.Mutex
	dir   string
	files map[int]string
}

func builtFile(b *testing.B, n int) string {
	b.Helper()
	built.Lock()
	defer built.Unlock()
	if p, ok := built.files[n]; ok {
		return p
	}
	if built.dir == "" {
		dir, err := os.MkdirTemp("", "storebench")
		if err != nil {
			b.Fatal(err)
		}
		built.dir, built.files = dir, map[int]string{}
	}
	p := filepath.Join(built.dir, fmt.Sprintf("%d.db", n))
	if err := buildFile(p, n); err != nil {
		b.Fatal(err)
	}
	built.files[n] = p
	return p
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// BenchmarkOpenFirstRead is what `wizard` does before its first frame: open
// the file (read-write: it checks the header and the bucket roots, and
// migrates if needed) and ask for the signup to offer for resuming.
func BenchmarkOpenFirstRead(b *testing.B) {
	for _, n := range []int{0, 100_000} {
		b.Run(fmt.Sprintf("signups=%d", n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "empty.db")
			if n > 0 {
				path = builtFile(b, n)
			}
			for b.Loop() {
				s, err := Open(path, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if _, ok, err := s.Latest(ctx, Query{Statuses: Resumable, By: "alice"}); err != nil || ok != (n > 0) {
					b.Fatal(ok, err)
				}
				s.Close()
			}
		})
	}
}

// BenchmarkResumeOffer is what `wizard` asks before its first frame
// (cmd/wizard offerToResume): open the file as a writer, then the 20 newest
// resumable signups last updated by the one at the keyboard — on an empty
// file and on one of 100,000, for someone with no signups in it ("nobody")
// and for someone who has the newest (alice, a third of the file). With
// by_updater the cost is that user's signups, not the file's: compare each
// case's ns/op with signups=0.
func BenchmarkResumeOffer(b *testing.B) {
	for _, n := range []int{0, 100_000} {
		for _, by := range []string{"nobody", "alice"} {
			b.Run(fmt.Sprintf("signups=%d/by=%s", n, by), func(b *testing.B) {
				path := filepath.Join(b.TempDir(), "empty.db")
				if n > 0 {
					path = builtFile(b, n)
				}
				want := 0
				if n > 0 && by == "alice" {
					want = 20
				}
				for b.Loop() {
					s, err := Open(path, Options{})
					if err != nil {
						b.Fatal(err)
					}
					page, err := s.List(ctx, Query{Statuses: Resumable, By: by, Limit: 20})
					if err != nil || len(page.Sessions) != want {
						b.Fatal(len(page.Sessions), err)
					}
					s.Close()
				}
			})
		}
	}
}

// BenchmarkList20 is `wizard list`'s default view on a file of 1,000 and of
// 100,000 signups: open read-only, then the 20 newest.
func BenchmarkList20(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("signups=%d", n), func(b *testing.B) {
			path := builtFile(b, n)
			for b.Loop() {
				s, err := OpenReadOnly(path, 0)
				if err != nil {
					b.Fatal(err)
				}
				page, err := s.List(ctx, Query{Limit: 20})
				if err != nil || len(page.Sessions) != 20 || page.Next == "" {
					b.Fatal(len(page.Sessions), err)
				}
				s.Close()
			}
		})
	}
}

// BenchmarkSaveVsBare compares a Save (a transaction of its own: open, the
// hold and revision checks, session, event, index, last-write and change
// records, commit, close) with bare bbolt writes:
//
//   - bare-same: the same bytes in the same buckets — the session's JSON,
//     its two index keys (the old ones deleted), the event's JSON in the
//     signup's history, the last-write and change records — in one
//     transaction on a file kept open, without the store's checks: what the
//     store adds to bbolt's own cost of writing what a save writes;
//   - bare-same-reopen: the same, opening the file for the write as Save does;
//   - bare-two-puts: only the session's and the event's JSON, in two flat
//     buckets, on a file kept open (the least a save could write).
func BenchmarkSaveVsBare(b *testing.B) {
	sess := sampleSession(1)
	ev := Event{Kind: "step.done", By: "alice", Detail: "the company's details", Step: sess.Step}
	b.Run("save", func(b *testing.B) {
		s := openTemp(b)
		sess := sess
		for b.Loop() {
			if err := s.Save(ctx, &sess, ev, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	// What the i-th save writes (of a ring of them), made before the timer runs.
	type record struct{ data, evData, lastWrite, change, oldKey, newKey, oldByKey, newByKey []byte }
	records := func(n int) []record {
		out := make([]record, n)
		for i := range out {
			s := sess
			s.Rev, s.Schema, s.UpdatedAt = uint64(i+1), SessionSchema, at(i)
			e := ev
			e.Seq, e.At = uint64(i+1), s.UpdatedAt
			r := &out[i]
			r.data, _ = json.Marshal(s)
			r.evData, _ = json.Marshal(e)
			r.lastWrite, _ = json.Marshal(LastWrite{Txid: uint64(i + 2), ID: s.ID, Step: s.Step, Kind: e.Kind, Seq: e.Seq, At: e.At})
			r.change, _ = json.Marshal(change{N: uint64(i + 1), ID: s.ID, Rev: s.Rev})
			r.oldKey, r.newKey = indexKey(at(i-1), s.ID), indexKey(s.UpdatedAt, s.ID)
			r.oldByKey, r.newByKey = updaterKey(s.UpdatedBy, at(i-1), s.ID), updaterKey(s.UpdatedBy, s.UpdatedAt, s.ID)
		}
		return out
	}
	same := func(tx *bolt.Tx, i int, r record) error {
		if err := tx.Bucket(bucketSessions).Put([]byte(sess.ID), r.data); err != nil {
			return err
		}
		index := tx.Bucket(bucketByUpdated)
		if err := index.Delete(r.oldKey); err != nil {
			return err
		}
		if err := index.Put(r.newKey, nil); err != nil {
			return err
		}
		byUpdater := tx.Bucket(bucketByUpdater)
		if err := byUpdater.Delete(r.oldByKey); err != nil {
			return err
		}
		if err := byUpdater.Put(r.newByKey, nil); err != nil {
			return err
		}
		h, err := tx.Bucket(bucketEvents).CreateBucketIfNotExists([]byte(sess.ID))
		if err != nil {
			return err
		}
		if err := h.SetSequence(uint64(i + 1)); err != nil {
			return err
		}
		if err := h.Put(seqKey(uint64(i+1)), r.evData); err != nil {
			return err
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Put(keyLastWrite, r.lastWrite); err != nil {
			return err
		}
		return meta.Put(keyChange, r.change)
	}
	newFile := func(b *testing.B) string {
		path := filepath.Join(b.TempDir(), "bare.db")
		s, err := Open(path, Options{}) // the same buckets
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
		return path
	}
	b.Run("bare-same", func(b *testing.B) {
		rs := records(1000)
		db, err := bolt.Open(newFile(b), 0o600, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		for i := 0; b.Loop(); i++ {
			if err := db.Update(func(tx *bolt.Tx) error { return same(tx, i, rs[i%len(rs)]) }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare-same-reopen", func(b *testing.B) {
		rs := records(1000)
		path := newFile(b)
		for i := 0; b.Loop(); i++ {
			db, err := bolt.Open(path, 0o600, nil)
			if err != nil {
				b.Fatal(err)
			}
			if err := db.Update(func(tx *bolt.Tx) error { return same(tx, i, rs[i%len(rs)]) }); err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
	})
	b.Run("bare-two-puts", func(b *testing.B) {
		data, _ := json.Marshal(sess)
		evData, _ := json.Marshal(ev)
		db, err := bolt.Open(filepath.Join(b.TempDir(), "bare.db"), 0o600, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		for i := 0; b.Loop(); i++ {
			err := db.Update(func(tx *bolt.Tx) error {
				sb, err := tx.CreateBucketIfNotExists([]byte("s"))
				if err != nil {
					return err
				}
				eb, err := tx.CreateBucketIfNotExists([]byte("e"))
				if err != nil {
					return err
				}
				if err := sb.Put([]byte(sess.ID), data); err != nil {
					return err
				}
				return eb.Put(seqKey(uint64(i)), evData)
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkListSearch10k is `wizard list --search` over 10,000 signups where one
// matches: the worst case, every record looked at; the raw-byte filter spares
// decoding the 9,999 that cannot match.
func BenchmarkListSearch10k(b *testing.B) {
	s := openTemp(b)
	err := s.update(ctx, func(tx *bolt.Tx) error {
		for i := range 10_000 {
			sess := Session{ID: NewID(), Status: StatusActive, Step: "company", UpdatedAt: at(i)}
			sess.Company = Company{FullName: "Someone", CompanyName: "Some Company", Country: "KZ"}
			if i == 1234 {
				sess.Company.CompanyName = "Acme Pharma"
			}
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
		page, err := s.List(ctx, Query{Limit: 50, Search: "acme"})
		if err != nil || len(page.Sessions) != 1 {
			b.Fatal(len(page.Sessions), err)
		}
	}
}
