package main

// A harness that runs the BUILT wizard binary in a real pseudo-terminal, as a
// user meets it: the program's output goes through a terminal emulator
// (github.com/charmbracelet/x/vt) and the tests read the emulator's screen as
// plain text; keys are written to the pty as a terminal would send them.
//
// The emulator answers the program's terminal queries (background colour,
// cursor position, modes) on a pipe of its own: those answers are copied back to
// the pty, or the emulator's writes would block.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"

	"wizard/internal/pgtest"
)

// Window size of every pty the tests open.
const (
	ptyCols = 100
	ptyRows = 34
)

// ptyWait is how long a test waits for one screen before it fails.
const ptyWait = 10 * time.Second

// TestMain builds the wizard binary once for the whole run (see ptyBinary).
// If another file of this package needs a TestMain, merge it into this one.
func TestMain(m *testing.M) {
	code := pgtest.Main(m) // runs the tests, then stops the PostgreSQL they started, if any
	if ptyBin.dir != "" {
		_ = os.RemoveAll(ptyBin.dir)
	}
	os.Exit(code)
}

var ptyBin struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// ptyBinary is the path of the wizard binary, built on first use.
func ptyBinary(t testing.TB) string {
	t.Helper()
	ptyBin.once.Do(func() {
		dir, err := os.MkdirTemp("", "wizard-pty-")
		if err != nil {
			ptyBin.err = err
			return
		}
		ptyBin.dir = dir
		path := filepath.Join(dir, "wizard")
		start := time.Now()
		cmd := exec.Command("go", "build", "-o", path, ".")
		out, err := cmd.CombinedOutput()
		if err != nil {
			ptyBin.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		ptyBin.path = path
		fmt.Fprintf(os.Stderr, "pty tests: built %s in %v\n", path, time.Since(start).Round(time.Millisecond))
	})
	if ptyBin.err != nil {
		t.Fatalf("cannot build the wizard: %v", ptyBin.err)
	}
	return ptyBin.path
}

// ptyHome is a hermetic environment for the wizard: HOME and the XDG
// directories in a temporary directory, English, a 256-colour terminal, no
// display (so no browser is ever started) and no WIZARD_* settings.
type ptyHome struct {
	dir   string
	extra []string // more NAME=value pairs
}

func newPtyHome(t testing.TB) *ptyHome {
	return &ptyHome{dir: t.TempDir()}
}

func (h *ptyHome) DataHome() string  { return filepath.Join(h.dir, "data") }
func (h *ptyHome) StateHome() string { return filepath.Join(h.dir, "state") }

// DefaultDataFile is where the wizard keeps its data without --data.
func (h *ptyHome) DefaultDataFile() string { return filepath.Join(h.DataHome(), "wizard", "wizard.db") }

func (h *ptyHome) env() []string {
	env := []string{
		"HOME=" + filepath.Join(h.dir, "home"),
		"XDG_DATA_HOME=" + h.DataHome(),
		"XDG_STATE_HOME=" + h.StateHome(),
		"XDG_CONFIG_HOME=" + filepath.Join(h.dir, "config"),
		"XDG_CACHE_HOME=" + filepath.Join(h.dir, "cache"),
		"LANG=en_US.UTF-8",
		"TERM=xterm-256color",
		"PATH=" + os.Getenv("PATH"),
		"USER=tester",
		"TZ=UTC",
		"GOTRACEBACK=all", // a program stuck in a test prints every goroutine on SIGQUIT (stuck)
	}
	return append(env, h.extra...)
}

// ptyTerm is one run of the wizard in a pseudo-terminal.
type ptyTerm struct {
	t    testing.TB
	name string
	cmd  *exec.Cmd
	ptmx *os.File

	mu      sync.Mutex
	emu     *vt.Emulator
	raw     bytes.Buffer // everything the program wrote
	lastOut time.Time    // when it last wrote
	screens []string     // every screen shown, oldest first (consecutive duplicates dropped)

	exited   chan struct{} // closed once the process is reaped
	readDone chan struct{} // closed once the pty reads EOF/EIO
	state    *os.ProcessState
	waitErr  error

	stopReplies atomic.Bool
	repliesDone chan struct{}
	closeOnce   sync.Once

	// Hooks of the random-kill test (nil elsewhere), called on the test's
	// goroutine: onAction after each key or typed string is sent, onTick before
	// every write to the terminal (sending) and on every turn of a waiting loop.
	// onTick may end the program and panic to unwind the walker.
	onAction func()
	onTick   func(sending bool)
}

// ptyStart runs the binary with args in a new 100x34 pseudo-terminal.
func ptyStart(t testing.TB, home *ptyHome, name string, args ...string) *ptyTerm {
	t.Helper()
	cmd := exec.Command(ptyBinary(t), args...)
	cmd.Env = home.env()
	cmd.Dir = home.dir
	p := &ptyTerm{t: t, name: name, cmd: cmd, emu: vt.NewEmulator(ptyCols, ptyRows),
		exited: make(chan struct{}), readDone: make(chan struct{}), repliesDone: make(chan struct{}), lastOut: time.Now()}
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: ptyRows, Cols: ptyCols})
	if err != nil {
		t.Fatalf("%s: cannot start %v in a pty: %v", name, args, err)
	}
	p.ptmx = ptmx
	t.Cleanup(p.close)

	go func() { // the program's output → the emulator
		defer close(p.readDone)
		buf := make([]byte, 32<<10)
		for {
			n, err := ptmx.Read(buf)
			if n > 0 {
				p.mu.Lock()
				_, _ = p.emu.Write(buf[:n])
				p.raw.Write(buf[:n])
				p.lastOut = time.Now()
				if scr := p.emu.String(); len(p.screens) == 0 || p.screens[len(p.screens)-1] != scr {
					p.screens = append(p.screens, scr)
				}
				p.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	go func() { // the emulator's answers to queries → the program
		defer close(p.repliesDone)
		buf := make([]byte, 4<<10)
		for {
			n, err := p.emu.Read(buf)
			if p.stopReplies.Load() || err != nil {
				return
			}
			if n > 0 {
				_, _ = ptmx.Write(buf[:n]) // fails once the program is gone: nothing to answer then
			}
		}
	}()
	go func() {
		err := cmd.Wait()
		p.mu.Lock()
		p.state, p.waitErr = cmd.ProcessState, err
		p.mu.Unlock()
		close(p.exited)
	}()
	return p
}

// close kills the program if it still runs and releases the pty.
func (p *ptyTerm) close() {
	p.closeOnce.Do(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		select {
		case <-p.readDone:
		case <-time.After(2 * time.Second):
		}
		_ = p.ptmx.Close()
		select {
		case <-p.readDone:
		case <-time.After(2 * time.Second):
			p.t.Logf("%s: the pty reader did not stop", p.name)
		}
		// Wake the reply goroutine with an empty write and let it see the stop flag.
		p.stopReplies.Store(true)
		go func() { _, _ = p.emu.InputPipe().Write(nil) }()
		select {
		case <-p.repliesDone:
		case <-time.After(2 * time.Second):
			p.t.Logf("%s: the reply goroutine did not stop", p.name)
		}
	})
}

// Screen is the emulator's screen as plain text, trailing spaces trimmed.
func (p *ptyTerm) Screen() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	lines := strings.Split(p.emu.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

// Output is everything the program wrote, with escape sequences removed.
func (p *ptyTerm) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return ansi.Strip(p.raw.String())
}

// Exited reports whether the process has ended.
func (p *ptyTerm) Exited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

func (p *ptyTerm) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "--- screen of %s (%dx%d) ---\n%s\n--- end of screen", p.name, ptyCols, ptyRows, p.Screen())
	if p.Exited() {
		p.mu.Lock()
		fmt.Fprintf(&b, "; the process has exited: %v", p.waitErr)
		p.mu.Unlock()
	}
	return b.String()
}

// Fatalf fails the test with the screen as it is now.
func (p *ptyTerm) Fatalf(format string, args ...any) {
	p.t.Helper()
	p.t.Fatalf("%s: %s\n%s", p.name, fmt.Sprintf(format, args...), p.describe())
}

// Errorf reports a failure with the screen as it is now and goes on.
func (p *ptyTerm) Errorf(format string, args ...any) {
	p.t.Helper()
	p.t.Errorf("%s: %s\n%s", p.name, fmt.Sprintf(format, args...), p.describe())
}

// WaitFor waits until the screen shows text.
func (p *ptyTerm) WaitFor(text string) {
	p.t.Helper()
	p.WaitForAny(text)
}

// WaitForAny waits until the screen shows one of texts and returns its index.
func (p *ptyTerm) WaitForAny(texts ...string) int {
	p.t.Helper()
	return p.waitUntil(ptyWait, fmt.Sprintf("one of %q", texts), func(s string) int {
		for i, text := range texts {
			if strings.Contains(s, text) {
				return i
			}
		}
		return -1
	})
}

// WaitSeenAny waits until one of texts is, or was at some moment since the
// program started, on the screen, and returns its index: for screens that may
// pass too quickly to be caught by looking now (a resumed step that moves on
// by itself).
func (p *ptyTerm) WaitSeenAny(texts ...string) int {
	p.t.Helper()
	return p.WaitSeenAnyFor(ptyWait, texts...)
}

// WaitSeenAnyFor is WaitSeenAny with a time limit of its own.
func (p *ptyTerm) WaitSeenAnyFor(timeout time.Duration, texts ...string) int {
	p.t.Helper()
	seen := 0 // screens already searched
	return p.waitUntil(timeout, fmt.Sprintf("one of %q (now or before)", texts), func(string) int {
		p.mu.Lock()
		defer p.mu.Unlock()
		for ; seen < len(p.screens); seen++ {
			for i, text := range texts {
				if strings.Contains(p.screens[seen], text) {
					return i
				}
			}
		}
		return -1
	})
}

// WaitForMatch waits until re matches the screen and returns the submatches.
func (p *ptyTerm) WaitForMatch(re *regexp.Regexp) []string {
	p.t.Helper()
	var m []string
	p.waitUntil(ptyWait, "a match of "+re.String(), func(s string) int {
		if m = re.FindStringSubmatch(s); m != nil {
			return 0
		}
		return -1
	})
	return m
}

// WaitForMatchOr waits until re matches the screen or the screen shows text,
// in one look at a time: a screen that moves on by itself (a resumed step
// whose result came meanwhile) between two separate waits cannot be missed.
// It returns the match, or nil when text was found first.
func (p *ptyTerm) WaitForMatchOr(re *regexp.Regexp, text string) []string {
	p.t.Helper()
	var m []string
	p.waitUntil(ptyWait, fmt.Sprintf("a match of %s or %q", re, text), func(s string) int {
		if m = re.FindStringSubmatch(s); m != nil {
			return 0
		}
		if strings.Contains(s, text) {
			return 1
		}
		return -1
	})
	return m
}

// waitUntil polls the screen until found returns an index ≥ 0. A program that
// exits first fails the wait at once (after a last look at the screen).
func (p *ptyTerm) waitUntil(timeout time.Duration, what string, found func(string) int) int {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if p.onTick != nil {
			p.onTick(false)
		}
		exited := p.Exited()
		if exited {
			<-p.readDone // the last output is on the screen
		}
		if i := found(p.Screen()); i >= 0 {
			return i
		}
		if exited {
			p.Fatalf("the program ended while waiting for %s", what)
		}
		if time.Now().After(deadline) {
			p.Fatalf("timed out after %v waiting for %s%s", timeout, what, p.stuck())
		}
		time.Sleep(15 * time.Millisecond)
	}
}

// Quiet waits until the program has written nothing for d (at most max): the
// screen has settled after a key.
func (p *ptyTerm) Quiet(d, max time.Duration) {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		if p.onTick != nil {
			p.onTick(false)
		}
		p.mu.Lock()
		idle := time.Since(p.lastOut)
		p.mu.Unlock()
		if idle >= d {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ptyKeys are the bytes a terminal sends for named keys.
var ptyKeys = map[string]string{
	"enter":     "\r",
	"tab":       "\t",
	"shift+tab": "\x1b[Z",
	"esc":       "\x1b",
	"up":        "\x1b[A",
	"down":      "\x1b[B",
	"right":     "\x1b[C",
	"left":      "\x1b[D",
	"backspace": "\x7f",
	"space":     " ",
	"ctrl+c":    "\x03",
	"ctrl+u":    "\x15",
	"ctrl+r":    "\x12",
}

// Key presses one named key (see ptyKeys) or a single character.
func (p *ptyTerm) Key(name string) {
	p.t.Helper()
	seq, ok := ptyKeys[name]
	if !ok {
		if len([]rune(name)) != 1 {
			p.t.Fatalf("unknown key %q", name)
		}
		seq = name
	}
	p.write(seq)
	if p.onAction != nil {
		p.onAction()
	}
}

// Type types s one character at a time, as a quick typist does.
func (p *ptyTerm) Type(s string) {
	p.t.Helper()
	for _, r := range s {
		p.write(string(r))
		time.Sleep(4 * time.Millisecond)
	}
	if p.onAction != nil {
		p.onAction()
	}
}

func (p *ptyTerm) write(s string) {
	p.t.Helper()
	if p.onTick != nil {
		p.onTick(true)
	}
	if _, err := io.WriteString(p.ptmx, s); err != nil {
		p.Fatalf("cannot type %q: %v", s, err)
	}
}

// Kill ends the program with SIGKILL, as a crash or a closed laptop would, and
// waits until it is gone.
func (p *ptyTerm) Kill() {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		p.t.Fatalf("%s: cannot kill: %v", p.name, err)
	}
	if _, _, err := p.Wait(5 * time.Second); err != nil {
		p.t.Fatalf("%s: %v", p.name, err)
	}
	if ws, ok := p.state.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		p.t.Fatalf("%s: the process ended by itself before SIGKILL (%v)\n%s", p.name, p.state, p.describe())
	}
}

// Wait waits for the program to end and returns its exit code (-1 when a
// signal ended it) and whether it ended in time.
func (p *ptyTerm) Wait(timeout time.Duration) (code int, signaled bool, err error) {
	select {
	case <-p.exited:
	case <-time.After(timeout):
		return 0, false, fmt.Errorf("still running after %v", timeout)
	}
	select { // the last output
	case <-p.readDone:
	case <-time.After(time.Second):
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if ws, ok := p.state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -1, true, nil
	}
	return p.state.ExitCode(), false, nil
}

// ExitCode waits (up to timeout) for the program to end and returns its exit
// code; the test fails if it does not end or a signal ends it.
func (p *ptyTerm) ExitCode(timeout time.Duration) int {
	p.t.Helper()
	code, signaled, err := p.Wait(timeout)
	if err != nil {
		p.Fatalf("waiting for the program to exit: %v", err)
	}
	if signaled {
		p.Fatalf("the program was ended by a signal (%v)", p.state)
	}
	return code
}
