package steps

import (
	"wizard/assets"
	"wizard/termsafe"
)

// NameReview says in words where Meta's review of a display name stands
// (store.Alpha.NameStatus): "approved by Meta", "waiting for Meta's review" …;
// a state without a sentence of its own is named as Meta gave it.
func NameReview(w *assets.Words, status string) string {
	switch {
	case status == "":
		return w.T("name_status.unknown")
	case w.Has("name_status." + status):
		return w.T("name_status." + status)
	}
	return w.T("name_status.other", termsafe.Line(status))
}
