package rules

import "unicode/utf8"

// DescriptionMaxLength is the longest business description, in characters (Meta: ≤ 512).
const DescriptionMaxLength = 512

// CheckDescription reports whether s fits the business profile's description: at
// most DescriptionMaxLength characters (runes) of valid UTF-8. An empty description
// is fine: the field is optional.
func CheckDescription(s string) (ok bool) {
	return utf8.ValidString(s) && utf8.RuneCountInString(s) <= DescriptionMaxLength
}
