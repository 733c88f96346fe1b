package steps

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"wizard/assets"
	"wizard/client"
	"wizard/store"
)

// formKeys is the key map of every form: huh's defaults, with the help texts of
// the catalog's language left to huh (they are short key names).
func formKeys() *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	km.Quit = key.NewBinding(key.WithDisabled()) // the shell owns ctrl+c
	return km
}

// newForm builds a huh form embedded in a step.
func newForm(env *Env, groups ...*huh.Group) *huh.Form {
	f := huh.NewForm(groups...).WithShowHelp(false).WithKeyMap(formKeys())
	if env.Theme != nil {
		f = f.WithTheme(env.Theme)
	}
	return f
}

// updateForm forwards msg to an embedded form (huh's Update returns huh.Model).
func updateForm(f *huh.Form, msg tea.Msg) (*huh.Form, tea.Cmd) {
	if ws, ok := msg.(tea.WindowSizeMsg); ok && ws.Width > 1 {
		ws.Width-- // the column of the fields' right margin (ui.Theme)
		msg = ws
	}
	m, cmd := f.Update(msg)
	if ff, ok := m.(*huh.Form); ok {
		f = ff
	}
	return f, cmd
}

// submitForm forwards msg to a form and reports whether this very message
// completed it: a form is acted on once, when it is submitted, however many
// messages reach it afterwards.
func submitForm(f *huh.Form, msg tea.Msg) (*huh.Form, tea.Cmd, bool) {
	was := f.State
	f, cmd := updateForm(f, msg)
	return f, cmd, was != huh.StateCompleted && f.State == huh.StateCompleted
}

// focusKeys are huh's default keys, kept apart from the forms' own key maps
// (fields switch their bindings on and off as they gain and lose the focus).
var focusKeys = huh.NewDefaultKeyMap()

// formMovesFocus reports whether k may move form f to another field: the
// next, previous and submit keys of the focused field's kind (and a
// confirmation's yes and no).
func formMovesFocus(f *huh.Form, k tea.KeyPressMsg) bool {
	if f == nil || f.State != huh.StateNormal {
		return false
	}
	km := focusKeys
	var binds []key.Binding
	switch f.GetFocusedField().(type) {
	case nil:
		return false
	case *huh.Input:
		binds = []key.Binding{km.Input.Next, km.Input.Prev, km.Input.Submit}
	case *huh.Text:
		binds = []key.Binding{km.Text.Next, km.Text.Prev, km.Text.Submit}
	case *huh.Confirm:
		binds = []key.Binding{km.Confirm.Next, km.Confirm.Prev, km.Confirm.Submit, km.Confirm.Accept, km.Confirm.Reject}
	case *huh.Note:
		binds = []key.Binding{km.Note.Next, km.Note.Prev, km.Note.Submit}
	case *huh.MultiSelect[string]:
		binds = []key.Binding{km.MultiSelect.Next, km.MultiSelect.Prev, km.MultiSelect.Submit}
	default: // selects of every kind, and lists built like them
		binds = []key.Binding{km.Select.Next, km.Select.Prev, km.Select.Submit}
	}
	return key.Matches(k, binds...)
}

// formFocus names where form f's focus is: the form, its focused field and its
// state; it changes when the focus moves or the form is replaced or completed.
func formFocus(f *huh.Form) string {
	if f == nil {
		return ""
	}
	return fmt.Sprintf("%p %p %d", f, f.GetFocusedField(), f.State)
}

// call runs fn in a tea.Cmd with the call timeout: every service call goes through here.
//
// The client tries a read again by itself (client.WithRetryReport); so that a
// room sees it happen, each retry is passed to the screen while the call goes
// on: the call's context reports into a small buffered channel (never
// blocking the call), and a second command waits on that channel and returns
// a callRetrying message, which the step's busy shows ("trying again (2 of
// 3)") and answers with the same wait again; when the call ends the channel
// is closed and, if a retry was shown, a callSettled message takes it away.
// Update stays free of I/O: the messages carry what happened.
func (e *Env) call(fn func(ctx context.Context) tea.Msg) tea.Cmd {
	w := &callWatch{ch: make(chan client.Retry, 4), words: e.Words}
	run := func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), e.callTimeout())
		defer cancel()
		defer w.end()
		return fn(client.WithRetryReport(ctx, w.report))
	}
	return tea.Batch(run, w.listen)
}

// callWatch carries one call's retries to the screen.
type callWatch struct {
	words  *assets.Words
	mu     sync.Mutex
	ch     chan client.Retry
	closed bool
	shown  atomic.Bool // a retry was handed to the screen
}

// report passes a retry on without ever blocking the call: a full channel
// (the step is not listening) drops it.
func (w *callWatch) report(r client.Retry) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	select {
	case w.ch <- r:
	default:
	}
}

func (w *callWatch) end() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	close(w.ch)
}

// listen waits for the call's next retry, or its end.
func (w *callWatch) listen() tea.Msg {
	r, ok := <-w.ch
	if !ok {
		if w.shown.Load() {
			return callSettled{w}
		}
		return nil
	}
	w.shown.Store(true)
	if w.words == nil {
		return callRetrying{w, fmt.Sprintf("trying again (%d of %d)", r.Attempt, r.Of)}
	}
	return callRetrying{w, w.words.T("call.retrying", r.Attempt, r.Of, retryWhy(w.words, r.Err))}
}

// retryWhy says in a few words why a read is tried again.
func retryWhy(w *assets.Words, err error) string {
	var ae *client.APIError
	var ge *client.GraphError
	var ne *client.NetError
	switch {
	case errors.As(err, &ae):
		return w.T("call.why.status", strconv.Itoa(ae.HTTPStatus))
	case errors.As(err, &ge):
		return w.T("call.why.status", strconv.Itoa(ge.HTTPStatus))
	case errors.As(err, &ne) && ne.Malformed:
		return w.T("call.why.malformed")
	case errors.As(err, &ne) && ne.Timeout:
		return w.T("call.why.timeout")
	}
	return w.T("call.why.network")
}

type (
	// callRetrying says that a call's read failed and is being tried again.
	callRetrying struct {
		call *callWatch
		text string // "trying again (2 of 3): …"
	}
	// callSettled says that a call which retried has ended.
	callSettled struct{ call *callWatch }
)

// T is a short way to the catalog.
func (e *Env) T(key string, args ...any) string { return e.Words.T(key, args...) }

// shownError is sent back to a step once the error it reported is saved.
type shownError struct{ err error }

// failure is the Record of an error the user is about to see: the shell saves
// it (with apply, if any), then replies shownError and the step shows it.
func failure(id ID, err error, apply func(*store.Session)) Record {
	return Record{Step: id, Kind: "error", Err: err, Detail: Quote(err.Error()), Apply: apply, Reply: shownError{err}}
}

// busy is the part of a step that waits for a call: a spinner and a sentence,
// and while the client tries a read again, which attempt it is making.
type busy struct {
	on    bool
	text  string
	spin  spinner.Model
	since time.Time
	retry string     // "trying again (2 of 3): …", while a call retries
	call  *callWatch // the call retry is about
}

func newBusy() busy { return busy{spin: spinner.New(spinner.WithSpinner(spinner.Dot))} }

// start shows the spinner with text and returns the command that animates it.
func (b *busy) start(text string, now time.Time) tea.Cmd {
	wasOn := b.on
	b.on, b.text, b.since = true, text, now
	b.retry, b.call = "", nil
	if wasOn {
		return nil
	}
	return b.spin.Tick
}

func (b *busy) stop() { b.on, b.retry, b.call = false, "", nil }

// update animates the spinner; it drops ticks while nothing is under way. It
// shows a call's retries while it waits, and always waits for the next one
// (so the call's watch ends with the call).
func (b *busy) update(msg tea.Msg) (tea.Cmd, bool) {
	switch m := msg.(type) {
	case callRetrying:
		if b.on {
			b.retry, b.call = m.text, m.call
		}
		return m.call.listen, true
	case callSettled:
		if b.call == m.call {
			b.retry, b.call = "", nil
		}
		return nil, true
	}
	if t, ok := msg.(spinner.TickMsg); ok {
		if !b.on || t.ID != b.spin.ID() {
			return nil, true
		}
		var cmd tea.Cmd
		b.spin, cmd = b.spin.Update(msg)
		return cmd, true
	}
	return nil, false
}

func (b *busy) view() string {
	if !b.on {
		return ""
	}
	if b.retry != "" {
		return b.spin.View() + " " + b.text + " — " + b.retry
	}
	return b.spin.View() + " " + b.text
}

// Styles are what step bodies are drawn with: the shell builds them from its
// theme for the terminal's background (ui/theme.go); the bodies keep to a title,
// faint text, errors, success, one accent and a box.
type Styles struct {
	Title, Faint, Error, OK, Accent, Box lipgloss.Style
}

// plainStyles are used when the shell gave none (a step built on its own): no
// colour, only weight, so they read on any background.
var plainStyles = Styles{
	Title:  lipgloss.NewStyle().Bold(true),
	Faint:  lipgloss.NewStyle().Faint(true),
	Error:  lipgloss.NewStyle().Bold(true),
	OK:     lipgloss.NewStyle(),
	Accent: lipgloss.NewStyle().Bold(true),
	Box:    lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1),
}

// S is the styles to draw with now.
func (e *Env) S() *Styles {
	if e.Styles != nil {
		return e.Styles
	}
	return &plainStyles
}

// poller is the part of a step that waits for a service to decide something
// (an e-mail confirmed, a signup finished, a number activated): a spinner with a
// sentence and the time waited, polls at an interval that grows by half up to a
// limit, and "check now", which asks at once.
type poller struct {
	busy
	id                     int64 // tells this poller's messages from another's
	gen                    int   // the poll scheduled last; older ones are dropped
	first, limit, interval time.Duration
}

// pollDue is the time to poll again.
type pollDue struct {
	id  int64
	gen int
}

var pollerIDs atomic.Int64

func newPoller(first, limit time.Duration) poller {
	return poller{busy: newBusy(), id: pollerIDs.Add(1), first: first, limit: max(limit, first), interval: first}
}

// later schedules the next poll after the interval (or wait, when a service
// asked for longer), then grows the interval.
func (p *poller) later(wait time.Duration) tea.Cmd {
	p.retry, p.call = "", nil // the call that retried has answered
	d := max(wait, p.interval)
	p.interval = backoff(p.interval, p.limit)
	p.gen++
	id, gen := p.id, p.gen
	return tea.Tick(d, func(time.Time) tea.Msg { return pollDue{id, gen} })
}

// laterVia waits for the next poll as later does, through wait: wait may end
// sooner with a message of its own, or return nil when its context ends.
func (p *poller) laterVia(wait func(ctx context.Context) tea.Msg) tea.Cmd {
	p.retry, p.call = "", nil // the call that retried has answered
	d := p.interval
	p.interval = backoff(p.interval, p.limit)
	p.gen++
	id, gen := p.id, p.gen
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		if msg := wait(ctx); msg != nil {
			return msg
		}
		return pollDue{id, gen}
	}
}

// due reports whether msg is the poll scheduled last; ours reports whether it
// is any poll of this poller (a stale one is dropped).
func (p *poller) due(msg tea.Msg) (due, ours bool) {
	d, ok := msg.(pollDue)
	if !ok || d.id != p.id {
		return false, false
	}
	return d.gen == p.gen, true
}

// now is "check now": the interval starts over and the scheduled poll is
// dropped; the step asks at once.
func (p *poller) now() {
	p.interval = p.first
	p.gen++
}

// cancel drops the scheduled poll.
func (p *poller) cancel() { p.gen++ }

// slow waits the longest between polls (after an answer that will not change soon).
func (p *poller) slow() { p.interval = p.limit }

// status is the spinner, its sentence and how long the wait has lasted.
func (p *poller) status(s *Styles, now time.Time) string {
	return p.view() + "  " + s.Faint.Render(elapsed(now.Sub(p.since)))
}

// paragraphs joins non-empty blocks with blank lines, wrapped to width.
func paragraphs(width int, blocks ...string) string {
	var out []string
	for _, b := range blocks {
		if strings.TrimSpace(b) == "" {
			continue
		}
		if width > 0 && lipgloss.Width(b) > width { // a form is already laid out at the width
			b = lipgloss.NewStyle().Width(width).Render(b)
		}
		out = append(out, b)
	}
	return strings.Join(out, "\n\n")
}

// elapsed prints a duration as m:ss.
func elapsed(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// backoff grows a poll interval by half, up to limit.
func backoff(d, limit time.Duration) time.Duration {
	d += d / 2
	if d > limit {
		return limit
	}
	return d
}

var (
	keyRetry = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "keys.retry"))
	keyQuit  = key.NewBinding(key.WithKeys("enter", "q"), key.WithHelp("enter", "keys.save_and_quit"))
)

// browserOpened is the result of opening a page in the browser.
type browserOpened struct {
	url string
	err error
}

// openInBrowser opens url in a command, so a slow launcher never blocks the screen.
func openInBrowser(open func(string) error, url string) tea.Cmd {
	return func() tea.Msg { return browserOpened{url: url, err: open(url)} }
}

// termState remembers what the terminal told a step (its size, its background),
// so that a form built after the step started can be told too: the shell sends
// these once, when it enters the step.
type termState struct {
	size *tea.WindowSizeMsg
	bg   *tea.BackgroundColorMsg
}

func (t *termState) note(msg tea.Msg) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		t.size = &msg
	case tea.BackgroundColorMsg:
		t.bg = &msg
	}
}

// start initialises a form built after the step started.
func (t *termState) start(f *huh.Form) (*huh.Form, tea.Cmd) {
	cmds := []tea.Cmd{f.Init()}
	var cmd tea.Cmd
	if t.bg != nil {
		f, cmd = updateForm(f, *t.bg)
		cmds = append(cmds, cmd)
	}
	if t.size != nil {
		f, cmd = updateForm(f, *t.size)
		cmds = append(cmds, cmd)
	}
	return f, tea.Batch(cmds...)
}

// formWantsBack says whether k, pressed in form f, means "the previous step":
// shift+tab on the form's first field (firstKey), or esc anywhere but in a list,
// where esc ends a search.
func formWantsBack(f *huh.Form, k tea.KeyPressMsg, firstKey string) bool {
	if f == nil || f.State != huh.StateNormal {
		return k.String() == "esc"
	}
	field := f.GetFocusedField()
	if field == nil {
		return false
	}
	switch k.String() {
	case "shift+tab":
		return field.GetKey() == firstKey
	case "esc":
		// In a list (huh's selects and steps/picker's) esc ends or clears a search.
		if _, list := field.(interface{ GetFiltering() bool }); list {
			return false
		}
		return true
	}
	return false
}
