package steps

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"wizard/store"
)

// numberStatus is step 5: the guide's three questions about the number, one at
// a time, then "Confirm number details". The answers choose the path:
// all "No" → a new number; on the Business API → migration (after a checklist);
// on the Business app or a personal account → parked until that account is deleted.
type numberStatus struct {
	env       *Env
	form      *huh.Form
	n         store.Number
	checklist []string // migration items the user confirmed
	confirm   bool
	parked    string // what the screen says once the park is saved
	parking   bool   // the park is being saved
	term      termState
}

// numberParked is the reply to a saved park: the screen says why it waits.
type numberParked struct{ text string }

func newNumberStatus(env *Env, sess store.Session) Step {
	m := &numberStatus{env: env}
	if sess.Path != store.PathBlocked { // a parked number is asked about again
		m.n = sess.Number
	}
	m.form = m.questions()
	return m
}

// questions is the form of the questions, from the first, with the answers
// given so far. Its last field, "Confirm number details", defaults to
// "Confirm"; "Change answers" (Enter or n) brings the questions back from the
// first, and shift+tab goes back one question.
func (m *numberStatus) questions() *huh.Form {
	env := m.env
	m.confirm = true
	yesNo := func(yes, no string) []huh.Option[bool] {
		return []huh.Option[bool]{huh.NewOption(env.T(no), false), huh.NewOption(env.T(yes), true)}
	}
	var items []huh.Option[string]
	for _, it := range MigrationItems {
		items = append(items, huh.NewOption(env.T("migration."+it), it))
	}
	return newForm(env,
		huh.NewGroup(huh.NewSelect[bool]().Key("api").Title(env.T("number.q_api")).
			Description(env.T("number.q_api_help")).
			Options(yesNo("number.api_yes", "number.api_no")...).Value(&m.n.OnBusinessAPI)),
		huh.NewGroup(huh.NewSelect[bool]().Key("app").Title(env.T("number.q_app")).
			Options(yesNo("number.app_yes", "number.app_no")...).Value(&m.n.OnBusinessApp)).
			WithHideFunc(func() bool { return m.n.OnBusinessAPI }),
		huh.NewGroup(huh.NewSelect[bool]().Key("personal").Title(env.T("number.q_personal")).
			Options(yesNo("number.personal_yes", "number.personal_no")...).Value(&m.n.OnPersonal)).
			WithHideFunc(func() bool { return m.n.OnBusinessAPI || m.n.OnBusinessApp }),
		huh.NewGroup(huh.NewMultiSelect[string]().Key("checklist").Title(env.T("migration.title")).
			Description(env.T("migration.body")).Options(items...).Height(len(items)+3).Value(&m.checklist)).
			WithHideFunc(func() bool { return !m.n.OnBusinessAPI }),
		huh.NewGroup(huh.NewConfirm().Key("confirm").Title(env.T("number.confirm")).
			Affirmative(env.T("number.confirm_yes")).Negative(env.T("number.confirm_no")).
			Value(&m.confirm)),
	)
}

// summary repeats the answers before they are confirmed.
func (m *numberStatus) summary() string {
	yn := func(b bool) string {
		if b {
			return m.env.T("common.yes")
		}
		return m.env.T("common.no")
	}
	s := m.env.T("number.summary_api", yn(m.n.OnBusinessAPI))
	if !m.n.OnBusinessAPI {
		s += "\n" + m.env.T("number.summary_app", yn(m.n.OnBusinessApp))
		if !m.n.OnBusinessApp {
			s += "\n" + m.env.T("number.summary_personal", yn(m.n.OnPersonal))
		}
	}
	return s
}

// WantsBack: shift+tab on the first field, or esc.
func (m *numberStatus) WantsBack(k tea.KeyPressMsg) bool { return formWantsBack(m.form, k, "api") }

func (m *numberStatus) ID() ID { return NumberStatus }

func (m *numberStatus) MovesFocus(k tea.KeyPressMsg) bool { return formMovesFocus(m.form, k) }
func (m *numberStatus) Focus() string                     { return formFocus(m.form) }
func (m *numberStatus) Init() tea.Cmd                     { return m.form.Init() }

// Help is the step's keys, in the user's language.
func (m *numberStatus) Help() []key.Binding { return m.env.inWords(m.keyList()) }

func (m *numberStatus) keyList() []key.Binding {
	if m.parked != "" {
		return []key.Binding{keyQuit}
	}
	return m.form.KeyBinds()
}

func (m *numberStatus) View(width int) string {
	st := m.env.S()
	if m.parked != "" {
		return paragraphs(width, st.Title.Render(m.env.T("number.parked_title")), m.parked,
			st.Faint.Render(m.env.T("common.parked")))
	}
	if m.parking {
		return ""
	}
	// The answers are repeated above the confirmation (a field's description
	// cannot grow after huh has measured the group).
	if f := m.form.GetFocusedField(); f != nil {
		switch f.GetKey() {
		case "confirm":
			return paragraphs(width, m.summary(), InView(m.form.View()))
		case "checklist":
			return paragraphs(width, InView(m.form.View()), m.reasons(width))
		}
	}
	return InView(m.form.View())
}

// reasons says why each migration item matters, as a list wrapped to width.
func (m *numberStatus) reasons(width int) string {
	st := m.env.S()
	lines := []string{st.Title.Render(m.env.T("migration.why"))}
	for _, it := range MigrationItems {
		lines = append(lines, bullet(width, m.env.T("migration."+it)+"\n"+st.Faint.Render(m.env.T("migration."+it+"_why"))))
	}
	return strings.Join(lines, "\n")
}

func (m *numberStatus) Update(msg tea.Msg) (Step, tea.Cmd, Outcome) {
	if p, ok := msg.(numberParked); ok {
		m.parking, m.parked = false, p.text
		return m, nil, nil
	}
	if m.parked != "" {
		if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, keyQuit) {
			return m, nil, Quit{}
		}
		return m, nil, nil
	}
	if m.parking {
		return m, nil, nil
	}
	m.term.note(msg)
	var cmd tea.Cmd
	var submitted bool
	m.form, cmd, submitted = submitForm(m.form, msg)
	if !submitted {
		return m, cmd, nil
	}
	if !m.confirm { // "Change answers": the questions again, with the answers given
		var init tea.Cmd
		m.form, init = m.term.start(m.questions()) // told the terminal's size, as the first one was
		return m, tea.Batch(cmd, init), nil
	}
	n := m.n
	n.ConfirmedAt = m.env.Clock.Now()
	route := ChooseRoute("", n, m.checklist) // the organisation was settled at the company step
	switch route.Park {
	case ParkChecklist:
		text := m.env.T("migration.parked")
		for _, it := range route.Missing {
			text += "\n  • " + m.env.T("migration."+it) + "\n    " + m.env.S().Faint.Render(m.env.T("migration."+it+"_why"))
		}
		return m, cmd, m.park(n, route, m.env.T("migration.reason", len(route.Missing)),
			Said("history.migration_parked", strconv.Itoa(len(route.Missing))), text)
	case ParkApp:
		return m, cmd, m.park(n, route, m.env.T("number.parked_app_reason"), Said("number.parked_app_reason"), m.env.T("number.parked_app"))
	case ParkPersonal:
		return m, cmd, m.park(n, route, m.env.T("number.parked_personal_reason"), Said("number.parked_personal_reason"), m.env.T("number.parked_personal"))
	}
	detail := Said("history.number_new")
	if route.Path == store.PathMigration {
		detail = Said("history.number_migration")
	}
	return m, cmd, Done{Step: NumberStatus, Detail: detail, Apply: func(s *store.Session) {
		s.Number, s.Path = n, route.Path
	}}
}

// park saves the answers and marks the session as waiting (reason, in the
// user's words; detail, for the history); once that is saved the screen says
// why (text). The questions about the number are asked again when it is
// resumed.
func (m *numberStatus) park(n store.Number, route Route, reason string, detail History, text string) Record {
	m.parking = true
	return Record{Step: NumberStatus, Kind: "parked", Detail: detail, Apply: func(s *store.Session) {
		s.Number, s.Path, s.Status, s.WaitingReason = n, route.Path, store.StatusWaiting, reason
	}, Reply: numberParked{text}}
}

// Screen names the screen on show (Screener): "checklist" while the migration
// checklist is asked, else "".
func (m *numberStatus) Screen() string {
	if f := m.form.GetFocusedField(); f != nil && m.parked == "" && !m.parking && f.GetKey() == "checklist" {
		return "checklist"
	}
	return ""
}

// Form is the form on screen, for the line-by-line front (FormHolder).
func (m *numberStatus) Form() *huh.Form { return m.form }
