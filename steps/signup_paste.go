package steps

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"wizard/client"
	"wizard/client/callback"
	"wizard/termsafe"
)

// openPaste shows the paste box, with text already in it if the user pasted
// before opening it.
func (m *signup) openPaste(text string) tea.Cmd {
	m.pasted = new(string)
	*m.pasted = text
	f := m.pasteForm()
	if m.term.size != nil && m.term.size.Width > 10 {
		// The size is the shell's body: a long address scrolls inside the
		// field instead of running off it.
		f = f.WithWidth(m.term.size.Width)
	}
	var cmd tea.Cmd
	m.paste, cmd = m.term.start(f)
	return cmd
}

func (m *signup) updatePaste(msg tea.Msg) (Step, tea.Cmd, Outcome) {
	if c, ok := msg.(pasteChecked); ok {
		return m.pasteCheckedUpdate(c)
	}
	if m.checkingPaste() {
		return m, nil, nil // the box is done while the provider is asked
	}
	var cmd tea.Cmd
	var submitted bool
	m.paste, cmd, submitted = submitForm(m.paste, msg)
	switch {
	case submitted:
		text := *m.pasted
		r, err := m.parsePaste(text)
		if err != nil { // cannot happen: the field validated it
			m.paste, m.lastErr = nil, err
			return m, cmd, nil
		}
		if !SignupFinished(r.Event) {
			// A CANCEL carries no ids to check: taken as it is.
			m.paste = nil
			take, out := m.take(r, "history.via.pasted")
			return m, tea.Batch(cmd, take), out
		}
		// Ids typed or pasted by hand may be made up: the provider, which
		// holds the signup's result, says whether they are this signup's.
		// The box stays, completed, until the provider answers (esc drops the check).
		m.lastErr = nil
		m.notice = m.env.T("signup.paste.checking")
		return m, tea.Batch(cmd, m.checkPaste(r, text)), nil
	case m.paste.State == huh.StateAborted:
		m.paste = nil
	}
	return m, cmd, nil
}

// pasteChecked is the provider's word on a pasted FINISH: the signup's result
// as the provider holds it, and the numbers on its account when a pasted
// phone-number id is not the result's own.
type pasteChecked struct {
	gen     int64
	text    string // what was pasted, to show again if it is refused
	pasted  client.SignupResult
	res     client.SignupResult
	numbers []client.NumberState
	err     error
}

// checkingPaste: a pasted result was submitted and the provider is being asked.
func (m *signup) checkingPaste() bool { return m.paste != nil && m.paste.State == huh.StateCompleted }

// checkPaste asks the provider about the signup whose result was pasted.
func (m *signup) checkPaste(r client.SignupResult, text string) tea.Cmd {
	gen, id, partner := m.gen, m.sess.Signup.SessionID, m.env.Clients.Partner
	return m.env.call(func(ctx context.Context) tea.Msg {
		c := pasteChecked{gen: gen, text: text, pasted: r}
		c.res, c.err = partner.GetSignup(ctx, id)
		if c.err == nil && SignupFinished(c.res.Event) && r.PhoneNumberID != "" && r.PhoneNumberID != c.res.PhoneNumberID {
			c.numbers, c.err = partner.Numbers(ctx, id)
		}
		return c
	})
}

// pasteCheckedUpdate takes a pasted result the provider confirmed; a refused
// one (or a check that failed) is said, saved first, and the paste box comes
// back with what was typed in it.
func (m *signup) pasteCheckedUpdate(c pasteChecked) (Step, tea.Cmd, Outcome) {
	if c.gen != m.gen || !m.checkingPaste() {
		return m, nil, nil
	}
	m.notice = ""
	err := c.err
	var r client.SignupResult
	if err == nil {
		r, err = m.pasteVerdict(c)
	}
	if err == nil {
		m.paste = nil
		take, out := m.take(r, "history.via.pasted_checked")
		return m, take, out
	}
	reopen := m.openPaste(c.text)
	return m, reopen, failure(Signup, err, nil)
}

// pasteVerdict compares a pasted FINISH with the signup's result at the
// provider: the ids must be the ones the provider holds for this signup (a
// pasted phone-number id may also be one the provider finds on its account).
// The result taken is the provider's.
func (m *signup) pasteVerdict(c pasteChecked) (client.SignupResult, error) {
	t, p, res := m.env.T, c.pasted, c.res
	switch {
	case res.Status == client.SignupPending || res.Event == "":
		return res, saidError(t("signup.paste.not_known"))
	case !SignupFinished(res.Event):
		return res, saidError(t("signup.paste.not_finished", termsafe.Line(cmpOr(res.CurrentStep, res.Event))))
	case p.WABAID != res.WABAID:
		return res, saidError(t("signup.paste.unknown_waba", termsafe.Line(p.WABAID)))
	case p.BusinessID != "" && res.BusinessID != "" && p.BusinessID != res.BusinessID:
		return res, saidError(t("signup.paste.unknown_business", termsafe.Line(p.BusinessID)))
	case p.PhoneNumberID != "" && p.PhoneNumberID != res.PhoneNumberID &&
		!slices.ContainsFunc(c.numbers, func(n client.NumberState) bool { return n.PhoneNumberID == p.PhoneNumberID }):
		return res, saidError(t("signup.paste.unknown_number", termsafe.Line(p.PhoneNumberID)))
	}
	if res.PhoneNumberID == "" {
		res.PhoneNumberID = p.PhoneNumberID // one the provider finds on the account
	}
	return res, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// MovesFocus: only the paste box has fields.
func (m *signup) MovesFocus(k tea.KeyPressMsg) bool { return formMovesFocus(m.paste, k) }
func (m *signup) Focus() string                     { return formFocus(m.paste) }

// pasteForm is the box where the user pastes the result.
func (m *signup) pasteForm() *huh.Form {
	t := m.env.T
	return newForm(m.env, huh.NewGroup(
		huh.NewInput().Key("result").
			Title(t("signup.paste_title")).
			Description(t("signup.paste_format")).
			Placeholder(t("signup.paste_placeholder")).
			CharLimit(8192).
			Value(m.pasted).
			Validate(func(s string) error { _, err := m.parsePaste(s); return err }),
	))
}

// parsePaste reads what the user pasted, in one of two forms:
//
//   - the address the browser was sent to at the end of the signup,
//     http://127.0.0.1:<port>/callback?state=…&event=…&waba_id=…&business_id=…
//     (or only its query): its state must be this signup's; after a resume,
//     when the state is gone, its signup_id must be this signup session's;
//   - the result typed as words: "FINISH <WABA id> <business id> [<phone-number id>]"
//     (any FINISH… event) or "CANCEL [<step>]".
func (m *signup) parsePaste(s string) (client.SignupResult, error) {
	s = strings.Trim(strings.TrimSpace(s), `<>"'`)
	switch {
	case s == "":
		return client.SignupResult{}, errors.New(m.env.T("signup.paste.empty"))
	case strings.Contains(s, "://") || strings.Contains(s, "event=") || strings.Contains(s, "state="):
		return m.parsePastedAddress(s)
	}
	return m.parsePastedWords(s)
}

func (m *signup) parsePastedAddress(s string) (client.SignupResult, error) {
	t := m.env.T
	raw := s
	if i := strings.IndexByte(raw, '?'); i >= 0 {
		raw = raw[i+1:]
	}
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		raw = raw[:i]
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return client.SignupResult{}, errors.New(t("signup.paste.bad_address", err))
	}
	signupID := q.Get("signup_id")
	switch {
	case m.live != nil && !callback.StateMatches(m.live.state, q.Get("state")):
		return client.SignupResult{}, errors.New(t("signup.paste.other_signup"))
	case signupID != "" && signupID != m.sess.Signup.SessionID:
		return client.SignupResult{}, errors.New(t("signup.paste.other_signup"))
	case m.live == nil && signupID == "":
		// No state to check it against (the wizard was restarted) and no session id.
		return client.SignupResult{}, errors.New(t("signup.paste.unverifiable"))
	}
	r := fromCallback(callback.ResultFromQuery(q))
	switch {
	case r.Event == "":
		return client.SignupResult{}, errors.New(t("signup.paste.no_event"))
	case !slices.Contains(signupEvents, r.Event):
		return client.SignupResult{}, errors.New(t("signup.paste.unknown_event", r.Event))
	case SignupFinished(r.Event) && r.WABAID == "":
		return client.SignupResult{}, errors.New(t("signup.paste.no_waba"))
	}
	r.ID = m.sess.Signup.SessionID
	return r, nil
}

func (m *signup) parsePastedWords(s string) (client.SignupResult, error) {
	t := m.env.T
	f := strings.Fields(s)
	r := client.SignupResult{ID: m.sess.Signup.SessionID, Event: strings.ToUpper(f[0])}
	if !slices.Contains(signupEvents, r.Event) {
		return client.SignupResult{}, errors.New(t("signup.paste.unknown_event", f[0]))
	}
	ids := f[1:]
	if SignupFinished(r.Event) {
		if len(ids) < 2 || len(ids) > 3 {
			return client.SignupResult{}, errors.New(t("signup.paste.need_ids", r.Event))
		}
		for _, id := range ids {
			if !isGraphID(id) {
				return client.SignupResult{}, errors.New(t("signup.paste.bad_id", id))
			}
		}
		r.WABAID, r.BusinessID = ids[0], ids[1]
		if len(ids) == 3 {
			r.PhoneNumberID = ids[2]
		}
	} else if len(ids) > 0 {
		r.CurrentStep = strings.ToUpper(strings.Join(ids, "_"))
	}
	r.Status = signupStatus(r)
	return r, nil
}

// isGraphID: Meta's object ids are decimal numbers.
func isGraphID(s string) bool {
	if len(s) == 0 || len(s) > 25 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Form is the paste box when it is shown, for the line-by-line front (FormHolder).
func (m *signup) Form() *huh.Form { return m.paste }
