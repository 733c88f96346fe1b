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
	"wizard/store"
	"wizard/termsafe"
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
	// asking: a parked government body came back; the screen asks whether
	// Meta's approval arrived (answer), and if so its date and reference.
	asking   bool
	answer   string
	approval *huh.Form
	date     string // the approval's date as typed
}

type (
	companySaved struct {
		err error
	}
	companyParked   struct{} // the park is saved
	companyWaits    struct{} // "keep waiting" is saved: the program ends
	companyApproved struct{} // the approval is saved: the details go to the provider
)

// What a parked government body answers on its return.
const (
	answerWait   = "wait"
	answerRecord = "approved"
	answerChange = "change"
)

// approvalDates is how the approval's date is typed and saved in events.
const approvalDates = "2006-01-02"

// approvalTextLimit bounds the approval's reference and who confirms it.
const approvalTextLimit = 120

func newCompany(env *Env, sess store.Session) Step {
	m := &company{env: env, busy: newBusy(), c: sess.Company, account: sess.Account.ID}
	if m.c.OrgType == "" {
		m.c.OrgType = OrgCompany
	}
	if m.c.Country == "" {
		m.c.Country = env.Region
	}
	m.c.NotRobot = true // "I am not a robot" is the default: a plain Enter goes forward
	m.form = m.newForm()
	if sess.Status == store.StatusWaiting && CompanyRoute(m.c).Park == ParkGovernment {
		// Parked until Meta approves: ask whether it has, "keep waiting" first.
		m.asking, m.answer = true, answerWait
		m.form = m.askForm()
	}
	return m
}

// askForm asks a parked government body whether Meta's approval arrived.
func (m *company) askForm() *huh.Form {
	env := m.env
	return newForm(env, huh.NewGroup(
		huh.NewSelect[string]().Key("answer").Title(env.T("company.approval_question")).
			Options(huh.NewOption(env.T("company.approval_wait"), answerWait),
				huh.NewOption(env.T("company.approval_arrived"), answerRecord),
				huh.NewOption(env.T("company.approval_change"), answerChange)).
			Value(&m.answer),
	))
}

// approvalForm asks for the approval's date and reference, and who says it arrived.
func (m *company) approvalForm() *huh.Form {
	env := m.env
	required := func(key string) func(string) error {
		return func(s string) error {
			if strings.TrimSpace(s) == "" {
				return errors.New(env.T(key))
			}
			return nil
		}
	}
	if m.c.ApprovedBy == "" {
		m.c.ApprovedBy = m.c.FullName
	}
	return newForm(env, huh.NewGroup(
		huh.NewInput().Key("approved_at").Title(env.T("company.approval_date")).
			Description(env.T("company.approval_date_help")).Placeholder("YYYY-MM-DD").CharLimit(len(approvalDates)).
			Value(&m.date).Validate(func(s string) error {
			_, err := m.approvalDate(s)
			return err
		}),
		huh.NewInput().Key("approval_ref").Title(env.T("company.approval_ref")).
			Description(env.T("company.approval_ref_help")).
			CharLimit(approvalTextLimit).Value(&m.c.ApprovalRef).Validate(required("company.approval_ref_required")),
		huh.NewInput().Key("approved_by").Title(env.T("company.approval_by")).
			CharLimit(approvalTextLimit).Value(&m.c.ApprovedBy).Validate(required("company.approval_by_required")),
	))
}

// approvalDate reads the date Meta approved on: a day, not after today.
func (m *company) approvalDate(s string) (time.Time, error) {
	d, err := time.Parse(approvalDates, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, errors.New(m.env.T("company.approval_date_invalid"))
	}
	now := m.env.Clock.Now()
	if d.After(time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)) {
		return time.Time{}, errors.New(m.env.T("company.approval_date_future"))
	}
	return d, nil
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

// WantsBack: shift+tab on the first field, or esc; in the approval's form esc
// returns to the question.
func (m *company) WantsBack(k tea.KeyPressMsg) bool {
	if m.approval != nil {
		return false
	}
	return formWantsBack(m.form, k, "org")
}

func (m *company) ID() ID { return Company }

func (m *company) MovesFocus(k tea.KeyPressMsg) bool {
	return !m.busy.on && formMovesFocus(m.current(), k)
}
func (m *company) Focus() string { return formFocus(m.current()) }
func (m *company) Init() tea.Cmd { return m.form.Init() }

// current is the form on screen: the approval's, or the question or the details.
func (m *company) current() *huh.Form {
	if m.approval != nil {
		return m.approval
	}
	return m.form
}

// Help is the step's keys, in the user's language.
func (m *company) Help() []key.Binding { return m.env.inWords(m.keyList()) }

func (m *company) keyList() []key.Binding {
	if m.busy.on {
		return nil
	}
	if m.parked {
		return []key.Binding{keyQuit}
	}
	if m.approval != nil {
		return append(m.approval.KeyBinds(), keyApprovalBack)
	}
	return m.form.KeyBinds()
}

var keyApprovalBack = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "keys.company.back_to_question"))

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
	switch {
	case m.approval != nil:
		return paragraphs(width, st.Title.Render(m.env.T("company.approval_title")),
			m.env.T("company.approval_form_body"), InView(errLine), InView(m.approval.View()))
	case m.asking:
		return paragraphs(width, st.Title.Render(m.env.T("company.approval_title")),
			m.env.T("company.approval_body", termsafe.Line(m.c.CompanyName)), InView(errLine), InView(m.form.View()))
	}
	return paragraphs(width, InView(errLine), InView(m.form.View()))
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
		return m, nil, Done{Step: Company, Detail: Said("history.company_saved"), Apply: func(s *store.Session) {
			c.SavedAt = now
			s.Company = c
		}}
	case companyParked:
		m.busy.stop()
		m.parked = true
		return m, nil, nil
	case companyWaits:
		m.busy.stop()
		return m, nil, Quit{}
	case companyApproved:
		// Saved: now the details go to the provider, as a company's do.
		return m, m.send(), nil
	case shownError:
		m.fieldErr = Explain(m.env.Words, msg.err)
		var cmd tea.Cmd
		m.asking, m.approval = false, nil
		m.form, cmd = m.term.start(m.newForm())
		return m, cmd, nil
	case tea.KeyPressMsg:
		if m.parked && key.Matches(msg, keyQuit) {
			return m, nil, Quit{}
		}
		if m.approval != nil && !m.busy.on && msg.String() == "esc" {
			m.approval, m.answer = nil, answerWait
			var cmd tea.Cmd
			m.form, cmd = m.term.start(m.askForm())
			return m, cmd, nil
		}
	}
	if m.parked || m.busy.on {
		return m, nil, nil
	}
	if m.approval != nil {
		return m.updateApproval(msg)
	}
	var cmd tea.Cmd
	var submitted bool
	m.form, cmd, submitted = submitForm(m.form, msg)
	if !submitted {
		return m, cmd, nil
	}
	if m.asking {
		return m.answered(cmd)
	}
	m.c.FullName, m.c.CompanyName = strings.TrimSpace(m.c.FullName), strings.TrimSpace(m.c.CompanyName)
	c := m.c
	if CompanyRoute(c).Park == ParkGovernment {
		// Government bodies need Meta's approval before they can go on: park the
		// session, and say so once that is saved.
		reason := m.env.T("company.government_reason")
		return m, tea.Batch(cmd, m.busy.start(m.env.T("company.saving"), m.env.Clock.Now())),
			Record{Step: Company, Kind: "parked", Detail: Said("history.government_parked"),
				Apply: func(s *store.Session) {
					c.SavedAt = time.Time{} // not past this step until Meta approves
					s.Company = c
					s.Status = store.StatusWaiting
					s.WaitingReason = reason
				}, Reply: companyParked{}}
	}
	return m, tea.Batch(cmd, m.send()), nil
}

// send sends the company details to the provider's account.
func (m *company) send() tea.Cmd {
	accountID, c := m.account, m.c
	return tea.Batch(m.busy.start(m.env.T("company.saving"), m.env.Clock.Now()),
		m.env.call(func(ctx context.Context) tea.Msg {
			_, err := m.env.Clients.Partner.UpdateCompany(ctx, accountID, client.Company{
				OrgType: c.OrgType, FullName: c.FullName, CompanyName: c.CompanyName, Country: c.Country})
			return companySaved{err}
		}))
}

// answered acts on a parked government body's answer: keep waiting (saved,
// then the program ends), record the approval, or change the details.
func (m *company) answered(cmd tea.Cmd) (Step, tea.Cmd, Outcome) {
	var init tea.Cmd
	switch m.answer {
	case answerRecord:
		m.approval, init = m.term.start(m.approvalForm())
		return m, tea.Batch(cmd, init), nil
	case answerChange:
		m.asking = false
		m.form, init = m.term.start(m.newForm())
		return m, tea.Batch(cmd, init), nil
	}
	reason := m.env.T("company.government_reason")
	return m, tea.Batch(cmd, m.busy.start(m.env.T("company.approval_waiting"), m.env.Clock.Now())),
		Record{Step: Company, Kind: "parked", Detail: Said("history.government_waiting"),
			Apply: func(s *store.Session) {
				s.Status, s.WaitingReason = store.StatusWaiting, reason
			}, Reply: companyWaits{}}
}

// updateApproval drives the approval's form; once it is sent, the approval is
// saved (with who said so) before the details go to the provider.
func (m *company) updateApproval(msg tea.Msg) (Step, tea.Cmd, Outcome) {
	var cmd tea.Cmd
	var submitted bool
	m.approval, cmd, submitted = submitForm(m.approval, msg)
	if !submitted {
		return m, cmd, nil
	}
	d, err := m.approvalDate(m.date)
	if err != nil { // the field validated it; ask again
		var init tea.Cmd
		m.approval, init = m.term.start(m.approvalForm())
		return m, tea.Batch(cmd, init), nil
	}
	m.c.ApprovedAt = d
	m.c.ApprovalRef, m.c.ApprovedBy = strings.TrimSpace(m.c.ApprovalRef), strings.TrimSpace(m.c.ApprovedBy)
	m.approval, m.asking = nil, false
	m.form = m.newForm() // what an error would show again
	c := m.c
	return m, tea.Batch(cmd, m.busy.start(m.env.T("company.approval_saving"), m.env.Clock.Now())),
		Record{Step: Company, Kind: "approved",
			Detail: Said("history.government_approved", d.Format(approvalDates), c.ApprovalRef, c.ApprovedBy),
			Apply: func(s *store.Session) {
				s.Company.ApprovedAt, s.Company.ApprovalRef, s.Company.ApprovedBy = c.ApprovedAt, c.ApprovalRef, c.ApprovedBy
				s.Status, s.WaitingReason = store.StatusActive, ""
			}, Reply: companyApproved{}}
}

// Form is the form on screen, for the line-by-line front (FormHolder).
func (m *company) Form() *huh.Form { return m.current() }
