package store_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"wizard/store"
)

// Several processes on one file (issue 15): a helper process (this test
// binary again) holds signup A and saves it in a loop, renewing its hold at
// TTL/3, while this process lists, loads, exports and saves signup B.

const (
	holderEnv    = "STORE_TEST_HOLDER"     // the data file the helper works on
	holderTTLEnv = "STORE_TEST_HOLDER_TTL" // its hold's TTL
	heldID       = "AAAA-2345"
	otherID      = "BBBB-2345"
)

// TestHolderHelper is the helper process: it holds heldID and saves it in
// a loop, saying on stdout what it does ("busy" before each save,
// "saved N" after, "idle" before it sleeps), and "lost" when a save is
// refused because its hold lapsed.
func TestHolderHelper(t *testing.T) {
	path := os.Getenv(holderEnv)
	if path == "" {
		t.Skip("run by the multi-process tests")
	}
	ttl, err := time.ParseDuration(os.Getenv(holderTTLEnv))
	if err != nil {
		t.Fatal(err)
	}
	say := func(format string, args ...any) { fmt.Fprintf(os.Stdout, "holder: "+format+"\n", args...) }
	ctx := context.Background()
	s, err := store.Open(path, store.Options{Timeout: 10 * time.Second})
	if err != nil {
		say("error %v", err)
		os.Exit(1)
	}
	h, err := s.Acquire(ctx, heldID, store.Holder{Who: "helper", Machine: "TEST-PC", PID: os.Getpid()}, ttl)
	if err != nil {
		say("error %v", err)
		os.Exit(1)
	}
	say("held")
	renewed := time.Now()
	for n := 1; ; n++ {
		say("busy")
		sess, err := s.Load(ctx, heldID)
		if errors.Is(err, store.ErrNotFound) {
			sess, err = store.Session{ID: heldID, Status: store.StatusActive, Step: "terms"}, nil
		}
		if err == nil {
			sess.Code.Requests++
			sess.UpdatedAt = time.Now()
			err = s.Save(ctx, &sess, store.Event{Kind: "count", By: "helper"}, h)
		}
		if errors.Is(err, store.ErrHoldLost) {
			say("lost")
			os.Exit(0)
		}
		if err != nil {
			say("error %v", err)
			os.Exit(1)
		}
		if time.Since(renewed) >= ttl/3 {
			if err := s.Renew(ctx, h); err != nil {
				say("renew failed: %v", err)
				os.Exit(1)
			}
			renewed = time.Now()
		}
		say("saved %d", n)
		say("idle")
		time.Sleep(ttl / 8)
	}
}

// holderProc is a running helper process.
type holderProc struct {
	t     *testing.T
	cmd   *exec.Cmd
	lines chan string
}

func startHolder(t *testing.T, path string, ttl time.Duration) *holderProc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHolderHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), holderEnv+"="+path, holderTTLEnv+"="+ttl.String())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &holderProc{t: t, cmd: cmd, lines: make(chan string, 1024)}
	go func() {
		defer close(p.lines)
		r := bufio.NewReader(out)
		for {
			line, err := r.ReadString('\n')
			if s, ok := strings.CutPrefix(strings.TrimSpace(line), "holder: "); ok {
				p.lines <- s
			}
			if err != nil {
				_, _ = io.Copy(io.Discard, r)
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGCONT)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return p
}

// waitLine reads the helper's lines until one for which ok is true; an
// "error" line, or the helper's end, fails the test.
func (p *holderProc) waitLine(what string, ok func(string) bool) string {
	p.t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case line, open := <-p.lines:
			if !open {
				p.t.Fatalf("waiting for %s: the helper ended", what)
			}
			if strings.HasPrefix(line, "error") || strings.HasPrefix(line, "renew failed") {
				p.t.Fatalf("waiting for %s: the helper said %q", what, line)
			}
			if ok(line) {
				return line
			}
		case <-deadline:
			p.t.Fatalf("waiting for %s: nothing in 60 s", what)
		}
	}
}

func (p *holderProc) waitSaves(n int) {
	p.t.Helper()
	p.waitLine(fmt.Sprintf("%d saves", n), func(l string) bool {
		k, err := strconv.Atoi(strings.TrimPrefix(l, "saved "))
		return err == nil && strings.HasPrefix(l, "saved ") && k >= n
	})
}

// procState is the state letter of process pid (R, S, T for stopped, …).
func procState(pid int) string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	// pid (comm) state …: comm may hold spaces, so look after the last ')'.
	s := string(data)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2 : i+3]
	}
	return ""
}

func openFile(t *testing.T, path string, timeout time.Duration) *store.Store {
	t.Helper()
	s, err := store.Open(path, store.Options{Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// holdOf returns the live hold on id; ok is false if there is none.
func holdOf(t *testing.T, s *store.Store, id string) (store.Hold, bool) {
	t.Helper()
	hs, err := s.Holds(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hs {
		if h.ID == id {
			return h, true
		}
	}
	return store.Hold{}, false
}

// freedAtExpiry checks that the hold on heldID, whose holder stopped
// renewing at gone, ends by gone+ttl by its own record, and that a second
// holder takes it as soon as it has expired; it returns that hold.
func freedAtExpiry(t *testing.T, s *store.Store, gone time.Time, ttl time.Duration) *store.Hold {
	t.Helper()
	ctx := context.Background()
	me := store.Holder{Who: "test", Machine: "TEST-PC", PID: os.Getpid()}
	h, ok := holdOf(t, s, heldID)
	if ok {
		if h.Expires.After(gone.Add(ttl)) {
			t.Fatalf("the hold expires at %v, later than TTL (%v) after its holder went (%v)", h.Expires, ttl, gone)
		}
		if _, err := s.Acquire(ctx, heldID, me, ttl); err == nil {
			if time.Now().Before(h.Expires) {
				t.Fatal("a second holder took a live hold")
			}
		} else if !errors.Is(err, store.ErrHeld) {
			t.Fatal(err)
		} else {
			time.Sleep(time.Until(h.Expires) + time.Millisecond) // wait for the moment the record names
		}
	}
	mine, err := s.Acquire(ctx, heldID, me, 30*time.Second)
	if err != nil {
		t.Fatalf("Acquire once the hold has expired: %v", err)
	}
	t.Logf("the hold was free %v after its holder went (TTL %v)", time.Since(gone).Round(time.Millisecond), ttl)
	return mine
}

func TestHoldsAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts helper processes and waits for holds to expire")
	}
	const ttl = 1500 * time.Millisecond
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wizard.db")
	s := openFile(t, path, 10*time.Second)
	b := store.Session{ID: otherID, Status: store.StatusActive, Step: "terms", UpdatedAt: time.Now()}
	if err := s.Save(ctx, &b, store.Event{Kind: "created"}, nil); err != nil {
		t.Fatal(err)
	}

	t.Run("work beside a holder", func(t *testing.T) {
		p := startHolder(t, path, ttl)
		p.waitLine("the hold", func(l string) bool { return l == "held" })
		p.waitSaves(2)
		// A second holder on A is told who holds it.
		_, err := s.Acquire(ctx, heldID, store.Holder{Who: "test", PID: os.Getpid()}, ttl)
		if he, ok := errors.AsType[*store.HeldError](err); !ok || he.Hold.Holder.Who != "helper" || he.Hold.Holder.PID != p.cmd.Process.Pid {
			t.Fatalf("a second holder on A: %v", err)
		}
		// List, load, export, and save B, many times, while A is saved.
		mine, err := s.Acquire(ctx, otherID, store.Holder{Who: "test", PID: os.Getpid()}, 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 20 {
			page, err := s.List(ctx, store.Query{})
			if err != nil || len(page.Sessions) != 2 {
				t.Fatalf("list: %v %v", page.Sessions, err)
			}
			if _, err := s.Load(ctx, heldID); err != nil {
				t.Fatalf("load A: %v", err)
			}
			if _, err := s.Export(ctx, heldID, time.Now(), "test"); err != nil {
				t.Fatalf("export A: %v", err)
			}
			hs, err := s.Holds(ctx)
			if err != nil || len(hs) != 2 {
				t.Fatalf("holds: %+v %v", hs, err)
			}
			b.UpdatedAt = time.Now()
			b.Code.Requests = i + 1
			if err := s.Save(ctx, &b, store.Event{Kind: "count"}, mine); err != nil {
				t.Fatalf("save B: %v", err)
			}
		}
		// Saving A without its hold is refused.
		a, err := s.Load(ctx, heldID)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Save(ctx, &a, store.Event{Kind: "x"}, nil); !errors.Is(err, store.ErrHeld) && !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a save of A without its hold: %v", err)
		}
		if err := s.Release(ctx, mine); err != nil {
			t.Fatal(err)
		}
		p.waitSaves(5) // the helper never noticed

		// SIGKILL: the hold ends by itself.
		if err := p.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		gone := time.Now()
		_ = p.cmd.Wait()
		h := freedAtExpiry(t, s, gone, ttl)
		if err := s.Release(ctx, h); err != nil {
			t.Fatal(err)
		}
		r, err := s.Check(ctx, time.Now())
		if err != nil || len(r.Problems) > 0 {
			t.Fatalf("check after the kill: %v %v", r.Problems, err)
		}
		got, err := s.Load(ctx, heldID)
		if evs, _ := s.Events(ctx, heldID); err != nil || len(evs) != int(got.Rev) || got.Code.Requests != int(got.Rev) {
			t.Fatalf("A after the kill: rev %d counter %d, %d events, %v", got.Rev, got.Code.Requests, len(evs), err)
		}
	})

	t.Run("stopped holder", func(t *testing.T) {
		p := startHolder(t, path, ttl)
		p.waitLine("the hold", func(l string) bool { return l == "held" })
		pid := p.cmd.Process.Pid
		// Stop it between two transactions: a process stopped inside one
		// keeps the file's lock (as a laptop asleep mid-save would, for the
		// length of that save), which is not what this test is about.
		probe := openFile(t, path, 300*time.Millisecond)
		var gone time.Time
		for try := 0; ; try++ {
			if try == 20 {
				t.Fatal("never caught the helper between two transactions")
			}
			p.waitLine("idle", func(l string) bool { return l == "idle" })
			if err := p.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
				t.Fatal(err)
			}
			gone = time.Now()
			deadline := time.Now().Add(30 * time.Second)
			for procState(pid) != "T" {
				if time.Now().After(deadline) {
					t.Fatal("the helper did not stop")
				}
				time.Sleep(5 * time.Millisecond)
			}
			if _, err := probe.Holds(ctx); err == nil {
				break
			} else if !errors.As(err, new(*store.LockedError)) {
				t.Fatal(err)
			}
			if err := p.cmd.Process.Signal(syscall.SIGCONT); err != nil { // stopped mid-transaction: again
				t.Fatal(err)
			}
		}
		h := freedAtExpiry(t, s, gone, ttl)
		a, err := s.Load(ctx, heldID)
		if err != nil {
			t.Fatal(err)
		}
		a.Step = "account"
		if err := s.Save(ctx, &a, store.Event{Kind: "taken over"}, h); err != nil {
			t.Fatalf("the new holder's save: %v", err)
		}
		// Woken, the old holder's next save is refused: it says "lost".
		if err := p.cmd.Process.Signal(syscall.SIGCONT); err != nil {
			t.Fatal(err)
		}
		line := p.waitLine("the woken holder's save", func(l string) bool { return l == "lost" || strings.HasPrefix(l, "saved") })
		if line != "lost" {
			t.Fatalf("the woken holder saved: %q", line)
		}
		_ = p.cmd.Wait()
		if got, err := s.Load(ctx, heldID); err != nil || got.Step != "account" || got.Rev != a.Rev {
			t.Fatalf("A after the woken holder: %+v %v", got, err)
		}
	})
}
