package steps

import (
	"cmp"
	"context"
	"errors"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/nyaruka/phonenumbers"

	"wizard/client"
	"wizard/steps/rules"
	"wizard/store"
	"wizard/termsafe"
)

// phone is step 8: the company's mobile number (country + number), checked with
// libphonenumber's rules and confirmed in international format, then added to the
// WhatsApp Business account through the provider (which makes Meta's call). The
// new phone-number id is saved at once; then the business profile confirmed at
// the display-name step is sent to the number, through the provider too.
// A session that already has the id (the profile failed to go) only sends the profile.
type phone struct {
	env     *Env
	sess    store.Session
	form    *huh.Form
	busy    busy
	country string
	input   string
	parsed  rules.Phone
	phase   phonePhase
	id      string // the phone-number id, once the number is added
	lastErr error
	term    termState
}

type phonePhase int

// WantsBack: while the country is being chosen (shift+tab there, or esc when
// not searching); the number's own shift+tab leads back to the country.
func (m *phone) WantsBack(k tea.KeyPressMsg) bool {
	return m.phase == phoneCountry && formWantsBack(m.form, k, "country")
}

const (
	phoneCountry phonePhase = iota // the country of the number
	phoneAsk                       // the number
	phoneCheck                     // "is this the number?"
	phoneWorking                   // adding the number or sending the profile
	phoneFailed                    // a call failed: retry
)

type (
	phoneAdded struct {
		id  string
		err error
	}
	phoneRecorded struct{}
	profileSent   struct{ err error }
)

var (
	phKeyConfirm = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keys.phone.add"))
	phKeyEdit    = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "keys.phone.change"))
)

func newPhone(env *Env, sess store.Session) Step {
	m := &phone{env: env, sess: sess, busy: newBusy(), id: sess.Phone.ID}
	m.country = cmp.Or(sess.Phone.Country, sess.Company.Country, env.Region)
	if sess.Phone.E164 != "" {
		m.input = ShowNumber(sess.Phone)
	}
	m.form = m.countryForm()
	return m
}

// phoneError explains why a number is refused for country, or returns nil.
func phoneError(env *Env, input, country string) error {
	p, problem := rules.ParsePhone(input, country)
	switch problem {
	case rules.PhoneOK:
		return nil
	case rules.PhoneNotForRegion:
		lang := env.Words.Language()
		return errors.New(env.T("phone."+string(problem), CountryName(lang, p.Region), CountryName(lang, country)))
	}
	return errors.New(env.T("phone." + string(problem)))
}

// countryForm asks for the country of the number.
func (m *phone) countryForm() *huh.Form {
	env := m.env
	return newForm(env, huh.NewGroup(
		countrySelect(env, "country", env.T("phone.country"), env.T("phone.country_help"), &m.country).
			Validate(func(s string) error {
				if s == "" {
					return errors.New(env.T("phone.country_required"))
				}
				return nil
			}),
	))
}

// numberForm asks for the number of the chosen country. It is a form of its
// own, built once the country is known, so that its title and placeholder are
// plain values (huh evaluates TitleFunc and the like in commands, off the event loop).
func (m *phone) numberForm() *huh.Form {
	env, country := m.env, m.country
	return newForm(env, huh.NewGroup(
		huh.NewInput().Key("number").
			Title(env.T("phone.number", CountryName(env.Words.Language(), country))).
			Description(env.T("phone.number_help")).
			Placeholder(examplePhone(country)).
			CharLimit(rules.PhoneInputMaxLength).
			Value(&m.input).
			Validate(func(s string) error { return phoneError(env, s, country) }),
	))
}

// examplePhone is an example mobile number of a country, as a placeholder.
func examplePhone(country string) string {
	n := phonenumbers.GetExampleNumberForType(country, phonenumbers.MOBILE)
	if n == nil {
		return ""
	}
	return phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
}

func (m *phone) ID() ID { return Phone }

func (m *phone) MovesFocus(k tea.KeyPressMsg) bool {
	return (m.phase == phoneCountry || m.phase == phoneAsk) && formMovesFocus(m.form, k)
}
func (m *phone) Focus() string { return formFocus(m.form) + strconv.Itoa(int(m.phase)) }

func (m *phone) Init() tea.Cmd {
	if m.id != "" {
		return m.sendProfile()
	}
	return m.form.Init()
}

// Help is the step's keys, in the user's language.
func (m *phone) Help() []key.Binding { return m.env.inWords(m.keyList()) }

func (m *phone) keyList() []key.Binding {
	switch m.phase {
	case phoneCountry, phoneAsk:
		return m.form.KeyBinds()
	case phoneCheck:
		return []key.Binding{phKeyConfirm, phKeyEdit}
	case phoneFailed:
		if m.id == "" {
			return []key.Binding{keyRetry, phKeyEdit}
		}
		return []key.Binding{keyRetry}
	}
	return nil
}

func (m *phone) add() tea.Cmd {
	m.phase, m.lastErr = phoneWorking, nil
	p, signup, name := m.parsed, m.sess.Signup.SessionID, m.sess.Profile.DisplayName
	return tea.Batch(m.busy.start(m.env.T("phone.adding", p.International), m.env.Clock.Now()),
		m.env.call(func(ctx context.Context) tea.Msg {
			// Adding a number is not idempotent at Meta: if an earlier attempt's answer
			// was lost (a crash, a timeout), the number is already on the account.
			if id := findNumber(ctx, m.env.Clients.Partner, signup, p.CC+p.National); id != "" {
				return phoneAdded{id: id}
			}
			st, err := m.env.Clients.Partner.AddNumber(ctx, signup,
				client.NewNumber{CC: p.CC, PhoneNumber: p.National, VerifiedName: name})
			return phoneAdded{st.PhoneNumberID, err}
		}))
}

// findNumber looks for a number (country code and national digits) among those
// the provider finds on the signup's WhatsApp Business account; "" if it is not
// there or the list cannot be read (then the number is simply added).
func findNumber(ctx context.Context, p *client.Partner, signupID, digits string) string {
	numbers, err := p.Numbers(ctx, signupID)
	if err != nil {
		return ""
	}
	for _, n := range numbers {
		if onlyDigits(n.DisplayPhoneNumber) == digits {
			return n.PhoneNumberID
		}
	}
	return ""
}

func onlyDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

func (m *phone) sendProfile() tea.Cmd {
	m.phase, m.lastErr = phoneWorking, nil
	signup, id, pr := m.sess.Signup.SessionID, m.id, m.sess.Profile
	bp := client.BusinessProfile{Description: pr.Description, Vertical: pr.Category}
	if pr.Website != "" {
		bp.Websites = []string{pr.Website}
	}
	return tea.Batch(m.busy.start(m.env.T("phone.sending_profile"), m.env.Clock.Now()),
		m.env.call(func(ctx context.Context) tea.Msg {
			return profileSent{m.env.Clients.Partner.SetNumberProfile(ctx, signup, id, bp)}
		}))
}

func (m *phone) Update(msg tea.Msg) (Step, tea.Cmd, Outcome) {
	m.term.note(msg)
	if cmd, ok := m.busy.update(msg); ok {
		return m, cmd, nil
	}
	switch msg := msg.(type) {
	case phoneAdded:
		if msg.err != nil {
			return m, nil, failure(Phone, msg.err, nil)
		}
		m.id = msg.id
		p, id, now := m.parsed, msg.id, m.env.Clock.Now()
		ph := store.Phone{Country: p.Region, E164: p.E164, CC: p.CC, Number: p.National, ID: id, AddedAt: now}
		m.sess.Phone = ph
		m.busy.text = m.env.T("phone.saving")
		// Saved before anything else: the number now exists at Meta.
		return m, nil, Record{Step: Phone, Kind: "progress", Detail: Said("history.number_added", p.International, id),
			Apply: func(s *store.Session) { s.Phone = ph }, Reply: phoneRecorded{}}
	case phoneRecorded:
		return m, m.sendProfile(), nil
	case profileSent:
		if msg.err != nil {
			return m, nil, failure(Phone, msg.err, nil)
		}
		m.busy.stop()
		now := m.env.Clock.Now()
		return m, nil, Done{Step: Phone, Detail: Said("history.profile_sent", m.id),
			Apply: func(s *store.Session) { s.Profile.SentAt = now }}
	case shownError:
		m.busy.stop()
		m.phase, m.lastErr = phoneFailed, msg.err
		return m, nil, nil
	case tea.KeyPressMsg:
		switch m.phase {
		case phoneCheck:
			switch {
			case key.Matches(msg, phKeyConfirm):
				return m, m.add(), nil
			case key.Matches(msg, phKeyEdit):
				return m, m.edit(), nil
			}
			return m, nil, nil
		case phoneFailed:
			switch {
			case key.Matches(msg, keyRetry) && m.id != "":
				return m, m.sendProfile(), nil
			case key.Matches(msg, keyRetry):
				return m, m.add(), nil
			case key.Matches(msg, phKeyEdit) && m.id == "":
				return m, m.edit(), nil
			}
			return m, nil, nil
		case phoneWorking:
			return m, nil, nil
		}
	}
	switch m.phase {
	case phoneCountry:
		var cmd tea.Cmd
		var submitted bool
		m.form, cmd, submitted = submitForm(m.form, msg)
		if submitted {
			return m, tea.Batch(cmd, m.edit()), nil
		}
		return m, cmd, nil
	case phoneAsk:
	default:
		return m, nil, nil
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "shift+tab" {
		// Back to the country (a form of its own).
		m.phase = phoneCountry
		var cmd tea.Cmd
		m.form, cmd = m.term.start(m.countryForm())
		return m, cmd, nil
	}
	var cmd tea.Cmd
	var submitted bool
	m.form, cmd, submitted = submitForm(m.form, msg)
	if submitted {
		p, problem := rules.ParsePhone(m.input, m.country)
		if problem != rules.PhoneOK { // cannot happen: the field validated it
			m.lastErr = phoneError(m.env, m.input, m.country)
			return m, tea.Batch(cmd, m.edit()), nil
		}
		m.parsed, m.phase = p, phoneCheck
	}
	return m, cmd, nil
}

// edit asks for the number (again), for the country chosen.
func (m *phone) edit() tea.Cmd {
	m.phase = phoneAsk
	var cmd tea.Cmd
	m.form, cmd = m.term.start(m.numberForm())
	return cmd
}

func (m *phone) View(width int) string {
	env, st := m.env, m.env.S()
	var errLine string
	if m.lastErr != nil {
		errLine = st.Error.Render(Explain(env.Words, m.lastErr))
	}
	switch m.phase {
	case phoneCountry, phoneAsk:
		return paragraphs(width, st.Title.Render(env.T("phone.title")), env.T("phone.body"), InView(errLine), InView(m.form.View()))
	case phoneCheck:
		p := m.parsed
		var warn string
		switch {
		case p.TollFree:
			warn = st.Error.Render(env.T("phone.toll_free"))
		case p.PreferVoice():
			warn = env.T("phone.not_mobile")
		}
		return paragraphs(width,
			st.Title.Render(env.T("phone.check_title")),
			st.Box.Render(st.Accent.Render(p.International)+"\n"+
				st.Faint.Render(CountryName(env.Words.Language(), p.Region))),
			warn,
			env.T("phone.no_whatsapp"),
			InView(env.T("phone.check_keys")))
	}
	number := termsafe.Line(ShowNumber(m.sess.Phone))
	if number == "" {
		number = m.parsed.International
	}
	var status, hint string
	if m.phase == phoneWorking {
		status = m.busy.view()
	} else if m.id != "" {
		hint = env.T("phone.retry_profile")
	} else {
		hint = env.T("phone.retry_add")
	}
	return paragraphs(width, st.Title.Render(env.T("phone.title")),
		env.T("phone.number_is", st.Accent.Render(number)), InView(status), InView(errLine), InView(hint))
}

// ShowNumber is a saved number as every screen and command shows it: in
// international format, grouped by libphonenumber's rules for its country
// ("+7 701 123 4567"). A number that cannot be read that way is shown as saved.
func ShowNumber(p store.Phone) string {
	if p.E164 == "" {
		return ""
	}
	n, problem := rules.ParsePhone(p.E164, p.Country)
	if (problem == rules.PhoneOK || problem == rules.PhoneNotForRegion) && n.International != "" {
		return n.International
	}
	return p.E164
}

// Form is the form on screen, for the line-by-line front (FormHolder).
func (m *phone) Form() *huh.Form { return m.form }
