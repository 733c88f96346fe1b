package ui

import (
	"charm.land/bubbles/v2/key"

	"wizard/assets"
)

// keyMap holds the keys the shell answers to, whatever the step.
type keyMap struct {
	Quit      key.Binding
	RetrySave key.Binding
	Back      key.Binding
	Close     key.Binding // quit, once nothing more can be saved
	Scroll    key.Binding // the body, when it is taller than its room
}

func newKeyMap(w *assets.Words) keyMap {
	return keyMap{
		Quit:      key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", w.T("ui.key_quit"))),
		RetrySave: key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", w.T("ui.key_retry_save"))),
		Back:      key.NewBinding(key.WithKeys("esc", "shift+tab"), key.WithHelp("esc", w.T("ui.key_back"))),
		Close:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", w.T("ui.key_close"))),
		Scroll:    key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp(w.T("layout.key_scroll_keys"), w.T("layout.key_scroll"))),
	}
}
