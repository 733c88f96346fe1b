// Package termsafe makes strings that came from a file, a service or a user
// safe to print on a terminal: control characters (C0, DEL, C1) and the Unicode
// controls that reorder or hide text are shown as visible escapes such as \x1b,
// so no such string can move the cursor, set the clipboard, open a hyperlink or
// make the terminal answer on standard input. Printable text, in any script, is
// left as it is. It is a leaf: it knows nothing of the wizard.
package termsafe

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line makes s safe as one line: every control character, new lines and tabs
// included, is shown as an escape.
func Line(s string) string { return clean(s, false) }

// Text makes s safe as text of several lines: new lines and tabs stay, every
// other control character is shown as an escape.
func Text(s string) string { return clean(s, true) }

// clean escapes what is unsafe; a string with nothing to escape is returned as it is.
func clean(s string, keepLayout bool) string {
	if !needsEscape(s, keepLayout) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i]), 16)) // a byte that is not UTF-8
		case unsafe(r, keepLayout):
			q := strconv.QuoteRuneToASCII(r) // '\x1b', '\u202e' …
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsEscape(s string, keepLayout bool) bool {
	for _, r := range s {
		if r == utf8.RuneError || unsafe(r, keepLayout) {
			return true
		}
	}
	return false
}

// unsafe: C0 and C1 controls and DEL (ESC, BEL, CSI … among them), and the
// bidirectional and other format controls that make text read otherwise than it is.
func unsafe(r rune, keepLayout bool) bool {
	if keepLayout && (r == '\n' || r == '\t') {
		return false
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) ||
		r == '\u2028' || r == '\u2029' // line and paragraph separators
}

// HasControl reports whether s holds something a terminal would act on: ESC,
// BEL or another C0 control but new line, tab and carriage return; DEL; or a
// C1 control, encoded or as a raw byte. Tests use it to check what is printed.
func HasControl(s string) bool {
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		switch {
		case r == utf8.RuneError && size == 1:
			if c := s[i]; c >= 0x80 && c <= 0x9f {
				return true // a raw C1 byte (0x9b is CSI on an 8-bit terminal)
			}
		case r < 0x20 && r != '\n' && r != '\t' && r != '\r', r == 0x7f, r >= 0x80 && r <= 0x9f:
			return true
		}
	}
	return false
}

// Writer passes text through Text on its way to a terminal: new lines and
// tabs stay, every other control character is shown as an escape. Each Write
// is taken as whole text (a rune cut between two writes is shown escaped), as
// fmt.Fprintf writes. Use it for plain reports, never for a styled screen.
type Writer struct{ w io.Writer }

// NewWriter makes w safe for text from files, services and users.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write writes p made safe; it reports len(p) when all of it was written.
func (s *Writer) Write(p []byte) (int, error) {
	if _, err := io.WriteString(s.w, Text(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// JSON makes JSON text safe to print and leaves it the same JSON: every
// character a terminal could act on that encoding/json writes as it is (DEL,
// C1 controls, bidirectional controls, line and paragraph separators) is
// written as a \uXXXX escape. Such characters can only stand inside strings,
// where the escape means the very same character.
func JSON(b []byte) []byte {
	if !needsEscape(string(b), true) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i, w := 0, 0; i < len(b); i += w {
		r, size := utf8.DecodeRune(b[i:])
		w = size
		if r != utf8.RuneError && r >= 0x20 && unsafe(r, true) {
			out = fmt.Appendf(out, `\u%04x`, r)
			continue
		}
		out = append(out, b[i:i+size]...)
	}
	return out
}
