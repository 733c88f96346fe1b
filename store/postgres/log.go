package postgres

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"wizard/store"
)

// The support log stays on the wizard's own machine even when signups are in
// the team's database: one line per event this engine saves or imports
// (store.LogLine), written after the statement that saved it has committed,
// as the file engine writes it. Best effort: a failed write never fails a save.

// SetLog makes the engine append a line to w for every event it saves from
// now on; nil stops it. The engine does not close w.
func (e *Engine) SetLog(w io.Writer) {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	e.closeLogLocked()
	e.log = w
}

// OpenLog makes the engine append to the file at path for every event it
// saves; Close closes it. A missing file is created (mode 0600) with its first
// line, so an engine that saves nothing leaves no empty log behind.
func (e *Engine) OpenLog(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if errors.Is(err, fs.ErrNotExist) {
		f, err = nil, nil
	}
	if err != nil {
		return fmt.Errorf("store: log: %w", err)
	}
	e.logMu.Lock()
	defer e.logMu.Unlock()
	e.closeLogLocked()
	e.logPath, e.logFile = path, f
	if f != nil {
		e.log = f
	}
	return nil
}

func (e *Engine) closeLogLocked() {
	if e.logFile != nil {
		_ = e.logFile.Close()
	}
	e.log, e.logFile, e.logPath = nil, nil, ""
}

// logEvents writes one line per event, if a log is set.
func (e *Engine) logEvents(id string, events ...store.Event) {
	if len(events) == 0 {
		return
	}
	e.logMu.Lock()
	defer e.logMu.Unlock()
	if e.log == nil && e.logPath != "" {
		f, err := os.OpenFile(e.logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return
		}
		e.log, e.logFile = f, f
	}
	if e.log == nil {
		return
	}
	var b strings.Builder
	for _, ev := range events {
		b.WriteString(store.LogLine(id, ev))
		b.WriteByte('\n')
	}
	_, _ = io.WriteString(e.log, b.String())
}
