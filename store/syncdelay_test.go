package store

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSyncDelay(t *testing.T) {
	const delay = 150 * time.Millisecond
	s, err := Open(filepath.Join(t.TempDir(), "wizard.db"), Options{SyncDelay: delay})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sess := Session{ID: "K7MQ-4XPD", Status: StatusActive}
	start := time.Now()
	mustSave(t, s, &sess, Event{Kind: "created", At: at(0)})
	if took := time.Since(start); took < delay {
		t.Fatalf("Save took %v, want at least %v", took, delay)
	}
	start = time.Now()
	if _, err := s.Import(ctx, Session{ID: "AAAA-AAAA", UpdatedAt: at(1)}, nil, false); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < delay {
		t.Fatalf("Import took %v, want at least %v", took, delay)
	}
}

// slowSaveEnv names the file the helper process saves to.
const slowSaveEnv = "STORE_TEST_SLOW_SAVE"

// TestSlowSaveHelper is the process TestKillDuringSlowSave kills: it starts
// a save that waits ten minutes before it commits.
func TestSlowSaveHelper(t *testing.T) {
	path := os.Getenv(slowSaveEnv)
	if path == "" {
		t.Skip("run by TestKillDuringSlowSave")
	}
	s, err := Open(path, Options{SyncDelay: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := s.Load(ctx, "K7MQ-4XPD")
	if err != nil {
		t.Fatal(err)
	}
	sess.Step, sess.UpdatedAt = "company", at(2)
	os.Stdout.WriteString("saving\n")
	_ = s.Save(ctx, &sess, Event{Kind: "step.done", At: at(2)}, nil)
	t.Fatal("the slow save returned")
}

// A process killed during a slow save loses that save and nothing else. The
// kill may land just before the save's transaction starts or during its wait;
// either way nothing of it can have been committed (it would commit only after
// ten minutes), so the outcome checked is the same.
func TestKillDuringSlowSave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wizard.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sess := Session{ID: "K7MQ-4XPD", Status: StatusActive, Step: "account", UpdatedAt: at(1)}
	mustSave(t, s, &sess, Event{Kind: "step.done", At: at(1)})
	s.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestSlowSaveHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), slowSaveEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "saving" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper said %q, %v", line, err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if d := s.MetaDamage(); d != nil {
		t.Fatalf("damage after the kill: %v", d)
	}
	mustCheck(t, s)
	got, err := s.Load(ctx, "K7MQ-4XPD")
	if err != nil || got.Step != "account" || got.Rev != 1 {
		t.Fatalf("after the kill: %+v %v", got, err)
	}
	got.Step, got.UpdatedAt = "company", at(3)
	mustSave(t, s, &got, Event{Kind: "step.done again"})
	if evs, _ := s.Events(ctx, got.ID); len(evs) != 2 || evs[1].Seq != 2 {
		t.Fatalf("events %+v", evs)
	}
}
