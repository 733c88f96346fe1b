package ui

import (
	tea "charm.land/bubbletea/v2"

	"wizard/steps"
	"wizard/termsafe"
)

// What the line-by-line front (package ui/plain) reads of the shell besides
// the step: whether it is between two screens, and what the shell itself
// shows around the step's body.

// Settling reports whether the shell is between two screens: the step's answer
// is being saved (the next step comes after it), or keys wait until the
// form's focus has moved or a save the step waits for is written. Nothing
// should be asked then.
func (a *App) Settling() bool { return a.stepDone || a.typed.holding() }

// Notices are the shell's own lines around the step's body, as Render shows
// them: someone else's change, a failed save and how to retry, trouble
// keeping the hold, a take-over. Each is plain text in the user's language.
func (a *App) Notices() []string {
	if a.takenOver != nil {
		return []string{a.takenOverView()}
	}
	var out []string
	if a.notice != "" {
		out = append(out, a.notice)
	}
	if a.saveErr != nil {
		out = append(out, termsafe.Text(a.words.T(saveFailedKey(a.saveErr), a.saveErr)))
		if a.quitAsked {
			out = append(out, a.words.T("ui.quit_unsaved", len(a.Unsaved())))
		}
	}
	if a.holds.trouble != nil {
		out = append(out, termsafe.Text(a.words.T("ui.hold_trouble", a.holds.trouble)))
	}
	return out
}

// Back is what goes back to the previous step from the question on screen, as
// the footer names it: the key ("esc", or "shift+tab" in a list, where esc
// ends a search) and the step it goes back to. The key is "" when going back
// is not possible here (nothing before can be shown again, or the shell is
// between two screens).
func (a *App) Back() (key string, to steps.ID) {
	if a.Settling() || a.takenOver != nil {
		return "", ""
	}
	prev := steps.Previous(a.sess, a.step.ID())
	if prev == "" {
		return "", ""
	}
	switch {
	case a.wantsBack(tea.KeyPressMsg{Code: tea.KeyEscape}):
		return "esc", prev
	case a.wantsBack(tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}):
		return "shift+tab", prev
	}
	return "", ""
}
