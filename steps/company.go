package steps

import (
	"context"
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"wizard/client"
	"wizard/store"
)

// Organisation types.
const (
	OrgCompany    = "company"
	OrgGovernment = "government"
)

// company is step 4: organisation type, full name, company name, country and
// "I am not a robot", sent to the partner's account.
type company struct {
	env      *Env
	form     *huh.Form
	busy     busy
	c        store.Company
	account  string // the partner's account id
	fieldErr string
	term     termState
	parked   bool // saved as waiting for Meta's approval: the screen says so
}

type (
	companySaved struct {
		err error
	}
	companyParked struct{} // the park is saved
)

func newCompany(env *Env, sess store.Session) Step {
	m := &company{env: env, busy: newBusy(), c: sess.Company, account: sess.Account.ID}
	if m.c.OrgType == "" {
		m.c.OrgType = OrgCompany
	}
	if m.c.Country == "" {
		m.c.Country = env.Region
	}
	m.form = m.newForm()
	return m
}

func (m *company) newForm() *huh.Form {
	env := m.env
	notEmpty := func(key string) func(string) error {
		return func(s string) error {
			if strings.TrimSpace(s) == "" {
				return errors.New(env.T(key))
			}
			return nil
		}
	}
	return newForm(env,
		huh.NewGroup(
			huh.NewSelect[string]().Key("org").Title(env.T("company.org_type")).
				Options(huh.NewOption(env.T("company.org_company"), OrgCompany),
					huh.NewOption(env.T("company.org_government"), OrgGovernment)).
				Value(&m.c.OrgType),
			huh.NewInput().Key("full_name").Title(env.T("company.full_name")).
				Value(&m.c.FullName).Validate(notEmpty("company.full_name_required")),
			huh.NewInput().Key("company_name").Title(env.T("company.company_name")).
				Value(&m.c.CompanyName).Validate(notEmpty("company.company_name_required")),
		),
		huh.NewGroup(
			countrySelect(env, "country", env.T("company.country"), env.T("company.country_help"), &m.c.Country).
				Validate(notEmpty("company.country_required")),
			huh.NewConfirm().Key("robot").Title(env.T("company.not_robot")).
				Affirmative(env.T("common.yes")).Negative(env.T("common.no")).
				Value(&m.c.NotRobot).
				Validate(func(ok bool) error {
					if !ok {
						return errors.New(env.T("company.not_robot_required"))
					}
					return nil
				}),
		),
	)
}

// WantsBack: shift+tab on the first field, or esc.
func (m *company) WantsBack(k tea.KeyPressMsg) bool { return formWantsBack(m.form, k, "org") }

func (m *company) ID() ID { return Company }

func (m *company) MovesFocus(k tea.KeyPressMsg) bool { return !m.busy.on && formMovesFocus(m.form, k) }
func (m *company) Focus() string                     { return formFocus(m.form) }
func (m *company) Init() tea.Cmd                     { return m.form.Init() }

func (m *company) Help() []key.Binding {
	if m.busy.on {
		return nil
	}
	if m.parked {
		return []key.Binding{keyQuit}
	}
	return m.form.KeyBinds()
}

func (m *company) View(width int) string {
	if m.busy.on {
		return m.busy.view()
	}
	st := m.env.S()
	if m.parked {
		return paragraphs(width, st.Title.Render(m.env.T("company.government_title")),
			m.env.T("company.government_body"), st.Faint.Render(m.env.T("common.parked")))
	}
	var errLine string
	if m.fieldErr != "" {
		errLine = st.Error.Render(m.fieldErr)
	}
	return paragraphs(width, errLine, m.form.View())
}

func (m *company) Update(msg tea.Msg) (Step, tea.Cmd, Outcome) {
	if cmd, ok := m.busy.update(msg); ok {
		return m, cmd, nil
	}
	m.term.note(msg)
	switch msg := msg.(type) {
	case companySaved:
		m.busy.stop()
		if msg.err != nil {
			return m, nil, failure(Company, msg.err, nil)
		}
		c, now := m.c, m.env.Clock.Now()
		return m, nil, Done{Step: Company, Detail: "company details saved", Apply: func(s *store.Session) {
			c.SavedAt = now
			s.Company = c
		}}
	case companyParked:
		m.busy.stop()
		m.parked = true
		return m, nil, nil
	case shownError:
		m.fieldErr = Explain(m.env.Words, msg.err)
		var cmd tea.Cmd
		m.form, cmd = m.term.start(m.newForm())
		return m, cmd, nil
	case tea.KeyPressMsg:
		if m.parked && key.Matches(msg, keyQuit) {
			return m, nil, Quit{}
		}
	}
	if m.parked || m.busy.on {
		return m, nil, nil
	}
	var cmd tea.Cmd
	var submitted bool
	m.form, cmd, submitted = submitForm(m.form, msg)
	if !submitted {
		return m, cmd, nil
	}
	m.c.FullName, m.c.CompanyName = strings.TrimSpace(m.c.FullName), strings.TrimSpace(m.c.CompanyName)
	c := m.c
	if ChooseRoute(c.OrgType, store.Number{}, nil).Park == ParkGovernment {
		// Government bodies need Meta's approval before they can go on: park the
		// session, and say so once that is saved.
		reason := m.env.T("company.government_reason")
		return m, tea.Batch(cmd, m.busy.start(m.env.T("company.saving"), m.env.Clock.Now())),
			Record{Step: Company, Kind: "parked", Detail: "government body: needs Meta's prior approval",
				Apply: func(s *store.Session) {
					s.Company = c
					s.Status = store.StatusWaiting
					s.WaitingReason = reason
				}, Reply: companyParked{}}
	}
	accountID := m.account
	return m, tea.Batch(cmd, m.busy.start(m.env.T("company.saving"), m.env.Clock.Now()),
		m.env.call(func(ctx context.Context) tea.Msg {
			_, err := m.env.Clients.Partner.UpdateCompany(ctx, accountID, client.Company{
				OrgType: c.OrgType, FullName: c.FullName, CompanyName: c.CompanyName, Country: c.Country})
			return companySaved{err}
		})), nil
}
