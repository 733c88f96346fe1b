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

// Render is the whole screen as text (the view's content; golden tests use it):
// the header, the body in the rows left between it and the key help (scrolled
// to the step's focus when it is taller, with a quiet mark where there is
// more), what the shell has to say (a notice, a failed save), and the key help
// on the last line. Every line fits the width: the program wraps, never the
// terminal.
func (a *App) Render() string {
	width := a.width
	if width <= 0 {
		width = 80
	}
	bodyWidth := max(width-2, 1)
	var body string
	if a.takenOver != nil {
		body = lipgloss.NewStyle().Width(bodyWidth).Render(a.takenOverView())
	} else {
		body = a.stepBody(bodyWidth)
	}
	var said []string // what the shell says below the body, never scrolled away
	if a.notice != "" {
		said = append(said, a.styles.Notice.Width(bodyWidth).Render(a.notice))
	}
	if a.saveErr != nil && a.takenOver == nil {
		said = append(said, a.styles.Error.Width(bodyWidth).Render(termsafe.Text(a.words.T(saveFailedKey(a.saveErr), a.saveErr))))
		if a.quitAsked {
			said = append(said, a.styles.Error.Width(bodyWidth).Render(a.words.T("ui.quit_unsaved", len(a.Unsaved()))))
		}
	}
	if a.holds.trouble != nil && a.takenOver == nil {
		said = append(said, a.styles.Quiet.Width(bodyWidth).Render(termsafe.Text(a.words.T("ui.hold_trouble", a.holds.trouble))))
	}
	var saidLines []string
	for _, s := range said {
		saidLines = append(saidLines, fitLines(s, bodyWidth)...)
	}

	header := strings.Split(a.header(width), "\n")
	lines := fitLines(body, bodyWidth)
	room := len(lines) // no height known: all of it
	footer := a.footer(width, false)
	if a.height > 0 {
		rows := func() int {
			r := a.height - len(header) - 2 - len(footer)
			if len(saidLines) > 0 {
				r -= len(saidLines) + 1
			}
			return max(r, 1)
		}
		if room = rows(); len(lines) > room {
			lines = squeeze(lines) // a form's padding and double gaps first
		}
		if len(lines) > room {
			footer = a.footer(width, true) // with the scroll keys
			room = rows()
		}
	}
	lines, above, below := a.window(lines, room)
	parts := append(header, a.mark(above, a.words.T("layout.more_above"), width))
	for _, l := range lines {
		parts = append(parts, " "+l)
	}
	parts = append(parts, a.mark(below, a.words.T("layout.more_below"), width))
	parts = append(parts, saidLines...)
	if len(saidLines) > 0 {
		parts = append(parts, "")
	}
	parts = append(parts, footer...)
	return fitWidth(strings.Join(parts, "\n"), width)
}

// fitWidth cuts every line of s to width columns, so that the terminal never
// wraps one (the body is wrapped before; this keeps the header and the key
// help on their lines).
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

// footer: the step's keys, then the shell's (back, scroll, quit), which are
// never left out. When they do not fit on one line, the step's keys get a line
// of their own above the shell's; keys that fit on neither are left out whole
// (never cut mid-word) and "…" says so.
func (a *App) footer(width int, over bool) []string {
	if a.takenOver != nil {
		return []string{a.help.ShortHelpView([]key.Binding{a.keys.Close})}
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
	shell = append(shell, a.presenterHelp()...)
	if over && a.scrollable() {
		shell = append(shell, a.keys.Scroll)
	}
	shell = append(shell, a.keys.Quit)
	if a.saveErr != nil {
		shell = append(shell, a.keys.RetrySave)
	}
	own := a.step.Help()
	whole := a.help
	whole.SetWidth(0)
	if all := whole.ShortHelpView(append(append([]key.Binding(nil), own...), shell...)); lipgloss.Width(all) <= width {
		return []string{all}
	}
	// Two lines: the shell's keys last; those of them that do not fit there
	// (from the first) move up to the step's.
	for len(shell) > 1 && lipgloss.Width(whole.ShortHelpView(shell)) > width {
		own, shell = append(own, shell[0]), shell[1:]
	}
	if len(own) == 0 {
		return []string{whole.ShortHelpView(shell)}
	}
	return []string{a.keysLine(own, width), a.keysLine(shell, width)}
}

// keysLine is the help of as many of bs, from the first, as fit in width
// columns, each whole, with "…" after them when some are left out.
func (a *App) keysLine(bs []key.Binding, width int) string {
	h := a.help
	h.SetWidth(0)
	line := h.ShortHelpView(bs)
	if lipgloss.Width(line) <= width {
		return line
	}
	sep := h.Styles.ShortSeparator.Inline(true).Render(h.ShortSeparator)
	more := h.Styles.Ellipsis.Inline(true).Render(h.Ellipsis)
	for n := len(bs) - 1; n > 0; n-- {
		line = h.ShortHelpView(bs[:n]) + sep + more
		if lipgloss.Width(line) <= width {
			return line
		}
	}
	return more
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
