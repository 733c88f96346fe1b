package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"wizard/steps"
)

// The frame's rows: the header's two lines, a line between it and the body
// (where "more above" shows), one after the body ("more below") and the key
// help. What is left is the body's: a step is told that room as its size.
const (
	headerRows = 2
	frameRows  = headerRows + 1 + 1 + 1
)

// scroller is where the body's viewport stands. It follows the step's focus
// (the parts marked with steps.InView) until the user scrolls with pgup/pgdown,
// and follows it again from the next key the step gets.
type scroller struct {
	manual bool // the user scrolled: offset is theirs
	offset int  // the first body line shown, when manual

	// What the last frame showed (kept by Render, read by Update):
	shown int  // the first body line on screen
	room  int  // how many body lines fit
	over  bool // the body was taller than its room
}

// reset shows a new body from its focus (or its top).
func (s *scroller) reset() { s.manual, s.offset = false, 0 }

// page scrolls by a screen less a line, so that one line stays for context.
func (s *scroller) page(down bool) {
	step := max(s.room-1, 1)
	if !down {
		step = -step
	}
	s.manual, s.offset = true, max(s.shown+step, 0)
}

// scrollKey says whether k scrolls the body: pgup/pgdown while the body is
// taller than its room, unless the step answers to the key itself (a list
// pages through its options with them).
func (a *App) scrollKey(k tea.KeyPressMsg) bool {
	return a.scroll.over && key.Matches(k, a.keys.Scroll) && a.scrollable()
}

// scrollable says whether the shell may take pgup/pgdown from the step.
func (a *App) scrollable() bool {
	if p, ok := a.step.(steps.PageKeyUser); ok && p.PagesItself() {
		return false
	}
	for _, b := range a.step.Help() {
		if b.Enabled() && (key.Matches(tea.KeyPressMsg{Code: tea.KeyPgDown}, b) || key.Matches(tea.KeyPressMsg{Code: tea.KeyPgUp}, b)) {
			return false
		}
	}
	return true
}

// bodySize is the size a step is told: the body's width and the rows it has
// between the header and the key help (as wide as the step's keys make it,
// with the scroll keys: a form sized by it never runs under the key help).
func (a *App) bodySize() tea.WindowSizeMsg {
	footer := 1
	if a.step != nil && a.width > 0 {
		footer = len(a.footer(a.width, true))
	}
	return tea.WindowSizeMsg{Width: max(a.width-2, 1), Height: max(a.height-frameRows-(footer-1), 1)}
}

// window picks the body's lines (laid out by fitLines) that are shown in room
// rows: it finds the marked parts that must be in view and scrolls to them
// unless the user scrolled. It reports whether there is more above and below
// what it shows.
func (a *App) window(lines []string, room int) (shown []string, above, below bool) {
	first, last := -1, -1
	var spans [][2]int
	open := -1
	for i, l := range lines {
		if strings.Contains(l, steps.FocusOpen) && open < 0 {
			open = i
		}
		if strings.Contains(l, steps.FocusClose) && open >= 0 {
			spans = append(spans, [2]int{open, i})
			open = -1
		}
		if strings.Contains(l, steps.FocusOpen) || strings.Contains(l, steps.FocusClose) {
			l = strings.ReplaceAll(strings.ReplaceAll(l, steps.FocusOpen, ""), steps.FocusClose, "")
			lines[i] = l
		}
	}
	if open >= 0 {
		spans = append(spans, [2]int{open, len(lines) - 1})
	}
	if len(spans) > 0 {
		first, last = spans[0][0], spans[len(spans)-1][1]
		if last-first+1 > room { // all of them do not fit: the last one (nearest the answer) does
			first, last = spans[len(spans)-1][0], spans[len(spans)-1][1]
		}
	}
	a.scroll.room, a.scroll.over = room, len(lines) > room
	if len(lines) <= room {
		a.scroll.shown = 0
		return lines, false, false
	}
	maxOff := len(lines) - room
	off := 0
	switch {
	case a.scroll.manual:
		off = a.scroll.offset
	case first >= 0:
		// As much as fits above the focus, with all of it (or its top) in view.
		off = min(max(last-room+1, 0), first)
	}
	off = min(max(off, 0), maxOff)
	a.scroll.shown = off
	if a.scroll.manual {
		a.scroll.offset = off
	}
	return lines[off : off+room], off > 0, off < maxOff
}

// fitLines splits s into lines no wider than width: a line that is wider only
// by blanks (a form pads to its width) loses them, a longer one is wrapped at
// its spaces, and a word longer than the width is broken.
func fitLines(s string, width int) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if lipgloss.Width(l) <= width {
			out = append(out, l)
			continue
		}
		if lipgloss.Width(strings.TrimRight(ansi.Strip(l), " ")) <= width {
			out = append(out, ansi.Truncate(l, width, ""))
			continue
		}
		out = append(out, strings.Split(ansi.Wrap(l, width, ""), "\n")...)
	}
	return out
}

// mark is the quiet line above or below the body that says there is more.
func (a *App) mark(show bool, text string, width int) string {
	if !show {
		return ""
	}
	return " " + a.styles.Quiet.Render(ansi.Truncate(text, max(width-1, 1), "…"))
}

// forStep is msg as the step gets it: the terminal's size becomes the body's.
func (a *App) forStep(msg tea.Msg) tea.Msg {
	if _, ok := msg.(tea.WindowSizeMsg); ok && a.height > 0 {
		return a.bodySize()
	}
	return msg
}

// squeeze leaves one blank line where there are several (a form pads its
// groups to the tallest one's height), for a body taller than its room. A line
// that holds a focus mark stays.
func squeeze(lines []string) []string {
	out := make([]string, 0, len(lines))
	blank := false
	for _, l := range lines {
		b := strings.TrimSpace(ansi.Strip(l)) == "" && !strings.Contains(l, steps.FocusOpen) && !strings.Contains(l, steps.FocusClose)
		if b && blank {
			continue
		}
		blank = b
		out = append(out, l)
	}
	return out
}
