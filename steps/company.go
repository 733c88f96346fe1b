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
	parked   bool
	sent     bool
}

type companySaved struct {
	err error
}

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

func (m *company) ID() ID        { return Company }
func (m *company) Init() tea.Cmd { return m.form.Init() }

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
	if m.parked {
		return paragraphs(width, titleStyle.Render(m.env.T("company.government_title")),
			m.env.T("company.government_body"), faintStyle.Render(m.env.T("common.parked")))
	}
	var errLine string
	if m.fieldErr != "" {
		errLine = errorStyle.Render(m.fieldErr)
	}
	return paragraphs(width, errLine, m.form.View())
}

func (m *company) Update(msg tea.Msg) (Step, tea.Cmd) {
	if cmd, ok := m.busy.update(msg); ok {
		return m, cmd
	}
	m.term.note(msg)
	switch msg := msg.(type) {
	case companySaved:
		m.busy.stop()
		if msg.err != nil {
			return m, failed(Company, msg.err, nil)
		}
		c, now := m.c, m.env.Clock.Now()
		return m, emit(Done{Step: Company, Detail: "company details saved", Apply: func(s *store.Session) {
			c.SavedAt = now
			s.Company = c
		}})
	case shownError:
		m.fieldErr = Explain(m.env.Words, msg.err)
		m.sent = false
		var cmd tea.Cmd
		m.form, cmd = m.term.start(m.newForm())
		return m, cmd
	case tea.KeyPressMsg:
		if m.parked && key.Matches(msg, keyQuit) {
			return m, emit(Quit{})
		}
	}
	if m.parked {
		return m, nil
	}
	var cmd tea.Cmd
	m.form, cmd = updateForm(m.form, msg)
	if m.form.State != huh.StateCompleted || m.sent {
		return m, cmd
	}
	m.sent = true
	m.c.FullName, m.c.CompanyName = strings.TrimSpace(m.c.FullName), strings.TrimSpace(m.c.CompanyName)
	c := m.c
	if c.OrgType == OrgGovernment {
		// Government bodies need Meta's approval before they can go on: park the session.
		m.parked = true
		return m, emit(Record{Step: Company, Kind: "parked", Detail: "government body: needs Meta's prior approval",
			Apply: func(s *store.Session) {
				s.Company = c
				s.Status = store.StatusWaiting
				s.WaitingReason = m.env.T("company.government_reason")
			}})
	}
	accountID := m.account
	return m, tea.Batch(cmd, m.busy.start(m.env.T("company.saving"), m.env.Clock.Now()),
		m.env.call(func(ctx context.Context) tea.Msg {
			_, err := m.env.Clients.Partner.UpdateCompany(ctx, accountID, client.Company{
				OrgType: c.OrgType, FullName: c.FullName, CompanyName: c.CompanyName, Country: c.Country})
			return companySaved{err}
		}))
}
