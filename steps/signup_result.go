package steps

import (
	"context"
	"errors"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"wizard/client"
	"wizard/client/callback"
	"wizard/steps/rules"
	"wizard/store"
)

// signupEvents are the results of Meta's Embedded Signup (WA_EMBEDDED_SIGNUP events).
var signupEvents = []string{"FINISH", "FINISH_ONLY_WABA", "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING",
	"FINISH_OBO_MIGRATION", "FINISH_GRANT_ONLY_API_ACCESS", "CANCEL"}

// take ends the wait with a result, from whichever way it came (via, the
// history's "history.via." key for it): a FINISH is saved and then read (readFinished); a CANCEL or an
// error is saved and shown, and the user may start again. Every other way of
// waiting is stopped.
func (m *signup) take(r client.SignupResult, via string) (tea.Cmd, Outcome) {
	m.taken, m.paste, m.lastErr, m.openErr = true, nil, nil, nil
	m.poll.stop()
	m.poll.cancel()
	live := m.live
	m.live, m.env.signup = nil, nil

	sg := m.sess.Signup
	sg.Event, sg.WABAID, sg.BusinessID, sg.PhoneNumberID = r.Event, r.WABAID, r.BusinessID, r.PhoneNumberID
	sg.CancelStep, sg.ErrorMessage, sg.FinishedAt = r.CurrentStep, r.ErrorMessage, m.env.Clock.Now()
	sg.ErrorID, sg.ErrorSessionID, sg.ErrorTime, sg.ErrorCode = r.ErrorID, r.SessionID, r.Timestamp, r.ErrorCode
	sg.Stage, sg.StageReason, sg.ReadPending = "", "", false
	sg.NumberStatus, sg.VerifiedName, sg.NameStatus, sg.DisplayPhone, sg.ReadAt = "", "", "", "", time.Time{}

	if SignupFinished(sg.Event) && r.Status != client.SignupError {
		// Saved first, then read: the provider's stage and the number's state
		// decide where the flow goes (a kill in between reads again on resume).
		sg.ReadPending = true
		detail := Said("history.signup_finished", sg.Event, sg.WABAID, sg.BusinessID)
		if sg.PhoneNumberID != "" {
			detail = detail.And("history.signup_number", sg.PhoneNumberID)
		}
		detail = detail.And(via)
		m.via = via
		return closeLive(live), Record{Step: Signup, Kind: "signup.finished", Detail: detail,
			Apply: func(s *store.Session) { s.Signup = sg }, Reply: signupSaved{gen: m.gen, sg: sg, read: true}}
	}
	detail := Said("history.signup_ended", sg.Event)
	if sg.CancelStep != "" {
		detail = Said("history.signup_ended_at", sg.Event, sg.CancelStep)
	}
	if sg.ErrorMessage != "" {
		detail = detail.And("history.signup_meta_said", sg.ErrorMessage)
	}
	if r.ErrorCode != "" {
		detail = detail.And("history.signup_error_code", r.ErrorCode)
	}
	// What Meta's support asks for stays in the history, under Meta's names.
	for _, kv := range [][2]string{{"error_id", sg.ErrorID}, {"session_id", sg.ErrorSessionID}, {"timestamp", sg.ErrorTime}} {
		if kv[1] != "" {
			detail = detail.And("history.signup_meta_id", kv[0], kv[1])
		}
	}
	detail = detail.And(via)
	return closeLive(live), Record{Step: Signup, Kind: "signup.cancelled", Detail: detail,
		Apply: func(s *store.Session) { s.Signup = sg }, Reply: signupSaved{gen: m.gen, sg: sg}}
}

// signupSaved is the reply to a saved result: the step shows it only now.
// read: a FINISH, to be read from the provider next; unconfirmed: a result the
// provider does not know, undone (the wait goes on).
type signupSaved struct {
	gen               int64
	sg                store.Signup
	read, unconfirmed bool
}

// saved shows a result once it is saved, and goes on from it.
func (m *signup) saved(msg signupSaved) tea.Cmd {
	m.sess.Signup = msg.sg
	switch {
	case msg.read:
		m.startReading()
		return m.readFinished()
	case msg.unconfirmed:
		m.reading, m.taken, m.unconfirmed = false, false, true
		m.poll.now()
		m.poll.text = m.env.T("signup.waiting")
		return tea.Batch(m.poll.start(m.env.T("signup.waiting"), msg.sg.StartedAt), m.wait())
	}
	m.reading = false
	return nil
}

// signupRead is the provider's answer about a finished signup and its number.
type signupRead struct {
	gen int64
	r   client.SignupResult
	n   client.NumberState
	err error
}

// startReading shows that the finished signup is being read.
func (m *signup) startReading() {
	m.reading, m.readFailed = true, false
	m.poll.now()
	m.poll.text = m.env.T("signup.reading")
}

// readFinished asks the provider for the signup's stage and, when the pop-up
// added a number, for the number's state as Meta holds it.
func (m *signup) readFinished() tea.Cmd {
	gen, id, phone, partner := m.gen, m.sess.Signup.SessionID, m.sess.Signup.PhoneNumberID, m.env.Clients.Partner
	return tea.Batch(m.poll.start(m.env.T("signup.reading"), m.env.Clock.Now()), m.env.call(func(ctx context.Context) tea.Msg {
		r, err := partner.GetSignup(ctx, id)
		out := signupRead{gen: gen, r: r, err: err}
		if err != nil || r.Status != client.SignupFinished || !stageUsable(r.Stage) {
			return out
		}
		if r.PhoneNumberID != "" {
			phone = r.PhoneNumberID
		}
		if phone != "" {
			out.n, out.err = partner.Number(ctx, id, phone)
		}
		return out
	}))
}

// stageUsable: the provider holds the business token, so the number can be read.
func stageUsable(stage string) bool {
	switch stage {
	case client.StageCodeExchanged, client.StageWebhooksSubscribed, client.StageCreditShared, client.StageReady:
		return true
	}
	return false
}

// notReady: the provider answered that the signup's code is not exchanged yet.
func notReady(err error) bool {
	var ae *client.APIError
	return errors.As(err, &ae) && ae.Code == "signup_not_ready"
}

// read handles the provider's answer about a finished signup.
func (m *signup) read(msg signupRead) (tea.Cmd, Outcome) {
	sg := m.sess.Signup
	r := msg.r
	switch {
	case msg.err != nil && notReady(msg.err), msg.err == nil && r.Status == client.SignupFinished && r.Stage == client.StageCodeReceived:
		// The provider is still exchanging the code (Meta busy): ask again.
		m.stageNote = r.Reason
		return m.poll.later(0), nil
	case msg.err != nil:
		m.poll.stop()
		m.readFailed = true
		return nil, failure(Signup, msg.err, nil)
	case r.Status == client.SignupPending:
		// The provider has not received this result (typed or pasted from
		// elsewhere): it is not taken; the wait goes on until the provider has it.
		m.reading = false
		m.poll.stop()
		m.poll.cancel()
		sg = store.Signup{SessionID: sg.SessionID, URL: sg.URL, StartedAt: sg.StartedAt}
		return nil, Record{Step: Signup, Kind: "signup.unconfirmed", Detail: Said("history.signup_unconfirmed"),
			Apply: func(s *store.Session) { s.Signup = sg }, Reply: signupSaved{gen: m.gen, sg: sg, unconfirmed: true}}
	case r.Status != client.SignupFinished:
		// The provider's record disagrees with the result taken: it wins.
		m.reading = false
		m.poll.stop()
		return m.take(r, "history.via.provider")
	case r.Stage == client.StageExchangeFailed:
		m.reading = false
		m.poll.stop()
		m.poll.cancel()
		sg.Stage, sg.StageReason, sg.ReadPending, sg.ReadAt = r.Stage, r.Reason, false, m.env.Clock.Now()
		return nil, Record{Step: Signup, Kind: "signup.exchange_failed", Detail: Said("history.signup_exchange_failed", r.Reason),
			Apply: func(s *store.Session) { s.Signup = sg }, Reply: signupSaved{gen: m.gen, sg: sg}}
	}
	m.poll.stop()
	n := msg.n
	sg.Stage, sg.StageReason, sg.ReadPending, sg.ReadAt = r.Stage, r.Reason, false, m.env.Clock.Now()
	if r.PhoneNumberID != "" {
		sg.PhoneNumberID = r.PhoneNumberID
	}
	if sg.PhoneNumberID != "" {
		sg.NumberStatus, sg.VerifiedName, sg.NameStatus, sg.DisplayPhone = n.CodeVerificationStatus, n.VerifiedName, n.NameStatus, n.DisplayPhoneNumber
	}
	m.sess.Signup = sg
	detail := Said("history.signup_read", sg.Stage).And(m.via)
	if sg.PhoneNumberID != "" {
		detail = detail.And("history.signup_read_number", sg.PhoneNumberID, sg.DisplayPhone, sg.NumberStatus, sg.VerifiedName, sg.NameStatus)
	} else {
		detail = detail.And("history.signup_read_no_number")
	}
	return nil, Done{Step: Signup, Detail: detail, Apply: func(s *store.Session) {
		s.Signup = sg
		if sg.PhoneNumberID == "" || sg.Event == EventOnlyWABA {
			return
		}
		s.Phone.ID = sg.PhoneNumberID
		if p, problem := rules.ParsePhone("+"+digitsOf(sg.DisplayPhone), ""); sg.DisplayPhone != "" &&
			(problem == rules.PhoneOK || problem == rules.PhoneNotForRegion) {
			s.Phone.Country, s.Phone.E164, s.Phone.CC, s.Phone.Number = p.Region, p.E164, p.CC, p.National
		}
		if s.Path == store.PathNew && s.Profile.DisplayName == "" {
			// The name the pop-up gave Meta (a moved number's is read from Meta later).
			s.Profile.DisplayName = sg.VerifiedName
		}
	}}
}

// digitsOf keeps the digits of s (Meta formats display_phone_number freely).
func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// fromCallback turns the callback's result into the partner's shape.
func fromCallback(r callback.Result) client.SignupResult {
	out := client.SignupResult{ID: r.SignupID, Status: r.Status, Event: strings.ToUpper(strings.TrimSpace(r.Event)),
		WABAID: r.WABAID, BusinessID: r.BusinessID, PhoneNumberID: r.PhoneNumberID,
		CurrentStep: r.CurrentStep, ErrorMessage: r.ErrorMessage, ErrorCode: r.ErrorCode,
		ErrorID: r.ErrorID, SessionID: r.SessionID, Timestamp: r.Timestamp}
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
