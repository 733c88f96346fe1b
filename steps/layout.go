package steps

import (
	"strings"

	"charm.land/huh/v2"

	"wizard/steps/picker"
)

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

// PageKeyUser is implemented by steps that may use pgup/pgdown themselves: a
// list pages through its options with them. While PagesItself is true the
// shell leaves those keys to the step and does not scroll the body with them.
type PageKeyUser interface {
	PagesItself() bool
}

// formPages says whether the focused field of form f is a list that pages
// with pgup/pgdown.
func formPages(f *huh.Form) bool {
	if f == nil || f.State != huh.StateNormal {
		return false
	}
	_, list := f.GetFocusedField().(*picker.List)
	return list
}

// PagesItself: a list of countries or categories has the focus.
func (m *company) PagesItself() bool {
	if m.approval != nil {
		return formPages(m.approval)
	}
	return formPages(m.form)
}
func (m *phone) PagesItself() bool       { return formPages(m.form) }
func (m *alphaName) PagesItself() bool   { return formPages(m.form) }
func (m *displayName) PagesItself() bool { return !m.checking && formPages(m.form) }
