package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// typeAhead holds the keys typed while the screen is about to change and gives
// them back, in order, once it has, so that a fast typist's or a password
// manager's keys land where they were meant:
//   - after a key that may move a form's focus (the step says which keys do),
//     until the step's focus has moved: huh moves it through a message of its
//     own, and a key handled before that message would land in the field just
//     left. A hold lasts at most focusHoldFor, whatever comes;
//   - after a step reported something whose save it waits for (Done, or a
//     Record with a reply), until the save is written and the step, or the one
//     after it, is on screen: a key follows the save it was typed after.
type typeAhead struct {
	keys   []tea.KeyPressMsg
	on     bool
	focus  string // the focus to move away from; unused while saving
	saving bool   // waiting for a save, not for a focus
	gen    int    // the focus hold under way; older time-outs are ignored
}

// focusHoldFor bounds a hold for a focus that never moves (a field that refused
// its value keeps the focus).
const focusHoldFor = 300 * time.Millisecond

// holdTimeout ends the focus hold gen when it has lasted focusHoldFor.
type holdTimeout struct{ gen int }

func (t *typeAhead) holding() bool { return t.on }

func (t *typeAhead) add(k tea.KeyPressMsg) { t.keys = append(t.keys, k) }

// untilFocusMoves starts a hold until the focus is no longer focus.
func (t *typeAhead) untilFocusMoves(focus string) tea.Cmd {
	if t.saving {
		return nil // the save's hold is longer
	}
	t.on, t.focus = true, focus
	t.gen++
	gen := t.gen
	return tea.Tick(focusHoldFor, func(time.Time) tea.Msg { return holdTimeout{gen} })
}

// untilSaved starts (or turns the current hold into) a hold until the save ends.
func (t *typeAhead) untilSaved() {
	t.on, t.saving = true, true
	t.gen++ // a focus hold's time-out no longer applies
}

// moved reports whether a focus hold can end: the focus is not the one it
// waited on.
func (t *typeAhead) moved(focus string) bool {
	return t.on && !t.saving && focus != t.focus
}

// timedOut reports whether msg ends the current focus hold.
func (t *typeAhead) timedOut(msg holdTimeout) bool {
	return t.on && !t.saving && msg.gen == t.gen
}

// saved ends a save's hold.
func (t *typeAhead) saved() { t.saving = false }

// release ends the hold and returns the keys it held.
func (t *typeAhead) release() []tea.KeyPressMsg {
	keys := t.keys
	t.keys, t.on, t.saving, t.focus = nil, false, false, ""
	t.gen++
	return keys
}

// drop ends the hold and forgets its keys (the screen they were meant for will
// not come: the save failed).
func (t *typeAhead) drop() { t.release() }
