package store

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fuzzStore is the store FuzzImport imports into, one per process (the fuzz
// function runs one input at a time in each), started afresh when it has
// gathered many sessions so each input stays cheap.
var fuzzStore struct {
	s   *Store
	dir string
}

func fuzzTarget(t *testing.T) *Store {
	t.Helper()
	if fuzzStore.s != nil {
		if page, err := fuzzStore.s.List(ctx, Query{Limit: 65}); err == nil && len(page.Sessions) <= 64 {
			return fuzzStore.s
		}
		fuzzStore.s.Close()
		os.RemoveAll(fuzzStore.dir)
		fuzzStore.s = nil
	}
	dir, err := os.MkdirTemp("", "fuzzimport")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(filepath.Join(dir, "wizard.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.noSync = true // durability is not what this tests; fsyncs would be most of its time
	fuzzStore.s, fuzzStore.dir = s, dir
	return s
}

func fuzzSeed(f *testing.F, b any, replace bool) {
	data, err := json.Marshal(b)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data, replace)
}

// FuzzImport feeds Import random bundles. Whatever it accepts or refuses,
// afterwards list (List), show (Load, Events), export (Export) and resume
// (Latest, Load, then a Save) still work, every stored session passes
// ValidateSession, and the file checks clean.
func FuzzImport(f *testing.F) {
	now := time.Now().UTC().Truncate(time.Second)
	good := Bundle{Format: BundleFormat, Version: BundleVersion, ExportedAt: now, ExportedBy: "alice",
		Session: goodSession(), Events: goodEvents()}
	fuzzSeed(f, good, false)
	fuzzSeed(f, good, true)
	for _, mod := range []func(b *Bundle){
		func(b *Bundle) { b.Session.ID = "../../etc/passwd" },
		func(b *Bundle) { b.Session.ID = "\x1b[31mID" },
		func(b *Bundle) { b.Session.ID = strings.Repeat("A", 5000) },
		func(b *Bundle) { b.Session.ID = "k7mq 4xpd" },
		func(b *Bundle) { b.Events[1].Seq = 18446744073709551615 },
		func(b *Bundle) { b.Events[1].Seq = MaxSeq },
		func(b *Bundle) { b.Events[1].Seq = 1 },
		func(b *Bundle) { b.Events[2].Seq = 1 },
		func(b *Bundle) { b.Session.Rev = 18446744073709551615 },
		func(b *Bundle) { b.Session.Company.CompanyName = strings.Repeat("Я", 201) },
		func(b *Bundle) { b.Session.Alpha.Name = "\x1b[2J" },
		func(b *Bundle) { b.Session.Status = "paused" },
		func(b *Bundle) { b.Session.Step = "profile" },
		func(b *Bundle) { b.Events[0].Step = "../x" },
		func(b *Bundle) { b.Session.UpdatedAt = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC) },
		func(b *Bundle) { b.Events[0].At = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC) },
		func(b *Bundle) { b.Events = nil },
	} {
		b := good
		b.Events = append([]Event(nil), good.Events...)
		mod(&b)
		fuzzSeed(f, b, false)
	}
	f.Add([]byte(`{"format":"wizard-signup","version":1,"session":{"id":"K7MQ-4XPD","company":{"full_name":"A\xffB"}},"events":[]}`), false)
	f.Add([]byte(`{"format":"wizard-signup","version":1,"session":{"id":"K7MQ-4XPD"},"events":[{"seq":18446744073709551615},{}]}`), true)
	f.Add([]byte(`{"format":"wizard-signup","version":1,"session":{"id":"K7MQ-4XPD"},"events":[{"seq":-1}]}`), false)
	f.Add([]byte("not json"), false)

	f.Cleanup(func() {
		if fuzzStore.s != nil {
			fuzzStore.s.Close()
			os.RemoveAll(fuzzStore.dir)
			fuzzStore.s = nil
		}
	})
	f.Fuzz(func(t *testing.T, data []byte, replace bool) {
		s := fuzzTarget(t)
		b, err := DecodeBundle(data)
		if err == nil {
			importChecked(t, s, b, replace)
		}
		storeWorks(t, s)
	})
}

// importChecked imports b and checks what went in.
func importChecked(t *testing.T, s *Store, b Bundle, replace bool) {
	t.Helper()
	stored, err := s.Import(ctx, b.Session, b.Events, replace)
	if err != nil {
		return // refused: storeWorks checks the file is none the worse
	}
	got, err := s.Load(ctx, stored.ID)
	if err != nil || !reflect.DeepEqual(got, stored) {
		t.Fatalf("imported %+v\nloaded %+v %v", stored, got, err)
	}
	evs, err := s.Events(ctx, stored.ID)
	if err != nil || len(evs) != len(b.Events) {
		t.Fatalf("%d events imported, %d stored: %v", len(b.Events), len(evs), err)
	}
	// Resume: a save after the import appends after the imported history.
	got.UpdatedAt = time.Now()
	if err := s.Save(ctx, &got, Event{Kind: "resumed"}, nil); err != nil {
		if !strings.Contains(err.Error(), "history is full") {
			t.Fatalf("save after import: %v", err)
		}
		return
	}
	after, err := s.Events(ctx, stored.ID)
	if err != nil || len(after) != len(evs)+1 || !reflect.DeepEqual(after[:len(evs)], evs) {
		t.Fatalf("history after a save:\n%+v\nbefore:\n%+v\n%v", after, evs, err)
	}
	if len(evs) > 0 && after[len(evs)].Seq <= evs[len(evs)-1].Seq {
		t.Fatalf("the save numbered its event %d after %d", after[len(evs)].Seq, evs[len(evs)-1].Seq)
	}
}

// storeWorks checks that list, show, export and resume work on s and that
// everything stored passes the import rules.
func storeWorks(t *testing.T, s *Store) {
	t.Helper()
	now := time.Now()
	page, err := s.List(ctx, Query{})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	list := page.Sessions
	for _, sess := range list {
		if _, err := s.Load(ctx, sess.ID); err != nil {
			t.Fatalf("show %s: %v", sess.ID, err)
		}
		evs, err := s.Events(ctx, sess.ID)
		if err != nil {
			t.Fatalf("show %s events: %v", sess.ID, err)
		}
		if err := ValidateSession(sess, evs, now); err != nil {
			t.Fatalf("stored session %s does not validate: %v", sess.ID, err)
		}
		b, err := s.Export(ctx, sess.ID, now, "fuzz")
		if err != nil {
			t.Fatalf("export %s: %v", sess.ID, err)
		}
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeBundle(data)
		if err != nil {
			t.Fatalf("exported %s does not decode: %v", sess.ID, err)
		}
		if err := ValidateBundle(back, now); err != nil {
			t.Fatalf("exported %s does not validate: %v", sess.ID, err)
		}
	}
	for _, q := range []Query{{}, {Statuses: Resumable}} {
		if latest, ok, err := s.Latest(ctx, q); err != nil {
			t.Fatalf("latest: %v", err)
		} else if ok {
			if _, err := s.Load(ctx, latest.ID); err != nil {
				t.Fatalf("resume %s: %v", latest.ID, err)
			}
		}
	}
	if err := checkErr(t, s); err != nil {
		t.Fatalf("check: %v", err)
	}
}
