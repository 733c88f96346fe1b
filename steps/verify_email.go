package steps

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"wizard/client"
	"wizard/store"
	"wizard/termsafe"
)

// verifyEmail is step 3: "click the link we e-mailed you". It polls the partner
// until the address is verified, and can resend the e-mail.
type verifyEmail struct {
	env       *Env
	sess      store.Session
	poll      poller
	lastErr   error // the last poll's failure, shown under the spinner while it keeps trying
	notice    string
	nextSend  time.Time // when resend is allowed again
	resending bool
}

type (
	emailChecked struct {
		acc client.Account
		err error
	}
	emailResent struct {
		r   client.Resend
		err error
	}
)

const maxEmailPoll = 10 * time.Second

func newVerifyEmail(env *Env, sess store.Session) Step {
	return &verifyEmail{env: env, sess: sess, poll: newPoller(env.pollEvery(), maxEmailPoll)}
}

var (
	keyResend   = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "keys.verify_email.resend"))
	keyMailbox  = key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "keys.verify_email.mailbox"))
	keyCheckNow = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keys.check_now"))
	keyChange   = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "keys.verify_email.change"))
)

func (m *verifyEmail) ID() ID { return VerifyEmail }

func (m *verifyEmail) Init() tea.Cmd {
	start := m.sess.Account.CreatedAt
	if start.IsZero() {
		start = m.env.Clock.Now()
	}
	cmd := m.poll.start(m.env.T("verify_email.waiting"), start)
	return tea.Batch(cmd, m.check())
}

// Help is the step's keys, in the user's language.
func (m *verifyEmail) Help() []key.Binding { return m.env.inWords(m.keyList()) }

func (m *verifyEmail) keyList() []key.Binding {
	keys := []key.Binding{keyCheckNow, keyResend, keyChange}
	if m.env.inClassroom() {
		keys = append([]key.Binding{keyNow}, keys...) // first: the footer may cut the others
	}
	if m.env.Training != nil && m.env.OpenURL != nil {
		keys = append(keys, keyMailbox)
	}
	return keys
}

func (m *verifyEmail) check() tea.Cmd {
	id := m.sess.Account.ID
	return m.env.call(func(ctx context.Context) tea.Msg {
		acc, err := m.env.Clients.Partner.GetAccount(ctx, id)
		return emailChecked{acc, err}
	})
}

func (m *verifyEmail) Update(msg tea.Msg) (Step, tea.Cmd, Outcome) {
	if cmd, ok := m.poll.update(msg); ok {
		return m, cmd, nil
	}
	if due, ours := m.poll.due(msg); ours {
		if !due {
			return m, nil, nil // a check was made since this poll was scheduled
		}
		return m, m.check(), nil
	}
	now := m.env.Clock.Now()
	switch msg := msg.(type) {
	case emailChecked:
		if msg.err == nil && msg.acc.Verified {
			m.poll.stop()
			return m, nil, Done{Step: VerifyEmail, Detail: Said("history.email_verified"), Apply: func(s *store.Session) {
				s.Account.VerifiedAt = now
			}}
		}
		m.lastErr = msg.err
		if msg.err != nil && !client.IsRetryable(msg.err) {
			m.poll.slow()
		}
		return m, m.poll.later(0), nil
	case nowDone:
		if msg.err != nil {
			m.notice = termsafe.Text(m.env.T("classroom.now_failed", msg.err))
			return m, nil, nil
		}
		m.poll.now() // confirmed: the next check moves on
		return m, m.check(), nil
	case browserOpened:
		if msg.err != nil {
			m.notice = termsafe.Text(m.env.T("browser.failed", msg.err, msg.url))
		}
		return m, nil, nil
	case emailResent:
		m.resending = false
		if msg.err != nil {
			if d := client.RetryAfter(msg.err); d > 0 {
				m.nextSend = now.Add(d)
			}
			m.notice = Explain(m.env.Words, msg.err)
			return m, nil, nil
		}
		m.nextSend = msg.r.NextAllowedAt
		m.notice = m.env.T("verify_email.resent", termsafe.Line(m.sess.Account.Email))
		return m, nil, nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, keyChange):
			return m, nil, Back{Step: VerifyEmail}
		case key.Matches(msg, keyNow) && m.env.inClassroom():
			id := m.sess.Account.ID
			return m, m.env.trainingNow(func(ctx context.Context, t Training) error { return t.ConfirmEmailNow(ctx, id) }), nil
		case key.Matches(msg, keyCheckNow):
			m.poll.now()
			return m, m.check(), nil
		case key.Matches(msg, keyResend):
			if m.resending {
				return m, nil, nil
			}
			if now.Before(m.nextSend) {
				m.notice = m.env.T("verify_email.resend_wait", elapsed(m.nextSend.Sub(now)))
				return m, nil, nil
			}
			m.resending = true
			id := m.sess.Account.ID
			return m, m.env.call(func(ctx context.Context) tea.Msg {
				r, err := m.env.Clients.Partner.ResendVerification(ctx, id)
				return emailResent{r, err}
			}), nil
		case key.Matches(msg, keyMailbox) && m.env.Training != nil && m.env.OpenURL != nil:
			url, open := m.env.Training.OutboxURL(), m.env.OpenURL
			return m, openInBrowser(open, url), nil
		}
	}
	return m, nil, nil
}

func (m *verifyEmail) View(width int) string {
	st := m.env.S()
	status := m.poll.status(st, m.env.Clock.Now())
	var errLine string
	if m.lastErr != nil {
		errLine = st.Error.Render(Explain(m.env.Words, m.lastErr)) + "\n" + st.Faint.Render(m.env.T("verify_email.still_trying"))
	}
	var hint string
	if m.env.Training != nil {
		hint = m.env.T("sandbox.mailbox", m.env.Training.OutboxURL())
		if m.env.OpenURL != nil {
			hint += " " + m.env.T("sandbox.mailbox_key")
		}
		hint = st.Faint.Render(hint)
	}
	return paragraphs(width,
		st.Title.Render(m.env.T("verify_email.title")),
		m.env.T("verify_email.body", st.Accent.Render(termsafe.Line(m.sess.Account.Email))),
		InView(status), InView(errLine), InView(m.notice), hint)
}
