package main

import (
	"context"
	"strconv"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"wizard/assets"
	"wizard/store"
	"wizard/termsafe"
	"wizard/ui"
	"wizard/ui/plain"
)

// The line-by-line mode (issue 13): `wizard --accessible`, ACCESSIBLE=1, or
// by itself with TERM=dumb. The same shell runs behind package plain's front,
// which says each question as text and reads one answer a line, from a
// terminal, a screen reader or a pipe.

// accessible reports whether the line-by-line mode is asked for: --accessible,
// ACCESSIBLE set to a true value, or a terminal that can do nothing else (TERM=dumb).
func (f *factory) accessible() bool {
	if f.flags.accessible {
		return true
	}
	if v := strings.TrimSpace(f.Getenv("ACCESSIBLE")); v != "" {
		if on, err := strconv.ParseBool(v); err == nil {
			return on
		}
		return true // set to something: asked for
	}
	return f.Getenv("TERM") == "dumb"
}

// addAccessibleFlag gives cmd (wizard, wizard resume: the commands with
// screens) the --accessible flag.
func addAccessibleFlag(cmd *cobra.Command, g *globalFlags) {
	cmd.Flags().BoolVar(&g.accessible, "accessible", false, "") // help.flag.accessible
}

// lineReader is the one reader of the answers in the line-by-line mode: the
// resume offer and the front read from it, so that no line is lost between them.
func (opts *sessionOptions) lineReader() *plain.Reader {
	if opts.lines == nil {
		opts.lines = plain.NewReader(opts.IO.In)
	}
	return opts.lines
}

// isAccessible reports whether this run is in the line-by-line mode.
func (opts *sessionOptions) isAccessible() bool { return opts.Accessible != nil && opts.Accessible() }

// askResumeLines is the resume offer as a line-by-line question.
func askResumeLines(opts *startOptions, title, body, yes, no string) (bool, error) {
	rd := opts.lineReader()
	opts.asked = true
	return plain.AskYesNo(rd, opts.IO.Out, opts.Words, title, body, yes, no, true)
}

// runLines runs the shell app behind the line-by-line front until it ends.
func runLines(ctx context.Context, opts *sessionOptions, app *ui.App, w *assets.Words) error {
	front := plain.New(app, plain.Options{In: opts.lineReader(), Out: termsafe.NewWriter(opts.IO.Out), Words: w, NoIntro: opts.asked})
	popts := append([]tea.ProgramOption{tea.WithContext(ctx)}, plain.ProgramOptions()...)
	_, err := tea.NewProgram(front, popts...).Run()
	front.Flush()
	return err
}

// lazyCreate keeps a new signup out of the data file until its first answer
// is saved: the shell's "created" save (made as it starts) is held back and
// written, with the session as it is then, just before the first save that
// carries an answer. A run that ends before any answer leaves nothing behind.
// Every other call goes to the store as it is.
type lazyCreate struct {
	ui.Store
	mu      sync.Mutex
	created *store.Event // the "created" event not written yet
	wrote   bool         // something was written
}

func newLazyCreate(st ui.Store, resumed bool) *lazyCreate {
	return &lazyCreate{Store: st, wrote: resumed}
}

func (l *lazyCreate) Save(ctx context.Context, sess *store.Session, ev store.Event, hold *store.Hold) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.wrote && l.created == nil && ev.Kind == "created" && sess.Rev == 0 {
		l.created = &ev
		return nil
	}
	if l.created != nil {
		first := *sess
		if err := l.Store.Save(ctx, &first, *l.created, hold); err != nil {
			return err
		}
		l.created, l.wrote = nil, true
		sess.Rev = first.Rev
	}
	if err := l.Store.Save(ctx, sess, ev, hold); err != nil {
		return err
	}
	l.wrote = true
	return nil
}

// written reports whether the signup is in the data file.
func (l *lazyCreate) written() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.wrote
}
