package main

// An error must not wait on a question to the terminal. fang styles an error
// only after asking the terminal for its background colour (OSC 11, then DA1),
// on standard input and again on standard output, waiting up to 2 s for each
// answer; in a terminal that never answers, an error came ~5 s late. These
// tests run the built wizard in a pseudo-terminal that never answers anything
// and check that the error arrives at once, and that nothing was asked.

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/fang/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
	"github.com/creack/pty"
	"github.com/spf13/cobra"

	bolt "go.etcd.io/bbolt"

	"wizard/assets"
	"wizard/store"
)

// errorBound is how long after the cause (its start, less the time a bare start
// of the binary takes on this machine, and less its own waiting: the lock
// timeout) a command that fails may take to say why: far below the 2 s that one
// terminal query waits, let alone the two fang made.
const errorBound = 1200 * time.Millisecond

// mute is a run of the binary in a 100x30 pseudo-terminal that never answers.
type mute struct {
	start time.Time
	mu    sync.Mutex
	raw   bytes.Buffer
	seen  map[string]time.Duration // when each awaited text first showed
	want  []string
	found chan struct{} // closed once every awaited text has shown
	done  chan struct{} // closed when the output ends
	state chan error    // the process's exit
}

func startMute(t *testing.T, home *ptyHome, want []string, args ...string) *mute {
	t.Helper()
	cmd := exec.Command(ptyBinary(t), args...)
	cmd.Env, cmd.Dir = home.env(), home.dir
	m := &mute{seen: map[string]time.Duration{}, want: want, found: make(chan struct{}), done: make(chan struct{}), state: make(chan error, 1)}
	m.start = time.Now()
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 30, Cols: 100})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = ptmx.Close()
		<-m.done
	})
	go func() {
		defer close(m.done)
		buf := make([]byte, 8<<10)
		closed := false
		for {
			n, err := ptmx.Read(buf)
			if n > 0 {
				at := time.Since(m.start)
				m.mu.Lock()
				m.raw.Write(buf[:n])
				text := squeeze(ansi.Strip(m.raw.String()))
				all := true
				for _, w := range m.want {
					if _, ok := m.seen[w]; !ok && strings.Contains(text, squeeze(w)) {
						m.seen[w] = at
					}
					_, ok := m.seen[w]
					all = all && ok
				}
				m.mu.Unlock()
				if all && !closed {
					close(m.found)
					closed = true
				}
			}
			if err != nil {
				return
			}
		}
	}()
	go func() { m.state <- cmd.Wait() }()
	return m
}

// squeeze drops all white space: the error is wrapped to the terminal's width.
func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

// wait waits for every awaited text and for the exit; it returns when the last
// text showed and the exit error.
func (m *mute) wait(t *testing.T) (time.Duration, error) {
	t.Helper()
	select {
	case <-m.found:
	case <-time.After(15 * time.Second):
		m.mu.Lock()
		defer m.mu.Unlock()
		t.Fatalf("%q never showed; the program wrote %q", m.want, m.raw.String())
	}
	var exit error
	select {
	case exit = <-m.state:
	case <-time.After(15 * time.Second):
		t.Fatal("the program did not end")
	}
	<-m.done
	m.mu.Lock()
	defer m.mu.Unlock()
	var last time.Duration
	for _, at := range m.seen {
		last = max(last, at)
	}
	return last, exit
}

// output is everything the program wrote.
func (m *mute) output() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.raw.String()
}

// startUp is how long a bare start of the binary takes here and now: the time
// `wizard version` takes to print, the least of three runs.
func startUp(t *testing.T, home *ptyHome) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range 3 {
		m := startMute(t, home, []string{"wizard "}, "version")
		took, err := m.wait(t)
		if err != nil {
			t.Fatalf("wizard version: %v", err)
		}
		best = min(best, took)
	}
	return best
}

func TestErrorsDoNotWaitForTheTerminal(t *testing.T) {
	home := newPtyHome(t)
	base := startUp(t, home)

	held := filepath.Join(home.dir, "held.db")
	// A transaction elsewhere that does not end (issue 15: a wizard at work
	// no longer keeps the file locked; only a transaction does).
	if st, err := store.Open(held, store.Options{}); err != nil {
		t.Fatal(err)
	} else {
		st.Close()
	}
	holder, err := bolt.Open(held, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()

	for _, tc := range []struct {
		name string
		args []string
		want []string
		code int
		wait time.Duration // the command's own waiting before the cause: the lock timeout
	}{
		{"data file held by another process", []string{"--data", held, "--lock-timeout", "1s"},
			[]string{"ERROR", "Another wizard", "is using the data file " + held}, 1, time.Second},
		{"the same, from a support command", []string{"list", "--data", held, "--lock-timeout", "1s"},
			[]string{"ERROR", "Another wizard", held}, 1, time.Second},
		{"a bad flag value", []string{"list", "--status", "paused", "--data", filepath.Join(home.dir, "x.db")},
			[]string{"ERROR", `Unknown status "paused"`}, 2, 0},
		{"an unknown flag", []string{"list", "--colour"}, []string{"ERROR", "Unknown flag: --colour", "'wizard list --help' lists the flags"}, 2, 0},
		{"an unknown command", []string{"lst"}, []string{"ERROR", `Unknown command "lst" for wizard`, "did you mean list?"}, 2, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := startMute(t, home, tc.want, tc.args...)
			took, exit := m.wait(t)
			out := m.output()
			ee, ok := exit.(*exec.ExitError)
			if !ok || ee.ExitCode() != tc.code {
				t.Errorf("exit %v, want code %d", exit, tc.code)
			}
			for _, q := range []string{"\x1b]11;?", "\x1b[c"} {
				if strings.Contains(out, q) {
					t.Errorf("the program asked the terminal %q: %q", q, out)
				}
			}
			if after := took - base - tc.wait; after > errorBound {
				t.Errorf("the error showed %v after its cause (%v in all; a bare start takes %v here, its own wait %v), want at most %v",
					after, took, base, tc.wait, errorBound)
			}
			t.Logf("error after %v (bare start %v)", took.Round(time.Millisecond), base.Round(time.Millisecond))
		})
	}
}

// TestErrorLooksAsFangPrintsIt compares an error printed by printError's
// styles with the same error printed by fang itself, colours and all. fang
// asks nothing where standard output is no terminal, as here, and then takes
// its light colours: so are the styles compared. (Where fang title-cases a
// whole first word, errorStyles raises only its first letter: the texts
// compared start with a word that both leave alone or both raise; one that
// starts with an id is left as it is.)
func TestErrorLooksAsFangPrintsIt(t *testing.T) {
	if term.IsTerminal(os.Stdout.Fd()) {
		t.Skip("fang would ask this terminal for its background colour")
	}
	t.Setenv("CLICOLOR_FORCE", "1")
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm-256color")
	long := fail(1, "Another wizard (process 4242: wizard resume K7MQ-4XPD) is using the data file %s. Close it first (or wait for it to finish), then try again",
		"/home/someone/.local/share/wizard/wizard.db")
	for _, err := range []error{long, errors.New("unknown flag: --colour"), exitError{code: 1}, errors.New("  Leading space and ÜMLAUTS")} {
		var fangOut, ours bytes.Buffer
		cmd := &cobra.Command{Use: "wizard", RunE: func(*cobra.Command, []string) error { return err }}
		cmd.SetArgs([]string{})
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&fangOut)
		if got := fang.Execute(t.Context(), cmd, fang.WithErrorHandler(errorHandler)); got != err {
			t.Fatalf("fang returned %v", got)
		}
		if err.Error() != "" && !strings.Contains(fangOut.String(), "\x1b[") {
			t.Fatalf("fang printed no colours: %q", fangOut.String())
		}
		errorHandler(colorprofile.NewWriter(&ours, os.Environ()), errorStyles(assets.NewWords("en"), false, 120), err)
		if ours.String() != fangOut.String() {
			t.Errorf("%q:\nfang printed %q\n    we print %q", err, fangOut.String(), ours.String())
		}
	}
	var ours bytes.Buffer
	errorHandler(&ours, errorStyles(assets.NewWords("en"), false, 120), errors.New("K7MQ-4XPD is in use"))
	if !strings.Contains(ours.String(), "K7MQ-4XPD is in use.") {
		t.Errorf("an id at the start of an error is changed: %q", ours.String())
	}
}

// TestRunPrintsEveryError runs the program in process: errors of arguments,
// flags and commands are printed once, on stderr, with their exit codes, and a
// message-less exitError (doctor's) prints nothing.
func TestRunPrintsEveryError(t *testing.T) {
	hermetic(t)
	data := filepath.Join(t.TempDir(), "wizard.db")
	for _, tc := range []struct {
		args []string
		code int
		want string // on stderr; "" for nothing
	}{
		{[]string{"show", "--data", data}, 2, "Wrong arguments for wizard show: use it as wizard show ID"},
		{[]string{"list", "--status", "paused", "--data", data}, 2, `Unknown status "paused"`},
		{[]string{"list", "--nope"}, 2, "Unknown flag: --nope."},
		{[]string{"show", "NONE-NONE", "--data", data}, 1, "No signup with id NONE-NONE"},
		{[]string{"doctor", "--data", data, "--sandbox-url", "http://127.0.0.1:1"}, 1, ""},
		{[]string{"version"}, 0, ""},
	} {
		var out, errOut bytes.Buffer
		code := run(t.Context(), tc.args, strings.NewReader(""), &out, &errOut)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d\n%s", tc.args, code, tc.code, errOut.String())
		}
		got := squeeze(errOut.String())
		switch {
		case tc.want == "" && got != "":
			t.Errorf("%v: stderr %q, want nothing", tc.args, errOut.String())
		case tc.want != "" && (strings.Count(got, "ERROR") != 1 || !strings.Contains(got, squeeze(tc.want))):
			t.Errorf("%v: stderr %q, want one error saying %q", tc.args, errOut.String(), tc.want)
		}
	}
}
