package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"
)

// The support log is a plain-text file with one line per event saved through
// this Store, written after the transaction that saved it has committed:
//
//	2025-03-14T09:26:53Z K7MQ-4XPD #4 verify-code error by=alice detail="code requested by SMS" error="graph: code 133004 …"
//
// It repeats what the events bucket holds (time, session id, sequence number,
// step, kind, who, detail, error) and nothing else of the session; events never
// hold secrets, so neither does the log. Writing it is best effort: a failed
// write never fails a save.

// SetLog makes the store append a line to w for every event it saves from now
// on; nil stops it. The store does not close w.
func (s *Store) SetLog(w io.Writer) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.closeLogLocked()
	s.log = w
}

// OpenLog makes the store append to the file at path for every event it
// saves; Close closes it. A missing file is created (mode 0600) with its first
// line, so a store that saves nothing leaves no empty log behind.
func (s *Store) OpenLog(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if errors.Is(err, fs.ErrNotExist) {
		f, err = nil, nil
	}
	if err != nil {
		return fmt.Errorf("store: log: %w", err)
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.closeLogLocked()
	s.logPath, s.logFile = path, f
	if f != nil {
		s.log = f
	}
	return nil
}

func (s *Store) closeLogLocked() {
	if s.logFile != nil {
		_ = s.logFile.Close()
	}
	s.log, s.logFile, s.logPath = nil, nil, ""
}

// logEvents writes one line per event, if a log is set.
func (s *Store) logEvents(id string, events ...Event) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	if s.log == nil && s.logPath != "" {
		f, err := os.OpenFile(s.logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return
		}
		s.log, s.logFile = f, f
	}
	if s.log == nil {
		return
	}
	var b strings.Builder
	for _, ev := range events {
		b.WriteString(LogLine(id, ev))
		b.WriteByte('\n')
	}
	_, _ = io.WriteString(s.log, b.String())
}

// LogLine is the support-log line for one event of session id, without the newline.
func LogLine(id string, ev Event) string {
	var b strings.Builder
	b.WriteString(ev.At.UTC().Format(time.RFC3339))
	b.WriteString(" " + id + " #" + strconv.FormatUint(ev.Seq, 10))
	b.WriteString(" " + orDash(ev.Step) + " " + orDash(ev.Kind))
	for _, f := range [...]struct{ name, value string }{{"by", ev.By}, {"detail", ev.Detail}, {"error", ev.Error}} {
		if f.value != "" {
			b.WriteString(" " + f.name + "=" + logValue(f.value))
		}
	}
	return b.String()
}

// logValue keeps a value on one line: quoted unless it is one plain word.
func logValue(v string) string {
	for _, r := range v {
		if r <= ' ' || r == '"' || r == '=' || r == '\\' || r > '~' {
			return strconv.Quote(v)
		}
	}
	return v
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return strings.ReplaceAll(s, " ", "_")
}
