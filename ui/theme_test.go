package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"

	"wizard/assets"
	"wizard/internal/wraptest"
)

// fieldHelpKeys are catalog texts the steps give huh fields as descriptions.
var fieldHelpKeys = []string{"display_name.name_help", "display_name.category_help", "display_name.website_help",
	"number.q_api_help", "migration.body", "phone.number_help", "signup.paste_format", "code.pin_help",
	"company.approval_date_help", "company.approval_ref_help", "account.change_email"}

// A field's description reads as the catalog writes it, at every width and in
// every language, in the wizard's theme: no comma or full stop lost, no word
// left alone on a line. (huh wraps it with lipgloss.Wrap, which lets a word
// and its comma pass the limit by one, charmbracelet/x#785; the field's style
// wrapped it again and dropped the comma: "Enter goes on" / "alt+enter starts
// a new line." on the 80×24 display-name screen.)
func TestFieldDescriptionsReadAsWrittenAtEveryWidth(t *testing.T) {
	for _, tag := range assets.Languages() {
		w := assets.NewWords(tag.String())
		for _, k := range append(fieldHelpKeys, "display_name.description_help") {
			text := w.T(k, 512)
			for width := 30; width <= 140; width++ {
				var value string
				f := huh.NewForm(huh.NewGroup(huh.NewInput().Title("Field").Description(text).Value(&value))).
					WithTheme(Theme).WithShowHelp(false)
				f.Init()
				m, _ := f.Update(tea.WindowSizeMsg{Width: width - 1, Height: 40}) // as steps.updateForm gives it
				f = m.(*huh.Form)
				var para []string
				for i, l := range strings.Split(ansi.Strip(f.View()), "\n") {
					if ansi.StringWidth(l) > width {
						t.Fatalf("%s %s at %d columns: line %d is %d wide: %q", tag, k, width, i+1, ansi.StringWidth(l), l)
					}
					l = strings.TrimSpace(strings.TrimLeft(l, " ┃"))
					if l == "" || l == "Field" || strings.HasPrefix(l, ">") {
						continue
					}
					para = append(para, l)
				}
				// Every character is there, in order (a word longer than the
				// line may be broken, at a full stop or anywhere).
				if got, want := strings.Join(strings.Fields(strings.Join(para, "")), ""), strings.Join(strings.Fields(text), ""); got != want {
					t.Errorf("%s %s at %d columns reads\n%s\nwant %q", tag, k, width, strings.Join(para, "\n"), text)
					continue
				}
				if line, next, ok := wraptest.Missed(para); ok {
					t.Errorf("%s %s at %d columns: %q ends a line although %q fits after it:\n%s",
						tag, k, width, line, next, strings.Join(para, "\n"))
				}
			}
		}
	}
}
