package steps

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

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
	m, cmd := f.Update(msg)
	if ff, ok := m.(*huh.Form); ok {
		f = ff
	}
	return f, cmd
}

// call runs fn in a tea.Cmd with the call timeout: every service call goes through here.
func (e *Env) call(fn func(ctx context.Context) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), e.callTimeout())
		defer cancel()
		return fn(ctx)
	}
}

// T is a short way to the catalog.
func (e *Env) T(key string, args ...any) string { return e.Words.T(key, args...) }

// emit wraps a message as a command.
func emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// shownError is sent back to a step once the error it reported is saved.
type shownError struct{ err error }

// failed reports err to the shell (which saves it) and shows it afterwards.
func failed(id ID, err error, apply func(*store.Session)) tea.Cmd {
	return emit(Record{Step: id, Kind: "error", Err: err, Detail: err.Error(), Apply: apply, Reply: shownError{err}})
}

// busy is the part of a step that waits for a call: a spinner and a sentence.
type busy struct {
	on    bool
	text  string
	spin  spinner.Model
	since time.Time
}

func newBusy() busy { return busy{spin: spinner.New(spinner.WithSpinner(spinner.Dot))} }

// start shows the spinner with text and returns the command that animates it.
func (b *busy) start(text string, now time.Time) tea.Cmd {
	wasOn := b.on
	b.on, b.text, b.since = true, text, now
	if wasOn {
		return nil
	}
	return b.spin.Tick
}

func (b *busy) stop() { b.on = false }

// update animates the spinner; it drops ticks while nothing is under way.
func (b *busy) update(msg tea.Msg) (tea.Cmd, bool) {
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
	return b.spin.View() + " " + b.text
}

// Styles used by step bodies. Colours come from the huh theme's palette choices;
// the bodies keep to bold, faint and one accent so they read on any background.
var (
	titleStyle  = lipgloss.NewStyle().Bold(true)
	faintStyle  = lipgloss.NewStyle().Faint(true)
	errorStyle  = lipgloss.NewStyle().Foreground(lipgloss.Red).Bold(true)
	okStyle     = lipgloss.NewStyle().Foreground(lipgloss.Green)
	accentStyle = lipgloss.NewStyle().Foreground(lipgloss.Cyan).Bold(true)
	boxStyle    = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1)
)

// paragraphs joins non-empty blocks with blank lines, wrapped to width.
func paragraphs(width int, blocks ...string) string {
	var out []string
	for _, b := range blocks {
		if strings.TrimSpace(b) == "" {
			continue
		}
		if width > 0 {
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
	keyEnter = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue"))
	keyRetry = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry"))
	keyQuit  = key.NewBinding(key.WithKeys("enter", "q"), key.WithHelp("enter", "save and quit"))
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
		switch field.(type) {
		case *huh.Select[string], *huh.Select[bool], *huh.MultiSelect[string]:
			return false
		}
		return true
	}
	return false
}
