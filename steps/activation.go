package steps

import (
	"context"
	"errors"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"wizard/client"
	"wizard/store"
)

// activation is step 10: the provider activates the registered number. Unlike the
// web flow ("do not close this window"), closing the wizard here is safe: the start
// is saved and `wizard resume` goes on polling. When the number is active the
// alpha-name code is shown, large, until the user moves on.
type activation struct {
	env         *Env
	sess        store.Session
	act         store.Activation // what is known, kept in step with the Records
	busy        busy
	interval    time.Duration
	polls       int
	lastErr     error
	rateLimited bool
	activatedAt time.Time
	sent        bool
}

type (
	activationStarted struct {
		a   client.Activation
		err error
	}
	activationPoll   struct{ gen int }
	activationPolled struct {
		a   client.Activation
		err error
	}
)

const maxActivationPoll = 10 * time.Second

var (
	actKeyCheck    = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "check now"))
	actKeyContinue = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue"))
	actKeyRetry    = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "start the activation again"))
)

func newActivation(env *Env, sess store.Session) Step {
	m := &activation{env: env, sess: sess, act: sess.Activation, busy: newBusy(), interval: env.pollEvery()}
	if m.act.Status == client.ActivationActive && m.act.AlphaCode != "" {
		m.activatedAt = firstSetTime(m.act.ActivatedAt, env.Clock.Now())
	}
	return m
}

func firstSetTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
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
	return tea.Batch(m.busy.start(m.env.T("activation.waiting"), m.act.StartedAt), m.poll())
}

func (m *activation) Help() []key.Binding {
	switch {
	case m.active():
		return []key.Binding{actKeyContinue}
	case m.isFailed() || (m.lastErr != nil && m.act.StartedAt.IsZero()):
		return []key.Binding{actKeyRetry}
	case m.act.StartedAt.IsZero():
		return nil
	}
	return []key.Binding{actKeyCheck}
}

func (m *activation) start() tea.Cmd {
	m.lastErr, m.rateLimited = nil, false
	accountID, phoneID := m.sess.Account.ID, m.sess.Phone.ID
	return tea.Batch(m.busy.start(m.env.T("activation.starting"), m.env.Clock.Now()),
		m.env.call(func(ctx context.Context) tea.Msg {
			a, err := m.env.Clients.Partner.StartActivation(ctx, accountID, phoneID)
			return activationStarted{a, err}
		}))
}

func (m *activation) poll() tea.Cmd {
	id := m.sess.Phone.ID
	return m.env.call(func(ctx context.Context) tea.Msg {
		a, err := m.env.Clients.Partner.GetActivation(ctx, id)
		return activationPolled{a, err}
	})
}

// later schedules the next poll, growing the interval by half up to the limit.
func (m *activation) later(wait time.Duration) tea.Cmd {
	wait = max(wait, m.interval)
	m.interval = backoff(m.interval, maxActivationPoll)
	gen := m.polls
	return tea.Tick(wait, func(time.Time) tea.Msg { return activationPoll{gen} })
}

func (m *activation) Update(msg tea.Msg) (Step, tea.Cmd) {
	if cmd, ok := m.busy.update(msg); ok {
		return m, cmd
	}
	now := m.env.Clock.Now()
	switch msg := msg.(type) {
	case activationStarted:
		if msg.err != nil {
			m.busy.stop()
			return m, failed(Activation, msg.err, nil)
		}
		m.act = store.Activation{StartedAt: now}
		m.busy.text = m.env.T("activation.waiting")
		if msg.a.Status == client.ActivationActive || msg.a.Status == client.ActivationFailed {
			return m, m.result(msg.a, now) // one Record, with the start time
		}
		m.act.Status, m.act.StatusText = msg.a.Status, msg.a.StatusText
		act := m.act
		return m, tea.Batch(emit(Record{Step: Activation, Kind: "progress", Detail: "activation started",
			Apply: func(s *store.Session) { s.Activation = act }}), m.later(0))
	case shownError:
		m.lastErr = msg.err
		return m, nil
	case activationPoll:
		if msg.gen != m.polls || m.active() || m.isFailed() {
			return m, nil
		}
		return m, m.poll()
	case activationPolled:
		m.polls++
		if m.active() || m.isFailed() {
			return m, nil
		}
		if msg.err != nil {
			var ae *client.APIError
			if errors.As(msg.err, &ae) && ae.Code == "activation_not_found" {
				// The provider lost the activation: start it again.
				m.act.StartedAt = time.Time{}
				return m, m.start()
			}
			m.rateLimited = errors.As(msg.err, &ae) && ae.HTTPStatus == 429
			m.lastErr = nil
			if !m.rateLimited {
				m.lastErr = msg.err
			}
			return m, m.later(client.RetryAfter(msg.err))
		}
		return m, m.result(msg.a, now)
	case tea.KeyPressMsg:
		switch {
		case m.active() && key.Matches(msg, actKeyContinue):
			if m.sent {
				return m, nil
			}
			m.sent = true
			act := m.act
			act.ActivatedAt = m.activatedAt
			return m, emit(Done{Step: Activation, Detail: "number active, alpha-name code " + act.AlphaCode,
				Apply: func(s *store.Session) { s.Activation = act }})
		case m.active():
			return m, nil
		case key.Matches(msg, actKeyRetry) && (m.isFailed() || (m.lastErr != nil && m.act.StartedAt.IsZero())):
			m.act = store.Activation{}
			return m, m.start()
		case key.Matches(msg, actKeyCheck) && !m.act.StartedAt.IsZero() && !m.isFailed():
			m.interval = m.env.pollEvery()
			return m, m.poll()
		}
	}
	return m, nil
}

// result handles an activation status from the partner.
func (m *activation) result(a client.Activation, now time.Time) tea.Cmd {
	m.lastErr, m.rateLimited = nil, false
	switch a.Status {
	case client.ActivationActive:
		m.busy.stop()
		m.act.Status, m.act.StatusText, m.act.AlphaCode = a.Status, a.StatusText, a.AlphaCode
		m.activatedAt = now
		act := m.act
		return emit(Record{Step: Activation, Kind: "progress", Detail: "number active, alpha-name code " + a.AlphaCode,
			Apply: func(s *store.Session) { s.Activation = act }}) // ActivatedAt comes with Done
	case client.ActivationFailed:
		m.busy.stop()
		m.act.Status, m.act.StatusText = a.Status, a.StatusText
		act := m.act
		return emit(Record{Step: Activation, Kind: "activation.failed", Detail: "activation failed: " + a.StatusText,
			Apply: func(s *store.Session) { s.Activation = act }})
	}
	m.act.Status, m.act.StatusText = a.Status, a.StatusText
	return m.later(0)
}

func (m *activation) View(width int) string {
	env := m.env
	title := titleStyle.Render(env.T("activation.title"))
	switch {
	case m.active():
		code := lipgloss.NewStyle().Border(lipgloss.DoubleBorder()).Bold(true).Padding(1, 4).
			Render(accentStyle.Render(m.act.AlphaCode))
		return paragraphs(width, title, okStyle.Render(env.T("activation.active")),
			env.T("activation.code_label"), code, env.T("activation.code_where"),
			faintStyle.Render(env.T("activation.continue")))
	case m.isFailed():
		var errLine string
		if m.lastErr != nil {
			errLine = errorStyle.Render(Explain(env.Words, m.lastErr))
		}
		return paragraphs(width, title, errorStyle.Render(env.T("activation.failed")),
			m.act.StatusText, errLine, env.T("activation.retry_hint"))
	case m.act.StartedAt.IsZero():
		if m.lastErr != nil {
			return paragraphs(width, title, errorStyle.Render(Explain(env.Words, m.lastErr)),
				env.T("activation.retry_hint"))
		}
		return paragraphs(width, title, env.T("activation.body"), m.busy.view())
	}
	status := m.busy.view() + "  " + faintStyle.Render(elapsed(env.Clock.Now().Sub(m.act.StartedAt)))
	var errLine string
	switch {
	case m.rateLimited:
		errLine = faintStyle.Render(env.T("activation.rate_limited"))
	case m.lastErr != nil:
		errLine = errorStyle.Render(Explain(env.Words, m.lastErr)) + "\n" + faintStyle.Render(env.T("activation.still_trying"))
	}
	return paragraphs(width, title, env.T("activation.body"), status, m.act.StatusText, errLine,
		accentStyle.Render(env.T("activation.safe_to_close")))
}
