package main

import (
	"context"
	"errors"
	"os"
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
	"wizard/ui/plain"
)

// sessionOptions are what `wizard` and `wizard resume` need to run the shell.
type sessionOptions struct {
	IO        ioStreams
	Words     *assets.Words
	OpenStore func() (dataStore, error)
	Services  func() (services, error)  // the services to talk to, started if need be
	Env       func(services) *steps.Env // what the steps work with
	Now       func() time.Time          // the clock of the reopen event
	Who       func() string             // who is at work
	Program   []tea.ProgramOption       // more options of the Bubble Tea program
	Terminal  func() bool               // whether the answers come from a terminal (standard input is one)
	// SessionWords are the words a signup is worked in (language.go); nil: Words.
	SessionWords func(store.Session) *assets.Words
	// Accessible says whether the screens are the line-by-line front (see accessible.go).
	Accessible func() bool

	lines *plain.Reader // the answers' reader in that mode, made on first use
	asked bool          // a line-by-line question was asked before the shell started
}

func (f *factory) sessionOptions() sessionOptions {
	return sessionOptions{IO: f.IO, OpenStore: f.OpenStore, Services: f.Services, Env: f.Env, Now: f.Now, Who: f.Who,
		Program:  []tea.ProgramOption{tea.WithFPS(frameRate)},
		Terminal: func() bool { return isTerminalReader(f.IO.In) }, SessionWords: f.SessionWords, Accessible: f.accessible}
}

// needTerminal is the refusal of `wizard` and `wizard resume` to run when
// standard input is no terminal (a pipe, a file, /dev/null): the screens
// would read no answers, and a signup would be created for nothing. It is
// said before anything is created; the support commands work anywhere.
func needTerminal(opts *sessionOptions, command string) error {
	if opts.Terminal == nil || opts.Terminal() || opts.isAccessible() {
		return nil
	}
	return failT(opts.Words, 1, "cli.no_terminal", command)
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
	if err := needTerminal(&opts.sessionOptions, "wizard"); err != nil {
		return err
	}
	st, err := opts.OpenStore()
	if err != nil {
		return err
	}
	defer st.Close()
	w := opts.Words
	sess := store.Session{ID: store.NewID(), Language: w.Language().String()}
	resumed := false
	if !opts.New {
		latest, ok, err := offerToResume(ctx, opts, st)
		if err != nil {
			return err
		}
		if ok {
			resume, err := askResume(ctx, opts, latest)
			if err != nil {
				return err
			}
			if resume {
				sess, resumed = latest, true
			}
		}
	}
	hold, err := holdSignup(ctx, &opts.sessionOptions, st, sess.ID)
	if err != nil {
		return err
	}
	return runHeldSession(ctx, &opts.sessionOptions, st, sess, resumed, hold)
}

// askResume asks whether to carry on with latest (true) or start a new signup.
func askResume(ctx context.Context, opts *startOptions, latest store.Session) (bool, error) {
	w := opts.Words
	resume := true
	title := w.T("start.offer_title", termsafe.Line(latest.ID))
	body := w.T("start.offer_body", termsafe.Line(describe(latest)), termsafe.Line(w.T("step."+latest.Step)), w.DateTime(latest.UpdatedAt.Local()))
	if opts.isAccessible() {
		resume, err := askResumeLines(opts, title, body, w.T("start.offer_resume"), w.T("start.offer_new"))
		if err != nil {
			return false, failT(w, codeInterrupted, "cli.start.cancelled")
		}
		return resume, nil
	}
	q := huh.NewConfirm().Title(title).Description(body).
		Affirmative(w.T("start.offer_resume")).Negative(w.T("start.offer_new")).
		Value(&resume)
	// The question is asked in the terminal, as huh does by default (with
	// standard input not a terminal, it opens /dev/tty). huh appends to
	// the slice of program options it is given: a clipped one is copied.
	form := huh.NewForm(huh.NewGroup(q)).WithTheme(ui.Theme).WithProgramOptions(slices.Clip(opts.Program)...)
	if err := form.RunWithContext(ctx); err != nil {
		if errors.Is(err, huh.ErrUserAborted) {
			return false, failT(w, codeInterrupted, "cli.start.cancelled")
		}
		return false, failT(w, codeError, "cli.start.ask_failed", err, latest.ID)
	}
	return resume, nil
}

// offerToResume is the signup `wizard` offers to carry on: the most recent
// unfinished one this user last worked on that no wizard holds now. The ones
// skipped because someone holds them are named, so nobody wonders where they went.
func offerToResume(ctx context.Context, opts *startOptions, st dataStore) (store.Session, bool, error) {
	w := opts.Words
	holds := holdsByID(ctx, st)
	q := store.Query{Statuses: store.Resumable, By: opts.Who(), Limit: 20}
	page, err := st.List(ctx, q)
	if err != nil {
		return store.Session{}, false, failT(w, 1, "cli.read_failed", st.Where(), err)
	}
	for _, s := range page.Sessions {
		h, held := holds[s.ID]
		if !held || holderGone(ctx, st, h) {
			return s, true, nil
		}
		printf(opts.IO.ErrOut, "%s\n", w.T("cli.start.held_skipped", s.ID, termsafe.Line(describe(s)), heldBy(w, h)))
	}
	return store.Session{}, false, nil
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
	cmd := &cobra.Command{
		Use:  "resume [ID]",
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
	addAccessibleFlag(cmd, &f.flags)
	return cmd
}

// runResume is `wizard resume [ID]`.
func runResume(ctx context.Context, opts *resumeOptions) error {
	st, err := opts.OpenStore()
	if err != nil {
		return err
	}
	defer st.Close()
	chosen, err := resumeChoice(opts, st, opts.ID)
	if err != nil {
		return err
	}
	if chosen.Status != store.StatusDone { // a finished one's name review is asked for without screens
		if err := needTerminal(&opts.sessionOptions, "wizard resume "+chosen.ID); err != nil {
			return err
		}
	}
	sess, hold, err := takeResumed(ctx, opts, st, chosen)
	if err != nil {
		return err
	}
	if sess.Status == store.StatusDone {
		// Only a finished signup whose name waits for Meta's review gets here.
		defer releaseHold(st, hold)
		return refreshName(ctx, opts, st, sess, hold)
	}
	return runHeldSession(ctx, &opts.sessionOptions, st, sess, true, hold)
}

// resumeTarget picks the signup `wizard resume [ID]` opens. A finished one is
// refused, unless its display name was still waiting for Meta's review (then
// that is asked again: see refreshName); an abandoned one named by its id is reopened (saved as active, with
// a "reopened" event) first.
func resumeTarget(ctx context.Context, opts *resumeOptions, st dataStore, id string) (store.Session, *store.Hold, error) {
	s, err := resumeChoice(opts, st, id)
	if err != nil {
		return s, nil, err
	}
	return takeResumed(ctx, opts, st, s)
}

// takeResumed holds s, the signup resumeChoice picked, and reopens it if it
// was abandoned.
func takeResumed(ctx context.Context, opts *resumeOptions, st dataStore, s store.Session) (store.Session, *store.Hold, error) {
	hold, err := holdSignup(ctx, &opts.sessionOptions, st, s.ID)
	if err != nil {
		return s, nil, err
	}
	if s.Status == store.StatusAbandoned {
		if s, err = st.Load(ctx, s.ID); err != nil { // as it is now that it is held
			releaseHold(st, hold)
			return s, nil, failT(opts.Words, 1, "cli.read_failed", st.Where(), err)
		}
		s.Status, s.UpdatedAt, s.UpdatedBy = store.StatusActive, opts.Now(), opts.Who()
		ev := steps.Said("history.reopened").Event(store.Event{At: s.UpdatedAt, By: s.UpdatedBy, Kind: "reopened"})
		if err := st.Save(ctx, &s, ev, hold); err != nil {
			releaseHold(st, hold)
			return s, nil, failT(opts.Words, 1, "cli.save_failed", s.ID, st.Where(), err)
		}
		printf(opts.IO.ErrOut, "%s\n", termsafe.Line(opts.Words.T("cli.resume.reopened", s.ID)))
	}
	return s, hold, nil
}

// resumeChoice is the signup `wizard resume [ID]` means, before it is held.
func resumeChoice(opts *resumeOptions, st dataStore, id string) (store.Session, error) {
	w := opts.Words
	if id == "" {
		s, ok, err := st.Latest(context.Background(), store.Query{Statuses: store.Resumable, By: opts.Who()})
		if err != nil {
			return s, failT(w, 1, "cli.read_failed", st.Where(), err)
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
	if s.Status == store.StatusDone {
		if namePending(s) {
			return s, nil // its display name's review is asked for again (refreshName)
		}
		return s, failT(w, 1, "cli.resume.done", s.ID)
	}
	return s, nil // an abandoned one is reopened once it is held (resumeTarget)
}

// holdSignup takes this wizard's hold on signup id, or says who has it.
func holdSignup(ctx context.Context, opts *sessionOptions, st dataStore, id string) (*store.Hold, error) {
	w := opts.Words
	me := store.Holder{Who: opts.Who(), Machine: machineName(), PID: os.Getpid()}
	h, err := st.Acquire(ctx, id, me, store.DefaultHoldTTL)
	if he, held := errors.AsType[*store.HeldError](err); held && holderGone(ctx, st, he.Hold) {
		h, err = st.Acquire(ctx, id, me, store.DefaultHoldTTL)
	}
	if he, held := errors.AsType[*store.HeldError](err); held {
		return nil, failT(w, 1, "cli.held.open", id, heldBy(w, he.Hold))
	}
	if err != nil {
		return nil, failT(w, 1, "cli.held.failed", id, st.Where(), err)
	}
	return h, nil
}

// releaseHold gives a hold up (the signup is free at once for others; a
// hold that is not released expires by itself).
func releaseHold(st dataStore, h *store.Hold) {
	if h == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_ = st.Release(ctx, h)
}

// runHeldSession runs the shell on a signup this wizard holds, and gives the
// hold up at the end.
func runHeldSession(ctx context.Context, opts *sessionOptions, st dataStore, sess store.Session, resumed bool, hold *store.Hold) error {
	var app *ui.App
	defer func() {
		if app != nil {
			hold = app.Hold() // the shell may have taken it again after it lapsed
		}
		releaseHold(st, hold)
	}()
	return runSession(ctx, opts, st, sess, resumed, hold, &app)
}

// runSession runs the shell on one session until it is finished, parked or interrupted.
func runSession(ctx context.Context, opts *sessionOptions, st dataStore, sess store.Session, resumed bool, hold *store.Hold, shell **ui.App) error {
	svc, err := opts.Services()
	if err != nil {
		return err
	}
	defer svc.stop()
	if svc.rebase != nil && sess.Signup.URL != "" {
		// The built-in sandbox may listen on another port than when it gave
		// the signup page's address: the page is the same at the new one.
		sess.Signup.URL = svc.rebase(sess.Signup.URL)
	}
	env := opts.Env(svc)
	if opts.SessionWords != nil {
		env.Words = opts.SessionWords(sess)
	}
	env.Theme = ui.Theme
	var saves ui.Store = st
	var lazy *lazyCreate
	if opts.isAccessible() {
		lazy = newLazyCreate(st, resumed)
		saves = lazy
	}
	app := ui.New(ui.Options{Store: saves, Env: env, Session: sess, Resumed: resumed, User: opts.Who(), Hold: hold})
	*shell = app
	var runErr error
	if opts.isAccessible() {
		runErr = runLines(ctx, opts, app, env.Words)
	} else {
		popts := append([]tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(opts.IO.In), tea.WithOutput(opts.IO.Out)}, opts.Program...)
		_, runErr = tea.NewProgram(app, popts...).Run()
	}
	w, final := env.Words, app.Session()
	switch {
	case runErr != nil && !errors.Is(runErr, tea.ErrInterrupted) && !errors.Is(runErr, tea.ErrProgramKilled):
		printf(opts.IO.ErrOut, "%s\n", w.T("exit.error", runErr, final.ID))
		return fail(1, "%v", runErr)
	case app.Exit() == ui.ExitUnsaved:
		// Quit after a failed save, knowing it (or after someone else took the
		// signup over): say what was lost, and end non-zero.
		if h, taken := app.TakenOver(); taken {
			printf(opts.IO.ErrOut, "%s\n", w.T("exit.taken_over", final.ID, heldBy(w, h)))
		}
		lost := app.Unsaved()
		var what []string
		for _, ev := range lost {
			what = append(what, ev.Step+": "+ev.Kind)
		}
		printf(opts.IO.ErrOut, "%s\n", termsafe.Text(w.T("exit.unsaved", final.ID, len(lost), strings.Join(what, ", "))))
		return fail(1, "")
	case app.Exit() == ui.ExitFinished:
		printf(opts.IO.Out, "%s\n", w.T("exit.finished", final.ID))
	case app.Exit() == ui.ExitAbandoned:
		printf(opts.IO.Out, "%s\n", w.T("exit.abandoned_elsewhere", final.ID, termsafe.Line(dash(final.UpdatedBy))))
	case app.Exit() == ui.ExitParked:
		printf(opts.IO.Out, "%s\n", w.T("exit.parked", final.ID, final.WaitingReason))
	case lazy != nil && !lazy.written():
		printf(opts.IO.Out, "%s\n", w.T("accessible.nothing_saved"))
	default:
		printf(opts.IO.Out, "%s\n", w.T("exit.saved", final.ID, w.T("step."+string(steps.Next(final)))))
	}
	return nil
}
