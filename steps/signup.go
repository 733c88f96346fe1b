package steps

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"wizard/client"
	"wizard/store"
)

// signup is step 6: Meta's Embedded Signup, opened in the browser. The wizard
// takes the only_waba_sharing route: the browser connects the Facebook user and the
// WhatsApp Business account; the number is added from the terminal afterwards.
// The result comes back by polling the partner's signup session.
type signup struct {
	env      *Env
	sess     store.Session
	busy     busy
	interval time.Duration
	polls    int
	notice   string
	lastErr  error
	sent     bool
}

type (
	signupStarted struct {
		s   client.SignupSession
		err error
	}
	signupPoll   struct{ gen int }
	signupPolled struct {
		r   client.SignupResult
		err error
	}
)

const maxSignupPoll = 5 * time.Second

var (
	keyOpen  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open in browser"))
	keyAgain = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "start a new signup"))
)

func newSignup(env *Env, sess store.Session) Step {
	return &signup{env: env, sess: sess, busy: newBusy(), interval: env.pollEvery()}
}

func (m *signup) ID() ID { return Signup }

func (m *signup) mode() string {
	if m.sess.Path == store.PathMigration {
		return "migration"
	}
	return "new"
}

// Init opens a signup session at the partner, unless one is already waiting.
func (m *signup) Init() tea.Cmd {
	if m.sess.Signup.SessionID != "" && m.sess.Signup.Event == "" {
		return tea.Batch(m.busy.start(m.env.T("signup.waiting"), m.sess.Signup.StartedAt), m.poll())
	}
	return m.start()
}

func (m *signup) start() tea.Cmd {
	accountID, mode := m.sess.Account.ID, m.mode()
	return tea.Batch(m.busy.start(m.env.T("signup.starting"), m.env.Clock.Now()),
		m.env.call(func(ctx context.Context) tea.Msg {
			s, err := m.env.Clients.Partner.StartSignup(ctx, accountID, client.SignupRequest{Mode: mode})
			return signupStarted{s, err}
		}))
}

func (m *signup) poll() tea.Cmd {
	id := m.sess.Signup.SessionID
	return m.env.call(func(ctx context.Context) tea.Msg {
		r, err := m.env.Clients.Partner.GetSignup(ctx, id)
		return signupPolled{r, err}
	})
}

func (m *signup) Help() []key.Binding {
	switch {
	case m.sess.Signup.Event != "" && !SignupFinished(m.sess.Signup.Event):
		return []key.Binding{keyAgain}
	case m.sess.Signup.URL != "":
		return []key.Binding{keyOpen}
	}
	return nil
}

func (m *signup) Update(msg tea.Msg) (Step, tea.Cmd) {
	if cmd, ok := m.busy.update(msg); ok {
		return m, cmd
	}
	now := m.env.Clock.Now()
	switch msg := msg.(type) {
	case signupStarted:
		if msg.err != nil {
			m.busy.stop()
			return m, failed(Signup, msg.err, nil)
		}
		m.sess.Signup = store.Signup{SessionID: msg.s.ID, URL: msg.s.URL, StartedAt: now}
		m.busy.text = m.env.T("signup.waiting")
		sg := m.sess.Signup
		return m, tea.Batch(
			emit(Record{Step: Signup, Kind: "progress", Detail: "signup session " + sg.SessionID + " started",
				Apply: func(s *store.Session) { s.Signup = sg }}),
			m.poll())
	case shownError:
		m.lastErr = msg.err
		return m, nil
	case signupPoll:
		if msg.gen != m.polls || m.sent || m.sess.Signup.Event != "" {
			return m, nil
		}
		return m, m.poll()
	case signupPolled:
		m.polls++
		if msg.err == nil && msg.r.Status != client.SignupPending {
			return m, m.result(msg.r)
		}
		m.lastErr = msg.err
		m.interval = backoff(m.interval, maxSignupPoll)
		gen := m.polls
		return m, tea.Tick(m.interval, func(time.Time) tea.Msg { return signupPoll{gen} })
	case browserOpened:
		if msg.err != nil {
			m.notice = m.env.T("browser.failed", msg.err, msg.url)
		} else {
			m.notice = m.env.T("signup.opened")
		}
		return m, nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, keyAgain) && m.sess.Signup.Event != "" && !SignupFinished(m.sess.Signup.Event):
			m.lastErr, m.notice = nil, ""
			return m, m.start()
		case key.Matches(msg, keyOpen) && m.sess.Signup.URL != "" && m.sess.Signup.Event == "":
			if m.env.OpenURL == nil {
				m.notice = m.env.T("signup.no_browser")
				return m, nil
			}
			return m, openInBrowser(m.env.OpenURL, m.sess.Signup.URL)
		}
	}
	return m, nil
}

// result handles the signup's outcome: a FINISH ends the step; a CANCEL or an
// error is saved (support sees it) and the user may start again.
func (m *signup) result(r client.SignupResult) tea.Cmd {
	now := m.env.Clock.Now()
	sg := m.sess.Signup
	sg.Event, sg.WABAID, sg.BusinessID, sg.PhoneNumberID = r.Event, r.WABAID, r.BusinessID, r.PhoneNumberID
	sg.CancelStep, sg.ErrorMessage, sg.FinishedAt = r.CurrentStep, r.ErrorMessage, now
	if sg.Event == "" {
		sg.Event = "ERROR"
	}
	m.sess.Signup = sg
	m.busy.stop()
	if r.Status == client.SignupFinished && SignupFinished(sg.Event) {
		m.sent = true
		return emit(Done{Step: Signup, Detail: "signup " + sg.Event + ", WABA " + sg.WABAID, Apply: func(s *store.Session) {
			s.Signup = sg
			if sg.PhoneNumberID != "" && s.Path == store.PathMigration {
				s.Phone.ID = sg.PhoneNumberID
			}
		}})
	}
	detail := "signup " + sg.Event
	if sg.CancelStep != "" {
		detail += " at " + sg.CancelStep
	}
	if sg.ErrorMessage != "" {
		detail += ": " + sg.ErrorMessage
	}
	return emit(Record{Step: Signup, Kind: "signup.cancelled", Detail: detail, Apply: func(s *store.Session) { s.Signup = sg }})
}

func (m *signup) View(width int) string {
	sg := m.sess.Signup
	blocks := []string{titleStyle.Render(m.env.T("signup.title")), m.env.T("signup.body")}
	switch {
	case sg.Event != "" && !SignupFinished(sg.Event):
		msg := m.env.T("signup.cancelled")
		if sg.CancelStep != "" {
			msg = m.env.T("signup.cancelled_at", sg.CancelStep)
		}
		if sg.ErrorMessage != "" {
			msg = m.env.T("signup.error", sg.ErrorMessage)
		}
		blocks = append(blocks, errorStyle.Render(msg), m.env.T("signup.try_again"))
	case sg.URL != "":
		// The URL is printed whole, never wrapped, so it can be copied.
		return paragraphs(width, append(blocks, m.env.T("signup.url"))...) + "\n\n" + accentStyle.Render(sg.URL) + "\n\n" +
			paragraphs(width, m.busy.view()+"  "+faintStyle.Render(elapsed(m.env.Clock.Now().Sub(sg.StartedAt))), m.errorLine(), m.notice)
	default:
		blocks = append(blocks, m.busy.view())
	}
	return paragraphs(width, append(blocks, m.errorLine(), m.notice)...)
}

func (m *signup) errorLine() string {
	if m.lastErr == nil {
		return ""
	}
	return errorStyle.Render(Explain(m.env.Words, m.lastErr))
}
