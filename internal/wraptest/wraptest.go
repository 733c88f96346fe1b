// Package wraptest checks, for tests, that a paragraph drawn on the screen was
// wrapped once, at words: no line could have taken the next line's first word.
package wraptest

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Missed returns the first line that ends early — one after which the next
// line's first word would still have fitted — and that word; ok is false when
// there is none. The limit is the paragraph's widest line, less the one column
// a line ending in a comma, full stop, hyphen or semicolon may pass it by
// (lipgloss.Wrap's breakpoints, charmbracelet/x#785).
func Missed(lines []string) (line, next string, ok bool) {
	limit := 0
	for _, l := range lines {
		n := ansi.StringWidth(l)
		if l != "" && strings.ContainsAny(l[len(l)-1:], ",.-;") {
			n--
		}
		limit = max(limit, n)
	}
	for i := 0; i+1 < len(lines); i++ {
		words := strings.Fields(lines[i+1])
		if len(words) == 0 {
			continue
		}
		if ansi.StringWidth(lines[i])+1+ansi.StringWidth(words[0]) <= limit {
			return lines[i], words[0], true
		}
	}
	return "", "", false
}
