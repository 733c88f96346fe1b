// Package ui is the Bubble Tea shell: one root model that frames the current
// step (header with progress, body, footer with key help), saves what the steps
// report, and moves to the step that steps.Next names.
package ui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"wizard/assets"
	"wizard/steps"
	"wizard/store"
)

// Store is the part of the store the shell needs (store.Engine satisfies it):
// saving, reloading a signup someone else changed, and keeping its hold.
type Store interface {
	Save(ctx context.Context, sess *store.Session, ev store.Event, hold *store.Hold) error
	Load(ctx context.Context, id string) (store.Session, error)
	Acquire(ctx context.Context, id string, h store.Holder, ttl time.Duration) (*store.Hold, error)
	Renew(ctx context.Context, h *store.Hold) error
}

// Options wire the shell.
type Options struct {
	Store   Store
	Env     *steps.Env
	Session store.Session // a new session, or one loaded to resume
	Resumed bool          // the session was loaded from the store
	User    string        // who is working, for the event history
	// Hold is the command's hold on the signup (taken before the shell
	// starts). The shell saves with it, renews it every TTL/3 and takes it
	// again if it lapsed; see Hold for the one it holds at the end. Nil: no
	// hold (saves go without one and nothing is renewed).
	Hold *store.Hold
}

// App is the root model.
type App struct {
	store  Store
	env    *steps.Env
	words  *assets.Words
	user   string
	sess   store.Session
	step   steps.Step
	keys   keyMap
	help   help.Model
	styles styles

	width      int
	height     int
	scroll     scroller                // where the body's viewport stands
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

	base      store.Session // the session as last known stored: what a conflict is compared with
	lastSaved time.Time     // when the last save of this run was made (zero: none yet)
	holds     holdKeeper    // the hold and its renewal
	takenOver *store.Hold   // someone else holds the signup now: nothing more is saved
	notice    string        // shown until the next key (someone else changed the signup)
	endAfter  ExitReason    // after the notice, the next key ends the run with this

	class presenter // a trainer's demo: the presenter notes, the pace, the step told (presenter.go)
}

// ExitReason says how the shell ended, for the command to print the right words.
type ExitReason int

const (
	ExitNone        ExitReason = iota
	ExitInterrupted            // ctrl+c: saved, resume later
	ExitParked                 // the session waits for something outside
	ExitFinished               // the flow is done
	ExitUnsaved                // quit although a save had failed (or the signup was taken over): see Unsaved
	ExitAbandoned              // someone else abandoned the signup while it was open here
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
		keys: newKeyMap(o.Env.Words), help: help.New(), styles: newStyles(true), holds: holdKeeper{hold: o.Hold}}
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
	a.base = a.sess
	a.step = steps.New(id, a.env, a.sess)
	return a
}

// Hold is the hold the shell holds now: the one it was given, renewed, or the
// one it took again after that lapsed; nil if it has none (none was given, or
// someone else took the signup over). The command releases it at exit.
func (a *App) Hold() *store.Hold { return a.holds.hold }

// TakenOver is the hold of whoever took the signup over while the shell ran
// (ok false if nobody did).
func (a *App) TakenOver() (h store.Hold, ok bool) {
	if a.takenOver == nil {
		return store.Hold{}, false
	}
	return *a.takenOver, true
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
	return tea.Batch(tea.RequestBackgroundColor, a.save(a.initial, nil, false, nil), a.step.Init(), a.drive(steps.Entered{}),
		a.holds.start(), a.classroomInit())
}

// savedMsg is the result of a save made in a command.
type savedMsg struct {
	sess store.Session
	p    pendingSave
	hold *store.Hold // the hold it was made with
	err  error
}

// pendingSave is a save waiting its turn.
type pendingSave struct {
	ev      store.Event
	reply   tea.Msg // sent to the step after a successful save
	advance bool    // build the step that Next names
	// apply is the change the save writes (already applied to the shell's
	// session): after a conflict it is applied again onto the signup as
	// someone else stored it.
	apply func(*store.Session)
	// step is the step the save was made for.
	step steps.ID
	// retook: the save already met a lapsed hold and took it again once.
	retook bool
}

// save queues ev to be saved with the session. Saves run one at a time, in the
// order they were asked for, and each writes the session as it is when its turn
// comes: two saves never race, and the last one written is the newest. apply is
// the change to the session it writes (already applied), kept to apply again
// after a conflict.
func (a *App) save(ev store.Event, reply tea.Msg, advance bool, apply func(*store.Session)) tea.Cmd {
	a.queue = append(a.queue, pendingSave{ev: ev, reply: reply, advance: advance, apply: apply, step: steps.ID(ev.Step)})
	if a.inFlight || a.saveErr != nil || a.takenOver != nil {
		return nil // the next one starts when this one ends (or after ctrl+r)
	}
	return a.nextSave()
}

// nextSave starts the first queued save, in a command, with the shell's hold.
func (a *App) nextSave() tea.Cmd {
	if len(a.queue) == 0 || a.takenOver != nil {
		return nil
	}
	p := a.queue[0]
	a.queue = a.queue[1:]
	a.inFlight = true
	sess, st, hold := a.sess, a.store, a.holds.hold
	return func() tea.Msg {
		err := st.Save(context.Background(), &sess, p.ev, hold)
		return savedMsg{sess: sess, p: p, hold: hold, err: err}
	}
}

// saving reports whether anything is still to be written.
// Once the signup is taken over nothing more will be: what waits is lost.
func (a *App) saving() bool { return a.takenOver == nil && (a.inFlight || len(a.queue) > 0) }

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
		a.width, a.height = msg.Width, msg.Height
		a.size = &msg
		a.scroll.reset() // re-laid out: show the focus again
		a.help.SetWidth(msg.Width)
	case tea.BackgroundColorMsg:
		a.background = &msg
		a.styles = newStyles(msg.IsDark())
		a.env.Styles = stepStyles(msg.IsDark())
		a.help.Styles = help.DefaultStyles(msg.IsDark())
	case tea.KeyPressMsg:
		if a.takenOver != nil { // nothing more is saved from here: only quitting is left
			if key.Matches(msg, a.keys.Quit) {
				a.exit = ExitInterrupted
				if len(a.Unsaved()) > 0 {
					a.exit = ExitUnsaved
				}
				return a, tea.Quit
			}
			return a, nil
		}
		if a.notice != "" {
			a.notice = ""
			if a.endAfter != ExitNone { // the signup was finished or abandoned elsewhere
				a.exit = a.endAfter
				return a, a.quit()
			}
		}
		if cmd, ok := a.presenterKey(msg); ok {
			return a, cmd
		}
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
			a.retry.retook = false // a hold that lapsed again may be taken again
			a.queue = append([]pendingSave{*a.retry}, a.queue...)
			a.retry, a.saveErr, a.quitAsked = nil, nil, false
			return a, a.nextSave()
		case a.scrollKey(msg):
			a.scroll.page(msg.String() == "pgdown")
			return a, nil
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
	case renewTick:
		return a, a.renewTick(msg)
	case renewedMsg:
		return a, a.renewed(msg)
	case acquiredMsg:
		return a, a.acquired(msg)
	case reloadedMsg:
		return a, a.reloaded(msg)
	case classroomMsg:
		return a, a.classroomUpdate(msg)
	case holdTimeout:
		if a.typed.timedOut(msg) {
			return a, a.replay()
		}
		return a, nil
	}
	cmd := a.drive(a.forStep(msg))
	if t, ok := a.step.(steps.Typist); ok && a.typed.moved(t.Focus()) {
		return a, tea.Batch(cmd, a.replay()) // the form has moved: the held keys are its
	}
	return a, cmd
}

// drive hands msg to the current step and acts on what it decided.
func (a *App) drive(msg tea.Msg) tea.Cmd {
	if a.stepDone || a.takenOver != nil {
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
	a.scroll.manual = false // a key for the step: its focus is shown again
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
		fn := func(s *store.Session) {
			if o.Apply != nil {
				o.Apply(s)
			}
			if s.Status == store.StatusWaiting {
				s.Status, s.WaitingReason = store.StatusActive, ""
			}
		}
		a.apply(fn)
		return a.save(o.Detail.Event(store.Event{At: a.sess.UpdatedAt, By: a.user, Step: string(o.Step), Kind: "step.done"}), nil, true, fn)
	case steps.Record:
		if o.Reply != nil {
			a.typed.untilSaved()
		}
		a.apply(o.Apply)
		ev := o.Detail.Event(store.Event{At: a.sess.UpdatedAt, By: a.user, Step: string(o.Step), Kind: o.Kind})
		if o.Err != nil {
			ev.Error = o.Err.Error()
		}
		return a.save(ev, o.Reply, false, o.Apply)
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
	if a.takenOver != nil { // it was under way when the take-over was found
		if msg.err != nil {
			a.queue = append([]pendingSave{msg.p}, a.queue...) // lost: Unsaved lists it
		}
		return nil
	}
	if msg.err != nil {
		return a.refused(msg)
	}
	a.saveErr, a.onDisk = nil, true
	if msg.sess.Rev > a.sess.Rev {
		a.sess.Rev = msg.sess.Rev
	}
	a.base, a.lastSaved = msg.sess, msg.sess.UpdatedAt
	next := a.nextSave()
	if a.quitting {
		if !a.saving() {
			return tea.Quit
		}
		return next
	}
	var cmd tea.Cmd
	switch {
	case msg.p.advance:
		a.typed.saved()
		cmd = a.enter(steps.ID(a.sess.Step))
	case msg.p.reply != nil:
		a.typed.saved()
		cmd = a.drive(msg.p.reply)
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
	a.scroll.reset()
	cmds := []tea.Cmd{a.step.Init()}
	if a.background != nil {
		cmds = append(cmds, a.drive(*a.background))
	}
	if a.size != nil {
		cmds = append(cmds, a.drive(a.forStep(*a.size)))
	}
	cmds = append(cmds, a.drive(steps.Entered{}), a.tellStep())
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
