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
