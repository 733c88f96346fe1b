package main

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/spf13/cobra"

	"wizard/assets"
	"wizard/steps"
	"wizard/store"
	"wizard/termsafe"
	"wizard/ui"
)

// sessionOptions are what `wizard` and `wizard resume` need to run the shell.
type sessionOptions struct {
	IO        ioStreams
	Words     *assets.Words
	OpenStore func() (*store.Store, error)
	Services  func() (services, error)  // the services to talk to, started if need be
	Env       func(services) *steps.Env // what the steps work with
	Now       func() time.Time          // the clock of the reopen event
	Who       func() string             // who is at work
	Program   []tea.ProgramOption       // more options of the Bubble Tea program
}

func (f *factory) sessionOptions() sessionOptions {
	return sessionOptions{IO: f.IO, OpenStore: f.OpenStore, Services: f.Services, Env: f.Env, Now: f.Now, Who: f.Who,
		Program: []tea.ProgramOption{tea.WithFPS(frameRate)}}
}

// frameRate is how often a screen is drawn at most, per second: Bubble Tea's
// highest (its default is 60). Bubble Tea draws the first frame only at the
// first tick of its frame clock, so this brings the first frame up to 8 ms
// sooner, and every answer to a key too; an idle screen costs ~4 ms more CPU
// a second (see BENCHMARKS.md, "Start-up and errors").
const frameRate = 120

// startOptions are the options of `wizard` itself.
type startOptions struct {
	sessionOptions
	New bool // --new: do not offer to resume
}

// runStart is `wizard`: offer the most recent unfinished session, or start a new one.
func runStart(ctx context.Context, opts *startOptions) error {
	st, err := opts.OpenStore()
	if err != nil {
		return err
	}
	defer st.Close()
	w := opts.Words
	sess := store.Session{ID: store.NewID()}
	resumed := false
	if !opts.New {
		latest, ok, err := st.Latest(true)
		if err != nil {
			return fail(1, "cannot read the data file %s: %v", st.Path(), err)
		}
		if ok {
			resume := true
			q := huh.NewConfirm().
				Title(w.T("start.offer_title", termsafe.Line(latest.ID))).
				Description(w.T("start.offer_body", termsafe.Line(describe(latest)), termsafe.Line(w.T("step."+latest.Step)), latest.UpdatedAt.Local().Format("2006-01-02 15:04"))).
				Affirmative(w.T("start.offer_resume")).Negative(w.T("start.offer_new")).
				Value(&resume)
			// The question is asked in the terminal, as huh does by default (with
			// standard input not a terminal, it opens /dev/tty). huh appends to
			// the slice of program options it is given: a clipped one is copied.
			form := huh.NewForm(huh.NewGroup(q)).WithTheme(ui.Theme).WithProgramOptions(slices.Clip(opts.Program)...)
			if err := form.RunWithContext(ctx); err != nil {
				if errors.Is(err, huh.ErrUserAborted) {
					return fail(130, "cancelled")
				}
				return fail(1, "cannot ask whether to resume: %v; use 'wizard resume %s' or 'wizard --new'", err, latest.ID)
			}
			if resume {
				sess, resumed = latest, true
			}
		}
	}
	return runSession(ctx, &opts.sessionOptions, st, sess, resumed)
}

// describe names a session for people: its company, else its e-mail, else its id.
func describe(s store.Session) string {
	switch {
	case s.Company.CompanyName != "":
		return s.Company.CompanyName
	case s.Account.Email != "":
		return s.Account.Email
	}
	return s.ID
}

// resumeOptions are the options of `wizard resume`.
type resumeOptions struct {
	sessionOptions
	ID string // the signup to resume; "" for the most recent unfinished one
}

func newResumeCmd(f *factory, runF func(*resumeOptions) error) *cobra.Command {
	opts := &resumeOptions{sessionOptions: f.sessionOptions()}
	return &cobra.Command{
		Use:   "resume [ID]",
		Short: "Carry on with a saved signup (the most recent unfinished one without an ID)",
		Long: `Opens a saved signup at its step. Without an ID, the most recently updated one that is
active or waiting. A finished signup cannot be resumed ('wizard show ID' prints it), except
to ask again about its display name when Meta was still reviewing it: then the provider is
asked, and the new review state is saved (with an event) and sent to the campaign database;
nothing else changes. An abandoned signup can be resumed by its ID: that reopens it, and the
history records who did.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				opts.ID = args[0]
			}
			opts.Words = f.Words()
			if runF != nil {
				return runF(opts)
			}
			return runResume(cmd.Context(), opts)
		},
	}
}

// runResume is `wizard resume [ID]`.
func runResume(ctx context.Context, opts *resumeOptions) error {
	st, err := opts.OpenStore()
	if err != nil {
		return err
	}
	defer st.Close()
	sess, err := resumeTarget(opts, st, opts.ID)
	if err != nil {
		return err
	}
	if sess.Status == store.StatusDone {
		// Only a finished signup whose name waits for Meta's review gets here.
		return refreshName(ctx, opts, st, sess)
	}
	return runSession(ctx, &opts.sessionOptions, st, sess, true)
}

// resumeTarget picks the signup `wizard resume [ID]` opens. A finished one is
// refused, unless its display name was still waiting for Meta's review (then
// that is asked again: see refreshName); an abandoned one named by its id is reopened (saved as active, with
// a "reopened" event) first.
func resumeTarget(opts *resumeOptions, st *store.Store, id string) (store.Session, error) {
	w := opts.Words
	if id == "" {
		s, ok, err := st.Latest(true)
		if err != nil {
			return s, failT(w, 1, "cli.read_failed", st.Path(), err)
		}
		if !ok {
			return s, failT(w, 1, "cli.resume.none")
		}
		return s, nil
	}
	s, err := loadSession(w, st, id)
	if err != nil {
		return s, err
	}
	switch s.Status {
	case store.StatusDone:
		if namePending(s) {
			return s, nil // its display name's review is asked for again (refreshName)
		}
		return s, failT(w, 1, "cli.resume.done", s.ID)
	case store.StatusAbandoned:
		s.Status, s.UpdatedAt, s.UpdatedBy = store.StatusActive, opts.Now(), opts.Who()
		ev := store.Event{At: s.UpdatedAt, By: s.UpdatedBy, Kind: "reopened", Detail: "abandoned signup reopened with wizard resume"}
		if err := st.Save(&s, ev); err != nil {
			return s, failT(w, 1, "cli.save_failed", s.ID, st.Path(), err)
		}
		printf(opts.IO.ErrOut, "%s\n", termsafe.Line(w.T("cli.resume.reopened", s.ID)))
	}
	return s, nil
}

// runSession runs the shell on one session until it is finished, parked or interrupted.
func runSession(ctx context.Context, opts *sessionOptions, st *store.Store, sess store.Session, resumed bool) error {
	svc, err := opts.Services()
	if err != nil {
		return err
	}
	defer svc.stop()
	env := opts.Env(svc)
	env.Theme = ui.Theme
	app := ui.New(ui.Options{Store: st, Env: env, Session: sess, Resumed: resumed, User: opts.Who()})
	popts := append([]tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(opts.IO.In), tea.WithOutput(opts.IO.Out)}, opts.Program...)
	_, runErr := tea.NewProgram(app, popts...).Run()
	w, final := env.Words, app.Session()
	switch {
	case runErr != nil && !errors.Is(runErr, tea.ErrInterrupted) && !errors.Is(runErr, tea.ErrProgramKilled):
		printf(opts.IO.ErrOut, "%s\n", w.T("exit.error", runErr, final.ID))
		return fail(1, "%v", runErr)
	case app.Exit() == ui.ExitUnsaved:
		// Quit after a failed save, knowing it: say what was lost, and end non-zero.
		lost := app.Unsaved()
		var what []string
		for _, ev := range lost {
			what = append(what, ev.Step+": "+ev.Kind)
		}
		printf(opts.IO.ErrOut, "%s\n", termsafe.Text(w.T("exit.unsaved", final.ID, len(lost), strings.Join(what, ", "))))
		return fail(1, "")
	case app.Exit() == ui.ExitFinished:
		printf(opts.IO.Out, "%s\n", w.T("exit.finished", final.ID))
	case app.Exit() == ui.ExitParked:
		printf(opts.IO.Out, "%s\n", w.T("exit.parked", final.ID, final.WaitingReason))
	default:
		printf(opts.IO.Out, "%s\n", w.T("exit.saved", final.ID, w.T("step."+string(steps.Next(final)))))
	}
	return nil
}
