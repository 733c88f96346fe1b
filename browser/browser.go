// Package browser opens a web page in the user's browser without disturbing a
// full-screen terminal program: the launcher's output is never shown, the call
// returns within a few seconds whatever the launcher does, and failures come back
// as plain sentences.
//
// The browser is chosen from the environment: WIZARD_BROWSER, then BROWSER (each
// a command line, split like a shell would; the URL replaces %s or is appended),
// then the system's launcher (github.com/pkg/browser: xdg-open, open, start).
// Over SSH, or on a Unix desktop-less machine, no browser is tried at all: the
// program should show the URL instead. WIZARD_BROWSER=none turns opening off.
package browser

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/google/shlex"
	pkgbrowser "github.com/pkg/browser"
)

// Reasons why no browser is opened, as Available reports them.
const (
	ReasonSSH        = "ssh"         // an SSH session: a browser here would not be on the user's screen
	ReasonNoDisplay  = "no-display"  // no X11 or Wayland display to show a window on
	ReasonDisabled   = "disabled"    // WIZARD_BROWSER=none
	ReasonBadCommand = "bad-command" // WIZARD_BROWSER or BROWSER cannot be split into a command
)

// DefaultSettle is how long a launcher may run before it counts as opened:
// launchers such as xdg-open return at once, but a browser started directly
// keeps running for as long as its window is open.
const DefaultSettle = 3 * time.Second

// Opener opens URLs in the browser the environment names.
type Opener struct {
	command []string // the custom command (WIZARD_BROWSER or BROWSER); nil: the system's launcher
	source  string   // the variable the command came from
	why     string   // non-empty: no browser is opened, for this reason

	// Settle is how long a launcher may run before it counts as opened (DefaultSettle if 0).
	Settle time.Duration

	system func(url string) error // the system's launcher (pkg/browser); replaced in tests
}

// FromEnv decides how to open a browser from the environment, read with getenv
// (os.Getenv in the program, a map in tests).
func FromEnv(getenv func(string) string) *Opener { return fromEnv(getenv, runtime.GOOS) }

func fromEnv(getenv func(string) string, goos string) *Opener {
	o := &Opener{system: systemOpen}
	if v := strings.TrimSpace(getenv("WIZARD_BROWSER")); v != "" {
		// The wizard's own setting is deliberate: it is honoured even over SSH
		// (e.g. a script that forwards the URL to the user's own machine).
		if strings.EqualFold(v, "none") {
			o.why = ReasonDisabled
			return o
		}
		return o.withCommand("WIZARD_BROWSER", v)
	}
	if getenv("SSH_TTY") != "" || getenv("SSH_CONNECTION") != "" || getenv("SSH_CLIENT") != "" {
		o.why = ReasonSSH
		return o
	}
	if needsDisplay(goos) && getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		// BROWSER is not enough here: without a display it names a text browser,
		// which would fight the wizard for the terminal.
		o.why = ReasonNoDisplay
		return o
	}
	if v := strings.TrimSpace(getenv("BROWSER")); v != "" {
		return o.withCommand("BROWSER", v)
	}
	return o
}

// needsDisplay: on these systems windows need an X11 or Wayland display.
func needsDisplay(goos string) bool {
	switch goos {
	case "darwin", "windows", "ios", "android", "js", "wasip1", "plan9":
		return false
	}
	return true
}

func (o *Opener) withCommand(source, value string) *Opener {
	args, err := splitCommand(value)
	if err != nil {
		o.why = ReasonBadCommand
		return o
	}
	o.command, o.source = args, source
	return o
}

// splitCommand splits a command line the way a POSIX shell splits words.
func splitCommand(s string) ([]string, error) {
	args, err := shlex.Split(s)
	if err != nil {
		return nil, err
	}
	if len(args) == 0 {
		return nil, errors.New("empty command")
	}
	return args, nil
}

// Available reports whether Open will try a browser, and if not, why (one of
// the Reason constants).
func (o *Opener) Available() (ok bool, why string) { return o.why == "", o.why }

// Command is the custom command and the variable it came from ("" for the system's launcher).
func (o *Opener) Command() (args []string, source string) { return o.command, o.source }

// Func adapts Open to a plain function, each call bounded by timeout; nil when
// no browser is available, so callers can show the URL instead.
func (o *Opener) Func(timeout time.Duration) func(url string) error {
	if o.why != "" {
		return nil
	}
	return func(url string) error {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		return o.Open(ctx, url)
	}
}

// ErrUnavailable is returned by Open when the environment rules a browser out.
var ErrUnavailable = errors.New("no browser can be opened from this session")

// Open opens url. It returns once the launcher has exited, or once it has been
// running for Settle (then it counts as opened and is left running), or when
// ctx ends. The launcher's output is never shown; its error is.
func (o *Opener) Open(ctx context.Context, url string) error {
	if o.why != "" {
		return fmt.Errorf("%w (%s)", ErrUnavailable, o.why)
	}
	if o.command != nil {
		return o.openCommand(ctx, url)
	}
	quietSystemLauncher()
	done := make(chan error, 1)
	go func() { done <- o.system(url) }()
	return o.settle(ctx, done, systemError)
}

func (o *Opener) settle(ctx context.Context, done <-chan error, explain func(error) error) error {
	d := o.Settle
	if d <= 0 {
		d = DefaultSettle
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case err := <-done:
		if err != nil {
			return explain(err)
		}
		return nil
	case <-t.C:
		return nil // still running: a browser window, most likely
	case <-ctx.Done():
		return fmt.Errorf("the browser did not start in time (%w)", ctx.Err())
	}
}

var quietOnce sync.Once

// quietSystemLauncher sends pkg/browser's launcher output nowhere: by default
// it goes to the terminal, over the screen.
func quietSystemLauncher() {
	quietOnce.Do(func() { pkgbrowser.Stdout, pkgbrowser.Stderr = io.Discard, io.Discard })
}

func systemOpen(url string) error { return pkgbrowser.OpenURL(url) }

// systemError says in plain words why the system's launcher failed.
func systemError(err error) error {
	var ee *exec.Error
	if errors.As(err, &ee) && errors.Is(ee.Err, exec.ErrNotFound) {
		return fmt.Errorf("no program to open web pages was found (looked for %s)", strings.ReplaceAll(ee.Name, ",", ", "))
	}
	var xe *exec.ExitError
	if errors.As(err, &xe) {
		return fmt.Errorf("the system's browser launcher failed (exit status %d)", xe.ExitCode())
	}
	return err
}
