package steps

import (
	"errors"
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
	parked    string // the reason, once parked
	sent      bool
}

// Migration checklist items, in the order they are shown.
var migrationItems = []string{"business_verified", "waba_approved", "two_step_off", "name_approved", "not_test_number"}

func newNumberStatus(env *Env, sess store.Session) Step {
	m := &numberStatus{env: env}
	if sess.Path != store.PathBlocked { // a parked number is asked about again
		m.n = sess.Number
	}
	yesNo := func(yes, no string) []huh.Option[bool] {
		return []huh.Option[bool]{huh.NewOption(env.T(no), false), huh.NewOption(env.T(yes), true)}
	}
	var items []huh.Option[string]
	for _, it := range migrationItems {
		items = append(items, huh.NewOption(env.T("migration."+it), it))
	}
	m.form = newForm(env,
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
			Value(&m.confirm).Validate(func(ok bool) error {
			if !ok {
				return errors.New(env.T("number.confirm_required"))
			}
			return nil
		})),
	)
	return m
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

func (m *numberStatus) ID() ID        { return NumberStatus }
func (m *numberStatus) Init() tea.Cmd { return m.form.Init() }

func (m *numberStatus) Help() []key.Binding {
	if m.parked != "" {
		return []key.Binding{keyQuit}
	}
	return m.form.KeyBinds()
}

func (m *numberStatus) View(width int) string {
	if m.parked != "" {
		return paragraphs(width, titleStyle.Render(m.env.T("number.parked_title")), m.parked,
			faintStyle.Render(m.env.T("common.parked")))
	}
	// The answers are repeated above the confirmation (a field's description
	// cannot grow after huh has measured the group).
	if f := m.form.GetFocusedField(); f != nil {
		switch f.GetKey() {
		case "confirm":
			return paragraphs(width, m.summary(), m.form.View())
		case "checklist":
			return paragraphs(width, m.form.View(), m.reasons())
		}
	}
	return m.form.View()
}

// reasons says why each migration item matters.
func (m *numberStatus) reasons() string {
	lines := []string{titleStyle.Render(m.env.T("migration.why"))}
	for _, it := range migrationItems {
		lines = append(lines, "• "+m.env.T("migration."+it)+"\n  "+faintStyle.Render(m.env.T("migration."+it+"_why")))
	}
	return strings.Join(lines, "\n")
}

// missing lists the migration items not confirmed.
func (m *numberStatus) missing() []string {
	have := map[string]bool{}
	for _, it := range m.checklist {
		have[it] = true
	}
	var out []string
	for _, it := range migrationItems {
		if !have[it] {
			out = append(out, it)
		}
	}
	return out
}

func (m *numberStatus) Update(msg tea.Msg) (Step, tea.Cmd) {
	if m.parked != "" {
		if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, keyQuit) {
			return m, emit(Quit{})
		}
		return m, nil
	}
	var cmd tea.Cmd
	m.form, cmd = updateForm(m.form, msg)
	if m.form.State != huh.StateCompleted || m.sent {
		return m, cmd
	}
	m.sent = true
	n := m.n
	n.ConfirmedAt = m.env.Clock.Now()
	switch {
	case n.OnBusinessAPI && len(m.missing()) > 0:
		m.parked = m.env.T("migration.parked")
		for _, it := range m.missing() {
			m.parked += "\n  • " + m.env.T("migration."+it) + "\n    " + faintStyle.Render(m.env.T("migration."+it+"_why"))
		}
		return m, m.park(n, m.env.T("migration.reason", len(m.missing())))
	case n.OnBusinessAPI:
		return m, emit(Done{Step: NumberStatus, Detail: "number on the Business API: migration", Apply: func(s *store.Session) {
			s.Number, s.Path = n, store.PathMigration
		}})
	case n.OnBusinessApp || n.OnPersonal:
		key := "number.parked_personal"
		if n.OnBusinessApp {
			key = "number.parked_app"
		}
		m.parked = m.env.T(key)
		return m, m.park(n, m.env.T(key+"_reason"))
	default:
		return m, emit(Done{Step: NumberStatus, Detail: "new number", Apply: func(s *store.Session) {
			s.Number, s.Path = n, store.PathNew
		}})
	}
}

// park saves the answers and marks the session as waiting; the questions about
// the number are asked again when it is resumed.
func (m *numberStatus) park(n store.Number, reason string) tea.Cmd {
	return emit(Record{Step: NumberStatus, Kind: "parked", Detail: reason, Apply: func(s *store.Session) {
		s.Number, s.Path, s.Status, s.WaitingReason = n, store.PathBlocked, store.StatusWaiting, reason
	}})
}
