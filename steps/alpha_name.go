package steps

import (
	"cmp"
	"context"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"wizard/client"
	"wizard/steps/rules"
	"wizard/store"
	"wizard/termsafe"
)

// alphaName is step 11, the guide's "Add & Edit Alpha Names for Campaigns": the
// display name and a country are saved in the company's campaign database
// (OCM), with Meta's review of the name (name_status) as the provider reports
// it. The number's state is read first: its review state, and for a migrated
// number its name (the display-name step never ran). The name of the
// display-name step is shown read-only.
type alphaName struct {
	env      *Env
	sess     store.Session
	form     *huh.Form
	busy     busy
	name     string
	country  string
	phase    alphaPhase
	failedIn alphaPhase
	saved    store.Alpha
	created  bool
	status   string    // Meta's review of the name, "" when not known
	checked  time.Time // when status was read
	lastErr  error
	term     termState
}

type alphaPhase int

const (
	alphaLoading alphaPhase = iota // reading the number's state: its review state (and name)
	alphaAsk                       // the country
	alphaSaving
	alphaSaved // saved (or already there): Enter to continue
	alphaFailed
)

type (
	alphaNameFetched struct {
		st  client.NumberState
		err error
	}
	// alphaStatusRecorded replies to the Record of the review state read:
	// shown once saved.
	alphaStatusRecorded struct {
		name, status string
		at           time.Time
	}
	alphaNameSaved struct {
		a       client.AlphaName
		created bool
		err     error
	}
	// alphaRecorded replies to the Record of the saved alpha name: the screen
	// says "saved" once the session holds it.
	alphaRecorded struct {
		a       store.Alpha
		created bool
	}
)

var (
	alKeyContinue = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keys.continue"))
	alKeyEdit     = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "keys.alpha.change_country"))
)

func newAlphaName(env *Env, sess store.Session) Step {
	m := &alphaName{env: env, sess: sess, busy: newBusy(),
		name:    cmp.Or(sess.Profile.DisplayName, sess.Alpha.Name),
		country: cmp.Or(sess.Alpha.Country, sess.Company.Country, env.Region),
		status:  sess.Alpha.NameStatus, checked: sess.Alpha.CheckedAt}
	m.form = m.newForm()
	if m.canAsk() || m.name == "" {
		m.phase = alphaLoading
	} else {
		m.phase = alphaAsk
	}
	return m
}

// canAsk reports whether the provider can be asked about the number.
func (m *alphaName) canAsk() bool { return m.sess.Signup.SessionID != "" && m.sess.Phone.ID != "" }

func (m *alphaName) newForm() *huh.Form {
	env := m.env
	return newForm(env, huh.NewGroup(
		countrySelect(env, "country", env.T("alpha.country"), env.T("alpha.country_help"), &m.country),
	))
}

func (m *alphaName) ID() ID { return AlphaName }

func (m *alphaName) MovesFocus(k tea.KeyPressMsg) bool {
	return m.phase == alphaAsk && formMovesFocus(m.form, k)
}
func (m *alphaName) Focus() string { return formFocus(m.form) + strconv.Itoa(int(m.phase)) }

func (m *alphaName) Init() tea.Cmd {
	if m.phase == alphaLoading {
		return m.fetch()
	}
	return m.form.Init()
}

// Help is the step's keys, in the user's language.
func (m *alphaName) Help() []key.Binding { return m.env.inWords(m.keyList()) }

func (m *alphaName) keyList() []key.Binding {
	switch m.phase {
	case alphaAsk:
		return m.form.KeyBinds()
	case alphaSaved:
		return []key.Binding{alKeyContinue}
	case alphaFailed:
		if m.failedIn == alphaSaving {
			return []key.Binding{keyRetry, alKeyEdit}
		}
		return []key.Binding{keyRetry}
	}
	return nil
}

func (m *alphaName) fetch() tea.Cmd {
	m.phase, m.lastErr = alphaLoading, nil
	signup, id := m.sess.Signup.SessionID, m.sess.Phone.ID
	return tea.Batch(m.busy.start(m.env.T("alpha.loading"), m.env.Clock.Now()),
		m.env.call(func(ctx context.Context) tea.Msg {
			st, err := m.env.Clients.Partner.Number(ctx, signup, id)
			return alphaNameFetched{st, err}
		}))
}

func (m *alphaName) save() tea.Cmd {
	m.phase, m.lastErr = alphaSaving, nil
	name, country, status := m.name, m.country, m.status
	return tea.Batch(m.busy.start(m.env.T("alpha.saving"), m.env.Clock.Now()),
		m.env.call(func(ctx context.Context) tea.Msg {
			a, created, err := m.env.Clients.OCM.SaveAlphaNameStatus(ctx, name, country, status)
			return alphaNameSaved{a, created, err}
		}))
}

func (m *alphaName) Update(msg tea.Msg) (Step, tea.Cmd, Outcome) {
	m.term.note(msg)
	if cmd, ok := m.busy.update(msg); ok {
		return m, cmd, nil
	}
	switch msg := msg.(type) {
	case alphaNameFetched:
		name := cmp.Or(m.name, strings.TrimSpace(msg.st.VerifiedName))
		if msg.err == nil && name == "" {
			msg.err = errNoVerifiedName{}
		}
		if msg.err != nil {
			m.busy.stop()
			m.failedIn = alphaLoading
			return m, nil, failure(AlphaName, msg.err, nil)
		}
		status, at := ReviewOf(msg.st, name), m.env.Clock.Now()
		detail := Said("history.name_review", status)
		if status == "" {
			detail = Said("history.name_review_unknown")
		}
		// Saved before it is shown: the review state as the provider gave it.
		return m, nil, Record{Step: AlphaName, Kind: "progress", Detail: detail,
			Apply: func(s *store.Session) { s.Alpha.NameStatus, s.Alpha.CheckedAt = status, at },
			Reply: alphaStatusRecorded{name, status, at}}
	case alphaStatusRecorded:
		m.busy.stop()
		m.name, m.status, m.checked, m.phase = msg.name, msg.status, msg.at, alphaAsk
		var cmd tea.Cmd
		m.form, cmd = m.term.start(m.form)
		return m, cmd, nil
	case alphaNameSaved:
		if msg.err != nil {
			m.busy.stop()
			m.failedIn = alphaSaving
			return m, nil, failure(AlphaName, msg.err, nil)
		}
		now := m.env.Clock.Now()
		a := store.Alpha{Name: cmp.Or(msg.a.Name, m.name), Country: cmp.Or(msg.a.Country, m.country),
			ID: msg.a.ID, SavedAt: now, NameStatus: m.status, CheckedAt: m.checked}
		detail := Said("history.alpha_saved_ocm", a.ID)
		if !msg.created {
			detail = Said("history.alpha_already_ocm", a.ID)
		}
		// Saved at once: a closed wizard must not ask for it again; shown once saved.
		return m, nil, Record{Step: AlphaName, Kind: "progress", Detail: detail,
			Apply: func(s *store.Session) { s.Alpha = a }, Reply: alphaRecorded{a, msg.created}}
	case alphaRecorded:
		m.busy.stop()
		m.saved, m.created, m.phase = msg.a, msg.created, alphaSaved
		return m, nil, nil
	case shownError:
		m.phase, m.lastErr = alphaFailed, msg.err
		return m, nil, nil
	case tea.KeyPressMsg:
		switch m.phase {
		case alphaSaved:
			if key.Matches(msg, alKeyContinue) {
				a := m.saved
				detail := Said("history.alpha_saved")
				if !m.created {
					detail = Said("history.alpha_was_saved")
				}
				return m, nil, Done{Step: AlphaName, Detail: detail, Apply: func(s *store.Session) { s.Alpha = a }}
			}
			return m, nil, nil
		case alphaFailed:
			switch {
			case key.Matches(msg, keyRetry) && m.failedIn == alphaLoading:
				return m, m.fetch(), nil
			case key.Matches(msg, keyRetry):
				return m, m.save(), nil
			case key.Matches(msg, alKeyEdit) && m.failedIn == alphaSaving:
				m.phase, m.lastErr = alphaAsk, nil
				var cmd tea.Cmd
				m.form, cmd = m.term.start(m.newForm())
				return m, cmd, nil
			}
			return m, nil, nil
		}
	}
	if m.phase != alphaAsk {
		return m, nil, nil
	}
	var cmd tea.Cmd
	var submitted bool
	m.form, cmd, submitted = submitForm(m.form, msg)
	if submitted {
		return m, tea.Batch(cmd, m.save()), nil
	}
	return m, cmd, nil
}

// ReviewOf is Meta's review of name as the number's state reports it: the
// pending change's state when name is the new one asked for, else the
// number's own; "" when not known or not a review state.
func ReviewOf(st client.NumberState, name string) string {
	raw := st.NameStatus
	if st.NewNameStatus != "" && !strings.EqualFold(strings.TrimSpace(st.VerifiedName), strings.TrimSpace(name)) {
		raw = st.NewNameStatus
	}
	status, _ := rules.NameStatus(raw)
	return status
}

// errNoVerifiedName: Meta knows the number but gave it no name.
type errNoVerifiedName struct{}

func (errNoVerifiedName) Error() string { return "the number has no verified name at Meta" }

func (m *alphaName) View(width int) string {
	env, st := m.env, m.env.S()
	lang := env.Words.Language()
	title := st.Title.Render(env.T("alpha.title"))
	var nameBlock string
	if m.name != "" {
		// Where the name came from, and how it can change: the display-name
		// step is behind a number already added (or never ran on a migration).
		origin := env.T("alpha.name_readonly")
		if m.sess.Path == store.PathMigration || m.sess.Profile.DisplayName == "" {
			origin = env.T("alpha.name_migrated")
		}
		nameBlock = env.T("alpha.name_label") + " " + st.Accent.Render(termsafe.Line(m.name)) + "\n" +
			st.Faint.Render(origin)
		if m.phase != alphaLoading {
			nameBlock += "\n" + env.T("alpha.review", NameReview(env.Words, m.status))
		}
	}
	switch m.phase {
	case alphaLoading, alphaSaving:
		return paragraphs(width, title, nameBlock, m.busy.view())
	case alphaSaved:
		text := env.T("alpha.saved", termsafe.Line(m.saved.Name), CountryName(lang, m.saved.Country))
		if !m.created {
			text = env.T("alpha.already_saved", termsafe.Line(m.saved.Name), CountryName(lang, m.saved.Country))
		}
		review := env.T("alpha.review", NameReview(env.Words, m.saved.NameStatus))
		if m.saved.NameStatus == rules.NamePendingReview {
			review += " " + env.T("alpha.review_pending", m.sess.ID)
		}
		return paragraphs(width, title, InView(st.OK.Render(text)), InView(review), InView(st.Faint.Render(env.T("alpha.continue"))))
	case alphaFailed:
		text := Explain(env.Words, m.lastErr)
		if _, ok := m.lastErr.(errNoVerifiedName); ok {
			text = env.T("alpha.no_name")
		}
		hint := env.T("alpha.retry_hint")
		if m.failedIn == alphaSaving {
			hint = env.T("alpha.retry_edit_hint")
		}
		return paragraphs(width, title, nameBlock, InView(st.Error.Render(text)), InView(hint))
	}
	return paragraphs(width, title, env.T("alpha.body"), nameBlock, InView(m.form.View()))
}

// Form is the form on screen, for the line-by-line front (FormHolder).
func (m *alphaName) Form() *huh.Form { return m.form }
