package main

import (
	"context"
	"time"

	"wizard/steps"
	"wizard/steps/rules"
	"wizard/store"
	"wizard/termsafe"
)

// refreshTimeout bounds the calls of a name refresh.
const refreshTimeout = 30 * time.Second

// namePending reports whether a finished signup's display name was still
// waiting for Meta's review when it was last read.
func namePending(s store.Session) bool {
	return s.Status == store.StatusDone && s.Alpha.NameStatus == rules.NamePendingReview
}

// refreshName is `wizard resume` on a finished signup whose display name was
// waiting for Meta's review: it asks the provider for the number's state; a
// new review state is sent to the campaign database first, then saved in the
// signup with an event (nothing else changes); a state still pending is saved
// as checked. It says what happened.
func refreshName(ctx context.Context, opts *resumeOptions, st dataStore, s store.Session, hold *store.Hold) error {
	w := opts.Words
	name := termsafe.Line(s.Alpha.Name)
	printf(opts.IO.Out, "%s\n", w.T("cli.resume.refreshing", s.ID, name))
	svc, err := opts.Services()
	if err != nil {
		return err
	}
	defer svc.stop()
	clients := opts.Env(svc).Clients
	ctx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()

	nst, err := clients.Partner.Number(ctx, s.Signup.SessionID, s.Phone.ID)
	if err != nil {
		return failT(w, 1, "cli.resume.refresh_failed", s.ID, steps.Explain(w, err))
	}
	old, status := s.Alpha.NameStatus, steps.ReviewOf(nst, s.Alpha.Name)
	changed := status != "" && status != old
	detail := steps.Said("history.name_rechecked_same", old)
	if changed {
		a, _, err := clients.OCM.SaveAlphaNameStatus(ctx, s.Alpha.Name, s.Alpha.Country, status)
		if err != nil {
			return failT(w, 1, "cli.resume.ocm_failed", steps.NameReview(w, status), steps.Explain(w, err), s.ID)
		}
		detail = steps.Said("history.name_rechecked_changed", old, status, a.ID)
		s.Alpha.NameStatus = status
	}
	now := opts.Now()
	s.Alpha.CheckedAt, s.UpdatedAt, s.UpdatedBy = now, now, opts.Who()
	ev := detail.Event(store.Event{At: now, By: s.UpdatedBy, Step: string(steps.AlphaName), Kind: "name.refreshed"})
	if err := st.Save(ctx, &s, ev, hold); err != nil {
		return failT(w, 1, "cli.save_failed", s.ID, st.Where(), err)
	}
	if changed {
		printf(opts.IO.Out, "%s\n", w.T("cli.resume.refreshed", name, steps.NameReview(w, status),
			steps.NameReview(w, old), termsafe.Line(s.Alpha.ID)))
	} else {
		printf(opts.IO.Out, "%s\n", w.T("cli.resume.still_pending", name, steps.NameReview(w, old), s.ID))
	}
	return nil
}
