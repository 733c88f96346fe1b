// Package picker is a huh form field for choosing one value from a long list
// (the ~250 countries of the company, phone and alpha-name steps).
//
// It looks and answers like huh's Select: the same theme styles, the same keys
// (huh's SelectKeyMap: ↑/↓, j/k, ctrl+n/ctrl+p, home/g, end/G, ctrl+u/ctrl+d,
// "/" to filter, esc to set or clear the filter, enter/tab, shift+tab), plus
// pgup/pgdown. Unlike huh's Select, which renders every option several times
// per key, it draws only the rows it shows and keeps its last view until
// something on it changes, so a key costs the same for 10 options or 250.
//
// Each option is one row; a label wider than the field is cut with "…".
// Filtering matches anywhere in a label or in an option's other names (Also),
// ignoring case and accents ("cote" finds "Côte d’Ivoire").
package picker

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Option is one row of the list: the label shown and the value bound, and
// other names the filter finds it by without showing them (a country's name
// in other languages and scripts).
type Option struct {
	Label string
	Value string
	Also  []string
}

// DefaultHeight is the field's height (title and description included) unless
// Height says otherwise.
const DefaultHeight = 10

// List is the field. Build it with New and the chained setters, then hand it to
// huh.NewGroup like any field.
type List struct {
	key, title, description string
	noMatch                 string

	options []Option
	folded  []string // the labels (and other names) lower-cased without accents, for the filter
	all     []int    // 0..len(options)-1
	shown   []int    // the options that match the filter (all when there is none)
	buf     []int    // shown's storage while a filter is set
	cursor  int      // index into shown of the option under the cursor
	offset  int      // index into shown of the first row drawn

	value    *string
	own      string // the value when none is bound
	validate func(string) error
	err      error

	focused   bool
	filtering bool
	filter    textinput.Model

	width, height int
	theme         huh.Theme
	dark          bool
	styles        *huh.Styles // theme's styles for dark; nil until needed
	stylesDark    bool
	keys          huh.SelectKeyMap
	pageUp        key.Binding
	pageDown      key.Binding

	view string // the last View; "" once something it shows has changed

	// What View reuses from one key to the next.
	wrapped                   bool // titleWrapped and descWrapped are for wrapWidth
	wrapWidth                 int
	titleWrapped, descWrapped string
	titleLines, descLines     int
	drawn                     [][2]string // each option's row, unselected and selected, for drawnFor
	drawnFor                  drawKey
	prefix                    string // what the frame puts left of each line, for prefixFor
	prefixOK                  bool   // the frame is only that prefix
	prefixFor                 *huh.FieldStyles
}

// drawKey is what an option's drawn row depends on.
type drawKey struct {
	styles *huh.FieldStyles
	width  int
}

// defaultKeys are huh's; WithKeyMap copies what it takes, so one serves all.
var defaultKeys = huh.NewDefaultKeyMap()

// New returns an empty list with huh's default keys.
func New() *List {
	l := &List{height: DefaultHeight}
	l.value = &l.own
	l.filter = textinput.New()
	l.filter.Prompt = "/"
	l.pageUp = key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up"))
	l.pageDown = key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdown", "page down"))
	l.WithKeyMap(defaultKeys)
	l.restyle()
	return l
}

// Key names the value in the form's results (form.GetString(key)).
func (l *List) Key(k string) *List { l.key = k; return l }

// Title is the field's title.
func (l *List) Title(t string) *List { l.title, l.wrapped = t, false; l.moved(); return l }

// Description is the line under the title.
func (l *List) Description(d string) *List { l.description, l.wrapped = d, false; l.moved(); return l }

// NoMatch is what the list says when the filter matches nothing, in the
// user's words: the list has none of its own (without them it shows an empty
// row, never English on a Russian or Kazakh screen).
func (l *List) NoMatch(s string) *List { l.noMatch = s; l.changed(); return l }

// Height is the field's height in lines, title and description included.
func (l *List) Height(h int) *List { l.height = max(h, 1); l.moved(); return l }

// Validate checks the value when the field is left.
func (l *List) Validate(fn func(string) error) *List { l.validate = fn; return l }

// Options sets the rows. The cursor goes to the option holding the bound value,
// or the first one; as in huh, the bound value follows the cursor.
func (l *List) Options(opts ...Option) *List {
	l.options = opts
	l.drawn = nil
	l.folded = make([]string, len(opts))
	l.all = make([]int, len(opts))
	var f folder
	for i, o := range opts {
		l.folded[i] = f.fold(o.Label)
		for _, a := range o.Also {
			// A NUL parts the names: a filter (typed, with no NUL) matches within one name.
			l.folded[i] += "\x00" + f.fold(a)
		}
		l.all[i] = i
	}
	l.filter.SetValue("")
	l.shown = l.all
	l.selectValue()
	return l
}

// Value binds the field to *v: the cursor starts on the option holding *v, and
// *v follows the cursor.
func (l *List) Value(v *string) *List {
	if v == nil {
		v = &l.own
	}
	l.value = v
	l.selectValue()
	return l
}

// selectValue puts the cursor on the option holding the bound value (dropping
// a filter that hides it), or on the first option when none holds it.
func (l *List) selectValue() {
	l.cursor = 0
	if !l.find() && len(l.shown) != len(l.all) {
		l.filter.SetValue("")
		l.shown = l.all
		l.find()
	}
	l.moved()
}

// find puts the cursor on the shown option holding the bound value.
func (l *List) find() bool {
	for i, o := range l.shown {
		if l.options[o].Value == *l.value {
			l.cursor = i
			return true
		}
	}
	return false
}

// Hovered is the value under the cursor, false when no option is shown.
func (l *List) Hovered() (string, bool) {
	if len(l.shown) == 0 {
		return "", false
	}
	return l.options[l.shown[l.cursor]].Value, true
}

// GetFiltering reports whether the filter is being typed (as huh's Select does):
// esc then belongs to the list, not to whoever would take it for "back".
func (l *List) GetFiltering() bool { return l.filtering }

// FilterValue is the filter as typed.
func (l *List) FilterValue() string { return l.filter.Value() }

// changed drops the kept view.
func (l *List) changed() { l.view = "" }

// moved writes the value under the cursor and scrolls it into view.
func (l *List) moved() {
	if len(l.shown) > 0 {
		l.cursor = min(max(l.cursor, 0), len(l.shown)-1)
		*l.value = l.options[l.shown[l.cursor]].Value
	} else {
		l.cursor = 0
	}
	rows := l.rows()
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+rows {
		l.offset = l.cursor - rows + 1
	}
	l.offset = min(max(l.offset, 0), max(len(l.shown)-rows, 0)) // keep the rows full
	l.changed()
}

// rows is how many options fit under the title and the description.
func (l *List) rows() int {
	l.layout()
	head := l.titleLines
	if l.filtering {
		head = 1
	}
	if l.description != "" {
		head += l.descLines
	}
	return max(l.height-head, 1)
}

// layout wraps the title and the description to the field's width, once per
// width and text.
func (l *List) layout() {
	w := l.textWidth()
	if l.wrapped && l.wrapWidth == w {
		return
	}
	l.wrapped, l.wrapWidth = true, w
	l.titleWrapped, l.descWrapped = l.title, l.description
	if w > 0 {
		l.titleWrapped = lipgloss.Wrap(l.title, w, ",.-; ")
		l.descWrapped = lipgloss.Wrap(l.description, w, ",.-; ")
	}
	l.titleLines = strings.Count(l.titleWrapped, "\n") + 1
	l.descLines = strings.Count(l.descWrapped, "\n") + 1
}

// textWidth is the width left for text inside the field's border and padding.
func (l *List) textWidth() int {
	if l.width <= 0 {
		return 0
	}
	return max(l.width-l.fieldStyles().Base.GetHorizontalFrameSize(), 1)
}

// Init implements huh.Field.
func (l *List) Init() tea.Cmd { return nil }

// Update implements huh.Field. It never returns a command other than huh's
// NextField and PrevField.
func (l *List) Update(msg tea.Msg) (huh.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.BackgroundColorMsg:
		if l.dark != msg.IsDark() {
			l.dark = msg.IsDark()
			l.restyle()
			l.changed()
		}
	case tea.PasteMsg:
		if l.filtering {
			l.filter, _ = l.filter.Update(msg)
			l.refilter()
		}
	case tea.KeyPressMsg:
		return l, l.keyPress(msg)
	}
	return l, nil
}

func (l *List) keyPress(msg tea.KeyPressMsg) tea.Cmd {
	l.err = nil
	l.changed()
	k := &l.keys
	// While the filter is typed, a printable key is a letter of it (j, k, g
	// and G included), never a move.
	typing := l.filtering && msg.Text != ""
	switch {
	case l.filtering && key.Matches(msg, k.SetFilter):
		if len(l.shown) == 0 {
			l.clearFilter()
		}
		l.setFiltering(false)
	case !l.filtering && key.Matches(msg, k.Filter):
		l.setFiltering(true)
	case !l.filtering && key.Matches(msg, k.ClearFilter):
		l.clearFilter()
	case key.Matches(msg, k.Next, k.Submit):
		if len(l.shown) == 0 {
			return nil
		}
		l.setFiltering(false)
		if l.err = l.check(); l.err != nil {
			return nil
		}
		return huh.NextField
	case key.Matches(msg, k.Prev):
		if len(l.shown) == 0 {
			return nil
		}
		if l.err = l.check(); l.err != nil {
			return nil
		}
		return huh.PrevField
	case !typing && key.Matches(msg, k.Up):
		l.step(-1)
	case !typing && key.Matches(msg, k.Down):
		l.step(1)
	case key.Matches(msg, l.pageUp):
		l.cursor -= l.rows()
		l.moved()
	case key.Matches(msg, l.pageDown):
		l.cursor += l.rows()
		l.moved()
	case !l.filtering && key.Matches(msg, k.HalfPageUp):
		l.cursor -= l.rows() / 2
		l.moved()
	case !l.filtering && key.Matches(msg, k.HalfPageDown):
		l.cursor += l.rows() / 2
		l.moved()
	case !l.filtering && key.Matches(msg, k.GotoTop):
		l.cursor = 0
		l.moved()
	case !l.filtering && key.Matches(msg, k.GotoBottom):
		l.cursor = len(l.shown) - 1
		l.moved()
	case l.filtering:
		l.filter, _ = l.filter.Update(msg)
		l.refilter()
	}
	return nil
}

// step moves the cursor one row, going round at either end (as huh does).
func (l *List) step(d int) {
	n := len(l.shown)
	if n == 0 {
		return
	}
	l.cursor = (l.cursor + d + n) % n
	l.moved()
}

func (l *List) check() error {
	if l.validate == nil {
		return nil
	}
	return l.validate(*l.value)
}

func (l *List) setFiltering(on bool) {
	l.filtering = on
	if on {
		l.filter.Focus()
	} else {
		l.filter.Blur()
	}
	l.keys.SetFilter.SetEnabled(on)
	l.keys.Filter.SetEnabled(!on)
	l.keys.ClearFilter.SetEnabled(!on && l.filter.Value() != "")
	l.moved() // the title line may change height
}

func (l *List) clearFilter() {
	l.filter.SetValue("")
	l.refilter()
	l.setFiltering(false)
}

// refilter shows the options whose label holds the filter. The cursor stays
// on the option it was on if that one still matches, else goes to the first.
func (l *List) refilter() {
	was := -1
	if len(l.shown) > 0 {
		was = l.shown[l.cursor]
	} else { // nothing shown: the cursor comes back to the value
		for i, o := range l.options {
			if o.Value == *l.value {
				was = i
				break
			}
		}
	}
	q := fold(l.filter.Value())
	if q == "" {
		l.shown = l.all
	} else {
		l.buf = l.buf[:0]
		for i, f := range l.folded {
			if strings.Contains(f, q) {
				l.buf = append(l.buf, i)
			}
		}
		l.shown = l.buf
	}
	l.cursor = 0
	for i, o := range l.shown {
		if o == was {
			l.cursor = i
			break
		}
	}
	l.moved()
}

// folder lower-cases text and takes the accents off its letters. Its
// transformer holds buffers: make one for many strings.
type folder struct{ t transform.Transformer }

func (f *folder) fold(s string) string {
	ascii := true
	for i := 0; i < len(s) && ascii; i++ {
		ascii = s[i] < utf8.RuneSelf
	}
	if !ascii {
		if f.t == nil {
			f.t = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
		}
		if plain, _, err := transform.String(f.t, s); err == nil {
			s = plain
		}
	}
	return strings.ToLower(s)
}

// fold is folder.fold for one string.
func fold(s string) string { return new(folder).fold(s) }

// fieldStyles are the theme's styles for the field's state.
func (l *List) fieldStyles() *huh.FieldStyles {
	if l.styles == nil || l.stylesDark != l.dark {
		if l.theme != nil {
			l.styles = l.theme.Theme(l.dark)
		} else {
			l.styles = huh.ThemeCharm(l.dark)
		}
		l.stylesDark = l.dark
	}
	if l.focused {
		return &l.styles.Focused
	}
	return &l.styles.Blurred
}

// restyle gives the filter the theme's text-input styles (a steady cursor: a
// blinking one would send messages that hold the shell's typed keys).
func (l *List) restyle() {
	if l.styles != nil && l.stylesDark != l.dark {
		l.styles = nil
	}
	l.fieldStyles()
	st := l.styles.Focused.TextInput
	fs := l.filter.Styles()
	fs.Cursor.Color = st.Cursor.GetForeground()
	fs.Cursor.Blink = false
	fs.Focused.Prompt = st.Prompt
	fs.Focused.Text = st.Text
	fs.Focused.Placeholder = st.Placeholder
	l.filter.SetStyles(fs)
}

// View implements huh.Field: the title (or the filter being typed), the
// description and the rows in view, inside the theme's field frame.
func (l *List) View() string {
	if l.view != "" {
		return l.view
	}
	st := l.fieldStyles()
	l.layout()
	lines := make([]string, 0, l.height)
	var title string
	switch {
	case l.filtering:
		title = l.filter.View()
	default:
		title = st.Title.Render(l.titleWrapped)
		if f := l.filter.Value(); f != "" {
			title += " " + st.Description.Render("/"+f)
		}
	}
	if l.err != nil {
		title += st.ErrorIndicator.String()
	}
	lines = append(lines, title)
	if l.description != "" {
		lines = append(lines, st.Description.Render(l.descWrapped))
	}
	if len(l.shown) == 0 {
		pad := strings.Repeat(" ", lipgloss.Width(st.SelectSelector.String()))
		text := l.noMatch
		if w := l.textWidth() - len(pad); w > 0 {
			text = lipgloss.Wrap(text, w, ",.-; ")
		}
		for _, line := range strings.Split(text, "\n") {
			lines = append(lines, pad+st.Description.Render(line))
		}
	}
	for i, end := l.offset, min(l.offset+l.rows(), len(l.shown)); i < end; i++ {
		lines = append(lines, l.row(st, l.shown[i], i == l.cursor))
	}
	content := strings.Join(lines, "\n")
	if l.prefixFor != st {
		l.prefixFor = st
		l.prefix, l.prefixOK = framePrefix(st.Base)
	}
	if l.prefixOK {
		l.view = prefixLines(l.prefix, l.height, content)
	} else {
		l.view = st.Base.Height(l.height).Render(content)
	}
	return l.view
}

// row is option o drawn as huh draws it: the selector and the selected style
// under the cursor, blanks and the unselected style elsewhere. Rows are drawn
// once per style and width, then reused.
func (l *List) row(st *huh.FieldStyles, o int, selected bool) string {
	k := drawKey{styles: st, width: l.width}
	if l.drawn == nil || l.drawnFor != k {
		l.drawn, l.drawnFor = make([][2]string, len(l.options)), k
	}
	which := 0
	if selected {
		which = 1
	}
	if r := l.drawn[o][which]; r != "" {
		return r
	}
	cursor := st.SelectSelector.String()
	cw := lipgloss.Width(cursor)
	label := l.options[o].Label
	if w := l.textWidth(); w > 0 && ansi.StringWidth(label) > max(w-cw, 1) {
		label = ansi.Truncate(label, max(w-cw, 1), "…")
	}
	var r string
	if selected {
		r = cursor + st.SelectedOption.Render(label)
	} else {
		r = strings.Repeat(" ", cw) + st.UnselectedOption.Render(label)
	}
	l.drawn[o][which] = r
	return r
}

// frame draws the theme's field frame (huh's is a left border and a space)
// round content of height lines. A frame that is only something left of each
// line is drawn once and put before every line; any other is left to lipgloss.
func frame(base lipgloss.Style, height int, content string) string {
	if prefix, ok := framePrefix(base); ok {
		return prefixLines(prefix, height, content)
	}
	return base.Height(height).Render(content)
}

// framePrefix is what base puts left of a line, if that is all it does.
func framePrefix(base lipgloss.Style) (string, bool) {
	const probe = "\x00"
	one := base.Render(probe)
	prefix, ok := strings.CutSuffix(one, probe)
	return prefix, ok && !strings.Contains(one, "\n")
}

// prefixLines puts prefix before each line of content, and before blank lines
// up to height.
func prefixLines(prefix string, height int, content string) string {
	var b strings.Builder
	n := 0
	for line := range strings.SplitSeq(content, "\n") {
		if n > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(prefix + line)
		n++
	}
	for ; n < height; n++ {
		b.WriteString("\n" + prefix)
	}
	return b.String()
}

// Focus implements huh.Field.
func (l *List) Focus() tea.Cmd {
	l.focused = true
	l.changed()
	return nil
}

// Blur implements huh.Field: typing the filter ends (what it matched stays
// shown) and the value is checked.
func (l *List) Blur() tea.Cmd {
	l.focused = false
	if l.filtering {
		l.setFiltering(false)
	}
	l.err = l.check()
	l.changed()
	return nil
}

// Error implements huh.Field.
func (l *List) Error() error { return l.err }

// Skip implements huh.Field.
func (l *List) Skip() bool { return false }

// Zoom implements huh.Field.
func (l *List) Zoom() bool { return false }

// KeyBinds implements huh.Field: the same keys huh's Select shows.
func (l *List) KeyBinds() []key.Binding {
	k := l.keys
	return []key.Binding{k.Up, k.Down, k.Filter, k.SetFilter, k.ClearFilter, k.Prev, k.Next, k.Submit}
}

// WithTheme implements huh.Field; as in huh, the first theme given stays.
func (l *List) WithTheme(t huh.Theme) huh.Field {
	if l.theme != nil || t == nil {
		return l
	}
	l.theme, l.styles = t, nil
	l.restyle()
	l.moved()
	return l
}

// WithKeyMap implements huh.Field: huh's Select keys.
func (l *List) WithKeyMap(k *huh.KeyMap) huh.Field {
	l.keys = k.Select
	l.keys.Left.SetEnabled(false)
	l.keys.Right.SetEnabled(false)
	l.keys.Up.SetEnabled(true)
	l.keys.Down.SetEnabled(true)
	l.keys.SetFilter.SetEnabled(l.filtering)
	l.keys.Filter.SetEnabled(!l.filtering)
	l.keys.ClearFilter.SetEnabled(!l.filtering && l.filter.Value() != "")
	return l
}

// WithWidth implements huh.Field.
func (l *List) WithWidth(w int) huh.Field {
	l.width = w
	l.moved()
	return l
}

// WithHeight implements huh.Field.
func (l *List) WithHeight(h int) huh.Field { return l.Height(h) }

// WithPosition implements huh.Field: shift+tab leaves for the previous field,
// enter for the next one, or submits on the last.
func (l *List) WithPosition(p huh.FieldPosition) huh.Field {
	l.keys.Prev.SetEnabled(!p.IsFirst())
	l.keys.Next.SetEnabled(!p.IsLast())
	l.keys.Submit.SetEnabled(p.IsLast())
	return l
}

// GetKey implements huh.Field.
func (l *List) GetKey() string { return l.key }

// GetValue implements huh.Field: the bound string.
func (l *List) GetValue() any { return *l.value }

// Run implements huh.Field: the list alone in a form.
func (l *List) Run() error { return huh.Run(l) }

// RunAccessible implements huh.Field: a numbered list and a prompt that takes
// a number or a name (or nothing, for the current value).
func (l *List) RunAccessible(w io.Writer, r io.Reader) error {
	if l.title != "" {
		_, _ = fmt.Fprintln(w, l.title)
	}
	for i, o := range l.options {
		_, _ = fmt.Fprintf(w, "%d. %s\n", i+1, o.Label)
	}
	in := bufio.NewScanner(r)
	for {
		current, ok := l.Hovered()
		prompt := fmt.Sprintf("Enter a number between 1 and %d or a name", len(l.options))
		if ok {
			prompt += fmt.Sprintf(" (empty for %s)", l.options[l.shown[l.cursor]].Label)
		}
		_, _ = fmt.Fprint(w, prompt+": ")
		if !in.Scan() {
			if err := in.Err(); err != nil {
				return err
			}
			return io.ErrUnexpectedEOF
		}
		choice, found := l.lookup(strings.TrimSpace(in.Text()), current, ok)
		if !found {
			_, _ = fmt.Fprintln(w, "Not in the list.")
			continue
		}
		if l.validate != nil {
			if err := l.validate(choice); err != nil {
				_, _ = fmt.Fprintln(w, err.Error())
				continue
			}
		}
		*l.value = choice
		l.selectValue()
		return nil
	}
}

// lookup finds the answer of RunAccessible: a number, a whole label, or a part
// of exactly one label.
func (l *List) lookup(answer, current string, hasCurrent bool) (string, bool) {
	if answer == "" {
		return current, hasCurrent
	}
	if n, err := strconv.Atoi(answer); err == nil {
		if n >= 1 && n <= len(l.options) {
			return l.options[n-1].Value, true
		}
		return "", false
	}
	q := fold(answer)
	match := -1
	for i, f := range l.folded {
		if f == q {
			return l.options[i].Value, true
		}
		if strings.Contains(f, q) {
			if match >= 0 {
				match = -2 // more than one
			} else if match == -1 {
				match = i
			}
		}
	}
	if match >= 0 {
		return l.options[match].Value, true
	}
	return "", false
}
