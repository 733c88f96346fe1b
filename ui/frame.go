package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"wizard/steps"
	"wizard/termsafe"
)

// View frames the current step: header with progress, the step's body, key help.
func (a *App) View() tea.View {
	v := tea.NewView(a.Render())
	v.AltScreen = true
	v.WindowTitle = a.words.T("ui.title")
	if id := a.shownID(); id != "" {
		v.WindowTitle = a.words.T("ui.window_title", id)
	}
	return v
}

// Render is the whole screen as text (the view's content; golden tests use it).
func (a *App) Render() string {
	width := a.width
	if width <= 0 {
		width = 80
	}
	bodyWidth := width - 2
	parts := []string{a.header(width), ""}
	if a.takenOver != nil {
		parts = append(parts, lipgloss.NewStyle().PaddingLeft(1).Width(bodyWidth).Render(a.takenOverView()))
		parts = append(parts, "", a.footer())
		return strings.Join(parts, "\n")
	}
	body := a.stepBody(bodyWidth)
	parts = append(parts, lipgloss.NewStyle().PaddingLeft(1).Render(body))
	if a.notice != "" {
		parts = append(parts, "", a.styles.Notice.Width(bodyWidth).Render(a.notice))
	}
	if a.saveErr != nil {
		parts = append(parts, "", a.styles.Error.Width(bodyWidth).Render(termsafe.Text(a.words.T(saveFailedKey(a.saveErr), a.saveErr))))
		if a.quitAsked {
			parts = append(parts, a.styles.Error.Width(bodyWidth).Render(a.words.T("ui.quit_unsaved", len(a.Unsaved()))))
		}
	}
	if a.holds.trouble != nil {
		parts = append(parts, "", a.styles.Quiet.Width(bodyWidth).Render(termsafe.Text(a.words.T("ui.hold_trouble", a.holds.trouble))))
	}
	parts = append(parts, "", a.footer())
	return fitWidth(strings.Join(parts, "\n"), width)
}

// fitWidth cuts every line of s to width columns, so that the terminal never
// wraps one: what a form pads past the edge (its full width plus the body's
// margin) is blank, and a longer line is cut rather than wrapped.
func fitWidth(s string, width int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if lipgloss.Width(l) > width {
			lines[i] = ansi.Truncate(l, width, "")
		}
	}
	return strings.Join(lines, "\n")
}

// header: the product, the step name, "n of 12" and a row of marks for the steps.
func (a *App) header(width int) string {
	id := a.step.ID() // the step on screen: after "back", an earlier one than the session's
	pos := steps.Position(id)
	title := a.styles.Title.Render(a.words.T("ui.title"))
	sid := ""
	if id := a.shownID(); id != "" {
		sid = a.styles.ID.Render(a.words.T("ui.session", id))
	}
	gap := width - lipgloss.Width(title) - lipgloss.Width(sid)
	top := title + strings.Repeat(" ", max(gap, 1)) + sid

	line := a.styles.Step.Render(a.words.T("ui.progress", pos, len(steps.Order), a.words.T("step."+string(id))))
	done := map[steps.ID]bool{}
	for _, d := range steps.Completed(a.sess) {
		done[d] = true
	}
	var marks []string
	for _, s := range steps.Order {
		switch {
		case steps.Skipped(a.sess, s):
			marks = append(marks, a.styles.Skipped.Render("–"))
		case s == id:
			marks = append(marks, a.styles.Current.Render("◉"))
		case done[s]:
			marks = append(marks, a.styles.Done.Render("●"))
		default:
			marks = append(marks, a.styles.Todo.Render("○"))
		}
	}
	return top + "\n" + line + "  " + strings.Join(marks, " ")
}

// footer: the step's keys, then the shell's (back, quit), which are never cut
// off: the step's part is shortened to leave room for them.
func (a *App) footer() string {
	if a.takenOver != nil {
		return a.help.ShortHelpView([]key.Binding{a.keys.Close})
	}
	var shell []key.Binding
	if steps.Previous(a.sess, a.step.ID()) != "" {
		// Name the key that goes back here: esc, or in a list (where esc ends a
		// search) shift+tab on the first field.
		switch {
		case a.wantsBack(tea.KeyPressMsg{Code: tea.KeyEscape}):
			shell = append(shell, a.keys.Back)
		case a.wantsBack(tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}):
			back := a.keys.Back
			back.SetHelp("shift+tab", back.Help().Desc)
			shell = append(shell, back)
		}
	}
	shell = append(append(shell, a.presenterHelp()...), a.keys.Quit)
	if a.saveErr != nil {
		shell = append(shell, a.keys.RetrySave)
	}
	shellHelp := a.help.ShortHelpView(shell)
	sep := a.help.Styles.ShortSeparator.Inline(true).Render(a.help.ShortSeparator)
	width := a.width
	if width <= 0 {
		width = 80
	}
	room := max(width-lipgloss.Width(shellHelp)-lipgloss.Width(sep), 10)
	stepHelp := a.help
	stepHelp.SetWidth(room)
	if own := stepHelp.ShortHelpView(a.step.Help()); own != "" {
		// The help model keeps its first key even when it is wider than the
		// room (longer words, as in Russian): cut it there, never wrap.
		return ansi.Truncate(own, room, "…") + sep + shellHelp
	}
	return shellHelp
}

// shownID is the signup's id for the screen, once the signup is in the data
// file: an id shown before it is saved could name a signup a crash never kept.
func (a *App) shownID() string {
	if !a.onDisk {
		return ""
	}
	return termsafe.Line(a.sess.ID)
}

// takenOverView is the body once someone else took the signup over: who, when,
// what is lost, and what to do.
func (a *App) takenOverView() string {
	h := a.takenOver
	who, machine := termsafe.Line(h.Holder.Who), termsafe.Line(h.Holder.Machine)
	if who == "" {
		who = a.words.T("ui.someone")
	}
	if machine == "" {
		machine = a.words.T("ui.some_machine")
	}
	id := termsafe.Line(a.sess.ID)
	if a.lastSaved.IsZero() {
		return a.words.T("ui.taken_over_nothing_saved", who, machine, a.clock(h.Since), id)
	}
	return a.words.T("ui.taken_over", who, machine, a.clock(h.Since), a.clock(a.lastSaved), id)
}
