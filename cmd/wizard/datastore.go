package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"

	"wizard/assets"
	"wizard/store"
	"wizard/store/postgres"
	"wizard/termsafe"
)

// dataStore is where the commands keep signups: the local data file (the
// default) or a team's PostgreSQL database (--store), both the same contract,
// with the support log that stays on this machine.
type dataStore interface {
	store.Engine
	OpenLog(path string) error
}

// teamConnectTimeout bounds reaching the team's database.
const teamConnectTimeout = 10 * time.Second

// isTeamStoreURL reports whether s names a PostgreSQL database.
func isTeamStoreURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// openTeamStore connects to the team store --store names. Its support log is
// kept on this machine, next to where the data file would be.
func (f *factory) openTeamStore() (dataStore, error) {
	if !isTeamStoreURL(f.flags.storeURL) {
		return nil, failT(f.Words(), 2, "cli.team.not_url")
	}
	if f.flags.dataPath != "" {
		return nil, failT(f.Words(), 2, "cli.team.and_data")
	}
	return f.openTeamStoreAt(f.flags.storeURL)
}

// openTeamStoreAt connects to the team store at u.
func (f *factory) openTeamStoreAt(u string) (dataStore, error) {
	w := f.Words()
	ctx, cancel := context.WithTimeout(context.Background(), teamConnectTimeout)
	defer cancel()
	e, err := postgres.Open(ctx, u, postgres.Options{})
	if err != nil {
		if se, ok := errors.AsType[*store.SchemaError](err); ok {
			return nil, failT(w, 1, "cli.team.newer", strconv.Itoa(se.Have), strconv.Itoa(se.Want))
		}
		// The error names the database without its password.
		return nil, failT(w, 1, "cli.team.unreachable", termsafe.Line(err.Error()))
	}
	if p, err := store.DefaultPath(); err == nil {
		log := filepath.Join(filepath.Dir(p), "team.log")
		if err := os.MkdirAll(filepath.Dir(log), 0o700); err == nil {
			if err := e.OpenLog(log); err != nil {
				printf(f.IO.ErrOut, "%s\n", w.T("cli.log.unavailable", log, err))
			}
		}
	}
	return e, nil
}

// holdsByID are the live holds of st, by signup id; nil if they cannot be read.
func holdsByID(ctx context.Context, st store.Engine) map[string]store.Hold {
	hs, err := st.Holds(ctx)
	if err != nil {
		return nil
	}
	m := make(map[string]store.Hold, len(hs))
	for _, h := range hs {
		m[h.ID] = h
	}
	return m
}

// heldBy says who holds a signup, for people: "aigerim on OFFICE-PC-3 since 10:42".
func heldBy(w *assets.Words, h store.Hold) string {
	return w.T("cli.held_by", termsafe.Line(dash(h.Holder.Who)), termsafe.Line(dash(h.Holder.Machine)), w.Time(h.Since.Local()))
}

// machineName is this computer's name, as holds show it.
func machineName() string {
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "unknown"
}

// isTerminal reports whether w is a terminal (to redraw a list in place).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// isTerminalReader reports whether r is a terminal (the answers of the screens come from it).
func isTerminalReader(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// openStoreAt opens the store named by where: a team store's address, or a
// data file's path (created if need be, unless readOnly).
func (f *factory) openStoreAt(where string, readOnly bool) (dataStore, error) {
	if isTeamStoreURL(where) {
		return f.openTeamStoreAt(where)
	}
	st, err := store.Open(where, store.Options{Timeout: f.flags.lockTimeout, ReadOnly: readOnly})
	if _, none := errors.AsType[*store.NoFileError](err); none {
		return nil, failT(f.Words(), 1, "cli.copy.no_file", where)
	}
	if err != nil {
		return nil, openError(f.Words(), where, err)
	}
	if !readOnly {
		if err := st.OpenLog(logFile(where)); err != nil {
			printf(f.IO.ErrOut, "%s\n", f.Words().T("cli.log.unavailable", logFile(where), err))
		}
	}
	return st, nil
}

// holderGone frees h if its holder was a wizard on this machine whose
// process has ended (killed, crashed) without giving the hold up: nobody need
// wait for it to expire. It reports whether h was freed.
func holderGone(ctx context.Context, st store.Engine, h store.Hold) bool {
	if h.Holder.Machine != machineName() || processAlive(h.Holder.PID) {
		return false
	}
	return st.Break(ctx, h) == nil
}
