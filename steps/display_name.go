package steps

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"wizard/assets"
	"wizard/steps/picker"
	"wizard/steps/rules"
	"wizard/store"
	"wizard/termsafe"
)

// displayName is step 7: the display name ("alpha name"), the category, the
// description and the website of the business profile. The name is public to
// every recipient and changes only through Meta's manual moderation, so a second
// screen shows it as a recipient will see it and asks for a careful look. The
// name field refuses what Meta never allows (rules.NameCheck.Refusals); what
// Meta's guidelines decline unless the brand is written so (the warnings) is
// listed on the second screen instead, where Enter goes back to the name and
// only b confirms "our brand is written this way" (the Done's Detail names the
// warnings). The profile is sent to Meta (through the provider) later, by the phone step: the number
// does not exist yet.
type displayName struct {
	env      *Env
	form     *huh.Form
	p        store.Profile // the values being edited; kept when going back to edit
	checking bool          // on the second screen: "check it carefully"
	// warnings are what Meta's guidelines may decline in the name, shown on the
	// second screen: Enter then edits the name, and only b ("our brand is
	// written this way") confirms it as it is.
	warnings []rules.NameProblem
	term     termState
}

var (
	dnKeyConfirm = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keys.display_name.confirm"))
	dnKeyEdit    = key.NewBinding(key.WithKeys("e", "backspace"), key.WithHelp("e", "keys.edit"))
	// With warnings shown, Enter takes the safe answer: back to the name.
	dnKeyEditName = key.NewBinding(key.WithKeys("enter", "e", "backspace"), key.WithHelp("enter/e", "keys.display_name.edit"))
	dnKeyOurBrand = key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "keys.display_name.our_brand"))
)

// WantsBack: from the form (not the second look, where e edits), shift+tab on
// the name or esc.
func (m *displayName) WantsBack(k tea.KeyPressMsg) bool {
	return !m.checking && formWantsBack(m.form, k, "name")
}

func newDisplayName(env *Env, sess store.Session) Step {
	if PopupVerified(sess) { // the pop-up gave the name and Meta holds it: confirm or change it
		return newMetaName(env, sess)
	}
	m := &displayName{env: env, p: sess.Profile}
	if !rules.IsVertical(m.p.Category) {
		m.p.Category = rules.DefaultVertical
	}
	m.form = m.newForm()
	return m
}

// verticalLabel is the readable name of a business category in the catalog's
// language, falling back to the English label of the rules, then to the code.
func verticalLabel(w *assets.Words, code string) string {
	if key := "display_name.vertical." + code; w.Has(key) {
		return w.T(key)
	}
	for _, v := range rules.Verticals() {
		if v.Code == code {
			return v.Label
		}
	}
	return code
}

// displayNameError explains every refusal of a display name, one sentence each:
// what Meta never allows. Warnings do not stop the form; the second screen
// shows them (see nameWarningText).
func displayNameError(env *Env, s string) error {
	problems := rules.CheckDisplayName(strings.TrimSpace(s)).Refusals()
	if len(problems) == 0 {
		return nil
	}
	var sentences []string
	for _, p := range problems {
		sentences = append(sentences, nameProblemText(env, p))
	}
	return errors.New(strings.Join(sentences, " "))
}

func nameProblemText(env *Env, p rules.NameProblem) string {
	key := "display_name." + string(p)
	switch p {
	case rules.NameTooShort:
		return env.T(key, rules.DisplayNameMinLength)
	case rules.NameTooLong:
		return env.T(key, rules.DisplayNameMaxLength)
	case rules.NameBrand:
		return env.T("display_name.name_meta_products")
	}
	return env.T(key)
}

// nameWarningText says which of Meta's guidelines a warning is about and why
// the name may be declined by it.
func nameWarningText(env *Env, p rules.NameProblem) string {
	key := "display_name.warn." + string(p)
	if p == rules.NameAllCaps {
		return env.T(key, rules.DisplayNameAcronymMaxLetters)
	}
	return env.T(key)
}

// warnedDetail adds to h the history's phrase for a name confirmed despite
// warnings (their codes, as the rules name them).
func warnedDetail(h History, warnings []rules.NameProblem) History {
	codes := make([]string, len(warnings))
	for i, w := range warnings {
		codes[i] = string(w)
	}
	return h.And("history.display_name_warned", strings.Join(codes, ", "))
}

// websiteError explains why a website address is refused, or returns nil.
func websiteError(env *Env, s string) error {
	p := rules.CheckWebsite(strings.TrimSpace(s))
	switch p {
	case rules.URLOK:
		return nil
	case rules.URLTooLong:
		return errors.New(env.T("display_name."+string(p), rules.WebsiteMaxLength))
	case rules.URLNoScheme:
		return errors.New(env.T("display_name."+string(p), "https://"+strings.TrimSpace(s)))
	}
	return errors.New(env.T("display_name." + string(p)))
}

func descriptionError(env *Env, s string) error {
	if !rules.CheckDescription(s) {
		return errors.New(env.T("display_name.description_too_long", rules.DescriptionMaxLength))
	}
	return nil
}

// newForm asks for the profile one field at a time: each is a group of its own,
// so a key redraws only the field being typed in (and a field's help and error
// always fit the screen). Enter goes on, shift+tab goes back, as in one group.
func (m *displayName) newForm() *huh.Form {
	env := m.env
	var cats []picker.Option
	for _, v := range rules.Verticals() {
		cats = append(cats, picker.Option{Label: verticalLabel(env.Words, v.Code), Value: v.Code})
	}
	return newForm(env,
		huh.NewGroup(huh.NewInput().Key("name").Title(env.T("display_name.name")).
			Description(env.T("display_name.name_help")).
			Placeholder(env.T("display_name.name_placeholder")).
			Value(&m.p.DisplayName).
			Validate(func(s string) error { return displayNameError(env, s) })),
		huh.NewGroup(picker.New().Key("category").Title(env.T("display_name.category")).
			Description(env.T("display_name.category_help")).NoMatch(env.T("picker.no_match")).
			Options(cats...).Height(8).Value(&m.p.Category)),
		huh.NewGroup(huh.NewText().Key("description").Title(env.T("display_name.description")).
			// Not a DescriptionFunc: huh evaluates those in a command, off the
			// event loop, while the field writes m.p.Description. View counts instead.
			Description(env.T("display_name.description_help", rules.DescriptionMaxLength)).
			Lines(4).CharLimit(rules.DescriptionMaxLength).ExternalEditor(false).
			Value(&m.p.Description).
			Validate(func(s string) error { return descriptionError(env, s) })),
		huh.NewGroup(huh.NewInput().Key("website").Title(env.T("display_name.website")).
			Description(env.T("display_name.website_help")).
			Placeholder("https://www.example.com").
			Value(&m.p.Website).
			Validate(func(s string) error { return websiteError(env, s) })),
	)
}

func (m *displayName) ID() ID        { return DisplayName }
func (m *displayName) Init() tea.Cmd { return m.form.Init() }

func (m *displayName) MovesFocus(k tea.KeyPressMsg) bool {
	return !m.checking && formMovesFocus(m.form, k)
}
func (m *displayName) Focus() string { return formFocus(m.form) + strconv.FormatBool(m.checking) }

// Help is the step's keys, in the user's language.
func (m *displayName) Help() []key.Binding { return m.env.inWords(m.keyList()) }

func (m *displayName) keyList() []key.Binding {
	if m.checking && len(m.warnings) > 0 {
		return []key.Binding{dnKeyEditName, dnKeyOurBrand}
	}
	if m.checking {
		return []key.Binding{dnKeyConfirm, dnKeyEdit}
	}
	return m.form.KeyBinds()
}

func (m *displayName) Update(msg tea.Msg) (Step, tea.Cmd, Outcome) {
	m.term.note(msg)
	if m.checking {
		if k, ok := msg.(tea.KeyPressMsg); ok {
			warned := len(m.warnings) > 0
			switch {
			case warned && key.Matches(k, dnKeyEditName):
				return m, m.edit(), nil
			case (!warned && key.Matches(k, dnKeyConfirm)) || (warned && key.Matches(k, dnKeyOurBrand)):
				p, now := m.p, m.env.Clock.Now()
				detail := Said("history.display_name_confirmed", p.DisplayName)
				if warned {
					detail = warnedDetail(detail, m.warnings)
				}
				return m, nil, Done{Step: DisplayName, Detail: detail,
					Apply: func(s *store.Session) {
						// A changed profile must reach Meta again: SentAt starts over.
						s.Profile = store.Profile{DisplayName: p.DisplayName, Category: p.Category,
							Description: p.Description, Website: p.Website, ConfirmedAt: now}
					}}
			case key.Matches(k, dnKeyEdit):
				return m, m.edit(), nil
			}
		}
		return m, nil, nil
	}
	var cmd tea.Cmd
	var submitted bool
	m.form, cmd, submitted = submitForm(m.form, msg)
	if submitted {
		m.p.DisplayName = strings.TrimSpace(m.p.DisplayName)
		m.p.Description = strings.TrimSpace(m.p.Description)
		m.p.Website = strings.TrimSpace(m.p.Website)
		m.warnings = rules.CheckDisplayName(m.p.DisplayName).Warnings()
		m.checking = true
	}
	return m, cmd, nil
}

// edit goes back from the second screen to the form, on the name, values kept.
func (m *displayName) edit() tea.Cmd {
	m.checking, m.warnings = false, nil
	var cmd tea.Cmd
	m.form, cmd = m.term.start(m.newForm())
	return cmd
}

func (m *displayName) View(width int) string {
	env, st := m.env, m.env.S()
	if !m.checking {
		var count string
		if f := m.form.GetFocusedField(); f != nil && f.GetKey() == "description" {
			count = st.Faint.Render(m.env.T("display_name.description_count",
				utf8.RuneCountInString(m.p.Description), rules.DescriptionMaxLength))
		}
		return paragraphs(width, st.Title.Render(m.env.T("display_name.title")),
			m.env.T("display_name.body"), InView(m.form.View()), InView(count))
	}
	header := chatHeader(env, termsafe.Line(m.p.DisplayName))
	site := st.Box.Render(st.Faint.Render(env.T("display_name.preview_website")) + "\n" +
		st.Accent.Render(termsafe.Line(m.p.Website)))
	preview := lipgloss.JoinHorizontal(lipgloss.Top, header, "   ", site)
	if width > 0 && lipgloss.Width(preview) > width {
		preview = lipgloss.JoinVertical(lipgloss.Left, header, site)
	}
	if len(m.warnings) > 0 {
		// Only what the decision needs, so that three warnings fit 80×24.
		var list []string
		for _, p := range m.warnings {
			list = append(list, bullet(width, nameWarningText(env, p)))
		}
		return paragraphs(width,
			st.Title.Render(env.T("display_name.warn_title")),
			preview,
			env.T("display_name.warn_body"),
			InView(strings.Join(list, "\n")),
			InView(env.T("display_name.warn_keys")))
	}
	details := env.T("display_name.check_category", verticalLabel(env.Words, m.p.Category))
	if m.p.Description != "" {
		details += "\n" + env.T("display_name.check_description", termsafe.Text(m.p.Description))
	}
	return paragraphs(width,
		st.Title.Render(env.T("display_name.check_title")),
		env.T("display_name.check_body"),
		preview,
		InView(env.T("display_name.check_match")),
		InView(st.Faint.Render(details)),
		InView(env.T("display_name.check_keys")))
}

// chatHeader draws the name as a recipient sees it at the top of the chat.
func chatHeader(env *Env, name string) string {
	initial := "?"
	if r, _ := utf8.DecodeRuneInString(name); r != utf8.RuneError {
		initial = strings.ToUpper(string(r))
	}
	avatar := lipgloss.NewStyle().Bold(true).Reverse(true).Padding(0, 1).Render(initial)
	st := env.S()
	text := st.Title.Render(name) + "\n" + st.Faint.Render(env.T("display_name.preview_subtitle"))
	return st.Box.Render(lipgloss.JoinHorizontal(lipgloss.Top, "← ", avatar, " ", text))
}

// bullet is text as a list item, wrapped to width with a hanging indent.
func bullet(width int, text string) string {
	if width > 4 {
		text = lipgloss.NewStyle().Width(width - 2).Render(text)
	}
	return "• " + strings.ReplaceAll(text, "\n", "\n  ")
}

// Form is the form on screen, for the line-by-line front (FormHolder).
func (m *displayName) Form() *huh.Form { return m.form }
