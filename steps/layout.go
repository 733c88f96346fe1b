package steps

import "strings"

// The shell gives a step's body the rows between the header and the key help
// (the tea.WindowSizeMsg a step receives is the body's size, not the
// terminal's: forms sized by it scroll by themselves and keep their focused
// field in view). When a body is taller than its room anyway, the shell shows
// it in a viewport that the user scrolls with pgup/pgdown; the part of the
// body that must stay in view (the form with its focused field, the error
// about it, what the user answers) is marked with InView, and the shell scrolls
// to it whenever the focus moves.

// The marks around a part of the body that must stay in view: APC sequences,
// which take no column, survive lipgloss's wrapping and styling, and are
// removed by the shell before the screen is drawn (and by ansi.Strip). Text
// from users and services cannot carry them: termsafe drops escape sequences.
const (
	FocusOpen  = "\x1b_wizard:focus\x1b\\"
	FocusClose = "\x1b_wizard:/focus\x1b\\"
)

// InView marks s as a part of the body that must stay on screen.
func InView(s string) string {
	if strings.TrimSpace(s) == "" {
		return s
	}
	return FocusOpen + s + FocusClose
}
