package postgres

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"wizard/store"
)

// The holder process: the test binary run again with holderEnv set to the
// database's URL. It holds the signup holderIDEnv for holderTTLEnv, renewing
// at TTL/3 as the wizard does, says "held" on stdout, and goes on until it
// is killed (or its hold is lost).
const (
	holderEnv    = "WIZARD_PGTEST_HOLDER_URL"
	holderIDEnv  = "WIZARD_PGTEST_HOLDER_ID"
	holderTTLEnv = "WIZARD_PGTEST_HOLDER_TTL"
)

func holderMain() int {
	ctx := context.Background()
	ttl, err := time.ParseDuration(os.Getenv(holderTTLEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, "holder:", err)
		return 2
	}
	e, err := Open(ctx, os.Getenv(holderEnv), Options{MaxConns: 2})
	if err != nil {
		fmt.Fprintln(os.Stderr, "holder:", err)
		return 2
	}
	h, err := e.Acquire(ctx, os.Getenv(holderIDEnv), store.Holder{Who: "holder", Machine: "test", PID: os.Getpid()}, ttl)
	if err != nil {
		fmt.Fprintln(os.Stderr, "holder:", err)
		return 2
	}
	fmt.Println("held")
	for {
		time.Sleep(ttl / 3)
		if err := e.Renew(ctx, h); err != nil {
			// Woken after its hold lapsed (a laptop back from sleep): its
			// save must be refused, as the wizard's would be.
			s, lerr := e.Load(ctx, h.ID)
			if lerr != nil {
				fmt.Fprintln(os.Stderr, "holder:", lerr)
				return 2
			}
			serr := e.Save(ctx, &s, store.Event{Kind: "late"}, h)
			fmt.Printf("renew: %v; save: %v\n", errors.Is(err, store.ErrHoldLost), errors.Is(serr, store.ErrHoldLost))
			return 1
		}
	}
}

// startHolder runs a holder process on id and waits until it holds it. The
// process's further lines come on the channel.
func startHolder(t *testing.T, url, id string, ttl time.Duration) (*exec.Cmd, <-chan string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), holderEnv+"="+url, holderIDEnv+"="+id, holderTTLEnv+"="+ttl.String())
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the test
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGKILL) // by its pid; also ends a stopped one
		_ = cmd.Wait()
	})
	lines := make(chan string, 4)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- strings.TrimSpace(sc.Text())
		}
	}()
	select {
	case l := <-lines:
		if l != "held" {
			t.Fatalf("the holder process said %q, want \"held\"", l)
		}
	case <-time.After(time.Minute):
		t.Fatal("the holder process did not take its hold in a minute")
	}
	return cmd, lines
}

// A signup held by a process that is killed (SIGKILL: no chance to release)
// or stopped (SIGSTOP: a laptop that went to sleep) is free at most TTL + 1 s
// later, by the database's clock.
func TestHolderGone(t *testing.T) {
	const ttl = 3 * time.Second
	for name, sig := range map[string]syscall.Signal{"SIGKILL": syscall.SIGKILL, "SIGSTOP": syscall.SIGSTOP} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e, url := open(t)
			s := newSession("Held")
			save(t, e, &s, "created")
			cmd, lines := startHolder(t, url, s.ID, ttl)

			var he *store.HeldError
			if _, err := e.Acquire(ctx, s.ID, holder("bolat"), time.Minute); !errors.As(err, &he) || he.Hold.Holder.PID != cmd.Process.Pid {
				t.Fatalf("Acquire while the holder runs: %v, want *HeldError by pid %d", err, cmd.Process.Pid)
			}
			waitRenewed(t, e, s.ID, he.Hold.Expires)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			gone := time.Now()
			tries := 0
			var taken *store.Hold
			for {
				tries++
				h, err := e.Acquire(ctx, s.ID, holder("bolat"), time.Minute)
				if err == nil {
					taken = h
					break
				}
				if !errors.Is(err, store.ErrHeld) {
					t.Fatal(err)
				}
				if time.Since(gone) > ttl+time.Second {
					t.Fatalf("still held %s after the holder got %s (TTL %s)", time.Since(gone), name, ttl)
				}
				time.Sleep(20 * time.Millisecond)
			}
			t.Logf("free %s after %s (TTL %s; %d tries)", time.Since(gone).Round(time.Millisecond), name, ttl, tries)
			if tries == 1 {
				t.Logf("free at the first try: the holder's last renewal was over a TTL before the signal (a loaded machine)")
			}
			if sig != syscall.SIGSTOP {
				return
			}
			// The stopped holder wakes up: its renewal and its save are refused.
			if err := cmd.Process.Signal(syscall.SIGCONT); err != nil {
				t.Fatal(err)
			}
			select {
			case l := <-lines:
				if l != "renew: true; save: true" {
					t.Fatalf("the woken holder said %q, want its renewal and save refused with ErrHoldLost", l)
				}
			case <-time.After(time.Minute):
				t.Fatal("the woken holder said nothing in a minute")
			}
			if got, err := e.Load(ctx, s.ID); err != nil || got.Rev != 1 {
				t.Fatalf("after the woken holder's save: rev %d, %v; want 1", got.Rev, err)
			}
			if err := e.Save(ctx, &s, store.Event{Kind: "step.done"}, taken); err != nil {
				t.Fatalf("the new holder's save: %v", err)
			}
		})
	}
}

// waitRenewed waits until the hold on id expires later than before: the
// holder process has renewed it at least once.
func waitRenewed(t *testing.T, e *Engine, id string, before time.Time) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		holds, err := e.Holds(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range holds {
			if h.ID == id && h.Expires.After(before) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the holder process did not renew its hold in a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
