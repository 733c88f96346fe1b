package ui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"wizard/client"
	"wizard/steps"
	"wizard/store"
	"wizard/termsafe"
)

// The classroom's part of the shell, for a trainer's demo (Env.Classroom) and
// never for a real signup: presenter notes over the body (f2), the sandbox's
// pace (f3), and telling the sandbox which step is on screen, for the
// trainer's outbox page. The "now" key of the waits is the steps' own (f4).

// presenter is the classroom's state in the shell.
type presenter struct {
	open bool // the notes are shown instead of the body

	pace      string        // the sandbox's pace: "fast", "real", "" for other delays
	email     time.Duration // how long its e-mail confirmation takes
	activate  time.Duration // how long its activation takes
	paceKnown bool          // the sandbox said its pace
	paceBusy  bool          // a change of pace is under way
	paceErr   string        // the last change of pace failed: what to do
	told      steps.ID      // the step last told to the sandbox
}

type (
	// paceMsg is the sandbox's answer about its pace (read or set).
	paceMsg struct {
		name            string
		email, activate time.Duration
		set             bool // the answer to a change
		err             error
	}
	// toldMsg ends the telling of a step (its failure changes nothing).
	toldMsg struct{}
)

// classroomMsg is implemented by the messages of the classroom's commands.
type classroomMsg interface{ classroom() }

func (paceMsg) classroom() {}
func (toldMsg) classroom() {}

// classroomKeys are the shell's keys in the classroom; f2 and f3 never type
// into a field.
type classroomKeys struct {
	Notes key.Binding
	Pace  key.Binding
}

func (a *App) classroomKeys() classroomKeys {
	return classroomKeys{
		Notes: key.NewBinding(key.WithKeys("f2"), key.WithHelp("f2", a.words.T("classroom.key_notes"))),
		Pace:  key.NewBinding(key.WithKeys("f3")), // named on the notes' panel, to keep the footer short
	}
}

// inClassroom says whether the classroom's keys are offered.
func (a *App) inClassroom() bool { return a.env.Classroom }

// training is the sandbox's controls, nil when there is no sandbox.
func (a *App) training() steps.Training {
	if !a.env.Classroom {
		return nil
	}
	return a.env.Training
}

// presenterHelp is the shell's classroom key for the footer: the notes, whose
// panel names the pace key (the footer's room is short in Russian).
func (a *App) presenterHelp() []key.Binding {
	if !a.inClassroom() {
		return nil
	}
	return []key.Binding{a.classroomKeys().Notes}
}

// presenterKey handles the classroom's keys; ok says the key was theirs. While
// the notes are open every other key but quit is kept from the step, which is
// not on screen.
func (a *App) presenterKey(msg tea.KeyPressMsg) (cmd tea.Cmd, ok bool) {
	if !a.inClassroom() || key.Matches(msg, a.keys.Quit) {
		return nil, false
	}
	k := a.classroomKeys()
	switch {
	case key.Matches(msg, k.Notes):
		a.class.open = !a.class.open
		return nil, true
	case a.class.open && msg.String() == "esc":
		a.class.open = false
		return nil, true
	case key.Matches(msg, k.Pace) && a.training() != nil:
		a.class.open = true // the notes' panel says what the pace is now
		return a.changePace(), true
	}
	return nil, a.class.open
}

// classroomInit reads the sandbox's pace and tells it the step on screen.
func (a *App) classroomInit() tea.Cmd {
	t := a.training()
	if t == nil {
		return nil
	}
	read := func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		name, email, act, err := t.Pace(ctx)
		return paceMsg{name: name, email: email, activate: act, err: err}
	}
	return tea.Batch(read, a.tellStep())
}

// changePace switches the sandbox between fast and real.
func (a *App) changePace() tea.Cmd {
	if a.class.paceBusy {
		return nil
	}
	next := "fast"
	if a.class.pace == "fast" {
		next = "real"
	}
	a.class.paceBusy = true
	t := a.training()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		email, act, err := t.SetPace(ctx, next)
		return paceMsg{name: next, email: email, activate: act, set: true, err: err}
	}
}

// tellStep tells the sandbox the step on screen, once per step, in a command;
// a sandbox that cannot be reached changes nothing for the wizard.
func (a *App) tellStep() tea.Cmd {
	t := a.training()
	if t == nil || a.step.ID() == a.class.told {
		return nil
	}
	id := a.step.ID()
	a.class.told = id
	sid, title, pos := a.sess.ID, a.words.T("step."+string(id)), steps.Position(id)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_ = t.Showing(ctx, sid, string(id), title, pos, len(steps.Order))
		return toldMsg{}
	}
}

// classroomUpdate handles the answers of the classroom's commands.
func (a *App) classroomUpdate(msg classroomMsg) tea.Cmd {
	m, ok := msg.(paceMsg)
	if !ok {
		return nil
	}
	if m.set {
		a.class.paceBusy = false
	}
	if m.err != nil {
		if m.set {
			a.class.paceErr = termsafe.Text(a.words.T("classroom.pace_failed", m.err))
		}
		return nil
	}
	a.class.pace, a.class.email, a.class.activate, a.class.paceKnown, a.class.paceErr = m.name, m.email, m.activate, true, ""
	return nil
}

// paceName is a pace's name in the user's language.
func (a *App) paceName(name string) string {
	switch name {
	case "fast":
		return a.words.T("classroom.pace_fast")
	case "real":
		return a.words.T("classroom.pace_real")
	}
	return a.words.T("classroom.pace_other")
}

// span says a duration in words, in the user's language.
func (a *App) span(d time.Duration) string { return a.words.Duration(d) }

// stepBody is the step's body, or the presenter notes over it.
func (a *App) stepBody(width int) string {
	if !a.inClassroom() {
		return a.step.View(width)
	}
	if a.class.open {
		return a.notesView(noteScreen(a.step, a.sess), width)
	}
	return a.step.View(width)
}

// noteScreens are the screens that have presenter notes: every step of
// steps.Order and the branch screens. Their notes are presenter.SCREEN.world,
// .mistakes and .guide.
var noteScreens = []string{
	"terms", "account", "verify-email", "company", branch(steps.Company, "government"),
	"number-status", "number-status.checklist", "number-status.parked", "number-status.migration-parked",
	"signup", branch(steps.Signup, "migration"), "display-name", "display-name.review", "display-name.meta",
	"phone", "verify-code", "activation", branch(steps.Activation, "app"), branch(steps.Activation, "declined"), "alpha-name", "done",
}

// branch names a branch screen of a step: "company.government" is the
// company step once a government body waits for Meta's approval.
func branch(id steps.ID, name string) string { return string(id) + "." + name }

// noteScreen names the screen a step shows, for its notes: the step's id, or
// a branch screen of it, told from the saved session and the form's focus.
func noteScreen(step steps.Step, sess store.Session) string {
	id := step.ID()
	focus, shown := "", ""
	if t, ok := step.(steps.Typist); ok {
		focus = t.Focus()
	}
	if sc, ok := step.(steps.Screener); ok {
		shown = sc.Screen()
	}
	waiting := sess.Status == store.StatusWaiting
	switch id {
	case steps.Company:
		if waiting && steps.CompanyRoute(sess.Company).Park == steps.ParkGovernment {
			return branch(steps.Company, "government")
		}
	case steps.NumberStatus:
		switch {
		case waiting && sess.Path == store.PathBlocked && sess.Number.OnBusinessAPI:
			return "number-status.migration-parked"
		case waiting && sess.Path == store.PathBlocked:
			return "number-status.parked"
		case shown == "checklist":
			return "number-status.checklist"
		}
	case steps.Signup:
		if sess.Path == store.PathMigration {
			return branch(steps.Signup, "migration")
		}
	case steps.DisplayName:
		switch {
		case steps.PopupVerified(sess):
			return "display-name.meta"
		case strings.HasSuffix(focus, "true"): // the second look before the name is sent
			return "display-name.review"
		}
	case steps.Activation:
		switch {
		case steps.AppOnboarding(sess) && sess.Signup.AppNoticeAt.IsZero():
			return branch(steps.Activation, "app")
		case sess.Activation.Status == client.ActivationFailed && sess.Activation.Reason == client.ActivationNameDeclined:
			return branch(steps.Activation, "declined")
		}
	}
	return string(id)
}

// notesView is the panel of a screen's notes: what happens in the real world,
// what people get wrong, what the guide says.
func (a *App) notesView(screen string, width int) string {
	w, st := a.words, a.styles
	inner := max(width-4, 20) // the border and a column of padding each side
	section := func(head, text string) string {
		return st.Step.Render(w.T(head)) + "\n" + lipgloss.NewStyle().Width(inner).Render(w.T(text))
	}
	k := "presenter." + screen + "."
	lines := []string{
		st.Title.Render(w.T("presenter.title", w.T("presenter."+screen+".name"))),
		section("presenter.world", k+"world"),
		section("presenter.mistakes", k+"mistakes"),
		section("presenter.guide", k+"guide"),
		st.Quiet.Width(inner).Render(w.T("presenter.close")),
	}
	if a.training() != nil { // the sandbox's pace, which f3 switches
		pace := w.T("classroom.pace_key", w.T("classroom.pace_unknown"))
		switch {
		case a.class.paceKnown && a.class.email <= 0: // no auto-confirmation: only the e-mail's link
			pace = w.T("classroom.pace_line_link", a.paceName(a.class.pace), a.span(a.class.activate))
		case a.class.paceKnown:
			pace = w.T("classroom.pace_line", a.paceName(a.class.pace), a.span(a.class.email), a.span(a.class.activate))
		}
		lines = append(lines, st.Quiet.Width(inner).Render(pace))
		if a.class.paceErr != "" {
			lines = append(lines, st.Error.Width(inner).Render(a.class.paceErr))
		}
	}
	body := strings.Join(lines, "\n")
	return lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1).Width(width).Render(body)
}
