// Package ui is the Bubble Tea shell: one root model that frames the current
// step (header with progress, body, footer with key help), saves what the steps
// report, and moves to the step that steps.Next names.
package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"context"

	"wizard/assets"
	"wizard/steps"
	"wizard/store"
)

// Saver is the part of the store the shell needs (store.Engine's Save).
type Saver interface {
	Save(ctx context.Context, sess *store.Session, ev store.Event, hold *store.Hold) error
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

	width      int
	background *tea.BackgroundColorMsg // the terminal's answer, replayed to each new step
	size       *tea.WindowSizeMsg

	stepDone bool      // the step reported Done: it gets nothing more
	typed    typeAhead // keys typed while the screen is about to change

	queue     []pendingSave // saves waiting their turn: one at a time, in order
	inFlight  bool          // a save is under way
	saveErr   error         // the last save failed: shown until a save succeeds
	retry     *pendingSave  // what to save again on ctrl+r
	quitting  bool          // quit as soon as no save is under way
	quitAsked bool          // ctrl+c while a save had failed: a second one quits without it
	exit      ExitReason    // why the program ended
	initial   store.Event   // the first event: created or resumed
	onDisk    bool          // the session is in the data file: its id may be shown
}

// ExitReason says how the shell ended, for the command to print the right words.
type ExitReason int

const (
	ExitNone        ExitReason = iota
	ExitInterrupted            // ctrl+c: saved, resume later
	ExitParked                 // the session waits for something outside
	ExitFinished               // the flow is done
	ExitUnsaved                // quit although a save had failed: see Unsaved
)

// Unsaved lists what was not written when the program ended after a failed
// save (the event of each save that was lost), oldest first.
func (a *App) Unsaved() []store.Event {
	var lost []store.Event
	if a.retry != nil {
		lost = append(lost, a.retry.ev)
	}
	for _, p := range a.queue {
		lost = append(lost, p.ev)
	}
	return lost
}

// New builds the shell for a session.
func New(o Options) *App {
	a := &App{store: o.Store, env: o.Env, words: o.Env.Words, user: o.User, sess: o.Session,
		keys: newKeyMap(o.Env.Words), help: help.New(), styles: newStyles(true)}
	a.env.Styles = stepStyles(true)
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
	a.onDisk = o.Resumed
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
	return tea.Batch(tea.RequestBackgroundColor, a.save(a.initial, nil, false), a.step.Init(), a.drive(steps.Entered{}))
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
		err := st.Save(context.Background(), &sess, p.ev, nil)
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
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width = msg.Width
		a.size = &msg
		a.help.SetWidth(msg.Width)
	case tea.BackgroundColorMsg:
		a.background = &msg
		a.styles = newStyles(msg.IsDark())
		a.env.Styles = stepStyles(msg.IsDark())
		a.help.Styles = help.DefaultStyles(msg.IsDark())
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, a.keys.Quit) && a.saveErr != nil && !a.quitAsked:
			// Quitting now would lose what could not be saved: say so, and let the
			// user retry (after freeing space) or quit knowing it.
			a.quitAsked = true
			return a, nil
		case key.Matches(msg, a.keys.Quit):
			a.exit = ExitInterrupted
			if a.saveErr != nil {
				a.exit = ExitUnsaved
			}
			return a, a.quit()
		case a.saveErr != nil && a.retry != nil && key.Matches(msg, a.keys.RetrySave):
			a.queue = append([]pendingSave{*a.retry}, a.queue...)
			a.retry, a.saveErr, a.quitAsked = nil, nil, false
			return a, a.nextSave()
		case a.typed.holding():
			a.typed.add(msg)
			return a, nil
		case a.stepDone:
			return a, nil // its answer is being saved; the next step comes after
		case key.Matches(msg, a.keys.Back) && a.wantsBack(msg):
			if prev := steps.Previous(a.sess, a.step.ID()); prev != "" {
				return a, a.enter(prev)
			}
		}
		return a, a.forwardKey(msg)
	case savedMsg:
		return a, a.saved(msg)
	case holdTimeout:
		if a.typed.timedOut(msg) {
			return a, a.replay()
		}
		return a, nil
	}
	cmd := a.drive(msg)
	if t, ok := a.step.(steps.Typist); ok && a.typed.moved(t.Focus()) {
		return a, tea.Batch(cmd, a.replay()) // the form has moved: the held keys are its
	}
	return a, cmd
}

// drive hands msg to the current step and acts on what it decided.
func (a *App) drive(msg tea.Msg) tea.Cmd {
	if a.stepDone {
		return nil
	}
	var cmd tea.Cmd
	var out steps.Outcome
	a.step, cmd, out = a.step.Update(msg)
	return tea.Batch(cmd, a.act(out))
}

// forwardKey hands a key to the step. After a key that may move the form's
// focus (and gave the form something to do), further keys are held until the
// focus has moved; see typeAhead.
func (a *App) forwardKey(k tea.KeyPressMsg) tea.Cmd {
	before := a.step
	t, typist := before.(steps.Typist)
	var focus string
	moves := typist && t.MovesFocus(k)
	if moves {
		focus = t.Focus()
	}
	cmd := a.drive(k)
	if moves && cmd != nil && !a.typed.holding() && !a.stepDone && a.step == before && t.Focus() == focus {
		return tea.Batch(cmd, a.typed.untilFocusMoves(focus))
	}
	return cmd
}

// act carries out what a step decided: save and move on (Done), save and reply
// (Record), show the previous step (Back) or end (Quit).
func (a *App) act(out steps.Outcome) tea.Cmd {
	switch o := out.(type) {
	case steps.Done:
		a.stepDone = true
		a.typed.untilSaved()
		a.apply(o.Apply)
		if a.sess.Status == store.StatusWaiting {
			a.sess.Status, a.sess.WaitingReason = store.StatusActive, ""
		}
		a.sess.Step = string(steps.Next(a.sess))
		return a.save(store.Event{At: a.sess.UpdatedAt, By: a.user, Step: string(o.Step), Kind: "step.done", Detail: o.Detail}, nil, true)
	case steps.Record:
		if o.Reply != nil {
			a.typed.untilSaved()
		}
		a.apply(o.Apply)
		ev := store.Event{At: a.sess.UpdatedAt, By: a.user, Step: string(o.Step), Kind: o.Kind, Detail: o.Detail}
		if o.Err != nil {
			ev.Error = o.Err.Error()
		}
		return a.save(ev, o.Reply, false)
	case steps.Back:
		if prev := steps.Previous(a.sess, o.Step); prev != "" {
			return a.enter(prev)
		}
	case steps.Quit:
		switch {
		case a.sess.Status == store.StatusDone:
			a.exit = ExitFinished
		case a.sess.Status == store.StatusWaiting:
			a.exit = ExitParked
		default:
			a.exit = ExitInterrupted
		}
		return a.quit()
	}
	return nil
}

// replay ends the hold and hands the held keys over in order; a key among them
// that starts a new hold keeps the rest held.
func (a *App) replay() tea.Cmd {
	keys := a.typed.release()
	var cmds []tea.Cmd
	for i, k := range keys {
		if a.typed.holding() {
			for _, rest := range keys[i:] {
				a.typed.add(rest)
			}
			break
		}
		_, cmd := a.Update(k)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// saved handles the end of a save: on success the step moves on (or gets its
// reply), and the keys typed meanwhile follow; on failure the error stays on
// screen with a key to try again.
func (a *App) saved(msg savedMsg) tea.Cmd {
	a.inFlight = false
	if msg.err != nil {
		a.saveErr = msg.err
		a.retry = &pendingSave{ev: msg.ev, reply: msg.reply, advance: msg.advance}
		a.typed.drop() // the screen they were typed for waits on the retry
		if a.quitting && a.exit == ExitUnsaved {
			return tea.Quit
		}
		a.quitting = false // the user decides: retry, or quit knowing what is lost
		return nil
	}
	a.saveErr, a.onDisk = nil, true
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
	var cmd tea.Cmd
	switch {
	case msg.advance:
		a.typed.saved()
		cmd = a.enter(steps.ID(a.sess.Step))
	case msg.reply != nil:
		a.typed.saved()
		cmd = a.drive(msg.reply)
	default:
		return next
	}
	if a.typed.holding() && !a.typed.saving && !a.stepDone {
		cmd = tea.Batch(cmd, a.replay())
	}
	return tea.Batch(next, cmd)
}

// enter builds step id for the session, replays what the terminal told us and
// tells the step it is on screen.
func (a *App) enter(id steps.ID) tea.Cmd {
	a.step, a.stepDone = steps.New(id, a.env, a.sess), false
	cmds := []tea.Cmd{a.step.Init()}
	if a.background != nil {
		cmds = append(cmds, a.drive(*a.background))
	}
	if a.size != nil {
		cmds = append(cmds, a.drive(*a.size))
	}
	cmds = append(cmds, a.drive(steps.Entered{}))
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
