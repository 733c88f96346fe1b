// Package plain is the line-by-line front of the wizard (`wizard --accessible`):
// for a screen reader, a braille display or a pipe. It runs the same root
// model as the full screen (ui.App: the same steps, the same saves, the same
// catalog) in a Bubble Tea program without a renderer, and stands between it
// and the terminal: it says what the current step asks as plain lines (the
// focused field's title, description and numbered options, its error; the
// text of a screen without a form, when it changes), reads one line of
// standard input per question, and turns it into the key presses that field
// needs. Nothing is redrawn, nothing moves the cursor, nothing is coloured;
// countdowns are said at fixed points and waits say a line when something
// changes.
//
// One line answers one question: after an answer, the next line is read only
// once the screen asks something else (the focus moved, the step changed, an
// error came), so that lines typed ahead — or a script on a pipe — land on the
// question they were meant for.
package plain

import (
	"bufio"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"

	"wizard/assets"
	"wizard/steps"
	"wizard/steps/picker"
	"wizard/termsafe"
	"wizard/ui"
)

// Options wire the front.
type Options struct {
	In    *Reader   // the answers, one a line
	Out   io.Writer // what is said
	Words *assets.Words
	// NoIntro: the mode's introduction was said already (AskYesNo says it).
	NoIntro bool
	// Width is the width the steps lay their text out in (default 100): the
	// lines are read, not looked at, so a wide one is better than a broken one.
	Width int
}

// Front is the Bubble Tea model of the line-by-line mode: the root model with
// a line reader and a line writer around it.
type Front struct {
	app   *ui.App
	words *assets.Words
	out   *printer
	in    *Reader
	width int

	reading bool    // a line is being read
	eof     bool    // standard input has ended
	await   string  // the question the last line answered: the next is read once another is asked
	pending *string // a line read while nothing asked (a wait): it answers the next question

	step      steps.Step      // the step last looked at
	said      map[string]bool // the lines said on this step (normalised)
	prompt    string          // the question last put
	errSaid   string          // the error last said for it
	hinted    map[string]bool // the hints given in this run, once each
	countdown int             // the last countdown point said (seconds); 0: none yet
	asked     *huh.Form       // the form of the last question put
	ended     bool            // the program is ending
	noIntro   bool            // the mode was introduced already (before a question asked first)
	listing   bool            // "list" was answered: the long list is said whole when asked again
	backSaid  map[string]bool // the questions of this step that said how to go back
}

// ProgramOptions are the options of the Bubble Tea program that runs a Front:
// no renderer, no terminal input (the front reads the lines), and an
// interrupt (ctrl+c in a terminal that is not in raw mode) goes to the shell
// as its quit key, so that what is being saved is written first.
func ProgramOptions() []tea.ProgramOption {
	return []tea.ProgramOption{tea.WithoutRenderer(), tea.WithInput(nil), tea.WithOutput(io.Discard),
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			if _, ok := msg.(tea.InterruptMsg); ok {
				return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
			}
			return msg
		})}
}

// New puts the front around the shell.
func New(app *ui.App, o Options) *Front {
	width := o.Width
	if width <= 0 {
		width = 100
	}
	return &Front{app: app, words: o.Words, out: &printer{w: o.Out}, in: o.In, width: width,
		said: map[string]bool{}, hinted: map[string]bool{}, backSaid: map[string]bool{}, noIntro: o.NoIntro}
}

// Flush writes what is still to be said (after the program ended).
func (f *Front) Flush() { f.out.flush() }

// App is the shell the front stands before.
func (f *Front) App() *ui.App { return f.app }

func (f *Front) Init() tea.Cmd {
	// The forms are laid out a little narrower than the body they are in, so
	// that the body's wrapping never breaks a field's lines again. The size
	// is the shell's first message (as a terminal's is): a form is never
	// asked for its view before it has a width.
	_, sized := f.app.Update(tea.WindowSizeMsg{Width: f.width - 4, Height: 1000})
	if !f.noIntro {
		f.out.say(f.words.T("accessible.start"))
	}
	return tea.Batch(sized, f.app.Init())
}

// View is empty: the program has no renderer; what is said is written by the
// front's own commands.
func (f *Front) View() tea.View { return tea.NewView("") }

// lineMsg is one line read from standard input (eof: there is no more).
type lineMsg struct {
	text   string
	eof    bool
	err    error
	echoed bool // the terminal showed it as typed (a secret from a terminal is not)
}

func (f *Front) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	switch msg := msg.(type) {
	case lineMsg:
		f.reading = false
		if !msg.echoed && !msg.eof {
			f.out.say("") // the line the terminal did not end
		}
		if msg.eof || msg.err != nil {
			// The end of the answers: the shell saves what it has and ends.
			f.eof = true
			_, cmd := f.app.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
			cmds = append(cmds, cmd)
		} else if s := f.read(); !s.asks() {
			f.pending = &msg.text
		} else {
			cmds = append(cmds, f.answer(msg.text)...)
		}
	case tea.WindowSizeMsg:
		// The program's own (0×0 without a terminal): the steps keep the front's.
	case tea.QuitMsg:
		f.ended = true
		_, cmd := f.app.Update(msg)
		cmds = append(cmds, cmd)
	default:
		_, cmd := f.app.Update(msg)
		cmds = append(cmds, cmd)
	}
	cmds = append(cmds, f.look())
	return f, tea.Batch(cmds...)
}

// screen is what the current step shows, read as lines.
type screen struct {
	step  steps.Step
	lines []string  // the body, without colour, each trimmed on the right
	field huh.Field // the focused field when the step asks through its form
	block []string  // that field's lines, without the bar that marks the focus
	at    int       // where the block starts in lines
	form  []string  // every line of the form (blurred fields included)
	asker *huh.Form // that form
	keys  []keyHelp // the step's keys when it asks without a form
	id    string    // names the question: a new one is asked when it changes
	// settling: the shell is between two screens (an answer being saved, keys
	// waiting for the focus to move): nothing is asked.
	settling bool
	notices  []string // the shell's own lines (a failed save, a take-over)
}

type keyHelp struct{ key, desc string }

// read looks at the current step.
func (f *Front) read() screen {
	st := f.app.Step()
	s := screen{step: st, lines: splitLines(st.View(f.width)), settling: f.app.Settling()}
	for _, n := range f.app.Notices() {
		s.notices = append(s.notices, splitLines(n)...)
	}
	if fh, ok := st.(steps.FormHolder); ok {
		if form := fh.Form(); form != nil && form.State == huh.StateNormal {
			if fld := form.GetFocusedField(); fld != nil {
				block := splitLines(fld.View())
				if at := find(s.lines, block); at >= 0 {
					s.field, s.at = fld, at
					for _, l := range block {
						s.block = append(s.block, unbar(l))
					}
					s.form, s.asker = splitLines(form.View()), form
				}
			}
		}
	}
	if s.field == nil {
		for _, b := range st.Help() {
			if b.Enabled() && b.Help().Key != "" {
				s.keys = append(s.keys, keyHelp{b.Help().Key, b.Help().Desc})
			}
		}
	}
	switch {
	case s.field != nil:
		s.id = "field " + stepFocus(st) + " " + s.field.GetKey()
	case len(s.keys) > 0:
		s.id = "keys " + normalise(strings.Join(s.lines, "\n"))
		for _, k := range s.keys {
			s.id += "|" + k.key
		}
	}
	return s
}

// stepFocus names where the step's focus is (Typist), "" for a step without one.
func stepFocus(st steps.Step) string {
	if t, ok := st.(steps.Typist); ok {
		return t.Focus()
	}
	return ""
}

// asks reports whether the screen asks something a line can answer.
func (s screen) asks() bool { return s.id != "" && !s.settling }

// look says what is new on the screen and, when a question is waiting for its
// answer, reads the next line.
func (f *Front) look() tea.Cmd {
	if f.ended {
		return f.out.flushCmd()
	}
	s := f.read()
	if blank(s.lines) {
		return f.out.flushCmd() // between two layouts: nothing to read yet
	}
	if s.step != f.step {
		f.step, f.said, f.prompt, f.errSaid, f.countdown = s.step, map[string]bool{}, "", "", 0
		f.backSaid, f.listing = map[string]bool{}, false
		f.out.say("", f.words.T("ui.progress", steps.Position(s.step.ID()), len(steps.Order), f.words.T("step."+string(s.step.ID()))))
	}
	f.sayContext(s)
	for _, l := range s.notices {
		f.sayOnce(l)
	}
	f.sayCountdown(s)
	if s.asks() && s.id != f.prompt {
		f.prompt, f.errSaid = s.id, ""
		f.sayQuestion(s)
	}
	var fieldErr string
	if s.field != nil && s.field.Error() != nil {
		fieldErr = termsafe.Text(s.field.Error().Error())
	}
	if fieldErr != "" && fieldErr != f.errSaid {
		f.errSaid = fieldErr
		f.out.say(f.words.T("accessible.error", fieldErr))
		if _, ok := s.field.(*huh.MultiSelect[string]); ok {
			// A checklist that refuses: what is left to tick.
			if _, items, ticked, _ := checks(s.block); f.unticked(items, ticked) != "" {
				f.out.say(f.unticked(items, ticked))
			}
		}
	}
	var cmd tea.Cmd
	if f.ready(s, fieldErr != "") {
		f.await = ""
		if f.pending != nil { // a line that came while nothing asked: it answers this
			line := *f.pending
			f.pending = nil
			cmds := f.answer(line)
			return tea.Batch(append(cmds, f.look())...)
		}
		f.reading = true
		secret := s.field != nil && steps.SecretField(s.field.GetKey())
		prompt, out := f.words.T("accessible.prompt"), f.out
		// The prompt is written by the read itself, once a secret's echo is
		// off: what is typed after it is never shown.
		cmd = f.in.next(secret, func() { out.say(prompt); out.flush() })
	}
	return tea.Batch(f.out.flushCmd(), cmd)
}

// ready reports whether the next line is to be read now: a question is on
// screen, no line is being read, and the last answer has had its effect
// (another question is asked, or its field refused it).
func (f *Front) ready(s screen, refused bool) bool {
	if f.reading || (f.eof && f.pending == nil) || !s.asks() {
		return false
	}
	return f.await == "" || s.id != f.await || refused
}

// sayContext says the lines of the body that are not the question and were
// not said yet on this step: titles, explanations, a wait's news, errors.
func (f *Front) sayContext(s screen) {
	inForm := map[string]bool{}
	for _, l := range s.form {
		inForm[strings.TrimSpace(l)] = true
	}
	for i, l := range s.lines {
		if s.field != nil {
			if i >= s.at && i < s.at+len(s.block) {
				continue // the question itself
			}
			if inForm[strings.TrimSpace(l)] && (i > s.at || isFieldLine(l) || s.asker == f.asked) {
				// Another field of the form: said when it has the focus. What
				// stands above the first question (a note) is said once.
				continue
			}
		}
		f.sayOnce(l)
	}
}

// isFieldLine: a blurred field's value line ("> answer") or option.
func isFieldLine(l string) bool {
	t := strings.TrimSpace(l)
	return strings.HasPrefix(t, ">") || strings.HasPrefix(t, "[ ")
}

// sayOnce says l unless the same line (digits aside) was said on this step.
func (f *Front) sayOnce(l string) {
	n := normalise(l)
	if n == "" || f.said[n] {
		return
	}
	f.said[n] = true
	f.out.say(termsafe.Line(clean(l)))
}

// clean is l without spinner frames and bar blocks, trimmed.
func clean(l string) string {
	l = strings.Map(func(r rune) rune {
		if decoration(r) {
			return -1
		}
		return r
	}, l)
	return strings.Join(strings.Fields(l), " ")
}

// decoration: a spinner's frame, a box's border or a bar's block, which a
// reader need not hear.
func decoration(r rune) bool {
	return r >= 0x2800 && r <= 0x28FF || r >= 0x2500 && r <= 0x259F || strings.ContainsRune("◐◓◑◒", r)
}

// countdownPoints are the seconds left at which a countdown is said.
var countdownPoints = []int{50, 40, 30, 20, 10}

// sayCountdown says "50 seconds left" and so on as the points pass.
func (f *Front) sayCountdown(s screen) {
	c, ok := s.step.(steps.Countdowner)
	if !ok {
		return
	}
	left, running := c.Countdown()
	if !running {
		return
	}
	secs := int((left + time.Second - 1) / time.Second)
	for _, p := range countdownPoints {
		if secs <= p && (f.countdown == 0 || p < f.countdown) {
			if f.countdown == 0 && secs < p-1 {
				// Came in after this point (a resumed code): say only the next.
				f.countdown = p
				continue
			}
			f.countdown = p
			if secs > 0 {
				f.out.say(f.words.T("accessible.seconds_left", p))
			}
		}
	}
}

// sayQuestion puts the question on screen as lines.
func (f *Front) sayQuestion(s screen) {
	defer f.sayBack(s)
	if s.field == nil {
		var list []string
		for _, k := range s.keys {
			list = append(list, f.words.T("accessible.key", termsafe.Line(k.key), termsafe.Line(k.desc)))
		}
		f.out.say(f.words.T("accessible.keys", strings.Join(list, "; ")))
		return
	}
	f.asked = s.asker
	switch fld := s.field.(type) {
	case *huh.Input, *huh.Text:
		for _, l := range s.block {
			if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, ">") && !f.isError(s, t) {
				f.say(t)
			}
		}
		if v, ok := s.field.GetValue().(string); ok && v != "" && !steps.SecretField(s.field.GetKey()) {
			f.out.say(f.words.T("accessible.now", termsafe.Line(v)))
		}
		f.hint("accessible.hint_text")
	case *huh.Note:
		f.sayPlain(s)
		f.hint("accessible.hint_note")
	case *huh.Confirm:
		yes, no, chosen := buttons(s.block)
		for _, l := range s.block {
			if t := strings.TrimSpace(l); t != "" && !strings.Contains(t, "[ ") && !f.isError(s, t) {
				f.say(t)
			}
		}
		def := yes
		if chosen == 2 {
			def = no
		}
		f.out.say(f.words.T("accessible.confirm", termsafe.Line(yes), termsafe.Line(no), termsafe.Line(def)))
	case *huh.MultiSelect[string]:
		head, items, ticked, _ := checks(s.block)
		for _, l := range head {
			if !f.isError(s, l) {
				f.say(l)
			}
		}
		for _, l := range s.block {
			f.said[normalise(l)] = true // a blurred checklist shows its items again
		}
		for i, it := range items {
			key := "accessible.check_off"
			if ticked[i] {
				key = "accessible.check_on"
			}
			f.out.say(f.words.T(key, i+1, termsafe.Line(it)))
		}
		f.hint("accessible.hint_checks", f.word("accessible.all_words"))
	case *picker.List:
		f.sayList(s, fld)
	default: // a list of options: huh's Select
		head, opts, cur := options(s.block)
		for _, l := range head {
			if !f.isError(s, l) {
				f.say(l)
			}
		}
		for i, o := range opts {
			f.said[normalise(o)] = true // a blurred list shows it again
			line := f.words.T("accessible.option", i+1, termsafe.Line(o))
			if i == cur {
				line = f.words.T("accessible.option_chosen", i+1, termsafe.Line(o))
			}
			f.out.say(line)
		}
		f.hint("accessible.hint_select")
	}
}

// longList is how many options a list says one by one when asked: a longer
// one (the countries) says how many it has and how to find one, and says
// them all when asked to.
const longList = 30

// sayList puts a long list's question (steps/picker): every option it offers
// now, numbered (what a search found, or all of them), or for a very long
// one how many there are and how to find one.
func (f *Front) sayList(s screen, l *picker.List) {
	head, rows, _ := options(s.block)
	for _, h := range head {
		if !f.isError(s, h) {
			f.say(h)
		}
	}
	for _, r := range rows {
		f.said[normalise(r)] = true // a blurred list shows its rows again
	}
	labels, cur := l.Shown()
	chosen := ""
	if cur >= 0 {
		chosen = termsafe.Line(labels[cur])
	}
	switch {
	case len(labels) > longList && !f.listing && l.FilterValue() != "":
		f.out.say(f.words.T("accessible.long_matches", len(labels), termsafe.Line(l.FilterValue()), chosen, f.word("accessible.list_words")))
	case len(labels) > longList && !f.listing:
		f.out.say(f.words.T("accessible.long_list", len(labels), chosen, f.word("accessible.list_words")))
	default:
		for i, o := range labels {
			line := f.words.T("accessible.option", i+1, termsafe.Line(o))
			if i == cur {
				line = f.words.T("accessible.option_chosen", i+1, termsafe.Line(o))
			}
			f.out.say(line)
		}
	}
	f.listing = false
	f.hint("accessible.hint_list")
}

// sayBack says, once for each question of a step where going back is
// possible, which line goes back, and to which step.
func (f *Front) sayBack(s screen) {
	key, to := f.app.Back()
	if key == "" {
		return
	}
	q := "keys"
	if s.field != nil {
		q = "field " + s.field.GetKey()
	}
	if f.backSaid[q] {
		return
	}
	f.backSaid[q] = true
	f.out.say(f.words.T("accessible.back", f.word("accessible.back_words"), f.words.T("step."+string(to))))
}

// say says a line of the question; it counts as said on this step (a blurred
// field shows it again above the next one).
func (f *Front) say(l string) {
	f.said[normalise(l)] = true
	f.out.say(termsafe.Line(l))
}

// sayPlain says every line of the field.
func (f *Front) sayPlain(s screen) {
	for _, l := range s.block {
		if t := strings.TrimSpace(l); t != "" {
			f.say(t)
		}
	}
}

// isError reports whether l is the field's error as it draws it (it is said apart).
func (f *Front) isError(s screen, l string) bool {
	err := s.field.Error()
	return err != nil && strings.Contains(l, strings.TrimSpace(err.Error()))
}

// hint says how to answer a kind of question, once a run.
func (f *Front) hint(key string, args ...any) {
	if f.hinted[key] {
		return
	}
	f.hinted[key] = true
	f.out.say(f.words.T(key, args...))
}

// blank reports whether every line is empty.
func blank(lines []string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			return false
		}
	}
	return true
}

// splitLines is s without colour, one string a line, each trimmed on the right.
func splitLines(s string) []string {
	lines := strings.Split(ansi.Strip(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	return lines
}

// find is where block (its non-empty lines, in order, without gaps) starts in lines; -1 if absent.
func find(lines, block []string) int {
	for len(block) > 0 && strings.TrimSpace(block[0]) == "" {
		block = block[1:]
	}
	for len(block) > 0 && strings.TrimSpace(block[len(block)-1]) == "" {
		block = block[:len(block)-1]
	}
	if len(block) == 0 {
		return -1
	}
next:
	for i := 0; i+len(block) <= len(lines); i++ {
		for j, b := range block {
			if strings.TrimSpace(lines[i+j]) != strings.TrimSpace(b) {
				continue next
			}
		}
		return i
	}
	return -1
}

// unbar is a line of the focused field without the bar that marks the focus.
func unbar(l string) string {
	t := strings.TrimLeft(l, " ")
	if r, ok := strings.CutPrefix(t, "┃"); ok {
		return strings.TrimPrefix(r, " ")
	}
	return l
}

// options splits a list field's lines into its title and description, its
// options as shown, and which of them the cursor is on (-1: none).
func options(block []string) (head, opts []string, cur int) {
	cur = -1
	for _, l := range block {
		switch {
		case strings.TrimSpace(l) == "":
		case strings.HasPrefix(l, "> "):
			cur = len(opts)
			opts = append(opts, strings.TrimSpace(l[2:]))
		case strings.HasPrefix(l, "  ") && len(opts) > 0 || strings.HasPrefix(l, "  ") && len(head) > 0:
			opts = append(opts, strings.TrimSpace(l))
		default:
			head = append(head, strings.TrimSpace(l))
		}
	}
	return head, opts, cur
}

// checks splits a checklist's lines (huh's MultiSelect) into its title and
// description, its items, whether each is ticked, and which of them the
// cursor is on (-1: none). An item is the selector's place ("> " or blanks),
// the theme's ticked or unticked sign, and its label.
func checks(block []string) (head, items []string, ticked []bool, cur int) {
	cur = -1
	for _, l := range block {
		if strings.TrimSpace(l) == "" {
			continue
		}
		rest, at := strings.CutPrefix(l, "> ")
		if !at {
			rest = strings.TrimPrefix(l, "  ")
		}
		on, off := tickSign(rest)
		switch {
		case on != "" || off != "":
			if at {
				cur = len(items)
			}
			items = append(items, strings.TrimSpace(rest[len(on)+len(off):]))
			ticked = append(ticked, on != "")
		case len(items) > 0 && strings.HasPrefix(l, "  "): // a label that wrapped
			items[len(items)-1] += " " + strings.TrimSpace(l)
		default:
			head = append(head, strings.TrimSpace(l))
		}
	}
	return head, items, ticked, cur
}

// tickSigns are the signs before a checklist's items, ticked and not, in the
// wizard's theme and in huh's plain one.
var tickSigns = sync.OnceValues(func() (on, off []string) {
	for _, st := range []*huh.Styles{ui.Theme.Theme(true), huh.ThemeBase(true)} {
		on = append(on, ansi.Strip(st.Focused.SelectedPrefix.String()), ansi.Strip(st.Blurred.SelectedPrefix.String()))
		off = append(off, ansi.Strip(st.Focused.UnselectedPrefix.String()), ansi.Strip(st.Blurred.UnselectedPrefix.String()))
	}
	return on, off
})

// tickSign is the sign l starts with: on if a ticked one, off if not ("" and
// "" if none).
func tickSign(l string) (on, off string) {
	ons, offs := tickSigns()
	for _, s := range ons {
		if s != "" && strings.HasPrefix(l, s) {
			return s, ""
		}
	}
	for _, s := range offs {
		if s != "" && strings.HasPrefix(l, s) {
			return "", s
		}
	}
	return "", ""
}

// buttons reads a confirmation's two buttons from its lines: the chosen one
// is in brackets ("[ Allow All ]   Not now"); chosen is 1 or 2.
func buttons(block []string) (yes, no string, chosen int) {
	for _, l := range block {
		open := strings.Index(l, "[ ")
		shut := strings.Index(l, " ]")
		if open < 0 || shut < open {
			continue
		}
		in := strings.TrimSpace(l[open+2 : shut])
		before, after := strings.TrimSpace(l[:open]), strings.TrimSpace(l[shut+2:])
		if before != "" {
			return before, in, 2
		}
		return in, after, 1
	}
	return "", "", 0
}

// normalise is l as compared with what was said: without spinners, bars and
// the digits that change every second, so that a wait is said once and again
// only when its words change.
func normalise(l string) string {
	var b strings.Builder
	digits := false
	for _, r := range l {
		switch {
		case unicode.IsDigit(r):
			if !digits {
				b.WriteByte('#')
			}
			digits = true
			continue
		case decoration(r):
		default:
			b.WriteRune(r)
		}
		digits = false
	}
	n := strings.Join(strings.Fields(b.String()), " ")
	if strings.Trim(n, "#: ") == "" {
		return "" // a clock ("0:07"): nothing to say by itself
	}
	return n
}

// printer writes what the front says, in order: Update queues lines, and a
// command writes everything queued so far (a later command finds the queue
// empty, or the lines queued after).
type printer struct {
	mu sync.Mutex
	w  io.Writer
	q  []string
}

func (p *printer) say(lines ...string) {
	p.mu.Lock()
	p.q = append(p.q, lines...)
	p.mu.Unlock()
}

func (p *printer) flushCmd() tea.Cmd {
	p.mu.Lock()
	empty := len(p.q) == 0
	p.mu.Unlock()
	if empty {
		return nil
	}
	return func() tea.Msg { p.flush(); return nil }
}

func (p *printer) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, l := range p.q {
		_, _ = io.WriteString(p.w, l+"\n")
	}
	p.q = nil
}

// Reader reads the answers one line at a time. One Reader serves a whole run
// (a question asked before the front starts reads from it too), so that no
// line is lost in a buffer nobody reads.
type Reader struct {
	r   *bufio.Reader
	fd  uintptr
	tty bool
}

// NewReader reads the lines of in; a terminal's secrets are read without echo.
func NewReader(in io.Reader) *Reader {
	rd := &Reader{r: bufio.NewReader(in)}
	if f, ok := in.(*os.File); ok && term.IsTerminal(f.Fd()) {
		rd.fd, rd.tty = f.Fd(), true
	}
	return rd
}

// Line reads the next line (io.EOF at the end); a secret from a terminal is
// read without echo. ask, if set, is called once the line can be typed (with
// the echo off for a secret): it puts the question.
func (rd *Reader) Line(secret bool, ask func()) (string, error) {
	if secret && rd.tty && rd.r.Buffered() == 0 {
		restore, err := noEcho(rd.fd)
		if err != nil { // no way to turn it off but this one
			if ask != nil {
				ask()
			}
			b, err := term.ReadPassword(rd.fd)
			return string(b), err
		}
		defer restore()
	}
	if ask != nil {
		ask()
	}
	s, err := rd.r.ReadString('\n')
	if err == io.EOF && s != "" {
		err = nil
	}
	return strings.TrimRight(s, "\r\n"), err
}

// next reads the next line in a command; ask puts the question first.
func (rd *Reader) next(secret bool, ask func()) tea.Cmd {
	return func() tea.Msg {
		s, err := rd.Line(secret, ask)
		if err == io.EOF {
			return lineMsg{eof: true}
		}
		return lineMsg{text: s, err: err, echoed: !(secret && rd.tty)}
	}
}

// AskYesNo asks a yes-or-no question as the front does (the resume offer,
// before the front starts): the title and body, then which line chooses
// what; an empty line takes def. It reads from rd and asks again after a
// line that is neither.
func AskYesNo(rd *Reader, out io.Writer, w *assets.Words, title, body, yes, no string, def bool) (bool, error) {
	chosen := no
	if def {
		chosen = yes
	}
	say := func(lines ...string) {
		for _, l := range lines {
			_, _ = io.WriteString(out, termsafe.Text(l)+"\n")
		}
	}
	say(w.T("accessible.start"), "", title, body, w.T("accessible.confirm", yes, no, chosen))
	f := &Front{words: w}
	for {
		say(w.T("accessible.prompt"))
		line, err := rd.Line(false, nil)
		if err != nil {
			return def, err
		}
		switch t := strings.TrimSpace(line); {
		case t == "":
			return def, nil
		case t == "1" || f.isWord(t, "accessible.yes_words") || strings.EqualFold(t, yes):
			return true, nil
		case t == "2" || f.isWord(t, "accessible.no_words") || strings.EqualFold(t, no):
			return false, nil
		}
		say(w.T("accessible.not_yes_no", yes, no))
	}
}
