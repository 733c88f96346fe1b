package main

import (
	"context"
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"wizard/client/sandbox"
	"wizard/steps"
	"wizard/store"
	"wizard/termsafe"
)

// `wizard demo reset ID STEP`: a demo signup goes back to an earlier step of
// its story, so that a trainer can show it again.

type demoResetOptions struct {
	sessionOptions
	ID, Step string
}

func newDemoResetCmd(f *factory) *cobra.Command {
	opts := &demoResetOptions{}
	return &cobra.Command{
		Use:  "reset ID STEP",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID, opts.Step = args[0], args[1]
			if err := f.demoSetup(); err != nil {
				return err
			}
			opts.sessionOptions = f.sessionOptions()
			opts.Words = f.Words()
			return runDemoReset(cmd.Context(), f, opts)
		},
	}
}

// runDemoReset is `wizard demo reset ID STEP`.
func runDemoReset(ctx context.Context, f *factory, opts *demoResetOptions) error {
	w := opts.Words
	to := steps.ID(strings.TrimSpace(opts.Step))
	if steps.Position(to) == 0 || to == steps.Finished {
		var known []string
		for _, id := range steps.Order[:len(steps.Order)-1] {
			known = append(known, string(id))
		}
		return failT(w, 2, "demo.unknown_step", termsafe.Line(opts.Step), strings.Join(known, ", "))
	}
	st, err := opts.OpenStore()
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := loadSession(w, st, opts.ID)
	if err != nil {
		return err
	}
	if s.Demo == "" {
		return failT(w, 1, "demo.real_signup", s.ID)
	}
	from := steps.Next(s)
	if steps.Position(to) >= steps.Position(from) {
		return failT(w, 2, "demo.reset.not_earlier", s.ID, string(from), string(to))
	}
	back := s
	clearFrom(&back, to)
	if steps.Next(back) != to {
		var path []string
		for _, id := range steps.Path(s) {
			if steps.Position(id) < steps.Position(from) {
				path = append(path, string(id))
			}
		}
		return failT(w, 2, "demo.reset.not_on_path", string(to), s.ID, strings.Join(path, ", "))
	}
	hold, err := holdSignup(ctx, &opts.sessionOptions, st, s.ID)
	if err != nil {
		return err
	}
	defer releaseHold(st, hold)
	if s, err = st.Load(ctx, s.ID); err != nil { // as it is now that it is held
		return failT(w, 1, "cli.read_failed", st.Where(), err)
	}
	from, back = steps.Next(s), s
	clearFrom(&back, to)
	if steps.Position(to) >= steps.Position(from) || steps.Next(back) != to {
		return failT(w, 2, "demo.reset.not_earlier", s.ID, string(from), string(to))
	}

	// The sandbox forgets what the cleared steps made, before the signup is
	// saved back: a step done again then finds the sandbox as it was before it.
	var undoErr error
	svc, err := f.builtinSandbox(func(r *sandbox.Running) error {
		if !r.Server.Persistent() {
			undoErr = errSandboxInUse
			return nil
		}
		undoErr = undoInSandbox(r.Server, s, to)
		return nil
	})
	if err != nil {
		return err
	}
	svc.stop()
	if errors.Is(undoErr, errSandboxInUse) {
		return failT(w, 1, "demo.reset.sandbox_busy", s.ID, f.sandboxStatePath())
	}
	if undoErr != nil {
		return failT(w, 1, "demo.reset.sandbox_failed", s.ID, undoErr)
	}

	back.Step, back.UpdatedAt, back.UpdatedBy = string(to), opts.Now(), opts.Who()
	ev := steps.Said("history.demo_reset", string(from), string(to)).
		Event(store.Event{At: back.UpdatedAt, By: back.UpdatedBy, Step: string(to), Kind: "demo.reset"})
	if err := st.Save(ctx, &back, ev, hold); err != nil {
		return failT(w, 1, "cli.save_failed", s.ID, st.Where(), err)
	}
	printf(opts.IO.Out, "%s\n", w.T("demo.reset.done", termsafe.Line(s.ID), w.T("step."+string(to))))
	return nil
}

// errSandboxInUse: another wizard (a demo running) has the sandbox's state file.
var errSandboxInUse = errors.New("the demo sandbox's state is in use by another wizard: close the running demo first")

// clearFrom clears what step to and the steps after it saved in s: the
// signup is then at step to (unless to is not on its path).
func clearFrom(s *store.Session, to steps.ID) {
	pos := steps.Position(to)
	at := func(id steps.ID) bool { return pos <= steps.Position(id) }
	s.Status, s.WaitingReason, s.FinishedAt = store.StatusActive, "", store.Session{}.FinishedAt
	if at(steps.AlphaName) {
		s.Alpha = store.Alpha{}
	}
	if at(steps.Activation) {
		s.Activation = store.Activation{}
	}
	if at(steps.VerifyCode) {
		s.Code = store.Code{}
	}
	if at(steps.Phone) && !steps.Skipped(*s, steps.Phone) {
		s.Phone = store.Phone{}
		s.Profile.SentAt = store.Profile{}.SentAt
	}
	if at(steps.DisplayName) && !steps.Skipped(*s, steps.DisplayName) {
		s.Profile = store.Profile{}
	}
	if at(steps.Signup) {
		s.Signup, s.Phone, s.Profile = store.Signup{}, store.Phone{}, store.Profile{}
	}
	if at(steps.NumberStatus) {
		s.Number, s.Path = store.Number{}, store.PathUnknown
	}
	if at(steps.Company) {
		s.Company.SavedAt = store.Company{}.SavedAt
		s.Company.ApprovedAt, s.Company.ApprovalRef, s.Company.ApprovedBy = store.Company{}.ApprovedAt, "", ""
	}
	if at(steps.VerifyEmail) {
		s.Account.VerifiedAt = store.Account{}.VerifiedAt
	}
	if at(steps.Account) {
		s.Account.ID, s.Account.CreatedAt = "", store.Account{}.CreatedAt
	}
	if at(steps.Terms) {
		s.Terms = store.Terms{}
	}
}

// undoInSandbox makes the sandbox forget what s's steps from to on made.
func undoInSandbox(sb *sandbox.Server, s store.Session, to steps.ID) error {
	pos := steps.Position(to)
	at := func(id steps.ID) bool { return pos <= steps.Position(id) }
	switch {
	case at(steps.Account) && s.Account.ID != "":
		return sb.ForgetAccount(s.Account.ID)
	case at(steps.VerifyEmail) && s.Account.ID != "":
		if err := sb.UnverifyEmail(s.Account.ID); err != nil {
			return err
		}
		fallthrough
	case at(steps.Signup) && s.Signup.SessionID != "":
		return sb.ForgetSignup(s.Signup.SessionID)
	case at(steps.Phone) && s.Phone.ID != "" && !steps.Skipped(s, steps.Phone):
		return sb.ForgetNumber(s.Phone.ID)
	case at(steps.VerifyCode) && s.Phone.ID != "":
		return sb.UnregisterNumber(s.Phone.ID, s.Path == store.PathMigration || steps.PopupVerified(s))
	case at(steps.Activation) && s.Phone.ID != "":
		return sb.ForgetActivation(s.Phone.ID)
	}
	return nil
}
