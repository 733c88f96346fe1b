package steps

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// The key help of the footer is in the user's language: a step's own
// bindings name their help by catalog key ("keys.…", assets/messages/*/keys.json),
// and the words huh's fields give their keys (in English) are looked up here.
// Each step's Help returns its bindings through inWords.

// huhHelp is the catalog key of each key-help word huh's fields use.
var huhHelp = map[string]string{
	"next":         "keys.huh.next",
	"back":         "keys.huh.back",
	"submit":       "keys.huh.submit",
	"select":       "keys.huh.select",
	"confirm":      "keys.huh.confirm",
	"toggle":       "keys.huh.toggle",
	"filter":       "keys.huh.filter",
	"clear filter": "keys.huh.clear_filter",
	"set filter":   "keys.huh.set_filter",
	"up":           "keys.huh.up",
	"down":         "keys.huh.down",
	"new line":     "keys.huh.new_line",
	"select all":   "keys.huh.select_all",
	"select none":  "keys.huh.select_none",
	"go to start":  "keys.huh.go_to_start",
	"go to end":    "keys.huh.go_to_end",
	"page up":      "keys.huh.page_up",
	"page down":    "keys.huh.page_down",
	"close":        "keys.huh.close",
	"open":         "keys.huh.open",
	"Yes":          "keys.huh.yes",
	"No":           "keys.huh.no",
}

// inWords gives each binding its help text in the user's language.
func (e *Env) inWords(bs []key.Binding) []key.Binding {
	if len(bs) == 0 {
		return bs
	}
	out := make([]key.Binding, len(bs))
	for i, b := range bs {
		h := b.Help()
		desc := h.Desc
		if k, ok := huhHelp[desc]; ok {
			desc = k
		}
		if strings.HasPrefix(desc, "keys.") && e.Words != nil {
			b.SetHelp(h.Key, e.T(desc))
		}
		out[i] = b
	}
	return out
}
