// Package ui is the Bubble Tea shell: one root model that frames the current
// step (header with progress, body, footer with key help), saves what the steps
// report, and moves to the step that steps.Next names.
package ui

import (
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"wizard/assets"
	"wizard/steps"
	"wizard/store"
)

// Saver is the part of the store the shell needs.
type Saver interface {
	Save(sess *store.Session, ev store.Event) error
}

// Options wire the shell.
type Options struct {
	Store   Saver
	Env     *steps.Env
	Session store.Session // a new session, or one loaded to resume
	Resumed bool          // the session was loaded from the store
	User    string        // who is working, for the event history
}

// App is the root model.
type App struct {
	store  Saver
	env    *steps.Env
	words  *assets.Words
	user   string
	sess   store.Session
	step   steps.Step
	keys   keyMap
	help   help.Model
	styles styles

	width, height int
	background    *tea.BackgroundColorMsg // the terminal's answer, replayed to each new step
	size          *tea.WindowSizeMsg

	// Keys typed while a form is still moving to its next field are held and
	// replayed in order once it has (see holdAfter): huh moves focus through a
	// message of its own, so a fast typist's or a password manager's next keys
	// would otherwise land in the field just left.
	held         []tea.KeyPressMsg
	holding      bool
	seenSinceKey bool // a message other than a key came since the hold began
	holdTicks    int  // how often the hold has waited for one

	queue    []pendingSave // saves waiting their turn: one at a time, in order
	inFlight bool          // a save is under way
	saveErr  error         // the last save failed: shown until a save succeeds
	retry    *pendingSave  // what to save again on ctrl+r
	quitting bool          // quit as soon as no save is under way
	exit     ExitReason    // why the program ended
	initial  store.Event   // the first event: created or resumed
}

// ExitReason says how the shell ended, for the command to print the right words.
type ExitReason int

const (
	ExitNone        ExitReason = iota
	ExitInterrupted            // ctrl+c: saved, resume later
	ExitParked                 // the session waits for something outside
	ExitFinished               // the flow is done
)

// New builds the shell for a session.
func New(o Options) *App {
	a := &App{store: o.Store, env: o.Env, words: o.Env.Words, user: o.User, sess: o.Session,
		keys: newKeyMap(o.Env.Words), help: help.New(), styles: newStyles(true)}
	now := o.Env.Clock.Now()
	kind := "created"
	if o.Resumed {
		kind = "resumed"
	}
	if a.sess.CreatedAt.IsZero() {
		a.sess.CreatedAt, a.sess.CreatedBy = now, o.User
	}
	if a.sess.Status == "" {
		a.sess.Status = store.StatusActive
	}
	id := steps.Next(a.sess)
	a.sess.Step = string(id)
	a.initial = store.Event{At: now, By: o.User, Step: string(id), Kind: kind}
	a.step = steps.New(id, a.env, a.sess)
	return a
}

// Session is the session as the shell holds it (what was last applied).
func (a *App) Session() store.Session { return a.sess }

// Step is the current step.
func (a *App) Step() steps.Step { return a.step }

// Exit says why the program ended.
func (a *App) Exit() ExitReason { return a.exit }

// Init asks the terminal for its background colour, records that the session
// was opened, and starts the first step.
func (a *App) Init() tea.Cmd {
	a.sess.UpdatedAt, a.sess.UpdatedBy = a.initial.At, a.user
	return tea.Batch(tea.RequestBackgroundColor, a.save(a.initial, nil, false), a.step.Init())
}

// savedMsg is the result of a save made in a command.
type savedMsg struct {
	sess    store.Session
	ev      store.Event
	reply   tea.Msg // sent to the step after a successful save
	advance bool    // build the step that Next names
	err     error
}

// pendingSave is a save waiting its turn.
type pendingSave struct {
	ev      store.Event
	reply   tea.Msg
	advance bool
}

// save queues ev to be saved with the session. Saves run one at a time, in the
// order they were asked for, and each writes the session as it is when its turn
// comes: two saves never race, and the last one written is the newest.
func (a *App) save(ev store.Event, reply tea.Msg, advance bool) tea.Cmd {
	a.queue = append(a.queue, pendingSave{ev: ev, reply: reply, advance: advance})
	if a.inFlight || a.saveErr != nil {
		return nil // the next one starts when this one ends (or after ctrl+r)
	}
	return a.nextSave()
}

// nextSave starts the first queued save, in a command.
func (a *App) nextSave() tea.Cmd {
	if len(a.queue) == 0 {
		return nil
	}
	p := a.queue[0]
	a.queue = a.queue[1:]
	a.inFlight = true
	sess, st := a.sess, a.store
	return func() tea.Msg {
		err := st.Save(&sess, p.ev)
		return savedMsg{sess: sess, ev: p.ev, reply: p.reply, advance: p.advance, err: err}
	}
}

// saving reports whether anything is still to be written.
func (a *App) saving() bool { return a.inFlight || len(a.queue) > 0 }

// apply writes what a step reported into the session and stamps it.
func (a *App) apply(fn func(*store.Session)) {
	if fn != nil {
		fn(&a.sess)
	}
	a.sess.UpdatedAt, a.sess.UpdatedBy = a.env.Clock.Now(), a.user
	a.sess.Step = string(steps.Next(a.sess)) // what resuming opens, and what the list shows

}

func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg.(type) {
	case tea.KeyPressMsg, releaseKeys:
	default:
		a.seenSinceKey = true
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		a.size = &msg
		a.help.SetWidth(msg.Width)
	case tea.BackgroundColorMsg:
		a.background = &msg
		a.styles = newStyles(msg.IsDark())
		a.help.Styles = help.DefaultStyles(msg.IsDark())
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, a.keys.Quit):
			a.exit = ExitInterrupted
			return a, a.quit()
		case a.holding:
			a.held = append(a.held, msg)
			return a, nil
		case a.saveErr != nil && a.retry != nil && key.Matches(msg, a.keys.RetrySave):
			a.queue = append([]pendingSave{*a.retry}, a.queue...)
			a.retry, a.saveErr = nil, nil
			return a, a.nextSave()
		case key.Matches(msg, a.keys.Back) && a.wantsBack(msg):
			if prev := steps.Previous(a.sess, a.step.ID()); prev != "" {
				return a, a.enter(prev)
			}
		}
	case steps.Done:
		a.apply(msg.Apply)
		if a.sess.Status == store.StatusWaiting {
			a.sess.Status, a.sess.WaitingReason = store.StatusActive, ""
		}
		next := steps.Next(a.sess)
		a.sess.Step = string(next)
		return a, a.save(store.Event{At: a.sess.UpdatedAt, By: a.user, Step: string(msg.Step), Kind: "step.done", Detail: msg.Detail}, nil, true)
	case steps.Record:
		a.apply(msg.Apply)
		ev := store.Event{At: a.sess.UpdatedAt, By: a.user, Step: string(msg.Step), Kind: msg.Kind, Detail: msg.Detail}
		if msg.Err != nil {
			ev.Error = msg.Err.Error()
		}
		return a, a.save(ev, msg.Reply, false)
	case steps.Back:
		if prev := steps.Previous(a.sess, msg.Step); prev != "" {
			return a, a.enter(prev)
		}
		return a, nil
	case steps.Quit:
		switch {
		case a.sess.Status == store.StatusDone:
			a.exit = ExitFinished
		case a.sess.Status == store.StatusWaiting:
			a.exit = ExitParked
		default:
			a.exit = ExitInterrupted
		}
		return a, a.quit()
	case savedMsg:
		return a, a.saved(msg)
	case releaseKeys:
		return a, a.release()
	}
	return a, a.forward(msg)
}

// holdFor is how long keys wait after one that may move a form's focus; a hold
// lasts at most maxHoldTicks of them, whatever comes.
const (
	holdFor      = 30 * time.Millisecond
	maxHoldTicks = 10
)

// releaseKeys ends a hold on typed keys.
type releaseKeys struct{}

// focusKeys may move a form to another field: enter, tab, shift+tab, and the
// yes/no keys of a confirmation.
func focusKey(k tea.KeyPressMsg) bool {
	switch k.String() {
	case "enter", "tab", "shift+tab", "y", "Y", "n", "N":
		return true
	}
	return false
}

// forward hands msg to the current step. After a key that may move the focus
// (and gave the form something to do), further keys are held; see held.
func (a *App) forward(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	a.step, cmd = a.step.Update(msg)
	k, isKey := msg.(tea.KeyPressMsg)
	if !isKey {
		return cmd
	}
	if cmd != nil && focusKey(k) {
		a.holding, a.seenSinceKey, a.holdTicks = true, false, 0
		return tea.Batch(cmd, tea.Tick(holdFor, func(time.Time) tea.Msg { return releaseKeys{} }))
	}
	return cmd
}

// release replays the held keys once the form has had its own message; a key
// among them that moves the focus again starts a new hold.
func (a *App) release() tea.Cmd {
	if !a.holding {
		return nil
	}
	a.holdTicks++
	if !a.seenSinceKey && a.holdTicks < maxHoldTicks { // the form's message has not come yet: wait a little more
		return tea.Tick(holdFor, func(time.Time) tea.Msg { return releaseKeys{} })
	}
	a.holding = false
	var cmds []tea.Cmd
	for len(a.held) > 0 && !a.holding {
		k := a.held[0]
		a.held = a.held[1:]
		_, cmd := a.Update(k)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// saved handles the end of a save: on success the step moves on (or gets its
// reply); on failure the error stays on screen with a key to try again.
func (a *App) saved(msg savedMsg) tea.Cmd {
	a.inFlight = false
	if msg.err != nil {
		a.saveErr = msg.err
		a.retry = &pendingSave{ev: msg.ev, reply: msg.reply, advance: msg.advance}
		if a.quitting {
			return tea.Quit // nothing more can be saved; the screen said so
		}
		return nil
	}
	a.saveErr = nil
	if msg.sess.Rev > a.sess.Rev {
		a.sess.Rev = msg.sess.Rev
	}
	next := a.nextSave()
	if a.quitting {
		if !a.saving() {
			return tea.Quit
		}
		return next
	}
	if msg.advance {
		return tea.Batch(next, a.enter(steps.ID(a.sess.Step)))
	}
	if msg.reply != nil {
		var cmd tea.Cmd
		a.step, cmd = a.step.Update(msg.reply)
		return tea.Batch(next, cmd)
	}
	return next
}

// enter builds step id for the session and replays what the terminal told us.
func (a *App) enter(id steps.ID) tea.Cmd {
	a.step = steps.New(id, a.env, a.sess)
	cmds := []tea.Cmd{a.step.Init()}
	if a.background != nil {
		var cmd tea.Cmd
		a.step, cmd = a.step.Update(*a.background)
		cmds = append(cmds, cmd)
	}
	if a.size != nil {
		var cmd tea.Cmd
		a.step, cmd = a.step.Update(*a.size)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// wantsBack says whether a key press means "the previous step" for the current step.
// Going back shows that step again with what the session holds; when it is done
// again, Next leads forward to where the session stands.
func (a *App) wantsBack(k tea.KeyPressMsg) bool {
	if b, ok := a.step.(steps.Backer); ok {
		return b.WantsBack(k)
	}
	return k.String() == "esc"
}

// quit ends the program once every save asked for has been written.
func (a *App) quit() tea.Cmd {
	a.quitting = true
	if !a.saving() || a.saveErr != nil {
		return tea.Quit
	}
	return nil
}
