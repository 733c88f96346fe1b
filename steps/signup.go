package steps

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"wizard/client"
	"wizard/client/callback"
	"wizard/store"
)

// signup is step 6: Meta's Embedded Signup (v4), opened in the browser. The
// pop-up connects the Facebook user, the business portfolio and the WhatsApp
// Business account, and may add the number and verify it; the user may also
// finish without a number, or with one on the WhatsApp Business app. After a
// FINISH the step reads the signup (the provider's stage) and the number's
// state from the provider and saves them; the flow goes on with what is left
// (flow.go).
//
// The result comes back by whichever way is first:
//  1. the loopback callback: the partner redirects the browser to
//     http://127.0.0.1:<port>/callback?state=…&event=…, served by package callback;
//  2. polling the partner's signup session (a signup finished on another device);
//  3. the user pasting the address the browser ended on, or "FINISH <waba> <business>"
//     (over SSH the browser cannot reach this machine's 127.0.0.1).
//
// The first result wins; the others are stopped. A FINISH ends the step; a CANCEL
// or an error is saved too (support sees it) and the user may start again.
type signup struct {
	env  *Env
	sess store.Session
	term termState
	poll poller // the wait for the result: the partner is polled between two waits on the callback
	keys signupKeys

	gen         int64       // the signup session under way; messages of older ones are dropped
	live        *liveSignup // the loopback callback of this signup session, if any
	starting    bool        // a signup session is being opened
	failedStart bool        // opening it failed: r tries again
	taken       bool        // a result was taken: nothing else is waited for
	resumed     bool        // waiting on a session from an earlier run: no callback
	lost        bool        // the callback server stopped without a result
	paste       *huh.Form   // the paste box, when shown
	pasted      *string     // the paste box's value
	notice      string      // what happened last (browser opened, address copied)
	lastErr     error       // the last error, shown until the next attempt
	openErr     error       // opening the browser failed
	reading     bool        // a FINISH is saved and being read from the provider
	readFailed  bool        // reading it failed: r tries again
	stageNote   string      // the provider's reason while its stage is not usable yet
	via         string      // how the result being read came (for the history)
	unconfirmed bool        // a result was given that the provider has not received
}

// liveSignup is the callback server of a signup session started in this run. It
// is kept in the Env, so that the step finds it again after the user went back
// and returned: the partner redirects to this server and no other.
type liveSignup struct {
	sessionID string
	srv       *callback.Server
	state     string
}

type (
	signupStarted struct {
		gen  int64
		live *liveSignup // nil if the callback could not be started
		s    client.SignupSession
		err  error
	}
	signupCallback struct {
		gen int64
		r   callback.Result
	}
	signupCallbackLost struct {
		gen int64
		err error
	}
	signupPolled struct {
		gen int64
		r   client.SignupResult
		err error
	}
)

// signupGens numbers the waits of every signup model, so that a model built
// again (after going back) never takes an older model's message for its own.
var signupGens atomic.Int64

// signupCallbackTimeout is how long the callback server waits for the browser.
var signupCallbackTimeout = callback.DefaultTimeout

// Limits of the interval between two polls of the partner: with a callback the
// browser's answer is immediate and polling is the way for a signup finished on
// another device, which shows within two seconds; without a callback, polling
// is the answer and stays at one second.
const (
	maxSignupPoll         = 2 * time.Second
	maxSignupPollNoReturn = time.Second
)

func newSignup(env *Env, sess store.Session) Step {
	return &signup{env: env, sess: sess, poll: newPoller(env.pollEvery(), maxSignupPoll), keys: newSignupKeys(env)}
}

// pollLimit is the longest wait between two polls for how the result can come back.
func (m *signup) pollLimit() time.Duration {
	if m.live == nil {
		return max(maxSignupPollNoReturn, m.env.pollEvery())
	}
	return max(maxSignupPoll, m.env.pollEvery())
}

func (m *signup) ID() ID { return Signup }

func (m *signup) mode() string {
	if m.sess.Path == store.PathMigration {
		return "migration"
	}
	return "new"
}

// waiting: a signup session is open and its result has not come.
func (m *signup) waiting() bool {
	return m.sess.Signup.SessionID != "" && m.sess.Signup.Event == "" && !m.taken
}

// Init opens a signup session at the partner, unless one is already waiting:
// then it waits on it again, with its callback if it was started in this run.
func (m *signup) Init() tea.Cmd {
	sg := m.sess.Signup
	if SignupFinished(sg.Event) && sg.ReadPending && sg.SessionID != "" {
		// Finished and saved, not read yet (the wizard stopped in between).
		m.gen = signupGens.Add(1)
		m.taken, m.via = true, "history.via.earlier_run"
		m.startReading()
		return m.readFinished()
	}
	if sg.SessionID == "" || sg.Event != "" {
		return m.start()
	}
	if l := m.env.signup; l != nil && l.sessionID == sg.SessionID {
		m.live = l
	} else {
		m.resumed = true
	}
	m.gen = signupGens.Add(1)
	m.poll.limit = m.pollLimit()
	return tea.Batch(m.poll.start(m.env.T("signup.waiting"), sg.StartedAt), m.pollNow())
}

// start opens a new signup session: first the callback server (a new port and
// state), then the partner's session that redirects to it.
func (m *signup) start() tea.Cmd {
	m.gen = signupGens.Add(1)
	m.starting, m.failedStart, m.taken, m.resumed, m.lost = true, false, false, false, false
	m.reading, m.readFailed, m.stageNote, m.unconfirmed = false, false, "", false
	m.lastErr, m.openErr, m.notice, m.paste = nil, nil, "", nil
	m.poll.now()
	old := m.env.signup
	m.env.signup, m.live = nil, nil
	gen, accountID, mode, texts, partner := m.gen, m.sess.Account.ID, m.mode(), m.pageTexts(), m.env.Clients.Partner
	return tea.Batch(m.poll.start(m.env.T("signup.starting"), m.env.Clock.Now()), closeLive(old),
		m.env.call(func(ctx context.Context) tea.Msg {
			req := client.SignupRequest{Mode: mode}
			var live *liveSignup
			state := callback.NewState()
			// Without a callback the signup still works, by polling and pasting.
			if srv, err := callback.Start(state, callback.WithTexts(texts), callback.WithTimeout(signupCallbackTimeout)); err == nil {
				live = &liveSignup{srv: srv, state: state}
				req.CallbackURL, req.State = srv.URL(), state
			}
			s, err := partner.StartSignup(ctx, accountID, req)
			if err != nil && live != nil {
				_ = live.srv.Close()
				live = nil
			}
			if live != nil {
				live.sessionID = s.ID
			}
			return signupStarted{gen: gen, live: live, s: s, err: err}
		}))
}

// closeLive stops a callback server that is no longer waited on.
func closeLive(l *liveSignup) tea.Cmd {
	if l == nil {
		return nil
	}
	return func() tea.Msg { _ = l.srv.Close(); return nil }
}

// wait waits for the callback for one poll interval, then the partner is polled.
func (m *signup) wait() tea.Cmd {
	m.poll.limit = m.pollLimit()
	if m.live == nil {
		return m.poll.later(0)
	}
	gen, srv := m.gen, m.live.srv
	return m.poll.laterVia(func(ctx context.Context) tea.Msg {
		r, err := srv.Wait(ctx)
		switch {
		case err == nil:
			return signupCallback{gen, r}
		case errors.Is(err, context.DeadlineExceeded):
			return nil // time to ask the partner
		default:
			return signupCallbackLost{gen, err}
		}
	})
}

// pollNow asks the partner for the session's result.
func (m *signup) pollNow() tea.Cmd {
	gen, id, partner := m.gen, m.sess.Signup.SessionID, m.env.Clients.Partner
	return m.env.call(func(ctx context.Context) tea.Msg {
		r, err := partner.GetSignup(ctx, id)
		return signupPolled{gen, r, err}
	})
}

// WantsBack: esc closes the paste box first; otherwise it goes back.
func (m *signup) WantsBack(k tea.KeyPressMsg) bool {
	return m.paste == nil && !m.starting && k.String() == "esc"
}

func (m *signup) Update(msg tea.Msg) (Step, tea.Cmd, Outcome) {
	m.term.note(msg)
	if cmd, ok := m.poll.update(msg); ok {
		return m, cmd, nil
	}
	if due, ours := m.poll.due(msg); ours {
		switch {
		case due && m.reading:
			return m, m.readFinished(), nil
		case !due || !m.waiting():
			return m, nil, nil
		}
		return m, m.pollNow(), nil
	}
	switch msg := msg.(type) {
	case signupSaved:
		if msg.gen != m.gen {
			return m, nil, nil
		}
		return m, m.saved(msg), nil
	case signupRead:
		if msg.gen != m.gen || !m.reading {
			return m, nil, nil
		}
		cmd, out := m.read(msg)
		return m, cmd, out
	case signupStarted:
		if msg.gen != m.gen {
			return m, closeLive(msg.live), nil
		}
		cmd, out := m.started(msg)
		return m, cmd, out
	case signupPolled:
		if msg.gen != m.gen || !m.waiting() {
			return m, nil, nil
		}
		if msg.err == nil && msg.r.Status != client.SignupPending && msg.r.Event != "" {
			cmd, out := m.take(msg.r, "history.via.provider")
			return m, cmd, out
		}
		m.lastErr = msg.err
		return m, m.wait(), nil
	case signupCallback:
		if msg.gen != m.gen || !m.waiting() {
			return m, nil, nil
		}
		cmd, out := m.take(fromCallback(msg.r), "history.via.browser")
		return m, cmd, out
	case signupCallbackLost:
		if msg.gen != m.gen || !m.waiting() {
			return m, nil, nil
		}
		m.lost = errors.Is(msg.err, callback.ErrTimeout)
		m.live, m.env.signup = nil, nil
		m.poll.interval = min(m.poll.interval, maxSignupPollNoReturn)
		return m, m.wait(), nil
	case browserOpened:
		m.openErr = msg.err
		m.notice = ""
		if msg.err == nil {
			m.notice = m.env.T("signup.opened")
		}
		return m, nil, nil
	case shownError:
		m.lastErr = msg.err
		return m, nil, nil
	case tea.PasteMsg:
		if m.paste == nil && m.waiting() {
			return m, m.openPaste(msg.Content), nil
		}
	case tea.KeyPressMsg:
		if m.paste == nil {
			return m, m.key(msg), nil
		}
		if msg.String() == "esc" {
			m.paste = nil
			return m, nil, nil
		}
	}
	if m.paste != nil {
		return m.updatePaste(msg)
	}
	return m, nil, nil
}

// started handles the partner's answer to "open a signup session".
func (m *signup) started(msg signupStarted) (tea.Cmd, Outcome) {
	m.starting = false
	if msg.err != nil {
		m.poll.stop()
		m.failedStart = true
		return nil, failure(Signup, msg.err, nil)
	}
	m.live, m.env.signup = msg.live, msg.live
	sg := store.Signup{SessionID: msg.s.ID, URL: msg.s.URL, StartedAt: m.env.Clock.Now()}
	m.sess.Signup = sg
	m.poll.text = m.env.T("signup.waiting")
	detail := Said("history.signup_started", sg.SessionID)
	if msg.live == nil {
		detail = Said("history.signup_started_no_callback", sg.SessionID)
	}
	return m.wait(), Record{Step: Signup, Kind: "progress", Detail: detail, Apply: func(s *store.Session) { s.Signup = sg }}
}

// key handles a key press while the paste box is closed.
func (m *signup) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case m.starting:
		return nil
	case key.Matches(msg, k.retry) && m.failedStart:
		return m.start()
	case key.Matches(msg, k.retry) && m.reading && m.readFailed:
		m.lastErr, m.readFailed = nil, false
		m.startReading()
		return m.readFinished()
	case key.Matches(msg, k.again) && (m.waiting() || m.cancelled() || m.reading):
		return m.start()
	case !m.waiting():
		return nil
	case key.Matches(msg, k.open):
		if m.env.OpenURL == nil {
			return nil
		}
		m.notice, m.openErr = "", nil
		return openInBrowser(m.env.OpenURL, m.sess.Signup.URL)
	case key.Matches(msg, k.copy):
		m.notice = m.env.T("signup.copied")
		return tea.SetClipboard(m.sess.Signup.URL)
	case key.Matches(msg, k.paste):
		return m.openPaste("")
	}
	return nil
}

// cancelled: the last signup ended without a FINISH, or with one whose code
// the provider could not exchange in time: either way the pop-up must be
// opened again.
func (m *signup) cancelled() bool {
	sg := m.sess.Signup
	return sg.Event != "" && (!SignupFinished(sg.Event) || sg.Stage == client.StageExchangeFailed)
}

// pageTexts are the callback's browser pages, in the user's language.
func (m *signup) pageTexts() callback.Texts {
	t := m.env.T
	page := func(k string) callback.Page {
		return callback.Page{Title: t("signup.page." + k + ".title"), Body: t("signup.page." + k + ".body")}
	}
	return callback.Texts{Lang: m.env.Words.Language().String(), Finished: page("finished"),
		NotFinished: page("not_finished"), Rejected: page("rejected"), Incomplete: page("incomplete"),
		Already: page("already")}
}
