package picker

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// theme is huh's Charm theme computed once, as the wizard's is.
type theme struct{ dark, light *huh.Styles }

func (t theme) Theme(isDark bool) *huh.Styles {
	if isDark {
		return t.dark
	}
	return t.light
}

var charm = theme{dark: huh.ThemeCharm(true), light: huh.ThemeCharm(false)}

var fruit = []Option{
	{Label: "Apple", Value: "a"}, {Label: "Banana", Value: "b"}, {Label: "Cherry", Value: "c"}, {Label: "Côte d’Ivoire", Value: "ci"}, {Label: "Date", Value: "d"},
	{Label: "Elderberry", Value: "e"}, {Label: "Fig", Value: "f"}, {Label: "Grape", Value: "g"}, {Label: "Jackfruit", Value: "j"}, {Label: "Kiwi", Value: "k"},
	{Label: "Lemon", Value: "l"}, {Label: "Mango", Value: "m"},
}

func keyMsg(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+d":
		return tea.KeyPressMsg{Code: 'd', Mod: tea.ModCtrl}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	case "ctrl+n":
		return tea.KeyPressMsg{Code: 'n', Mod: tea.ModCtrl}
	}
	r := []rune(s)
	return tea.KeyPressMsg{Code: r[0], Text: s}
}

// newList is a focused list of the fruit, 6 lines high (4 rows), 40 wide.
func newList(value *string) *List {
	l := New().Key("fruit").Title("Fruit").Description("Type / to search.").Height(6)
	l.WithTheme(charm)
	l.WithWidth(40)
	l.Options(fruit...).Value(value)
	l.Focus()
	return l
}

func press(t *testing.T, l *List, keys ...string) tea.Cmd {
	t.Helper()
	var cmd tea.Cmd
	for _, k := range keys {
		var m huh.Model
		m, cmd = l.Update(keyMsg(k))
		if m != l {
			t.Fatal("Update returned another model")
		}
	}
	return cmd
}

// screen is the view without colours or trailing blanks.
func screen(v string) string {
	lines := strings.Split(ansi.Strip(v), "\n")
	for i, s := range lines {
		lines[i] = strings.TrimRight(s, " ")
	}
	return strings.Join(lines, "\n")
}

func wantScreen(t *testing.T, l *List, want ...string) {
	t.Helper()
	if got := screen(l.View()); got != strings.Join(want, "\n") {
		t.Fatalf("screen:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

func TestStartsOnTheBoundValueAndScrolls(t *testing.T) {
	v := "c"
	l := newList(&v)
	wantScreen(t, l,
		"┃ Fruit",
		"┃ Type / to search.",
		"┃   Apple",
		"┃   Banana",
		"┃ > Cherry",
		"┃   Côte d’Ivoire")
	press(t, l, "down", "down") // scrolls one row at a time
	wantScreen(t, l,
		"┃ Fruit",
		"┃ Type / to search.",
		"┃   Banana",
		"┃   Cherry",
		"┃   Côte d’Ivoire",
		"┃ > Date")
	press(t, l, "up", "up", "up", "up")
	if v != "a" {
		t.Fatalf("value %q after two ups, want a", v)
	}
	wantScreen(t, l,
		"┃ Fruit",
		"┃ Type / to search.",
		"┃ > Apple",
		"┃   Banana",
		"┃   Cherry",
		"┃   Côte d’Ivoire")
	press(t, l, "up") // round to the last
	if v != "m" || !strings.Contains(screen(l.View()), "> Mango") {
		t.Fatalf("up on the first did not go to the last: %q\n%s", v, screen(l.View()))
	}
	wantScreen(t, l,
		"┃ Fruit",
		"┃ Type / to search.",
		"┃   Jackfruit",
		"┃   Kiwi",
		"┃   Lemon",
		"┃ > Mango")
	press(t, l, "down") // round to the first
	if v != "a" {
		t.Fatalf("down on the last: %q, want a", v)
	}
}

func TestMovingKeys(t *testing.T) {
	v := "a"
	l := newList(&v)
	for _, c := range []struct{ key, want string }{
		{"j", "b"}, {"ctrl+n", "c"}, {"k", "b"}, {"down", "c"},
		{"end", "m"}, {"home", "a"}, {"G", "m"}, {"g", "a"},
		{"pgdown", "d"}, {"pgdown", "j"}, {"pgup", "d"}, // 4 rows a page
		{"ctrl+d", "f"}, {"ctrl+u", "d"}, // half a page
		{"pgup", "a"}, {"pgup", "a"}, {"end", "m"}, {"pgdown", "m"}, // no going round by pages
	} {
		press(t, l, c.key)
		if v != c.want {
			t.Fatalf("after %s the value is %q, want %q", c.key, v, c.want)
		}
		if h, _ := l.Hovered(); h != c.want {
			t.Fatalf("after %s the cursor is on %q, want %q", c.key, h, c.want)
		}
	}
}

func TestFilter(t *testing.T) {
	v := "b"
	l := newList(&v)
	press(t, l, "/")
	if !l.GetFiltering() {
		t.Fatal("/ does not start the filter")
	}
	// j and k are letters of the filter, not moves; accents do not count.
	press(t, l, "j", "a")
	if l.FilterValue() != "ja" || v != "j" {
		t.Fatalf("filter %q, value %q", l.FilterValue(), v)
	}
	wantScreen(t, l,
		"┃ /ja",
		"┃ Type / to search.",
		"┃ > Jackfruit",
		"┃",
		"┃",
		"┃")
	press(t, l, "backspace", "backspace", "c", "o", "t")
	if v != "ci" {
		t.Fatalf("cot does not find Côte d’Ivoire: %q\n%s", v, screen(l.View()))
	}
	// The cursor stays on an option that still matches.
	press(t, l, "backspace", "backspace", "backspace", "e")
	if v != "ci" {
		t.Fatalf("the cursor left Côte d’Ivoire, which matches e: %q", v)
	}
	press(t, l, "down") // arrows move within the matches
	if v != "d" {
		t.Fatalf("down in the matches of e: %q, want d (Date)", v)
	}
	// Enter picks the option and ends the filter.
	if cmd := press(t, l, "enter"); cmd == nil || reflect.ValueOf(cmd).Pointer() != reflect.ValueOf(huh.NextField).Pointer() {
		t.Fatal("enter does not move to the next field")
	}
	if l.GetFiltering() || v != "d" {
		t.Fatalf("after enter: filtering %v, value %q", l.GetFiltering(), v)
	}
	// The filter stays set, next to the title; esc clears it and the cursor stays.
	if s := screen(l.View()); !strings.HasPrefix(s, "┃ Fruit /e\n") {
		t.Fatalf("a set filter is not shown:\n%s", s)
	}
	press(t, l, "esc")
	if l.FilterValue() != "" || v != "d" {
		t.Fatalf("esc did not clear: %q %q", l.FilterValue(), v)
	}
	wantScreen(t, l,
		"┃ Fruit",
		"┃ Type / to search.",
		"┃   Banana",
		"┃   Cherry",
		"┃   Côte d’Ivoire",
		"┃ > Date")
}

func TestFilterWithoutMatch(t *testing.T) {
	v := "b"
	l := newList(&v)
	l.NoMatch("No fruit matches.")
	press(t, l, "/", "x", "y", "z")
	wantScreen(t, l,
		"┃ /xyz",
		"┃ Type / to search.",
		"┃   No fruit matches.",
		"┃",
		"┃",
		"┃")
	if v != "b" {
		t.Fatalf("no match changed the value to %q", v)
	}
	if cmd := press(t, l, "enter"); cmd != nil {
		t.Fatal("enter with nothing shown leaves the field")
	}
	// esc with nothing shown drops the filter.
	press(t, l, "esc")
	if l.GetFiltering() || l.FilterValue() != "" || !strings.Contains(screen(l.View()), "> Banana") {
		t.Fatalf("esc without a match:\n%s", screen(l.View()))
	}
	// esc with matches keeps the filter, and a second esc clears it.
	press(t, l, "/", "a", "esc")
	if l.GetFiltering() || l.FilterValue() != "a" {
		t.Fatalf("esc with matches: filtering %v filter %q", l.GetFiltering(), l.FilterValue())
	}
	press(t, l, "esc")
	if l.FilterValue() != "" {
		t.Fatal("the second esc keeps the filter")
	}
}

func TestPasteIntoFilter(t *testing.T) {
	v := "a"
	l := newList(&v)
	l.Update(tea.PasteMsg{Content: "lem"}) // not filtering: ignored
	if l.FilterValue() != "" {
		t.Fatal("a paste outside the filter was typed")
	}
	press(t, l, "/")
	l.Update(tea.PasteMsg{Content: "lem"})
	if v != "l" {
		t.Fatalf("pasted filter: %q", v)
	}
}

func TestValidateAndErrorIndicator(t *testing.T) {
	v := "a"
	l := newList(&v)
	l.Validate(func(s string) error {
		if s == "a" {
			return errors.New("not apples")
		}
		return nil
	})
	if cmd := press(t, l, "enter"); cmd != nil {
		t.Fatal("an invalid value leaves the field")
	}
	if l.Error() == nil || !strings.HasPrefix(screen(l.View()), "┃ Fruit *") {
		t.Fatalf("no error shown:\n%s", screen(l.View()))
	}
	press(t, l, "down")
	if l.Error() != nil {
		t.Fatal("a key does not clear the error")
	}
	if cmd := press(t, l, "enter"); cmd == nil {
		t.Fatal("a valid value does not leave")
	}
	// Blur checks too, and ends the filter.
	press(t, l, "up", "/", "p")
	l.Blur()
	if l.GetFiltering() || l.Error() == nil {
		t.Fatalf("blur: filtering %v err %v", l.GetFiltering(), l.Error())
	}
}

func TestBlurredLooksLikeHuh(t *testing.T) {
	v := "c"
	l := newList(&v)
	l.Blur()
	if s := screen(l.View()); !strings.HasPrefix(s, "  Fruit\n") || !strings.Contains(s, "> Cherry") {
		t.Fatalf("blurred:\n%s", s)
	}
}

// The list draws what huh's Select draws for the same options, theme and size.
func TestSameScreenAsHuhSelect(t *testing.T) {
	var hv, lv string
	var hopts []huh.Option[string]
	for _, o := range fruit {
		hopts = append(hopts, huh.NewOption(o.Label, o.Value))
	}
	for _, focused := range []bool{true, false} {
		for _, moves := range []int{0, 3, 11} {
			hv, lv = "b", "b"
			s := huh.NewSelect[string]()
			s.WithTheme(charm)
			s.WithKeyMap(huh.NewDefaultKeyMap())
			s.Title("Fruit").Description("Type / to search.").Height(7).Options(hopts...).Value(&hv)
			s.WithWidth(40)
			l := New().Title("Fruit").Description("Type / to search.").Height(7)
			l.WithTheme(charm)
			l.WithKeyMap(huh.NewDefaultKeyMap())
			l.WithWidth(40)
			l.Options(fruit...).Value(&lv)
			s.Focus()
			l.Focus()
			for range moves {
				s.Update(keyMsg("down"))
				l.Update(keyMsg("down"))
			}
			if !focused {
				s.Blur()
				l.Blur()
			}
			if got, want := screen(l.View()), screen(s.View()); got != want {
				t.Errorf("focused %v, %d moves:\n%s\nhuh:\n%s", focused, moves, got, want)
			}
			if hv != lv {
				t.Errorf("value %q, huh's %q", lv, hv)
			}
		}
	}
}

func TestKeyHelpLikeHuhSelect(t *testing.T) {
	km := huh.NewDefaultKeyMap()
	helpOf := func(f huh.Field) []string {
		var out []string
		for _, b := range f.KeyBinds() {
			if b.Enabled() {
				out = append(out, b.Help().Key+" "+b.Help().Desc)
			}
		}
		return out
	}
	for _, pos := range []huh.FieldPosition{{Field: 0, FirstField: 0, LastField: 1}, {Field: 1, FirstField: 0, LastField: 1}} {
		s := huh.NewSelect[string]().Options(huh.NewOption("A", "a"))
		l := New().Options(Option{Label: "A", Value: "a"})
		s.WithKeyMap(km).WithPosition(pos)
		l.WithKeyMap(km).WithPosition(pos)
		if got, want := helpOf(l), helpOf(s); !reflect.DeepEqual(got, want) {
			t.Errorf("position %+v: help %q, huh's %q", pos, got, want)
		}
		s.Update(keyMsg("/"))
		l.Update(keyMsg("/"))
		if got, want := helpOf(l), helpOf(s); !reflect.DeepEqual(got, want) {
			t.Errorf("filtering: help %q, huh's %q", got, want)
		}
	}
}

func TestLongLabelIsCut(t *testing.T) {
	v := ""
	l := New().Title("T").Height(3)
	l.WithTheme(charm)
	l.WithWidth(16)
	l.Options(Option{Label: "Saint Vincent and the Grenadines", Value: "VC"}, Option{Label: "Peru", Value: "PE"}).Value(&v)
	for _, line := range strings.Split(l.View(), "\n") {
		if w := lipgloss.Width(line); w > 16 {
			t.Fatalf("a line is %d wide in a field of 16:\n%s", w, screen(l.View()))
		}
	}
	if !strings.Contains(screen(l.View()), "> Saint Vince…") {
		t.Fatalf("the label is not cut with …:\n%s", screen(l.View()))
	}
	if v != "VC" {
		t.Fatalf("value %q", v)
	}
}

func TestBackgroundRestyles(t *testing.T) {
	v := "a"
	l := newList(&v)
	light := l.View()
	l.Update(tea.BackgroundColorMsg{Color: lipgloss.Color("#000000")})
	if l.View() == light || screen(l.View()) != screen(light) {
		t.Fatal("a dark background does not change the colours (only)")
	}
}

// A key costs the same whatever the length of the list: only the rows in
// view are drawn.
func TestKeyCostDoesNotGrowWithTheList(t *testing.T) {
	allocs := func(n int) float64 {
		opts := make([]Option, n)
		for i := range opts {
			opts[i] = Option{Label: fmt.Sprintf("Country %04d", i), Value: fmt.Sprint(i)}
		}
		v := "5"
		l := New().Title("Country").Description("Type / to search.").Height(10)
		l.WithTheme(charm)
		l.WithWidth(98)
		l.Options(opts...).Value(&v)
		l.Focus()
		i := 0
		return testing.AllocsPerRun(200, func() {
			k := keyMsg("down")
			if i%2 == 1 {
				k = keyMsg("up")
			}
			i++
			l.Update(k)
			_ = l.View()
		})
	}
	small, large := allocs(20), allocs(2000)
	if large > small+2 {
		t.Fatalf("a key allocates %.0f times with 2000 options, %.0f with 20", large, small)
	}
}

func TestFrameDrawsTheThemesBorder(t *testing.T) {
	for _, st := range []*huh.FieldStyles{&charm.dark.Focused, &charm.dark.Blurred} {
		content := "one\ntwo wide line"
		got, want := frame(st.Base, 4, content), st.Base.Height(4).Render(content)
		if screen(got) != screen(want) {
			t.Errorf("frame:\n%q\nlipgloss:\n%q", screen(got), screen(want))
		}
	}
	// A frame with a top border is left to lipgloss.
	boxed := lipgloss.NewStyle().Border(lipgloss.NormalBorder())
	if got, want := frame(boxed, 3, "x"), boxed.Height(3).Render("x"); got != want {
		t.Errorf("boxed frame:\n%s\nwant:\n%s", got, want)
	}
}

func TestFormResultAndBinding(t *testing.T) {
	v := "b"
	l := New().Key("fruit").Title("Fruit").Options(fruit...).Value(&v)
	f := huh.NewForm(huh.NewGroup(l)).WithTheme(charm)
	run(f, f.Init())
	run(f, nil, keyMsg("/"), keyMsg("k"), keyMsg("i"), keyMsg("enter"))
	if f.State != huh.StateCompleted {
		t.Fatalf("form state %v; view:\n%s", f.State, screen(f.View()))
	}
	if v != "k" || f.GetString("fruit") != "k" {
		t.Fatalf("value %q, form.GetString %q", v, f.GetString("fruit"))
	}
}

func TestRunAccessible(t *testing.T) {
	v := "a"
	l := New().Title("Fruit").Options(fruit...).Value(&v).Validate(func(s string) error {
		if s == "f" {
			return errors.New("no figs")
		}
		return nil
	})
	var out strings.Builder
	if err := l.RunAccessible(&out, strings.NewReader("99\nan\nfig\nkiw\n")); err != nil {
		t.Fatal(err)
	}
	if v != "k" {
		t.Fatalf("value %q, want k; output:\n%s", v, out.String())
	}
	for _, want := range []string{"Fruit\n1. Apple\n", "12. Mango\n", "(empty for Apple)", "Not in the list.", "no figs"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// An empty answer keeps the value; a number picks.
	for _, c := range []struct{ answer, want string }{{"\n", "k"}, {"3\n", "c"}} {
		answer, want := c.answer, c.want
		if err := l.RunAccessible(&out, strings.NewReader(answer)); err != nil || v != want {
			t.Errorf("answer %q: value %q err %v, want %q", answer, v, err, want)
		}
	}
	if err := l.RunAccessible(&out, strings.NewReader("")); err == nil {
		t.Error("no answer at all is not an error")
	}
}

// run hands msgs to the form and then every message its commands produce, on
// this goroutine (batches and sequences unpacked), until there are none.
func run(f *huh.Form, cmd tea.Cmd, msgs ...tea.Msg) {
	var queue []tea.Msg
	var exec func(tea.Cmd)
	exec = func(c tea.Cmd) {
		if c == nil {
			return
		}
		msg := c()
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().ConvertibleTo(reflect.TypeOf([]tea.Cmd(nil))) {
			for _, c := range v.Convert(reflect.TypeOf([]tea.Cmd(nil))).Interface().([]tea.Cmd) {
				exec(c)
			}
			return
		}
		if msg != nil {
			queue = append(queue, msg)
		}
	}
	exec(cmd)
	deliver := func(m tea.Msg) {
		_, c := f.Update(m)
		exec(c)
	}
	for _, m := range msgs {
		deliver(m)
		for len(queue) > 0 {
			next := queue[0]
			queue = queue[1:]
			deliver(next)
		}
	}
	for len(queue) > 0 {
		next := queue[0]
		queue = queue[1:]
		deliver(next)
	}
}

// A list whose caller gave it no words for "nothing matches" shows none of
// its own: no English on a Russian or Kazakh screen.
func TestNoMatchHasNoWordsOfItsOwn(t *testing.T) {
	v := "b"
	l := newList(&v)
	press(t, l, "/", "x", "y", "z")
	wantScreen(t, l,
		"┃ /xyz",
		"┃ Type / to search.",
		"┃",
		"┃",
		"┃",
		"┃")
}
