package steps

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"golang.org/x/text/language"

	"wizard/client"
	"wizard/steps/rules"
	"wizard/store"
	"wizard/termsafe"
)

// verifyCode is step 9: Meta sends a 6-digit code by SMS or voice call (the
// provider asks for it); the code is entered within 60 seconds of the request, as
// the guide says (the provider's enter_within_seconds, counted from the saved
// request time, so a resumed session knows what is left). When the countdown
// ends the screen offers a new code and still takes the one received until
// Meta's own lifetime of it is over (the provider's expires_at): Meta decides.
// Then the number is registered for the Cloud API with a two-step verification
// PIN. A migrating number only registers.
//
// The code and the PIN live in this model only: they are never saved, never put
// in an event and never shown back.
type verifyCode struct {
	env      *Env
	sess     store.Session
	code     store.Code // what is saved about the code, kept in step with the Records
	phase    codePhase
	failedIn codePhase // the phase whose call failed, until the error is shown
	form     *huh.Form
	busy     busy
	bar      progress.Model
	input    string // the code as typed
	pin      string
	pin2     string
	lastErr  error
	notice   string
	suggest  string // the method to suggest next ("SMS" or "VOICE"), "" for none
	sandbox  string // the code the sandbox phone received, for the trainer's hint
	tickGen  int
	term     termState
}

type codePhase int

const (
	codeChoose      codePhase = iota // SMS or voice call (also: resend after expiry)
	codeRequesting                   // saving the request time, then asking Meta for a code
	codeEnter                        // the code field and the countdown
	codeVerifying                    // checking the code with Meta
	codePIN                          // the two-step PIN, twice
	codeRegistering                  // registering the number
	codeFinished                     // registered: Done sent
)

// Code methods, as Meta's request_code takes them.
const (
	MethodSMS   = "SMS"
	MethodVoice = "VOICE"
)

// codeWindow is how long a requested code may be entered, as the guide says,
// when the provider does not say otherwise.
const codeWindow = 60 * time.Second

// maxCodeAttempts is how many wrong codes close the field for one request.
const maxCodeAttempts = 3

// codeLanguage is the language of the SMS or call: the user's (the catalog's),
// in the form of Meta's language codes.
func (m *verifyCode) codeLanguage() string { return metaLanguage(m.env.Words.Language()) }

// metaLanguage writes a language as Meta's request_code takes it: English as
// en_US (or en_GB …, when the region is given), every other language with its
// region when one is given (pt_BR) and else by its two letters (ru, kk, uz),
// as in Meta's list of supported languages.
func metaLanguage(tag language.Tag) string {
	base, _ := tag.Base()
	region, conf := tag.Region()
	switch {
	case base.String() == "und":
		return "en_US"
	case conf == language.Exact:
		return base.String() + "_" + region.String()
	case base.String() == "en":
		return "en_US"
	}
	return base.String()
}

type (
	codeRequestSaved struct{ method string }
	codeSentSaved    struct{} // the code's two windows are saved: on to the field
	codeRequested    struct {
		cr  client.CodeRequest
		err error
	}
	codeChecked       struct{ err error }
	codeVerifiedSaved struct{} // the verification is saved: on to the PIN
	codeRegistered    struct{ err error }
	codeTick          struct{ gen int }
	sandboxCodeMsg    struct {
		code string
		err  error
	}
)

var (
	codeKeySMS      = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "keys.code.sms"))
	codeKeyVoice    = key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "keys.code.voice"))
	codeKeyResendS  = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "keys.code.resend_sms"))
	codeKeyResendV  = key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "keys.code.resend_voice"))
	codeMethodByKey = map[string]string{"s": MethodSMS, "v": MethodVoice}
)

func newVerifyCode(env *Env, sess store.Session) Step {
	m := &verifyCode{env: env, sess: sess, code: sess.Code, busy: newBusy(),
		bar: progress.New(progress.WithWidth(30), progress.WithoutPercentage())}
	now := env.Clock.Now()
	switch {
	case sess.Path == store.PathMigration || PopupVerified(sess) || !sess.Code.VerifiedAt.IsZero():
		// Verified already: by the move, in Meta's pop-up, or here before.
		m.phase = codePIN
		m.form = m.pinForm()
	case sess.Code.RequestedAt.IsZero():
		m.phase = codeChoose
		if m.preferVoice() {
			m.suggest = MethodVoice
		}
	case now.Before(validUntil(sess.Code)) && sess.Code.Attempts < maxCodeAttempts:
		// Resumed while the code may still be good: the field, with what is left
		// of the countdown (or, after it, with a new code offered too).
		m.phase = codeEnter
		m.form = m.codeForm()
	default:
		m.phase = codeChoose
		if !m.codeSent() {
			m.notice = env.T("code.not_sent")
		} else if sess.Code.Attempts >= maxCodeAttempts {
			m.notice = env.T("code.too_many_attempts", m.methodName(otherMethod(sess.Code.Method)))
			m.suggest = otherMethod(sess.Code.Method)
		} else {
			m.notice = env.T("code.expired")
		}
	}
	return m
}

// codeSent reports whether a code was sent for the last request: a request
// that failed closed its window at once (ExpiresAt = RequestedAt).
func (m *verifyCode) codeSent() bool {
	return !m.code.RequestedAt.IsZero() && m.code.ExpiresAt.After(m.code.RequestedAt)
}

// preferVoice reports whether the number is better reached by a voice call
// (toll-free or not known to be mobile).
func (m *verifyCode) preferVoice() bool {
	if m.sess.Phone.E164 == "" {
		return false
	}
	p, problem := rules.ParsePhone(m.sess.Phone.E164, m.sess.Phone.Country)
	return problem == rules.PhoneOK && p.PreferVoice()
}

func otherMethod(method string) string {
	if method == MethodVoice {
		return MethodSMS
	}
	return MethodVoice
}

func (m *verifyCode) methodName(method string) string {
	if method == MethodVoice {
		return m.env.T("code.method_voice")
	}
	return m.env.T("code.method_sms")
}

func (m *verifyCode) codeForm() *huh.Form {
	env := m.env
	help := env.T("code.code_help")
	if m.code.Method == MethodVoice {
		help = env.T("code.code_help_voice") // there is no SMS to copy it from
	}
	return newForm(env, huh.NewGroup(
		huh.NewInput().Key("code").Title(env.T("code.code")).
			Description(help).
			Placeholder("123-456").CharLimit(rules.CodeLength+1).
			Value(&m.input).
			Validate(func(s string) error {
				if _, ok := rules.NormaliseCode(s); !ok {
					return errors.New(env.T("code.code_invalid"))
				}
				return nil
			}),
	))
}

func (m *verifyCode) pinForm() *huh.Form {
	env := m.env
	return newForm(env, huh.NewGroup(
		huh.NewInput().Key("pin").Title(env.T("code.pin")).
			// The weak-PIN warning is drawn by View: a DescriptionFunc would read
			// m.pin in a command while the field writes it.
			Description(env.T("code.pin_help")).
			EchoMode(huh.EchoModePassword).CharLimit(rules.CodeLength).Value(&m.pin).
			Validate(func(s string) error {
				if !rules.CheckPIN(s) {
					return errors.New(env.T("code.pin_invalid"))
				}
				return nil
			}),
		huh.NewInput().Key("pin2").Title(env.T("code.pin_repeat")).
			EchoMode(huh.EchoModePassword).CharLimit(rules.CodeLength).Value(&m.pin2).
			Validate(func(s string) error {
				if s != m.pin {
					return errors.New(env.T("code.pin_mismatch"))
				}
				return nil
			}),
	))
}

func (m *verifyCode) ID() ID { return VerifyCode }

func (m *verifyCode) MovesFocus(k tea.KeyPressMsg) bool {
	return (m.phase == codeEnter || m.phase == codePIN) && formMovesFocus(m.form, k)
}
func (m *verifyCode) Focus() string { return formFocus(m.form) + strconv.Itoa(int(m.phase)) }

func (m *verifyCode) Init() tea.Cmd {
	switch m.phase {
	case codeEnter:
		return tea.Batch(m.form.Init(), m.tick(), m.fetchSandboxCode())
	case codePIN:
		return m.form.Init()
	}
	return nil
}

// Help is the step's keys, in the user's language.
func (m *verifyCode) Help() []key.Binding { return m.env.inWords(m.keyList()) }

func (m *verifyCode) keyList() []key.Binding {
	switch m.phase {
	case codeChoose:
		if !m.codeSent() {
			return []key.Binding{codeKeySMS, codeKeyVoice}
		}
		return []key.Binding{codeKeyResendS, codeKeyResendV}
	case codeEnter:
		if m.form == nil {
			return nil
		}
		if m.late(m.env.Clock.Now()) {
			// After the countdown: a new code, or the one received.
			return append([]key.Binding{codeKeyResendS, codeKeyResendV}, m.form.KeyBinds()...)
		}
		return m.form.KeyBinds()
	case codePIN:
		if m.form != nil {
			return m.form.KeyBinds()
		}
	}
	return nil
}

// left is what is left of the countdown.
func (m *verifyCode) left(now time.Time) time.Duration {
	return m.code.ExpiresAt.Sub(now)
}

// late reports whether the countdown is over: a new code is offered, and the
// one received is still taken (Meta decides).
func (m *verifyCode) late(now time.Time) bool { return m.left(now) <= 0 }

// gone reports whether Meta's lifetime of the code is over: only a new code helps.
func (m *verifyCode) gone(now time.Time) bool { return !now.Before(validUntil(m.code)) }

// validUntil is when Meta stops taking the code: ValidUntil, or the end of the
// countdown when it is not known.
func validUntil(c store.Code) time.Time {
	if c.ValidUntil.After(c.ExpiresAt) {
		return c.ValidUntil
	}
	return c.ExpiresAt
}

// window is the countdown's length for the current code.
func (m *verifyCode) window() time.Duration {
	if w := m.code.ExpiresAt.Sub(m.code.RequestedAt); w > 0 {
		return w
	}
	return codeWindow
}

// tick redraws the countdown once a second; it never counts anything itself.
func (m *verifyCode) tick() tea.Cmd {
	m.tickGen++
	gen := m.tickGen
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return codeTick{gen} })
}

func (m *verifyCode) fetchSandboxCode() tea.Cmd {
	if m.env.Training == nil || m.sess.Phone.ID == "" {
		return nil
	}
	tr, id := m.env.Training, m.sess.Phone.ID
	return m.env.call(func(ctx context.Context) tea.Msg {
		c, err := tr.LatestCode(ctx, id)
		return sandboxCodeMsg{c, err}
	})
}

// closeField ends the code field: the window is over or too many codes were wrong.
func (m *verifyCode) closeField(notice string) {
	m.phase, m.form, m.input = codeChoose, nil, ""
	m.notice, m.sandbox = notice, ""
}

// request saves the request time first, then (on the Reply) asks Meta for a code.
func (m *verifyCode) request(method string) (tea.Cmd, Outcome) {
	now := m.env.Clock.Now()
	c := m.code
	c.Method, c.RequestedAt, c.ExpiresAt, c.ValidUntil = method, now, now.Add(codeWindow), time.Time{}
	c.Requests++
	c.Attempts = 0
	m.code = c
	m.phase, m.form, m.input = codeRequesting, nil, ""
	m.lastErr, m.notice, m.suggest, m.sandbox = nil, "", "", ""
	return m.busy.start(m.env.T("code.requesting", m.methodName(method)), now),
		Record{Step: VerifyCode, Kind: "progress", Detail: Said("history.code_requested", method),
			Apply: func(s *store.Session) {
				s.Code.Method, s.Code.RequestedAt, s.Code.ExpiresAt, s.Code.ValidUntil = c.Method, c.RequestedAt, c.ExpiresAt, c.ValidUntil
				s.Code.Requests, s.Code.Attempts = c.Requests, c.Attempts
			},
			Reply: codeRequestSaved{method}}
}

func (m *verifyCode) Update(msg tea.Msg) (Step, tea.Cmd, Outcome) {
	m.term.note(msg)
	if cmd, ok := m.busy.update(msg); ok {
		return m, cmd, nil
	}
	now := m.env.Clock.Now()
	if m.phase == codeEnter && m.gone(now) {
		m.closeField(m.env.T("code.expired"))
	}
	switch msg := msg.(type) {
	case codeTick:
		if msg.gen != m.tickGen || (m.phase != codeEnter && m.phase != codeVerifying) {
			return m, nil, nil
		}
		return m, m.tick(), nil
	case sandboxCodeMsg:
		if msg.err == nil && (m.phase == codeEnter || m.phase == codeVerifying) {
			m.sandbox = msg.code
		}
		return m, nil, nil
	case codeRequestSaved:
		signup, id, method, lang := m.sess.Signup.SessionID, m.sess.Phone.ID, msg.method, m.codeLanguage()
		return m, m.env.call(func(ctx context.Context) tea.Msg {
			cr, err := m.env.Clients.Partner.RequestNumberCode(ctx, signup, id, method, lang)
			return codeRequested{cr, err}
		}), nil
	case codeRequested:
		if msg.err != nil {
			m.busy.stop()
			// No code is on its way: the window closes, the request stays on record.
			m.code.ExpiresAt = m.code.RequestedAt
			m.failedIn = codeRequesting
			return m, nil, failure(VerifyCode, msg.err, func(s *store.Session) { s.Code.ExpiresAt = s.Code.RequestedAt })
		}
		// The provider says how long the code may be typed (the countdown) and
		// how long Meta takes it; both are counted from the saved request time.
		c := m.code
		window := time.Duration(msg.cr.EnterWithinSeconds) * time.Second
		if window <= 0 {
			window = codeWindow
		}
		c.ExpiresAt = c.RequestedAt.Add(window)
		c.ValidUntil = time.Time{}
		if life := msg.cr.ExpiresAt.Sub(msg.cr.RequestedAt); life > window && !msg.cr.RequestedAt.IsZero() {
			c.ValidUntil = c.RequestedAt.Add(life)
		}
		m.code = c
		detail := Said("history.code_sent", c.Method, seconds(window))
		if !c.ValidUntil.IsZero() {
			detail = detail.And("history.code_valid", seconds(c.ValidUntil.Sub(c.RequestedAt)))
		}
		return m, nil, Record{Step: VerifyCode, Kind: "progress", Detail: detail,
			Apply: func(s *store.Session) { s.Code.ExpiresAt, s.Code.ValidUntil = c.ExpiresAt, c.ValidUntil },
			Reply: codeSentSaved{}}
	case codeSentSaved:
		m.busy.stop()
		m.phase = codeEnter
		var cmd tea.Cmd
		m.form, cmd = m.term.start(m.codeForm())
		return m, tea.Batch(cmd, m.tick(), m.fetchSandboxCode()), nil
	case codeChecked:
		if msg.err == nil {
			// Saved before the PIN is asked: a crash must not ask for the code again.
			m.code.VerifiedAt = now
			return m, nil, Record{Step: VerifyCode, Kind: "progress", Detail: Said("history.number_verified"),
				Apply: func(s *store.Session) { s.Code.VerifiedAt = now }, Reply: codeVerifiedSaved{}}
		}
		m.busy.stop()
		m.failedIn = codeVerifying
		var apply func(*store.Session)
		if graphCode(msg.err) == 136025 {
			m.code.Attempts++
			n := m.code.Attempts
			apply = func(s *store.Session) { s.Code.Attempts = n }
		}
		return m, nil, failure(VerifyCode, msg.err, apply)
	case codeVerifiedSaved:
		m.busy.stop()
		m.input, m.sandbox, m.lastErr, m.notice = "", "", nil, ""
		m.phase = codePIN
		var cmd tea.Cmd
		m.form, cmd = m.term.start(m.pinForm())
		return m, cmd, nil
	case codeRegistered:
		m.busy.stop()
		if msg.err == nil {
			m.phase = codeFinished
			return m, nil, Done{Step: VerifyCode, Detail: Said("history.number_registered"),
				Apply: func(s *store.Session) { s.Code.RegisteredAt = now }}
		}
		m.failedIn = codeRegistering
		var apply func(*store.Session)
		if graphCode(msg.err) == 133006 {
			// Meta wants the number verified (again): back to the code.
			m.code.VerifiedAt = time.Time{}
			apply = func(s *store.Session) { s.Code.VerifiedAt = time.Time{} }
		}
		return m, nil, failure(VerifyCode, msg.err, apply)
	case shownError:
		return m, m.showError(msg.err, now), nil
	case tea.KeyPressMsg:
		if m.phase == codeChoose {
			if method, ok := codeMethodByKey[msg.String()]; ok && m.sess.Phone.ID != "" {
				cmd, out := m.request(method)
				return m, cmd, out
			}
			return m, nil, nil
		}
		if m.phase == codeEnter && m.late(now) {
			// A code is digits: s and v ask for a new one once the countdown is over.
			if method, ok := codeMethodByKey[msg.String()]; ok && m.sess.Phone.ID != "" {
				cmd, out := m.request(method)
				return m, cmd, out
			}
		}
	}
	if (m.phase != codeEnter && m.phase != codePIN) || m.form == nil {
		return m, nil, nil
	}
	var cmd tea.Cmd
	var submitted bool
	m.form, cmd, submitted = submitForm(m.form, msg)
	if !submitted {
		return m, cmd, nil
	}
	if m.phase == codeEnter {
		code, ok := rules.NormaliseCode(m.input)
		if !ok { // the field validated it; start the field over
			var init tea.Cmd
			m.form, init = m.term.start(m.codeForm())
			return m, tea.Batch(cmd, init), nil
		}
		m.phase, m.lastErr, m.notice = codeVerifying, nil, ""
		signup, id := m.sess.Signup.SessionID, m.sess.Phone.ID
		return m, tea.Batch(cmd, m.busy.start(m.env.T("code.verifying"), now),
			m.env.call(func(ctx context.Context) tea.Msg {
				return codeChecked{m.env.Clients.Partner.VerifyNumberCode(ctx, signup, id, code)}
			})), nil
	}
	pin, signup, id := m.pin, m.sess.Signup.SessionID, m.sess.Phone.ID
	m.pin, m.pin2, m.form = "", "", nil
	m.phase, m.lastErr = codeRegistering, nil
	return m, tea.Batch(cmd, m.busy.start(m.env.T("code.registering"), now),
		m.env.call(func(ctx context.Context) tea.Msg {
			return codeRegistered{m.env.Clients.Partner.RegisterNumber(ctx, signup, id, pin)}
		})), nil
}

// showError puts a saved error on screen, in the phase that should follow it.
func (m *verifyCode) showError(err error, now time.Time) tea.Cmd {
	m.lastErr = err
	switch m.failedIn {
	case codeRequesting:
		m.phase = codeChoose
		if otherMethodHelps(err) {
			// Meta's remedy for a code it could not send: the other method.
			m.suggest = otherMethod(m.code.Method)
			m.notice = m.env.T("code.try_other", m.methodName(m.suggest))
			return nil
		}
		// An outage, a rate limit, a refusal: no reason to switch method.
		m.suggest, m.notice = "", m.env.T("code.not_sent")
		return nil
	case codeVerifying:
		wrong := graphCode(err) == 136025
		switch {
		case wrong && m.code.Attempts >= maxCodeAttempts:
			m.suggest = otherMethod(m.code.Method)
			m.closeField(m.env.T("code.too_many_attempts", m.methodName(m.suggest)))
			return nil
		case wrong && metaExpired(err):
			// Meta decided: the code typed after the countdown is no longer good.
			m.closeField(m.env.T("code.expired_at_meta"))
			return nil
		case m.gone(now):
			m.closeField(m.env.T("code.expired"))
			return nil
		case wrong:
			m.lastErr, m.input = nil, ""
			m.notice = m.env.T("code.wrong", maxCodeAttempts-m.code.Attempts)
		}
		m.phase = codeEnter
		var cmd tea.Cmd
		m.form, cmd = m.term.start(m.codeForm())
		return cmd
	case codeRegistering:
		if graphCode(err) == 133006 {
			m.phase, m.form = codeChoose, nil
			return nil
		}
		m.phase = codePIN
		var cmd tea.Cmd
		m.form, cmd = m.term.start(m.pinForm())
		return cmd
	}
	return nil
}

// metaExpired reports whether Meta's error says the code has expired
// (136025 with details "expired").
func metaExpired(err error) bool {
	var ge *client.GraphError
	return errors.As(err, &ge) && strings.EqualFold(strings.TrimSpace(ge.Details), "expired")
}

// graphCode is the code of Meta's error that err passes on, or 0.
func graphCode(err error) int {
	var ge *client.GraphError
	if errors.As(err, &ge) {
		return ge.Code
	}
	return 0
}

func (m *verifyCode) View(width int) string {
	env, st := m.env, m.env.S()
	now := m.env.Clock.Now()
	var errLine, notice string
	if m.lastErr != nil {
		errLine = st.Error.Render(Explain(env.Words, m.lastErr))
	}
	if m.notice != "" {
		notice = st.Accent.Render(m.notice)
	}
	number := termsafe.Line(ShowNumber(m.sess.Phone))
	switch m.phase {
	case codeChoose:
		title, body := env.T("code.choose_title"), env.T("code.choose_body", number)
		if m.codeSent() {
			title, body = env.T("code.resend_title"), env.T("code.resend_body", number)
		}
		var hint string
		if m.suggest == MethodVoice && m.code.RequestedAt.IsZero() {
			hint = env.T("code.voice_recommended")
		}
		return paragraphs(width, st.Title.Render(title), InView(errLine), InView(notice), body, hint, InView(m.choices()))
	case codeEnter, codeVerifying:
		left := m.left(now)
		frac := float64(left) / float64(m.window())
		countdown := st.Accent.Render(elapsed(left)) + "  " + m.bar.ViewAs(min(max(frac, 0), 1)) + "  " +
			st.Faint.Render(env.T("code.left"))
		if m.late(now) {
			// Said plainly: the guide's time is over, the code may still be good.
			countdown = st.Accent.Render(env.T("code.window_over", int(m.window()/time.Second))) + "\n" +
				st.Faint.Render(env.T("code.window_over_keys"))
		}
		var hint, field string
		if m.sandbox != "" && len(m.sandbox) == rules.CodeLength {
			hint = st.Faint.Render(env.T("code.sandbox_received", m.sandbox[:3]+"-"+m.sandbox[3:]))
		}
		if m.phase == codeVerifying {
			field = m.busy.view()
		} else if m.form != nil {
			field = m.form.View()
		}
		return paragraphs(width, st.Title.Render(env.T("code.enter_title")),
			env.T("code.sent", m.methodName(m.code.Method), number), InView(countdown), hint, InView(errLine), InView(notice), InView(field))
	case codeRequesting, codeRegistering:
		return paragraphs(width, st.Title.Render(env.T("code.title")), m.busy.view())
	case codePIN:
		body := env.T("code.pin_body")
		switch {
		case m.sess.Path == store.PathMigration:
			body = env.T("code.pin_body_migration")
		case PopupVerified(m.sess) && m.sess.Code.VerifiedAt.IsZero():
			body = env.T("code.pin_body_popup")
		}
		var form, weak string
		if m.form != nil {
			form = m.form.View()
		}
		if rules.IsWeakPIN(m.pin) {
			weak = st.Error.Render(env.T("code.pin_weak"))
		}
		return paragraphs(width, st.Title.Render(env.T("code.pin_title")), body, InView(errLine), InView(form), InView(weak))
	}
	return paragraphs(width, st.OK.Render(env.T("code.registered")))
}

// choices lists the two ways to get a code, the suggested one first.
func (m *verifyCode) choices() string {
	st := m.env.S()
	sms := "[s] " + m.methodName(MethodSMS)
	voice := "[v] " + m.methodName(MethodVoice)
	if m.suggest == MethodVoice {
		return st.Accent.Render(voice) + "\n" + sms
	}
	if m.suggest == MethodSMS {
		return st.Accent.Render(sms) + "\n" + voice
	}
	return sms + "\n" + voice
}

// Form is the form on screen, for the line-by-line front (FormHolder).
func (m *verifyCode) Form() *huh.Form { return m.form }

// Countdown is what is left of the code's countdown while the code is typed
// (Countdowner).
func (m *verifyCode) Countdown() (time.Duration, bool) {
	if m.phase != codeEnter {
		return 0, false
	}
	return max(m.left(m.env.Clock.Now()), 0), true
}
