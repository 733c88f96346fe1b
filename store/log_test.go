package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLogLine(t *testing.T) {
	ev := Event{Seq: 4, At: t0, By: "alice", Step: "verify-code", Kind: "error",
		Detail: "code requested by SMS", Error: "graph: code 133004\nsecond line"}
	want := `2025-03-14T09:26:53Z K7MQ-4XPD #4 verify-code error by=alice detail="code requested by SMS" error="graph: code 133004\nsecond line"`
	if got := LogLine("K7MQ-4XPD", ev); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if got := LogLine("K7MQ-4XPD", Event{At: t0, Kind: "created"}); got != "2025-03-14T09:26:53Z K7MQ-4XPD #0 - created" {
		t.Fatalf("got %s", got)
	}
}

func TestOpenLog(t *testing.T) {
	s := openTemp(t)
	path := filepath.Join(t.TempDir(), "wizard.db.log")
	if err := s.OpenLog(path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("the log exists before anything was saved")
	}
	sess := Session{ID: "K7MQ-4XPD", Step: "account", Status: StatusActive}
	mustSave(t, s, &sess, Event{Kind: "created", By: "alice", At: at(0)})
	mustSave(t, s, &sess, Event{Kind: "error", At: at(1), Detail: "x", Error: "boom"})
	if _, err := s.Import(ctx, Session{ID: "AAAA-AAAA", UpdatedAt: at(2)},
		[]Event{{Seq: 1, Kind: "old"}, {Kind: "imported", At: at(2)}}, false); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	want := []string{
		"2025-03-14T09:26:53Z K7MQ-4XPD #1 account created by=alice",
		"2025-03-14T09:27:53Z K7MQ-4XPD #2 account error detail=x error=boom",
		"2025-03-14T09:28:53Z AAAA-AAAA #2 - imported", // the old event is not logged again
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("log:\n%s\nwant:\n%s", data, strings.Join(want, "\n"))
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("log mode %v %v", fi.Mode(), err)
	}
}

func TestSetLogFailedSaveWritesNothing(t *testing.T) {
	s := openTemp(t)
	var b strings.Builder
	s.SetLog(&b)
	if err := s.Save(ctx, &Session{}, Event{Kind: "x"}, nil); err == nil {
		t.Fatal("save without id succeeded")
	}
	if b.Len() != 0 {
		t.Fatalf("log after a failed save: %q", b.String())
	}
}

func TestOpenLogAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wizard.db.log")
	if err := os.WriteFile(path, []byte("earlier line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := openTemp(t)
	if err := s.OpenLog(path); err != nil {
		t.Fatal(err)
	}
	sess := Session{ID: "K7MQ-4XPD"}
	mustSave(t, s, &sess, Event{Kind: "created", At: at(0)})
	s.Close()
	if data, _ := os.ReadFile(path); string(data) != "earlier line\n2025-03-14T09:26:53Z K7MQ-4XPD #1 - created\n" {
		t.Fatalf("log %q", data)
	}
	if err := s.OpenLog(filepath.Join(t.TempDir(), "no", "such", "dir", "x.log")); err != nil {
		t.Fatalf("a log in a missing directory fails only at the first write: %v", err)
	}
}
