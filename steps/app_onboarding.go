package steps

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"wizard/store"
	"wizard/termsafe"
)

// appNotice opens the activation step for a number on the WhatsApp Business
// app (coexistence: FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING). Such a number is
// verified in the app and never registered here (api-facts.md): before the
// activation, the screen says what happens to the app. Once the user has read
// it (saved), the activation itself takes over.
type appNotice struct {
	env  *Env
	sess store.Session
	next key.Binding
}

// appNoticeSaved: the notice's reading is saved; the activation starts.
type appNoticeSaved struct{}

func newAppNotice(env *Env, sess store.Session) Step {
	return &appNotice{env: env, sess: sess,
		next: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", env.T("app_onboarding.key_next")))}
}

func (m *appNotice) ID() ID        { return Activation }
func (m *appNotice) Init() tea.Cmd { return nil }

// Help is the step's keys, in the user's language.
func (m *appNotice) Help() []key.Binding { return m.env.inWords(m.keyList()) }

func (m *appNotice) keyList() []key.Binding          { return []key.Binding{m.next} }
func (m *appNotice) WantsBack(tea.KeyPressMsg) bool  { return false } // the number is connected: nothing earlier to redo
func (m *appNotice) MovesFocus(tea.KeyPressMsg) bool { return false }
func (m *appNotice) Focus() string                   { return "" }

func (m *appNotice) Update(msg tea.Msg) (Step, tea.Cmd, Outcome) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if key.Matches(msg, m.next) {
			now := m.env.Clock.Now()
			m.sess.Signup.AppNoticeAt = now
			return m, nil, Record{Step: Activation, Kind: "progress",
				Detail: Said("history.app_coexistence", m.sess.Signup.DisplayPhone),
				Apply:  func(s *store.Session) { s.Signup.AppNoticeAt = now }, Reply: appNoticeSaved{}}
		}
	case appNoticeSaved:
		next := newActivation(m.env, m.sess)
		return next, next.Init(), nil
	}
	return m, nil, nil
}

func (m *appNotice) View(width int) string {
	env, st := m.env, m.env.S()
	number := ShowNumber(m.sess.Phone)
	if number == "" {
		number = termsafe.Line(m.sess.Signup.DisplayPhone)
	}
	return paragraphs(width, st.Title.Render(env.T("app_onboarding.title")),
		env.T("app_onboarding.body", number),
		bullets(width, env.T("app_onboarding.keep_using"), env.T("app_onboarding.sync"),
			env.T("app_onboarding.no_register")),
		InView(env.T("app_onboarding.next")))
}
