package steps

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"wizard/assets"
	"wizard/internal/wraptest"
	"wizard/store"
)

// The terms' paragraph is wrapped once, at words, at every width and in every
// language: no line could have taken the first word of the next (huh wraps a
// note's text a second time, one column narrower, when a line ends in a
// comma or a full stop at the very edge: "privacy" / "policy," alone / "then
// allow all" at 94 columns, the width the line-by-line mode lays forms out in).
func TestTermsParagraphIsWrappedOnceAtEveryWidth(t *testing.T) {
	for _, tag := range assets.Languages() {
		w := assets.NewWords(tag.String())
		words := strings.Fields(w.T("terms.body"))
		for width := 30; width <= 140; width++ {
			env := &Env{Clock: SystemClock{}, Words: w, Region: "KZ"}
			st := newTerms(env, store.Session{})
			st.Init()
			st, _, _ = st.Update(tea.WindowSizeMsg{Width: width, Height: 40})
			var para []string // the paragraph's lines, without the frame
			for _, l := range strings.Split(ansi.Strip(st.View(width)), "\n") {
				l = strings.TrimSpace(strings.Trim(l, " ┃"))
				switch {
				case len(para) == 0 && l != "" && strings.HasPrefix(w.T("terms.body"), strings.Fields(l)[0]+" "):
					para = append(para, l)
				case len(para) > 0 && l != "":
					para = append(para, l)
				case len(para) > 0:
					goto read
				}
			}
		read:
			// A line may end at a word's own hyphen ("Meta-" / "мен").
			joined := strings.ReplaceAll(strings.Join(para, "\n"), "-\n", "-")
			if got := strings.Fields(joined); strings.Join(got, " ") != strings.Join(words, " ") {
				t.Fatalf("%s at %d columns: the paragraph reads %q", tag, width, strings.Join(para, "\n"))
			}
			if line, next, ok := wraptest.Missed(para); ok {
				t.Errorf("%s at %d columns: %q ends a line although %q, the next line's first word, fits after it:\n%s",
					tag, width, line, next, strings.Join(para, "\n"))
			}
		}
	}
}
