package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// realFile writes a store file with a few sessions and returns its bytes.
func realFile(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "real.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		put(t, s, NewID(), StatusActive, at(i))
	}
	s.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A file cut short of two pages: bbolt says only "file size too small"; the
// store says the file is damaged, so --repair moves it aside.
func TestCutFile(t *testing.T) {
	full := realFile(t)
	ps := os.Getpagesize()
	for _, size := range []int{1, 1023, ps - 1, ps, ps + 1, 2*ps - 1} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "wizard.db")
			if err := os.WriteFile(path, full[:size], 0o600); err != nil {
				t.Fatal(err)
			}
			for _, ro := range []bool{false, true} {
				s, err := Open(path, Options{ReadOnly: ro})
				if err == nil {
					s.Close()
					t.Fatalf("ReadOnly=%v: Open succeeded", ro)
				}
				ce, ok := errors.AsType[*CorruptError](err)
				if !ok || ce.Path != path || !strings.Contains(err.Error(), "--repair") {
					t.Fatalf("ReadOnly=%v: got %T %v, want *CorruptError", ro, err, err)
				}
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, full[:size]) {
				t.Fatal("Open changed the cut file")
			}
			// What --repair does: move it aside, start afresh.
			if _, err := MoveAside(path, t0); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path, Options{})
			if err != nil {
				t.Fatalf("fresh open after moving aside: %v", err)
			}
			s.Close()
		})
	}
}

// metaAt returns the offset of meta page i's fields and the page's txid.
func metaAt(b []byte, i int) (off int, txid uint64) {
	off = i*os.Getpagesize() + metaOffset
	return off, binary.NativeEndian.Uint64(b[off+offTxid:])
}

// newest returns which meta page holds the newest transaction.
func newest(b []byte) int {
	_, t0 := metaAt(b, 0)
	_, t1 := metaAt(b, 1)
	if t1 > t0 {
		return 1
	}
	return 0
}

// threeSaves writes a file where K7MQ-4XPD was saved at terms, account and
// company (the last save being the file's newest transaction), and returns
// its path and the newest txid.
func threeSaves(t *testing.T) (string, uint64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wizard.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sess := Session{ID: "K7MQ-4XPD", Status: StatusActive}
	for i, step := range []string{"terms", "account", "company"} {
		sess.Step, sess.UpdatedAt = step, at(i)
		mustSave(t, s, &sess, Event{Kind: "step.done"})
	}
	if d := s.MetaDamage(); d != nil {
		t.Fatalf("damage in a good file: %v", d)
	}
	s.Close()
	b, _ := os.ReadFile(path)
	_, txid := metaAt(b, newest(b))
	return path, txid
}

func damage(t *testing.T, path string, fn func(b []byte)) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fn(b)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestNewestMetaDamaged(t *testing.T) {
	path, top := threeSaves(t)
	damage(t, path, func(b []byte) {
		off, _ := metaAt(b, newest(b))
		b[off+offChecksum] ^= 0xff
	})
	for _, ro := range []bool{true, false} { // read-only first: the read-write open's first save heals it
		s, err := Open(path, Options{ReadOnly: ro})
		if err != nil {
			t.Fatalf("ReadOnly=%v: %v", ro, err)
		}
		// bbolt went back one transaction, without a word.
		if got, err := s.Load(ctx, "K7MQ-4XPD"); err != nil || got.Step != "account" {
			t.Fatalf("ReadOnly=%v: session after the fallback %+v %v", ro, got, err)
		}
		d := s.MetaDamage()
		if !d.MayHaveLost() || !d.Lost || d.Unsure || d.InUse != top-1 || !errors.Is(d.Err, berrors.ErrChecksum) {
			t.Fatalf("ReadOnly=%v: damage %+v", ro, d)
		}
		if d.Last == nil || d.Last.ID != "K7MQ-4XPD" || d.Last.Step != "account" || d.Last.Txid != top-1 {
			t.Fatalf("ReadOnly=%v: last write %+v", ro, d.Last)
		}
		msg := d.String()
		for _, want := range []string{"The last save (transaction " + strconv.FormatUint(top, 10) + ") was lost",
			"The signup K7MQ-4XPD may need its last step (account) done again", path} {
			if !strings.Contains(msg, want) {
				t.Errorf("ReadOnly=%v: %q\nwant it to contain %q", ro, msg, want)
			}
		}
		r, err := s.Check(ctx, vNow)
		if err != nil || r.Meta != d || r.OK() || len(r.Problems) != 0 {
			t.Fatalf("ReadOnly=%v: report %+v %v", ro, r, err)
		}
		if !ro {
			sess, _ := s.Load(ctx, "K7MQ-4XPD")
			sess.Step = "company"
			mustSave(t, s, &sess, Event{Kind: "step.done again"})
		}
		s.Close()
	}
	// The save after the fallback rewrote the damaged page.
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if d := s.MetaDamage(); d != nil {
		t.Fatalf("damage after a save: %v", d)
	}
	mustCheck(t, s)
	if evs, _ := s.Events(ctx, "K7MQ-4XPD"); len(evs) != 3 || evs[2].Kind != "step.done again" {
		t.Fatalf("events %+v", evs)
	}
}

func TestOlderMetaDamaged(t *testing.T) {
	path, top := threeSaves(t)
	damage(t, path, func(b []byte) {
		off, _ := metaAt(b, 1-newest(b))
		b[off] ^= 0xff // the magic
	})
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, _ := s.Load(ctx, "K7MQ-4XPD"); got.Step != "company" {
		t.Fatalf("session %+v", got)
	}
	d := s.MetaDamage()
	if d == nil || d.MayHaveLost() || d.InUse != top || !errors.Is(d.Err, berrors.ErrInvalid) {
		t.Fatalf("damage %+v", d)
	}
	if msg := d.String(); !strings.Contains(msg, "nothing was lost") {
		t.Fatalf("message %q", msg)
	}
}

func TestMetaTxidUnreadable(t *testing.T) {
	path, top := threeSaves(t)
	damage(t, path, func(b []byte) {
		off, _ := metaAt(b, newest(b))
		binary.NativeEndian.PutUint64(b[off+offTxid:], 0xdeadbeef)
	})
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d := s.MetaDamage()
	if !d.MayHaveLost() || d.Lost || !d.Unsure || d.InUse != top-1 {
		t.Fatalf("damage %+v", d)
	}
	if msg := d.String(); !strings.Contains(msg, "if there was one, was lost") || !strings.Contains(msg, "K7MQ-4XPD") {
		t.Fatalf("message %q", msg)
	}
}

// Damage further in than Open reads (issue 15: Open no longer walks the
// file) is reported by the first call that meets it, as a *CorruptError,
// never a crash, and by Check and a verifying Open (--repair); nothing is
// written over it.
func TestDamageFoundWhereMet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wizard.db")
	if err := buildFile(path, 2000); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	all := listAll(t, s, Query{})
	victim := all[len(all)/2] // a signup in the middle of the file
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	off := bytes.Index(b, []byte(`{"id":"`+victim.ID+`"`))
	ps := os.Getpagesize()
	pg := off / ps
	if off < 0 || binary.NativeEndian.Uint64(b[pg*ps:]) != uint64(pg) || binary.NativeEndian.Uint16(b[pg*ps+8:]) != pageLeaf {
		t.Fatalf("the session's record is not on a leaf page of its own (offset %d)", off)
	}
	damage(t, path, func(b []byte) {
		for i := pg * ps; i < (pg+1)*ps; i++ {
			b[i] = byte(i*131 + i/7)
		}
	})
	orig, _ := os.ReadFile(path)

	for _, ro := range []bool{false, true} {
		s, err := Open(path, Options{ReadOnly: ro})
		if err != nil {
			t.Fatalf("ReadOnly=%v: Open, which reads only the header and the roots: %v", ro, err)
		}
		isCorrupt := func(what string, err error) {
			t.Helper()
			if ce, ok := errors.AsType[*CorruptError](err); !ok || ce.Path != path || !strings.Contains(err.Error(), "--repair") {
				t.Errorf("ReadOnly=%v: %s: %T %v, want *CorruptError", ro, what, err, err)
			}
		}
		_, err = s.Load(ctx, victim.ID)
		isCorrupt("load", err)
		_, err = s.List(ctx, Query{})
		isCorrupt("list", err)
		_, err = s.Export(ctx, victim.ID, at(1), "x")
		isCorrupt("export", err)
		sess := victim
		sess.Step = "done"
		err = s.Save(ctx, &sess, Event{Kind: "x"}, nil)
		if ro {
			if !errors.Is(err, berrors.ErrDatabaseReadOnly) {
				t.Errorf("read-only save: %v", err)
			}
		} else {
			isCorrupt("save", err)
		}
		r, err := s.Check(ctx, vNow)
		if err != nil || len(r.Problems) == 0 {
			t.Errorf("ReadOnly=%v: Check: %v %v, want problems", ro, r.Problems, err)
		}
		s.Close()
	}
	if _, err := Open(path, Options{Verify: true}); !errors.As(err, new(*CorruptError)) {
		t.Fatalf("a verifying Open (--repair): %v", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, orig) {
		t.Fatal("the damaged file was written to")
	}
}

// legacyFile writes a store file as the wizard did before issue 15: with
// bbolt's NoFreelistSync, so the file holds no freelist and bbolt rebuilds
// it, by walking every page, at each writable open.
func legacyFile(t *testing.T, n int) (string, []Session) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wizard.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{NoFreelistSync: true})
	if err != nil {
		t.Fatal(err)
	}
	var saved []Session
	err = db.Update(func(tx *bolt.Tx) error {
		if err := migrate(tx, migrations); err != nil {
			return err
		}
		for i := range n {
			sess := sampleSession(i)
			if _, err := saveTx(tx, &sess, Event{Kind: "created"}, t0); err != nil {
				return err
			}
			saved = append(saved, sess)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if h, ok := readHeader(path); !ok || !h.noFreelist {
		t.Fatalf("the legacy file has a freelist: %+v", h)
	}
	return path, saved
}

// A file written without a freelist gets one at its first save here.
func TestLegacyFreelistFile(t *testing.T) {
	path, saved := legacyFile(t, 50)
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sess := saved[10]
	sess.Step = "profile"
	mustSave(t, s, &sess, Event{Kind: "step.done"})
	if h, ok := readHeader(path); !ok || h.noFreelist || h.bad != nil {
		t.Fatalf("after a save: %+v", h)
	}
	mustCheck(t, s)
}

// A damaged file written without a freelist: bbolt would rebuild the
// freelist by a walk in a goroutine of its own, where the damage would
// crash the process; the store walks it first and reports it.
func TestLegacyFreelistFileDamaged(t *testing.T) {
	path, saved := legacyFile(t, 2000)
	victim := saved[1000]
	damage(t, path, func(b []byte) {
		off := bytes.Index(b, []byte(`{"id":"`+victim.ID+`"`))
		ps := os.Getpagesize()
		for i := off / ps * ps; i < (off/ps+1)*ps; i++ {
			b[i] = byte(i*131 + i/7)
		}
	})
	orig, _ := os.ReadFile(path)
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open reads only the header and the roots: %v", err)
	}
	other := saved[3]
	other.Step = "profile"
	if err := s.Save(ctx, &other, Event{Kind: "step.done"}, nil); !errors.As(err, new(*CorruptError)) {
		t.Fatalf("a save on the damaged legacy file: %v, want *CorruptError", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, orig) {
		t.Fatal("the damaged file was written to")
	}
}
