package rules

import "strings"

// Meta's review states of a display name (name_status), as the provider
// passes them on (api-facts.md).
const (
	NameApproved               = "APPROVED"
	NameAvailableWithoutReview = "AVAILABLE_WITHOUT_REVIEW"
	NamePendingReview          = "PENDING_REVIEW"
	NameDeclined               = "DECLINED"
	NameExpired                = "EXPIRED"
	NameNone                   = "NONE"
)

// NameStatusMaxLength bounds a review state, in characters.
const NameStatusMaxLength = 32

// NameStatus reads a review state as the provider reported it: trimmed and
// upper-cased, it must be 1 to NameStatusMaxLength ASCII letters and
// underscores (Meta may add states: any such word is kept as it is). ok is
// false for anything else, which the wizard then treats as not known.
func NameStatus(s string) (status string, ok bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" || len(s) > NameStatusMaxLength {
		return "", false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && r != '_' {
			return "", false
		}
	}
	return s, true
}

// NameUsable reports whether Meta lets the name be used: approved, or
// available without review.
func NameUsable(status string) bool {
	return status == NameApproved || status == NameAvailableWithoutReview
}
