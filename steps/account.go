package steps

import (
	"context"
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"wizard/client"
	"wizard/steps/rules"
	"wizard/store"
)

// account is step 2: e-mail and password for the provider account. The password
// goes to the partner once and is never saved; on resume it is asked again.
// Shown again once the account exists (going back, or "change address" while
// waiting for the e-mail), it changes only the e-mail address.
type account struct {
	env       *Env
	form      *huh.Form
	id        string // the partner's account id, once it exists
	createKey string // the idempotency key of the creation: the same for this session every time
	oldEmail  string
	busy      busy
	email     string
	password  string
	repeat    string
	fieldErr  string
	term      termState // the partner's refusal, shown above the form
}

type accountCreated struct {
	acc     client.Account
	updated bool // the e-mail of an existing account was changed
	err     error
}

func newAccount(env *Env, sess store.Session) Step {
	m := &account{env: env, busy: newBusy(), email: sess.Account.Email, id: sess.Account.ID, oldEmail: sess.Account.Email,
		createKey: "wizard-" + sess.ID + "-account"}
	m.form = m.newForm()
	return m
}

func (m *account) newForm() *huh.Form {
	env := m.env
	if m.id != "" {
		return newForm(env, huh.NewGroup(
			huh.NewInput().Key("email").Title(env.T("account.email")).
				Description(env.T("account.change_email")).Value(&m.email).
				Validate(func(s string) error { return emailError(env, s) }),
		))
	}
	return newForm(env, huh.NewGroup(
		huh.NewInput().Key("email").Title(env.T("account.email")).
			Placeholder("name@company.com").Value(&m.email).
			Validate(func(s string) error { return emailError(env, s) }),
		huh.NewInput().Key("password").Title(env.T("account.password")).
			EchoMode(huh.EchoModePassword).Value(&m.password).
			Validate(func(s string) error {
				if !rules.CheckPassword(s).OK() {
					return errors.New(env.T("account.password_weak"))
				}
				return nil
			}),
		huh.NewInput().Key("repeat").Title(env.T("account.repeat")).
			EchoMode(huh.EchoModePassword).Value(&m.repeat).
			Validate(func(s string) error {
				if s != m.password {
					return errors.New(env.T("account.mismatch"))
				}
				return nil
			}),
	))
}

// changeEmail changes the address of the existing account; the same address
// again changes nothing and asks nothing of the partner.
func (m *account) changeEmail(email string) (tea.Cmd, Outcome) {
	if strings.EqualFold(email, m.oldEmail) {
		return nil, Done{Step: Account, Detail: Said("history.email_unchanged")}
	}
	id := m.id
	return tea.Batch(m.busy.start(m.env.T("account.changing"), m.env.Clock.Now()),
		m.env.call(func(ctx context.Context) tea.Msg {
			acc, err := m.env.Clients.Partner.UpdateEmail(ctx, id, email)
			return accountCreated{acc: acc, updated: true, err: err}
		})), nil
}

// emailError is the catalog sentence for an e-mail address's problem, or nil.
// An address typed with a name ("User Name <u@x.com>") is told exactly what
// to type instead.
func emailError(env *Env, s string) error {
	if p := rules.CheckEmail(s); p != "" {
		if bare := rules.NamedEmailAddress(s); bare != "" {
			return errors.New(env.T("rules.email_display_name_use", bare))
		}
		return errors.New(env.T("rules." + string(p)))
	}
	return nil
}

// passwordChecklist renders the provider's password rule as ticks that follow the typing.
func passwordChecklist(env *Env, pw string) string {
	c := rules.CheckPassword(pw)
	tick := func(ok bool, label string) string {
		if ok {
			return env.S().OK.Render("✓ " + label)
		}
		return env.S().Faint.Render("· " + label)
	}
	lines := []string{
		tick(c.Length, env.T("password.length", rules.PasswordMinLength)),
		tick(c.Kinds >= rules.PasswordMinKinds, env.T("password.kinds", rules.PasswordMinKinds, c.Kinds)),
		"  " + tick(c.Lower, env.T("password.lower")) + "  " + tick(c.Upper, env.T("password.upper")) +
			"  " + tick(c.Digit, env.T("password.digit")) + "  " + tick(c.Special, env.T("password.special")),
	}
	if pw != "" && rules.IsCommonPassword(pw) {
		lines = append(lines, env.S().Error.Render(env.T("password.common")))
	}
	return strings.Join(lines, "\n")
}

// WantsBack: shift+tab on the first field, or esc.
func (m *account) WantsBack(k tea.KeyPressMsg) bool { return formWantsBack(m.form, k, "email") }

func (m *account) ID() ID { return Account }

func (m *account) MovesFocus(k tea.KeyPressMsg) bool { return !m.busy.on && formMovesFocus(m.form, k) }
func (m *account) Focus() string                     { return formFocus(m.form) }
func (m *account) Init() tea.Cmd {
	return m.form.Init()
}

// Help is the step's keys, in the user's language.
func (m *account) Help() []key.Binding { return m.env.inWords(m.keyList()) }

func (m *account) keyList() []key.Binding {
	if m.busy.on {
		return nil
	}
	return m.form.KeyBinds()
}

func (m *account) View(width int) string {
	if m.busy.on {
		return m.busy.view()
	}
	var errLine string
	if m.fieldErr != "" {
		errLine = m.env.S().Error.Render(m.fieldErr)
	}
	// The password rule is drawn here, from the step's own copy of the field, so it
	// ticks as the user types (huh's *Func hooks run in commands, off this goroutine).
	var checklist string
	if f := m.form.GetFocusedField(); f != nil && (f.GetKey() == "password" || f.GetKey() == "repeat") {
		checklist = passwordChecklist(m.env, m.password)
	}
	return paragraphs(width, InView(errLine), InView(m.form.View()), InView(checklist))
}

func (m *account) Update(msg tea.Msg) (Step, tea.Cmd, Outcome) {
	if cmd, ok := m.busy.update(msg); ok {
		return m, cmd, nil
	}
	m.term.note(msg)
	switch msg := msg.(type) {
	case accountCreated:
		m.busy.stop()
		if msg.err != nil {
			return m, nil, failure(Account, msg.err, nil)
		}
		acc, now := msg.acc, m.env.Clock.Now()
		m.password, m.repeat = "", ""
		if msg.updated {
			return m, nil, Done{Step: Account, Detail: Said("history.email_changed", acc.Email), Apply: func(s *store.Session) {
				s.Account.Email = acc.Email
				s.Account.VerifiedAt = time.Time{}
				if acc.Verified {
					s.Account.VerifiedAt = now
				}
			}}
		}
		return m, nil, Done{Step: Account, Detail: Said("history.account_created", acc.ID), Apply: func(s *store.Session) {
			s.Account.Email = acc.Email
			s.Account.ID = acc.ID
			s.Account.CreatedAt = now
			if acc.Verified {
				s.Account.VerifiedAt = now
			}
		}}
	case shownError:
		// Back to the form, keeping what was typed; the partner's words go above it.
		m.fieldErr = Explain(m.env.Words, msg.err)
		var cmd tea.Cmd
		m.form, cmd = m.term.start(m.newForm())
		return m, cmd, nil
	}
	if m.busy.on {
		return m, nil, nil // the answer is on its way: the form waits for it
	}
	var cmd tea.Cmd
	var submitted bool
	m.form, cmd, submitted = submitForm(m.form, msg)
	if submitted {
		m.fieldErr = ""
		email, password, createKey := strings.TrimSpace(m.email), m.password, m.createKey
		if m.id != "" {
			change, out := m.changeEmail(email)
			return m, tea.Batch(cmd, change), out
		}
		return m, tea.Batch(cmd, m.busy.start(m.env.T("account.creating"), m.env.Clock.Now()),
			m.env.call(func(ctx context.Context) tea.Msg {
				// Keyed by the session: if the answer is lost (a crash, a closed
				// terminal), asking again returns the account already made.
				acc, err := m.env.Clients.Partner.CreateAccountOnce(ctx, createKey, email, password)
				return accountCreated{acc: acc, err: err}
			})), nil
	}
	return m, cmd, nil
}

// Form is the form on screen, for the line-by-line front (FormHolder).
func (m *account) Form() *huh.Form { return m.form }
