package steps

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"wizard/client"
	"wizard/client/callback"
	"wizard/store"
)

// signupEvents are the results of Meta's Embedded Signup (WA_EMBEDDED_SIGNUP events).
var signupEvents = []string{"FINISH", "FINISH_ONLY_WABA", "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING",
	"FINISH_OBO_MIGRATION", "FINISH_GRANT_ONLY_API_ACCESS", "CANCEL"}

// take ends the wait with a result, from whichever way it came (via, for the
// history): a FINISH ends the step; a CANCEL or an error is saved and shown,
// and the user may start again. Every other way of waiting is stopped.
func (m *signup) take(r client.SignupResult, via string) (tea.Cmd, Outcome) {
	m.taken, m.paste, m.lastErr, m.openErr = true, nil, nil, nil
	m.poll.stop()
	m.poll.cancel()
	live := m.live
	m.live, m.env.signup = nil, nil

	sg := m.sess.Signup
	sg.Event, sg.WABAID, sg.BusinessID, sg.PhoneNumberID = r.Event, r.WABAID, r.BusinessID, r.PhoneNumberID
	sg.CancelStep, sg.ErrorMessage, sg.FinishedAt = r.CurrentStep, r.ErrorMessage, m.env.Clock.Now()
	m.sess.Signup = sg

	if SignupFinished(sg.Event) && r.Status != client.SignupError {
		detail := "signup " + sg.Event + " (from " + via + "): WABA " + sg.WABAID + ", business " + sg.BusinessID
		return closeLive(live), Done{Step: Signup, Detail: detail, Apply: func(s *store.Session) {
			s.Signup = sg
			if sg.PhoneNumberID != "" && s.Path == store.PathMigration {
				s.Phone.ID = sg.PhoneNumberID
			}
		}}
	}
	detail := "signup " + sg.Event
	if sg.CancelStep != "" {
		detail += " at " + sg.CancelStep
	}
	if sg.ErrorMessage != "" {
		detail += ": " + sg.ErrorMessage
	}
	if r.ErrorCode != "" {
		detail += " (code " + r.ErrorCode + ")"
	}
	detail += " (from " + via + ")"
	return closeLive(live), Record{Step: Signup, Kind: "signup.cancelled", Detail: detail,
		Apply: func(s *store.Session) { s.Signup = sg }}
}

// fromCallback turns the callback's result into the partner's shape.
func fromCallback(r callback.Result) client.SignupResult {
	out := client.SignupResult{ID: r.SignupID, Status: r.Status, Event: strings.ToUpper(strings.TrimSpace(r.Event)),
		WABAID: r.WABAID, BusinessID: r.BusinessID, PhoneNumberID: r.PhoneNumberID,
		CurrentStep: r.CurrentStep, ErrorMessage: r.ErrorMessage, ErrorCode: r.ErrorCode}
	if out.Status == "" {
		out.Status = signupStatus(out)
	}
	return out
}

// signupStatus is the partner's status for a result that came without one.
func signupStatus(r client.SignupResult) string {
	switch {
	case SignupFinished(r.Event):
		return client.SignupFinished
	case r.ErrorMessage != "" || r.ErrorCode != "":
		return client.SignupError
	}
	return client.SignupCancelled
}
