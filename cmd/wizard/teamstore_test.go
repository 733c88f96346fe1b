package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"wizard/internal/pgtest"
	"wizard/store"
	"wizard/store/postgres"
)

// engineCase is one of the two stores the commands work on, with the flags
// that name it and a way to reach it directly.
type engineCase struct {
	name  string
	flags []string // --data FILE or --store URL
	open  func(t *testing.T) store.Engine
}

// seededEngines are the data file and a team store (PostgreSQL), each seeded
// with fixture().
func seededEngines(t *testing.T) []engineCase {
	t.Helper()
	path := seeded(t)
	file := engineCase{name: "file", flags: []string{"--data", path}, open: func(t *testing.T) store.Engine {
		st, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}}
	url := pgtest.NewDB(t)
	team := engineCase{name: "postgres", flags: []string{"--store", url}, open: func(t *testing.T) store.Engine {
		e, err := postgres.Open(context.Background(), url, postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.Close() })
		return e
	}}
	seedEngine(t, team.open(t), fixture()...)
	return []engineCase{file, team}
}

// seedEngine saves sessions into st as seed does into a file.
func seedEngine(t *testing.T, st store.Engine, sessions ...store.Session) {
	t.Helper()
	for _, s := range sessions {
		if err := st.Save(context.Background(), &s, store.Event{Kind: "created", By: s.UpdatedBy, At: s.CreatedAt}, nil); err != nil {
			t.Fatal(err)
		}
	}
}

func TestListAndShowSayWhoHolds(t *testing.T) {
	for _, ec := range seededEngines(t) {
		t.Run(ec.name, func(t *testing.T) {
			st := ec.open(t)
			h, err := st.Acquire(context.Background(), "K7MQ-4XPD", store.Holder{Who: "aigerim", Machine: "OFFICE-PC-3", PID: 4242}, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Release(context.Background(), h)
			since := h.Since.Local().Format("15:04")

			r := wiz(t, append([]string{"list"}, ec.flags...)...)
			mustOK(t, r)
			var row string
			for _, l := range strings.Split(r.stdout, "\n") {
				if strings.HasPrefix(l, "K7MQ-4XPD") {
					row = l
				}
				if strings.HasPrefix(l, "WXYZ-2345") && !strings.HasSuffix(strings.TrimSpace(l), "-") {
					t.Errorf("a signup nobody holds shows a holder: %q", l)
				}
			}
			if !strings.Contains(row, "aigerim on OFFICE-PC-3 since "+since) {
				t.Errorf("list row %q does not say who holds it\n%s", row, r.stdout)
			}

			r = wiz(t, append([]string{"list", "--json"}, ec.flags...)...)
			mustOK(t, r)
			var entries []listEntry
			if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if held := e.HeldBy != nil; held != (e.ID == "K7MQ-4XPD") {
					t.Errorf("%s: held_by %+v", e.ID, e.HeldBy)
				}
				if e.HeldBy != nil && (e.HeldBy.Who != "aigerim" || e.HeldBy.Machine != "OFFICE-PC-3" || e.HeldBy.PID != 4242) {
					t.Errorf("held_by %+v", e.HeldBy)
				}
			}

			r = wiz(t, append([]string{"show", "K7MQ-4XPD"}, ec.flags...)...)
			mustOK(t, r)
			if !strings.Contains(r.stdout, "by aigerim on OFFICE-PC-3 since "+since) {
				t.Errorf("show does not say who holds it:\n%s", r.stdout)
			}
			// Reading a held signup is allowed; changing it is not.
			mustOK(t, wiz(t, append([]string{"export", "K7MQ-4XPD", "-o", "-"}, ec.flags...)...))
			mustFail(t, wiz(t, append([]string{"abandon", "K7MQ-4XPD"}, ec.flags...)...), 1, "aigerim on OFFICE-PC-3")
		})
	}
}

// syncBuffer is an output buffer written by one goroutine and read by another.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until cond holds, failing after a generous deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestListWatch(t *testing.T) {
	for _, ec := range seededEngines(t) {
		t.Run(ec.name, func(t *testing.T) {
			st := ec.open(t)
			var out syncBuffer
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			opts := &listOptions{IO: ioStreams{Out: &out, ErrOut: &out}, Words: en, Watch: true, Context: ctx, Now: fixedNow,
				OpenStore: func() (dataStore, error) { return st.(dataStore), nil }}
			go func() { done <- runList(opts) }()
			waitFor(t, "the first list", func() bool { return strings.Contains(out.String(), "Acme Trading LLP") })

			// Another wizard saves a new signup: the list is printed again with it.
			s := store.Session{ID: "NEWW-2345", Status: store.StatusActive, Step: "account", Company: store.Company{CompanyName: "Caspian Tea"},
				UpdatedAt: tNow, UpdatedBy: "erlan"}
			if err := st.Save(context.Background(), &s, store.Event{Kind: "created"}, nil); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the list with the new signup", func() bool { return strings.Contains(out.String(), "Caspian Tea") })

			// Taking a hold is a change too.
			h, err := st.Acquire(context.Background(), "NEWW-2345", store.Holder{Who: "erlan", Machine: "PC-7"}, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Release(context.Background(), h)
			waitFor(t, "the list with the hold", func() bool { return strings.Contains(out.String(), "erlan on PC-7") })

			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("list --watch ended with %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("list --watch did not end when its context did")
			}
		})
	}
}

func TestCopyFileToTeamStore(t *testing.T) {
	path := seeded(t)
	url := pgtest.NewDB(t)
	r := wiz(t, "copy", "--from", path, "--to", url)
	mustOK(t, r)
	if !strings.Contains(r.stdout, "4 added, 0 updated, 0 already there, 0 left alone") {
		t.Fatalf("first copy: %s", r.stdout)
	}
	// The team store now lists them, with their histories.
	r = wiz(t, "list", "--store", url)
	mustOK(t, r)
	for _, id := range []string{"K7MQ-4XPD", "ABCD-EFGH", "WXYZ-2345", "DDDD-3456"} {
		if !strings.Contains(r.stdout, id) {
			t.Errorf("%s not in the team store's list:\n%s", id, r.stdout)
		}
	}
	_, fileEvents := load(t, path, "WXYZ-2345")
	team, err := postgres.Open(context.Background(), url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer team.Close()
	teamEvents, err := team.Events(context.Background(), "WXYZ-2345")
	if err != nil || len(teamEvents) != len(fileEvents)+1 || teamEvents[len(teamEvents)-1].Kind != "imported" {
		t.Fatalf("team history %+v (%v), file history %d events", teamEvents, err, len(fileEvents))
	}

	// Again: nothing to do.
	r = wiz(t, "copy", "--from", path, "--to", url)
	mustOK(t, r)
	if !strings.Contains(r.stdout, "0 added, 0 updated, 4 already there, 0 left alone") {
		t.Fatalf("second copy: %s", r.stdout)
	}

	// The office changes one in the file: the copy updates it.
	changeInFile := func(id, company string, at time.Time) {
		st, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		s, err := st.Load(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		s.Company.CompanyName, s.UpdatedAt = company, at
		if err := st.Save(context.Background(), &s, store.Event{Kind: "step.done"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	changeInFile("K7MQ-4XPD", "Acme Trading KZ", tNow.Add(-time.Minute))
	r = wiz(t, "copy", "--from", path, "--to", url)
	mustOK(t, r)
	if !strings.Contains(r.stdout, "0 added, 1 updated, 3 already there, 0 left alone") {
		t.Fatalf("copy after a change: %s", r.stdout)
	}
	if s, _ := team.Load(context.Background(), "K7MQ-4XPD"); s.Company.CompanyName != "Acme Trading KZ" {
		t.Fatalf("team copy not updated: %q", s.Company.CompanyName)
	}

	// Someone works on it in the team store, and the office changes it again:
	// the newer team copy is not overwritten, nor is a held one.
	s, _ := team.Load(context.Background(), "K7MQ-4XPD")
	s.Step, s.UpdatedAt = "verify-code", tNow
	if err := team.Save(context.Background(), &s, store.Event{Kind: "step.done"}, nil); err != nil {
		t.Fatal(err)
	}
	changeInFile("K7MQ-4XPD", "Acme Old Name", tNow.Add(-30*time.Second))
	h, err := team.Acquire(context.Background(), "WXYZ-2345", store.Holder{Who: "dana", Machine: "HQ-2"}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer team.Release(context.Background(), h)
	changeInFile("WXYZ-2345", "Steppe Foods Group", tNow.Add(-20*time.Second))
	r = wiz(t, "copy", "--from", path, "--to", url)
	mustFail(t, r, 1)
	for _, want := range []string{"Signup K7MQ-4XPD was left alone: the copy there is newer", "Signup WXYZ-2345 was left alone: it is in use there by dana on HQ-2",
		"0 added, 0 updated, 2 already there, 2 left alone"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("copy output lacks %q:\n%s", want, r.stdout)
		}
	}
	if s, _ := team.Load(context.Background(), "K7MQ-4XPD"); s.Company.CompanyName != "Acme Trading KZ" || s.Step != "verify-code" {
		t.Fatalf("the newer team copy was overwritten: %+v", s)
	}
}

func TestStoreFlagErrors(t *testing.T) {
	hermetic(t)
	mustFail(t, wiz(t, "list", "--store", "/tmp/some.db"), 2, "--store (or WIZARD_STORE) takes the address of a team store")
	mustFail(t, wiz(t, "list", "--store", "postgres://x@127.0.0.1/db", "--data", "/tmp/x.db"), 2, "either --store")
	// Port 1 on loopback refuses at once: the message says what to check.
	r := wiz(t, "list", "--store", "postgres://wizard:secret-pw@127.0.0.1:1/wizard")
	mustFail(t, r, 1, "Cannot reach the team store", "Check the address")
	if strings.Contains(r.err.Error(), "secret-pw") {
		t.Errorf("the error shows the password: %v", r.err)
	}
	t.Setenv("WIZARD_STORE", "postgres://wizard@127.0.0.1:1/wizard")
	mustFail(t, wiz(t, "show", "K7MQ-4XPD"), 1, "Cannot reach the team store")
}

func TestDoctorOnTeamStore(t *testing.T) {
	ecs := seededEngines(t)
	team := ecs[1]
	st := team.open(t)
	h, err := st.Acquire(context.Background(), "K7MQ-4XPD", store.Holder{Who: "aigerim", Machine: "OFFICE-PC-3"}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Release(context.Background(), h)
	t.Setenv("WIZARD_BROWSER", "none")
	r := wiz(t, append([]string{"doctor"}, team.flags...)...)
	for _, want := range []string{"The team store answers: postgres://", "4 signups", "Signup K7MQ-4XPD is in use by aigerim on OFFICE-PC-3"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "data file") && strings.Contains(r.stdout, "wizard.db") {
		t.Errorf("doctor on a team store checked a data file:\n%s", r.stdout)
	}
}

// A bundle moves between the engines: exported from an office's file,
// imported into the team store, and back.
func TestExportImportAcrossEngines(t *testing.T) {
	path := seeded(t)
	url := pgtest.NewDB(t)
	bundle := filepath.Join(t.TempDir(), "acme.json")
	mustOK(t, wiz(t, "export", "K7MQ-4XPD", "-o", bundle, "--data", path))
	mustOK(t, wiz(t, "import", bundle, "--store", url))
	r := wiz(t, "show", "K7MQ-4XPD", "--store", url)
	mustOK(t, r)
	if !strings.Contains(r.stdout, "Acme Trading LLP") || !strings.Contains(r.stdout, "imported") {
		t.Fatalf("show on the team store after import:\n%s", r.stdout)
	}
	// Imported again, it is refused: the team store has it (and, with
	// --replace, a newer revision of it: the import made one).
	mustFail(t, wiz(t, "import", bundle, "--store", url), 1, "K7MQ-4XPD")
	mustFail(t, wiz(t, "import", "--replace", bundle, "--store", url), 1, "has changed since the file was made")
	// And back to another office's file.
	back := filepath.Join(t.TempDir(), "back.json")
	mustOK(t, wiz(t, "export", "K7MQ-4XPD", "-o", back, "--store", url))
	other := filepath.Join(t.TempDir(), "other.db")
	mustOK(t, wiz(t, "import", back, "--data", other))
	if s, evs := load(t, other, "K7MQ-4XPD"); s.Company.CompanyName != "Acme Trading LLP" || len(evs) < 3 {
		t.Fatalf("round trip: %+v, %d events", s.Company, len(evs))
	}
}
