package steps

import (
	"errors"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"wizard/store"
)

// terms is step 1: the provider's terms, accepted with "Allow All" (the
// default: accepting is how the signup goes forward, and nothing is sent yet).
type terms struct {
	env      *Env
	form     *huh.Form
	accepted bool
}

func newTerms(env *Env, _ store.Session) Step {
	m := &terms{env: env, accepted: true}
	m.form = newForm(env, huh.NewGroup(
		huh.NewConfirm().Key("accept").
			Title(env.T("terms.question")).
			Affirmative(env.T("terms.allow_all")).
			Negative(env.T("terms.not_now")).
			Value(&m.accepted).
			Validate(func(ok bool) error {
				if !ok {
					return errors.New(env.T("terms.required"))
				}
				return nil
			}),
	))
	return m
}

// WantsBack: shift+tab on the first field, or esc.
func (m *terms) WantsBack(k tea.KeyPressMsg) bool { return formWantsBack(m.form, k, "accept") }

func (m *terms) ID() ID        { return Terms }
func (m *terms) Init() tea.Cmd { return m.form.Init() }

// View is the terms' paragraph, wrapped here once at the body's width (a huh
// Note wraps its text twice, one column apart, and leaves a lone word on a
// line at some widths), above the question.
func (m *terms) View(width int) string {
	return paragraphs(width, m.env.S().Title.Render(m.env.T("terms.title")), m.env.T("terms.body")) + "\n\n" + InView(m.form.View())
}

// Help is the step's keys, in the user's language.
func (m *terms) Help() []key.Binding { return m.env.inWords(m.keyList()) }

func (m *terms) keyList() []key.Binding {
	return m.form.KeyBinds()
}

func (m *terms) MovesFocus(k tea.KeyPressMsg) bool { return formMovesFocus(m.form, k) }
func (m *terms) Focus() string                     { return formFocus(m.form) }

func (m *terms) Update(msg tea.Msg) (Step, tea.Cmd, Outcome) {
	var cmd tea.Cmd
	var submitted bool
	m.form, cmd, submitted = submitForm(m.form, msg)
	if submitted && m.accepted {
		now := m.env.Clock.Now()
		return m, cmd, Done{Step: Terms, Detail: Said("history.terms_accepted"), Apply: func(s *store.Session) {
			s.Terms.AcceptedAt = now
		}}
	}
	return m, cmd, nil
}

// Form is the form on screen, for the line-by-line front (FormHolder).
func (m *terms) Form() *huh.Form { return m.form }
