package browser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// commandArgs is the custom command for url: the URL replaces every %s, or is
// appended when there is none.
func commandArgs(command []string, url string) []string {
	args := make([]string, 0, len(command)+1)
	substituted := false
	for _, a := range command {
		if strings.Contains(a, "%s") {
			a, substituted = strings.ReplaceAll(a, "%s", url), true
		}
		args = append(args, a)
	}
	if !substituted {
		args = append(args, url)
	}
	return args
}

// openCommand starts the custom command, detached from the terminal, its output
// kept (a little of it, for the error) but never shown.
func (o *Opener) openCommand(ctx context.Context, url string) error {
	args := commandArgs(o.command, url)
	cmd := exec.Command(args[0], args[1:]...)
	stderr := &tail{max: 512}
	cmd.Stdout, cmd.Stderr = nil, stderr   // stdin and stdout: /dev/null
	cmd.WaitDelay = 100 * time.Millisecond // a browser that keeps our pipe must not hold Wait
	detach(cmd)
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return fmt.Errorf("%s names %q, which is not installed or not on PATH", o.source, args[0])
		}
		return fmt.Errorf("%s could not be started: %w", o.source, err)
	}
	done := make(chan error, 1)
	go func() {
		err := cmd.Wait() // reaps the launcher whenever it ends
		if errors.Is(err, exec.ErrWaitDelay) {
			err = nil // it exited fine; a child of it still holds the pipe
		}
		done <- err
	}()
	return o.settle(ctx, done, func(err error) error {
		msg := fmt.Sprintf("%s (%s) failed: %v", o.source, args[0], err)
		if line := stderr.lastLine(); line != "" {
			msg += ": " + line
		}
		return errors.New(msg)
	})
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = t.buf[over:]
	}
	return len(p), nil
}

// lastLine is the last non-empty line written, trimmed.
func (t *tail) lastLine() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := bytes.Split(bytes.TrimSpace(t.buf), []byte("\n"))
	return strings.TrimSpace(string(lines[len(lines)-1]))
}
