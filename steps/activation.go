package steps

import (
	"cmp"
	"context"
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"wizard/client"
	"wizard/store"
	"wizard/termsafe"
)

// activation is step 10: the provider activates the registered number. Unlike the
// web flow ("do not close this window"), closing the wizard here is safe: the start
// is saved and `wizard resume` goes on polling. When the number is active the
// alpha-name code is shown, large, until the user moves on.
type activation struct {
	env         *Env
	sess        store.Session
	act         store.Activation // what is saved, kept in step with the Records
	poll        poller
	lastErr     error
	rateLimited bool
	activatedAt time.Time
	nowErr      string // the classroom's "now" could not reach the sandbox

	// A display name declined in review: another one is asked for, looked at
	// twice (it goes to Meta's manual review), sent, and the activation starts again.
	rename    *huh.Form
	newName   string
	reviewing bool // the second look at the new name
	renaming  bool // the request is on its way
	term      termState
}

type (
	activationStarted struct {
		a   client.Activation
		err error
	}
	activationPolled struct {
		a   client.Activation
		err error
	}
	// activationSaved replies to the Record of a start or a result: what it
	// saved, to be shown now that it is on disk.
	activationSaved struct {
		act         store.Activation
		activatedAt time.Time
	}
	nameChangeSent  struct{ err error }
	nameChangeSaved struct{} // the new name is on record: activate again
)

const maxActivationPoll = 10 * time.Second

var (
	actKeyCheck    = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keys.check_now"))
	actKeyContinue = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keys.continue"))
	actKeyRetry    = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "keys.activation.again"))
	actKeyRename   = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "keys.activation.rename"))
	actKeySend     = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keys.activation.send"))
	actKeyEdit     = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "keys.edit"))
	actKeyCancel   = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "keys.activation.keep_name"))
)

// declined: the activation failed because Meta declined the display name.
func (m *activation) declined() bool {
	return m.isFailed() && m.act.Reason == client.ActivationNameDeclined
}

func newActivation(env *Env, sess store.Session) Step {
	m := &activation{env: env, sess: sess, act: sess.Activation, poll: newPoller(env.pollEvery(), maxActivationPoll)}
	if m.act.Status == client.ActivationActive && m.act.AlphaCode != "" {
		m.activatedAt = cmp.Or(m.act.ActivatedAt, env.Clock.Now())
	}
	return m
}

func (m *activation) ID() ID { return Activation }

func (m *activation) active() bool   { return !m.activatedAt.IsZero() }
func (m *activation) isFailed() bool { return m.act.Status == client.ActivationFailed }

func (m *activation) Init() tea.Cmd {
	switch {
	case m.active(), m.isFailed():
		return nil
	case m.act.StartedAt.IsZero():
		return m.start()
	}
	return tea.Batch(m.poll.start(m.env.T("activation.waiting"), m.act.StartedAt), m.check())
}

// Help is the step's keys, in the user's language.
func (m *activation) Help() []key.Binding { return m.env.inWords(m.keyList()) }

func (m *activation) keyList() []key.Binding {
	switch {
	case m.renaming:
		return nil
	case m.reviewing:
		return []key.Binding{actKeySend, actKeyEdit, actKeyCancel}
	case m.rename != nil:
		return append(m.rename.KeyBinds(), actKeyCancel)
	case m.declined():
		return []key.Binding{actKeyRename, actKeyRetry}
	case m.active():
		return []key.Binding{actKeyContinue}
	case m.isFailed() || (m.lastErr != nil && m.act.StartedAt.IsZero()):
		return []key.Binding{actKeyRetry}
	case m.act.StartedAt.IsZero():
		return nil
	case m.env.inClassroom():
		return []key.Binding{keyNow, actKeyCheck}
	}
	return []key.Binding{actKeyCheck}
}

func (m *activation) start() tea.Cmd {
	m.lastErr, m.rateLimited = nil, false
	m.poll.cancel()
	accountID, phoneID := m.sess.Account.ID, m.sess.Phone.ID
	return tea.Batch(m.poll.start(m.env.T("activation.starting"), m.env.Clock.Now()),
		m.env.call(func(ctx context.Context) tea.Msg {
			a, err := m.env.Clients.Partner.StartActivation(ctx, accountID, phoneID)
			return activationStarted{a, err}
		}))
}

func (m *activation) check() tea.Cmd {
	id := m.sess.Phone.ID
	return m.env.call(func(ctx context.Context) tea.Msg {
		a, err := m.env.Clients.Partner.GetActivation(ctx, id)
		return activationPolled{a, err}
	})
}

// MovesFocus and Focus: the new name's form, while it is shown.
func (m *activation) MovesFocus(k tea.KeyPressMsg) bool { return formMovesFocus(m.rename, k) }
func (m *activation) Focus() string                     { return formFocus(m.rename) }

// WantsBack: esc leaves the new name, not the step.
func (m *activation) WantsBack(k tea.KeyPressMsg) bool {
	return m.rename == nil && !m.reviewing && k.String() == "esc"
}

func (m *activation) renameForm() *huh.Form {
	env := m.env
	return newForm(env, huh.NewGroup(huh.NewInput().Key("new_name").Title(env.T("activation.rename_field")).
		Description(env.T("display_name.name_help")).Value(&m.newName).
		Validate(func(s string) error { return displayNameError(env, s) })))
}

// renameUpdate handles the new display name: its form, the second look, the request.
func (m *activation) renameUpdate(msg tea.Msg) (Step, tea.Cmd, Outcome) {
	switch msg := msg.(type) {
	case nameChangeSent:
		m.renaming = false
		m.poll.stop()
		if msg.err != nil {
			m.reviewing = true // the name is kept: send again, edit, or keep the old one
			return m, nil, failure(Activation, msg.err, nil)
		}
		name := m.newName
		return m, nil, Record{Step: Activation, Kind: "progress",
			Detail: Said("history.name_asked_after_decline", name),
			Apply: func(s *store.Session) {
				s.Profile.DisplayName = name
				s.Activation = store.Activation{}
			}, Reply: nameChangeSaved{}}
	case nameChangeSaved:
		m.rename, m.reviewing, m.lastErr = nil, false, nil
		m.act = store.Activation{}
		return m, m.start(), nil
	case tea.KeyPressMsg:
		switch {
		case m.renaming:
			return m, nil, nil
		case key.Matches(msg, actKeyCancel):
			m.rename, m.reviewing = nil, false
			return m, nil, nil
		case m.reviewing && key.Matches(msg, actKeyEdit):
			m.reviewing = false
			var cmd tea.Cmd
			m.rename, cmd = m.term.start(m.renameForm())
			return m, cmd, nil
		case m.reviewing && key.Matches(msg, actKeySend):
			m.renaming, m.lastErr = true, nil
			signup, id, name := m.sess.Signup.SessionID, m.sess.Phone.ID, strings.TrimSpace(m.newName)
			m.newName = name
			return m, tea.Batch(m.poll.start(m.env.T("activation.renaming"), m.env.Clock.Now()),
				m.env.call(func(ctx context.Context) tea.Msg {
					_, err := m.env.Clients.Partner.ChangeDisplayName(ctx, signup, id, name)
					return nameChangeSent{err}
				})), nil
		}
	}
	if m.rename == nil || m.reviewing || m.renaming {
		return m, nil, nil
	}
	var cmd tea.Cmd
	var submitted bool
	m.rename, cmd, submitted = submitForm(m.rename, msg)
	if submitted {
		m.reviewing = true
	}
	return m, cmd, nil
}

func (m *activation) Update(msg tea.Msg) (Step, tea.Cmd, Outcome) {
	m.term.note(msg)
	if cmd, ok := m.poll.update(msg); ok {
		return m, cmd, nil
	}
	switch msg.(type) {
	case nameChangeSent, nameChangeSaved:
		return m.renameUpdate(msg)
	}
	if m.rename != nil || m.reviewing || m.renaming {
		if se, ok := msg.(shownError); ok {
			m.lastErr = se.err
			return m, nil, nil
		}
		return m.renameUpdate(msg)
	}
	if due, ours := m.poll.due(msg); ours {
		if !due || m.active() || m.isFailed() {
			return m, nil, nil
		}
		return m, m.check(), nil
	}
	now := m.env.Clock.Now()
	switch msg := msg.(type) {
	case activationStarted:
		if msg.err != nil {
			m.poll.stop()
			return m, nil, failure(Activation, msg.err, nil)
		}
		act := store.Activation{StartedAt: now, Status: msg.a.Status, StatusText: msg.a.StatusText}
		return m, nil, m.result(act, msg.a, now, Said("history.activation_started"))
	case activationSaved:
		m.act, m.activatedAt = msg.act, msg.activatedAt
		if m.active() || m.isFailed() {
			m.poll.stop()
			return m, nil, nil
		}
		m.poll.text = m.env.T("activation.waiting")
		return m, m.poll.later(0), nil
	case shownError:
		m.lastErr = msg.err
		return m, nil, nil
	case nowDone:
		if msg.err != nil {
			m.nowErr = termsafe.Text(m.env.T("classroom.now_failed", msg.err))
			return m, nil, nil
		}
		m.nowErr = ""
		if m.active() || m.isFailed() {
			return m, nil, nil
		}
		m.poll.now() // ended: the next check shows how
		return m, m.check(), nil
	case activationPolled:
		if m.active() || m.isFailed() {
			return m, nil, nil
		}
		if msg.err != nil {
			var ae *client.APIError
			if errors.As(msg.err, &ae) && ae.Code == "activation_not_found" {
				// The provider lost the activation: start it again.
				m.act.StartedAt = time.Time{}
				return m, m.start(), nil
			}
			m.rateLimited = errors.As(msg.err, &ae) && ae.HTTPStatus == 429
			m.lastErr = nil
			if !m.rateLimited {
				m.lastErr = msg.err
			}
			return m, m.poll.later(client.RetryAfter(msg.err)), nil
		}
		m.lastErr, m.rateLimited = nil, false
		if msg.a.Status != client.ActivationActive && msg.a.Status != client.ActivationFailed {
			// Still under way: shown as the provider words it, saved when it ends.
			m.act.Status, m.act.StatusText = msg.a.Status, msg.a.StatusText
			return m, m.poll.later(0), nil
		}
		act := m.act
		act.Status, act.StatusText = msg.a.Status, msg.a.StatusText
		return m, nil, m.result(act, msg.a, now, History{})
	case tea.KeyPressMsg:
		switch {
		case m.active() && key.Matches(msg, actKeyContinue):
			act := m.act
			act.ActivatedAt = m.activatedAt
			return m, nil, Done{Step: Activation, Detail: Said("history.number_active", act.AlphaCode),
				Apply: func(s *store.Session) { s.Activation = act }}
		case m.active():
			return m, nil, nil
		case m.declined() && key.Matches(msg, actKeyRename):
			m.newName = m.sess.Profile.DisplayName
			var cmd tea.Cmd
			m.rename, cmd = m.term.start(m.renameForm())
			return m, cmd, nil
		case key.Matches(msg, actKeyRetry) && (m.isFailed() || (m.lastErr != nil && m.act.StartedAt.IsZero())):
			m.act = store.Activation{}
			return m, m.start(), nil
		case key.Matches(msg, actKeyCheck) && !m.act.StartedAt.IsZero() && !m.isFailed():
			m.poll.now()
			return m, m.check(), nil
		case key.Matches(msg, keyNow) && m.env.inClassroom() && !m.act.StartedAt.IsZero() && !m.isFailed():
			id := m.sess.Phone.ID
			return m, m.env.trainingNow(func(ctx context.Context, t Training) error { return t.ActivateNow(ctx, id) }), nil
		}
	}
	return m, nil, nil
}

// result is the Record of what the partner said about the activation (act, as
// it is to be saved); the screen shows it once saved (activationSaved).
func (m *activation) result(act store.Activation, a client.Activation, now time.Time, detail History) Record {
	var activatedAt time.Time
	kind := "progress"
	switch a.Status {
	case client.ActivationActive:
		act.AlphaCode = a.AlphaCode
		activatedAt = now // saved with Done, when the user moves on
		detail = Said("history.number_active", a.AlphaCode)
	case client.ActivationFailed:
		act.Reason = a.Reason
		kind, detail = "activation.failed", Said("history.activation_failed", a.StatusText)
	}
	return Record{Step: Activation, Kind: kind, Detail: detail,
		Apply: func(s *store.Session) { s.Activation = act }, Reply: activationSaved{act, activatedAt}}
}

func (m *activation) View(width int) string {
	env, st := m.env, m.env.S()
	title := st.Title.Render(env.T("activation.title"))
	switch {
	case m.active():
		code := lipgloss.NewStyle().Border(lipgloss.DoubleBorder()).Bold(true).Padding(1, 4).
			Render(st.Accent.Render(termsafe.Line(m.act.AlphaCode)))
		return paragraphs(width, title, st.OK.Render(env.T("activation.active")),
			InView(env.T("activation.code_label")), InView(code), env.T("activation.code_where"),
			InView(st.Faint.Render(env.T("activation.continue"))))
	case m.renaming:
		return paragraphs(width, title, m.poll.view())
	case m.reviewing:
		var errLine string
		if m.lastErr != nil {
			errLine = st.Error.Render(Explain(env.Words, m.lastErr))
		}
		return paragraphs(width, st.Title.Render(env.T("activation.rename_check_title")),
			st.Accent.Render(termsafe.Line(m.newName)), env.T("activation.rename_review"), InView(errLine),
			InView(env.T("activation.rename_check_keys")))
	case m.rename != nil:
		return paragraphs(width, title, env.T("activation.rename_body"), InView(m.rename.View()))
	case m.declined():
		var errLine string
		if m.lastErr != nil {
			errLine = st.Error.Render(Explain(env.Words, m.lastErr))
		}
		return paragraphs(width, title, st.Error.Render(env.T("activation.failed")),
			m.providerSays(), InView(errLine), InView(env.T("activation.declined_hint")))
	case m.isFailed():
		var errLine string
		if m.lastErr != nil {
			errLine = st.Error.Render(Explain(env.Words, m.lastErr))
		}
		return paragraphs(width, title, st.Error.Render(env.T("activation.failed")),
			m.providerSays(), InView(errLine), InView(env.T("activation.retry_hint")))
	case m.act.StartedAt.IsZero():
		if m.lastErr != nil {
			return paragraphs(width, title, st.Error.Render(Explain(env.Words, m.lastErr)),
				env.T("activation.retry_hint"))
		}
		return paragraphs(width, title, m.poll.view()) // "asking the provider to activate the number"
	}
	status := m.poll.view() + "  " + st.Faint.Render(elapsed(env.Clock.Now().Sub(m.act.StartedAt)))
	var errLine string
	switch {
	case m.rateLimited:
		errLine = st.Faint.Render(env.T("activation.rate_limited"))
	case m.lastErr != nil:
		errLine = st.Error.Render(Explain(env.Words, m.lastErr)) + "\n" + st.Faint.Render(env.T("activation.still_trying"))
	}
	// Said once, in the user's words: the provider's own sentence for a
	// pending activation says the same in its language (its words are kept
	// for a failure, where support needs them).
	body := env.T("activation.body")
	if m.nowErr != "" {
		errLine = strings.TrimSpace(errLine + "\n" + st.Error.Render(m.nowErr))
	}
	return paragraphs(width, title, body, InView(status), InView(errLine), st.Accent.Render(env.T("activation.safe_to_close")))
}

// providerSays is the provider's reason for a failed activation, as its
// words (the language it answers in is the provider's), or "".
func (m *activation) providerSays() string {
	text := strings.TrimSpace(termsafe.Text(m.act.StatusText))
	if text == "" {
		return ""
	}
	return m.env.T("activation.provider_says", text)
}

// Form is the new display name's form while it is shown, for the line-by-line front (FormHolder).
func (m *activation) Form() *huh.Form { return m.rename }
