package steps

import (
	"errors"
	"net/url"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"wizard/client"
	"wizard/client/callback"
)

// openPaste shows the paste box, with text already in it if the user pasted
// before opening it.
func (m *signup) openPaste(text string) tea.Cmd {
	m.pasted = new(string)
	*m.pasted = text
	f := m.pasteForm()
	if m.term.size != nil && m.term.size.Width > 10 {
		// The shell's body is two columns narrower than the screen; a long
		// address then scrolls inside the field instead of running off it.
		f = f.WithWidth(m.term.size.Width - 2)
	}
	var cmd tea.Cmd
	m.paste, cmd = m.term.start(f)
	return cmd
}

func (m *signup) updatePaste(msg tea.Msg) (Step, tea.Cmd, Outcome) {
	var cmd tea.Cmd
	var submitted bool
	m.paste, cmd, submitted = submitForm(m.paste, msg)
	switch {
	case submitted:
		r, err := m.parsePaste(*m.pasted)
		m.paste = nil
		if err != nil { // cannot happen: the field validated it
			m.lastErr = err
			return m, cmd, nil
		}
		take, out := m.take(r, "a pasted result")
		return m, tea.Batch(cmd, take), out
	case m.paste.State == huh.StateAborted:
		m.paste = nil
	}
	return m, cmd, nil
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
