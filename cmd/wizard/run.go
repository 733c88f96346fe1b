package main

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/spf13/cobra"

	"wizard/steps"
	"wizard/store"
	"wizard/ui"
)

// runStart is `wizard`: offer the most recent unfinished session, or start a new one.
func runStart(ctx context.Context, g *globals, forceNew bool) error {
	st, err := g.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	w := g.words()
	sess := store.Session{ID: store.NewID()}
	resumed := false
	if !forceNew {
		latest, ok, err := st.Latest(true)
		if err != nil {
			return fail(1, "cannot read the data file %s: %v", st.Path(), err)
		}
		if ok {
			resume := true
			q := huh.NewConfirm().
				Title(w.T("start.offer_title", latest.ID)).
				Description(w.T("start.offer_body", describe(latest), w.T("step."+latest.Step), latest.UpdatedAt.Local().Format("2006-01-02 15:04"))).
				Affirmative(w.T("start.offer_resume")).Negative(w.T("start.offer_new")).
				Value(&resume)
			if err := huh.NewForm(huh.NewGroup(q)).WithTheme(ui.Theme).RunWithContext(ctx); err != nil {
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
	return runSession(ctx, g, st, sess, resumed)
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

func newResumeCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "resume [ID]",
		Short: "Carry on with a saved signup (the most recent unfinished one without an ID)",
		Long: `Opens a saved signup at its step. Without an ID, the most recently updated one that is
active or waiting. A finished signup cannot be resumed ('wizard show ID' prints it); an
abandoned one can, by its ID: that reopens it, and the history records who did.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			id := ""
			if len(args) > 0 {
				id = args[0]
			}
			sess, err := g.resumeTarget(st, id)
			if err != nil {
				return err
			}
			return runSession(cmd.Context(), g, st, sess, true)
		},
	}
}

// resumeTarget picks the signup `wizard resume [ID]` opens. A finished one is
// refused; an abandoned one named by its id is reopened (saved as active, with
// a "reopened" event) first.
func (g *globals) resumeTarget(st *store.Store, id string) (store.Session, error) {
	if id == "" {
		s, ok, err := st.Latest(true)
		if err != nil {
			return s, g.fail(1, "cli.read_failed", st.Path(), err)
		}
		if !ok {
			return s, g.fail(1, "cli.resume.none")
		}
		return s, nil
	}
	s, err := g.loadSession(st, id)
	if err != nil {
		return s, err
	}
	switch s.Status {
	case store.StatusDone:
		return s, g.fail(1, "cli.resume.done", s.ID)
	case store.StatusAbandoned:
		s.Status, s.UpdatedAt, s.UpdatedBy = store.StatusActive, g.clock(), who()
		ev := store.Event{At: s.UpdatedAt, By: s.UpdatedBy, Kind: "reopened", Detail: "abandoned signup reopened with wizard resume"}
		if err := st.Save(&s, ev); err != nil {
			return s, g.fail(1, "cli.save_failed", s.ID, st.Path(), err)
		}
		printf(g.stderr, "%s\n", g.words().T("cli.resume.reopened", s.ID))
	}
	return s, nil
}

// runSession runs the shell on one session until it is finished, parked or interrupted.
func runSession(ctx context.Context, g *globals, st *store.Store, sess store.Session, resumed bool) error {
	svc, err := g.services()
	if err != nil {
		return err
	}
	defer svc.stop()
	env := g.env(svc)
	env.Theme = ui.Theme
	app := ui.New(ui.Options{Store: st, Env: env, Session: sess, Resumed: resumed, User: who()})
	p := tea.NewProgram(app, tea.WithContext(ctx), tea.WithInput(g.stdin), tea.WithOutput(g.stdout))
	_, runErr := p.Run()
	w, final := env.Words, app.Session()
	switch {
	case runErr != nil && !errors.Is(runErr, tea.ErrInterrupted) && !errors.Is(runErr, tea.ErrProgramKilled):
		printf(g.stderr, "%s\n", w.T("exit.error", runErr, final.ID))
		return fail(1, "%v", runErr)
	case app.Exit() == ui.ExitFinished:
		printf(g.stdout, "%s\n", w.T("exit.finished", final.ID))
	case app.Exit() == ui.ExitParked:
		printf(g.stdout, "%s\n", w.T("exit.parked", final.ID, final.WaitingReason))
	default:
		printf(g.stdout, "%s\n", w.T("exit.saved", final.ID, w.T("step."+string(steps.Next(final)))))
	}
	return nil
}
