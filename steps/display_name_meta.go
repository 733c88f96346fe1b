package steps

import (
	"context"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"wizard/client"
	"wizard/steps/rules"
	"wizard/store"
	"wizard/termsafe"
)

// metaName is the display-name step when Meta's pop-up added the number and
// verified it: the name was given there and Meta holds it. The step shows it
// with Meta's review state; Enter keeps it, c asks Meta for another one
// (new_display_name, reviewed again by Meta), after a screen that says so.
type metaName struct {
	env  *Env
	sess store.Session
	keys metaNameKeys
	term termState

	form      *huh.Form // the new name, while it is typed
	newName   string
	reviewing bool // the second look before the new name is sent
	sending   bool
	busy      busy
	lastErr   error
}

type metaNameKeys struct{ keep, change, send, edit, cancel key.Binding }

func newMetaName(env *Env, sess store.Session) Step {
	t := env.T
	b := func(help string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], t(help)))
	}
	return &metaName{env: env, sess: sess, busy: newBusy(), keys: metaNameKeys{
		keep:   b("display_name.meta_key_keep", "enter"),
		change: b("display_name.meta_key_change", "c"),
		send:   b("display_name.meta_key_send", "enter"),
		edit:   b("display_name.meta_key_edit", "e"),
		cancel: b("display_name.meta_key_cancel", "esc"),
	}}
}

type (
	metaNameSent struct {
		st  client.NumberState
		err error
	}
)

func (m *metaName) ID() ID        { return DisplayName }
func (m *metaName) Init() tea.Cmd { return nil }

// WantsBack: never. The number is in Meta since the pop-up, so there is no
// earlier step to go back to; esc closes the form or the second look.
func (m *metaName) WantsBack(tea.KeyPressMsg) bool { return false }

func (m *metaName) MovesFocus(k tea.KeyPressMsg) bool {
	return m.form != nil && formMovesFocus(m.form, k)
}
func (m *metaName) Focus() string {
	if m.form == nil {
		return strconv.FormatBool(m.reviewing)
	}
	return formFocus(m.form)
}

// Help is the step's keys, in the user's language.
func (m *metaName) Help() []key.Binding { return m.env.inWords(m.keyList()) }

func (m *metaName) keyList() []key.Binding {
	k := m.keys
	switch {
	case m.sending:
		return nil
	case m.reviewing:
		return []key.Binding{k.send, k.edit, k.cancel}
	case m.form != nil:
		return append(m.form.KeyBinds(), k.cancel)
	}
	return []key.Binding{k.keep, k.change}
}

func (m *metaName) changeForm() *huh.Form {
	env := m.env
	return newForm(env, huh.NewGroup(huh.NewInput().Key("new_name").Title(env.T("display_name.meta_change_field")).
		Description(env.T("display_name.name_help")).Value(&m.newName).
		Validate(func(s string) error { return displayNameError(env, s) })))
}

func (m *metaName) Update(msg tea.Msg) (Step, tea.Cmd, Outcome) {
	m.term.note(msg)
	if cmd, ok := m.busy.update(msg); ok {
		return m, cmd, nil
	}
	k := m.keys
	switch msg := msg.(type) {
	case metaNameSent:
		m.sending = false
		m.busy.stop()
		if msg.err != nil {
			return m, nil, failure(DisplayName, msg.err, nil) // the name is kept: send again, edit, or keep Meta's
		}
		name, status, now := m.newName, msg.st.NewNameStatus, m.env.Clock.Now()
		return m, nil, Done{Step: DisplayName,
			Detail: Said("history.name_asked_instead", name, m.sess.Signup.VerifiedName, status),
			Apply: func(s *store.Session) {
				s.Profile.DisplayName, s.Profile.NewNameStatus, s.Profile.ConfirmedAt = name, status, now
			}}
	case shownError:
		m.lastErr = msg.err
		return m, nil, nil
	case tea.KeyPressMsg:
		switch {
		case m.sending:
			return m, nil, nil
		case m.reviewing && key.Matches(msg, k.send):
			m.sending, m.lastErr = true, nil
			signup, id, name, partner := m.sess.Signup.SessionID, m.sess.Phone.ID, m.newName, m.env.Clients.Partner
			return m, tea.Batch(m.busy.start(m.env.T("display_name.meta_sending"), m.env.Clock.Now()),
				m.env.call(func(ctx context.Context) tea.Msg {
					st, err := partner.ChangeDisplayName(ctx, signup, id, name)
					return metaNameSent{st, err}
				})), nil
		case m.reviewing && key.Matches(msg, k.edit):
			m.reviewing = false
			var cmd tea.Cmd
			m.form, cmd = m.term.start(m.changeForm())
			return m, cmd, nil
		case (m.reviewing || m.form != nil) && key.Matches(msg, k.cancel):
			m.reviewing, m.form, m.lastErr = false, nil, nil
			return m, nil, nil
		case m.form == nil && !m.reviewing && key.Matches(msg, k.keep):
			name, now := m.sess.Signup.VerifiedName, m.env.Clock.Now()
			return m, nil, Done{Step: DisplayName,
				Detail: Said("history.name_kept", name, m.sess.Signup.NameStatus),
				Apply:  func(s *store.Session) { s.Profile.DisplayName, s.Profile.ConfirmedAt = name, now }}
		case m.form == nil && !m.reviewing && key.Matches(msg, k.change):
			m.newName = m.sess.Signup.VerifiedName
			var cmd tea.Cmd
			m.form, cmd = m.term.start(m.changeForm())
			return m, cmd, nil
		}
	}
	if m.form == nil {
		return m, nil, nil
	}
	var cmd tea.Cmd
	var submitted bool
	m.form, cmd, submitted = submitForm(m.form, msg)
	if submitted {
		m.newName = strings.TrimSpace(m.newName)
		m.form, m.reviewing = nil, true
	}
	return m, cmd, nil
}

// statusText is Meta's review state of the name, in words.
func (m *metaName) statusText() string {
	st := termsafe.Line(m.sess.Signup.NameStatus)
	if k := "display_name.meta_status." + st; st != "" && m.env.Words.Has(k) {
		return m.env.T(k)
	}
	if st == "" {
		return m.env.T("display_name.meta_status_unknown")
	}
	return st
}

func (m *metaName) View(width int) string {
	env, st := m.env, m.env.S()
	var errLine string
	if m.lastErr != nil {
		errLine = st.Error.Render(Explain(env.Words, m.lastErr))
	}
	if m.reviewing || m.sending {
		var warn []string
		for _, p := range rules.CheckDisplayName(m.newName).Warnings() {
			warn = append(warn, bullet(width, nameWarningText(env, p)))
		}
		var wait string
		if m.sending {
			wait = m.busy.view()
		}
		return paragraphs(width, st.Title.Render(env.T("display_name.meta_review_title")),
			chatHeader(env, termsafe.Line(m.newName)),
			st.Error.Render(env.T("display_name.meta_review")),
			InView(strings.Join(warn, "\n")), InView(errLine), InView(wait))
	}
	body := []string{st.Title.Render(env.T("display_name.meta_title")),
		env.T("display_name.meta_body"),
		chatHeader(env, termsafe.Line(m.sess.Signup.VerifiedName)),
		env.T("display_name.meta_status", m.statusText())}
	if m.form != nil {
		body = append(body, InView(m.form.View()))
	}
	return paragraphs(width, append(body, InView(errLine))...)
}

// Form is the new name's form while it is typed, for the line-by-line front (FormHolder).
func (m *metaName) Form() *huh.Form { return m.form }
