package ui

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"reflect"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"

	"wizard/steps"
	"wizard/store"
	"wizard/termsafe"
)

// holdKeeper keeps the shell's hold on its signup alive: a renewal every
// TTL/3 (a tick, then a command that renews, then its result, then the next
// tick), and taking the hold again when it lapsed. Only the chain of the
// current generation counts: a result of an older one is dropped.
type holdKeeper struct {
	hold      *store.Hold  // the hold the shell holds; nil: none
	gen       int          // generation of the renewal chain
	acquiring bool         // an Acquire is under way
	waiting   *pendingSave // a save waiting for the hold to be taken again
	failSince time.Time    // renewals have failed since then (zero: they work)
	trouble   error        // they have failed for longer than the TTL: shown quietly
}

// renewTick says it is time to renew the hold (of chain gen).
type renewTick struct{ gen int }

// renewedMsg is the result of a renewal.
type renewedMsg struct {
	gen  int
	hold store.Hold // with its new Expires
	err  error
}

// acquiredMsg is the result of taking the hold again.
type acquiredMsg struct {
	fromRenew bool // a renewal found the hold lapsed (else a save did)
	hold      *store.Hold
	err       error
}

// reloadedMsg is the signup as stored, read after a conflict that did not
// carry it.
type reloadedMsg struct {
	p    pendingSave
	sess store.Session
	err  error
}

// start begins the renewals (none without a hold).
func (k *holdKeeper) start() tea.Cmd {
	if k.hold == nil {
		return nil
	}
	return k.next()
}

// ttl is how long the hold lives without renewal.
func (k *holdKeeper) ttl() time.Duration {
	if k.hold == nil || k.hold.TTL <= 0 {
		return store.DefaultHoldTTL
	}
	return k.hold.TTL
}

// next waits a third of the TTL, then asks for a renewal.
func (k *holdKeeper) next() tea.Cmd {
	gen := k.gen
	return tea.Tick(k.ttl()/3, func(time.Time) tea.Msg { return renewTick{gen: gen} })
}

// ok notes that the store answered: the hold is fine.
func (k *holdKeeper) ok() { k.failSince, k.trouble = time.Time{}, nil }

// failed notes a renewal (or a new Acquire) the store did not answer; it is
// shown only once it has gone on for longer than the TTL.
func (k *holdKeeper) failed(now time.Time, err error) {
	if k.failSince.IsZero() {
		k.failSince = now
	}
	if now.Sub(k.failSince) >= k.ttl() {
		k.trouble = err
	}
}

// callTimeout bounds one renewal or Acquire, so that a store that does not
// answer (a database gone away) cannot stop the chain.
func (k *holdKeeper) callTimeout() time.Duration { return max(k.ttl(), 2*time.Second) }

// renewTick: renew the hold, in a command.
func (a *App) renewTick(msg renewTick) tea.Cmd {
	k := &a.holds
	if msg.gen != k.gen || k.hold == nil || a.takenOver != nil {
		return nil
	}
	if k.acquiring { // a save is taking the hold again; the chain goes on
		return k.next()
	}
	h, st, gen, timeout := *k.hold, a.store, k.gen, k.callTimeout()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		err := st.Renew(ctx, &h)
		return renewedMsg{gen: gen, hold: h, err: err}
	}
}

// renewed handles a renewal's result: renewed, the next tick; lapsed, take
// the hold again; not answered, try again at the next tick.
func (a *App) renewed(msg renewedMsg) tea.Cmd {
	k := &a.holds
	if msg.gen != k.gen || k.hold == nil || a.takenOver != nil {
		return nil
	}
	switch {
	case msg.err == nil:
		h := msg.hold // a new value: saves under way read the one they were given
		k.hold = &h
		k.ok()
		return k.next()
	case errors.Is(msg.err, store.ErrHoldLost):
		if k.acquiring {
			return k.next()
		}
		return a.retake(true)
	default:
		k.failed(a.env.Clock.Now(), msg.err)
		return k.next()
	}
}

// retake takes the hold again, with the same holder and TTL, in a command.
func (a *App) retake(fromRenew bool) tea.Cmd {
	k := &a.holds
	k.acquiring = true
	id, holder, ttl, st, timeout := k.hold.ID, k.hold.Holder, k.hold.TTL, a.store, k.callTimeout()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		h, err := st.Acquire(ctx, id, holder, ttl)
		return acquiredMsg{fromRenew: fromRenew, hold: h, err: err}
	}
}

// acquired handles taking the hold again: got it, a new renewal chain and the
// save that waited goes again (the revision check then decides); someone else
// has it, taken over; not answered, the waiting save failed (ctrl+r).
func (a *App) acquired(msg acquiredMsg) tea.Cmd {
	k := &a.holds
	k.acquiring = false
	wait := k.waiting
	k.waiting = nil
	if a.takenOver != nil {
		return nil
	}
	var held *store.HeldError
	switch {
	case msg.err == nil && msg.hold != nil:
		k.hold = msg.hold
		k.gen++
		k.ok()
		cmds := []tea.Cmd{k.next()}
		if wait != nil {
			a.inFlight = false
			a.queue = append([]pendingSave{*wait}, a.queue...)
			cmds = append(cmds, a.nextSave())
		}
		return tea.Batch(cmds...)
	case errors.As(msg.err, &held):
		return a.takeOver(held.Hold, wait)
	default:
		k.failed(a.env.Clock.Now(), msg.err)
		var cmds []tea.Cmd
		if msg.fromRenew {
			cmds = append(cmds, k.next())
		}
		if wait != nil {
			a.inFlight = false
			cmds = append(cmds, a.failed(*wait, msg.err))
		}
		return tea.Batch(cmds...)
	}
}

// refused handles a save the store refused.
func (a *App) refused(msg savedMsg) tea.Cmd {
	p, err := msg.p, msg.err
	var (
		conflict *store.ConflictError
		held     *store.HeldError
	)
	switch {
	case errors.Is(err, store.ErrHoldLost) && a.holds.hold != nil && !p.retook:
		if msg.hold != nil && msg.hold.Token != a.holds.hold.Token { // taken again meanwhile
			a.queue = append([]pendingSave{p}, a.queue...)
			return a.nextSave()
		}
		p.retook = true
		a.inFlight = true // the save waits for the hold; nothing else starts
		a.holds.waiting = &p
		if a.holds.acquiring {
			return nil
		}
		return a.retake(false)
	case errors.As(err, &held):
		return a.takeOver(held.Hold, &p)
	case errors.As(err, &conflict):
		if conflict.Current.ID == "" {
			return a.reload(p)
		}
		return a.conflict(p, conflict.Current)
	}
	return a.failed(p, err)
}

// failed keeps a save that failed for ctrl+r: the error stays on screen.
func (a *App) failed(p pendingSave, err error) tea.Cmd {
	a.saveErr = err
	a.retry = &p
	a.typed.drop() // the screen they were typed for waits on the retry
	if a.quitting && a.exit == ExitUnsaved {
		return tea.Quit
	}
	a.quitting = false // the user decides: retry, or quit knowing what is lost
	return nil
}

// reload reads the signup as stored now, in a command, after a conflict.
func (a *App) reload(p pendingSave) tea.Cmd {
	a.inFlight = true
	id, st := a.sess.ID, a.store
	return func() tea.Msg {
		sess, err := st.Load(context.Background(), id)
		return reloadedMsg{p: p, sess: sess, err: err}
	}
}

func (a *App) reloaded(msg reloadedMsg) tea.Cmd {
	a.inFlight = false
	if a.takenOver != nil {
		return nil
	}
	switch {
	case errors.Is(msg.err, store.ErrNotFound): // gone: write it anew
		a.sess.Rev = 0
		a.queue = append([]pendingSave{msg.p}, a.queue...)
		return a.nextSave()
	case msg.err != nil:
		return a.failed(msg.p, msg.err)
	}
	return a.conflict(msg.p, msg.sess)
}

// takeOver: someone else holds the signup now. Nothing more is saved; what
// was waiting stays listed for Unsaved, and only quitting is left.
func (a *App) takeOver(other store.Hold, p *pendingSave) tea.Cmd {
	a.takenOver = &other
	if p != nil {
		a.retry = p
	}
	a.holds.hold, a.holds.waiting = nil, nil
	a.holds.gen++ // ends the renewals
	a.inFlight, a.saveErr, a.quitAsked, a.quitting = false, nil, false, false
	a.notice, a.endAfter = "", ExitNone
	a.typed.drop()
	return nil
}

// conflict handles a save refused because someone else saved the signup
// since: the shell's session becomes theirs. If the step the save was for is
// still where the signup stands, what this screen changed is applied onto it
// and saved again; otherwise it is dropped and the step the signup is at now
// is shown. A notice says who changed what.
func (a *App) conflict(p pendingSave, cur store.Session) tea.Cmd {
	pending := append([]pendingSave{p}, a.queue...)
	a.queue = nil
	before := a.base
	changed := a.changes(before, cur)
	who := termsafe.Line(cur.UpdatedBy)
	if who == "" {
		who = a.words.T("ui.someone")
	}
	at := a.clock(cur.UpdatedAt)
	a.sess, a.base = cur, cur
	now := steps.Next(cur)
	if a.keepsStep(p, before, cur) {
		for _, q := range pending {
			a.apply(q.apply)
		}
		a.queue = pending
		a.notice = a.words.T("ui.conflict", who, at, changed)
		return a.nextSave()
	}
	a.typed.drop()
	a.quitting = false // what was to be saved is gone: the user reads why first
	a.notice = a.words.T("ui.conflict_moved", who, at, changed, a.words.T("step."+string(now)))
	switch cur.Status {
	case store.StatusDone:
		a.endAfter = ExitFinished
	case store.StatusAbandoned:
		a.endAfter = ExitAbandoned
	}
	return a.enter(now)
}

// keepsStep says whether what the refused save p changed may be applied onto
// cur: the signup is still at the step the save was made for (or, when that
// step was being revisited, still at the step it was at), and nobody parked,
// finished or abandoned it.
func (a *App) keepsStep(p pendingSave, before, cur store.Session) bool {
	switch cur.Status {
	case store.StatusDone, store.StatusAbandoned:
		return false
	case store.StatusWaiting:
		if before.Status != store.StatusWaiting {
			return false
		}
	}
	next := steps.Next(cur)
	return next == p.step || (next == steps.Next(before) && a.step.ID() == p.step)
}

// sessionParts are the parts of a session a conflict notice names when they
// differ (its top-level fields but the bookkeeping ones), by JSON name.
var sessionParts = func() []int {
	skip := map[string]bool{"ID": true, "Schema": true, "Rev": true, "CreatedAt": true, "UpdatedAt": true,
		"CreatedBy": true, "UpdatedBy": true}
	var out []int
	t := reflect.TypeFor[store.Session]()
	for i := range t.NumField() {
		if !skip[t.Field(i).Name] {
			out = append(out, i)
		}
	}
	return out
}()

// changes names, in catalog words, the parts of the session that differ
// between before and after.
func (a *App) changes(before, after store.Session) string {
	b, c := reflect.ValueOf(before), reflect.ValueOf(after)
	t := b.Type()
	var names []string
	for _, i := range sessionParts {
		if !sameValue(b.Field(i), c.Field(i)) {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			names = append(names, a.words.T("ui.part."+name))
		}
	}
	if len(names) == 0 {
		return a.words.T("ui.part.none")
	}
	return strings.Join(names, ", ")
}

// sameValue compares two values of a session's fields, times as instants (a
// time read back from the store has another location and no monotonic reading).
func sameValue(x, y reflect.Value) bool {
	if t, ok := x.Interface().(time.Time); ok {
		return t.Equal(y.Interface().(time.Time))
	}
	if x.Kind() == reflect.Struct {
		for i := range x.NumField() {
			if !sameValue(x.Field(i), y.Field(i)) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(x.Interface(), y.Interface())
}

// clock is t as the screen shows a time of day, in the user's language: in
// the location of the shell's clock (the local time in the program), with
// the day too when it is not today's.
func (a *App) clock(t time.Time) string {
	if t.IsZero() {
		return "--:--"
	}
	now := a.env.Clock.Now()
	t = t.In(now.Location())
	if y, m, d := t.Date(); y != now.Year() || m != now.Month() || d != now.Day() {
		return a.words.DateTime(t)
	}
	return a.words.Time(t)
}

// saveFailedKey is the catalog key of the words for a failed save, by what
// kind of error it is: a busy file, a store that does not answer (a database
// out of reach), the disk or file, or something else.
func saveFailedKey(err error) string {
	var (
		locked  *store.LockedError
		corrupt *store.CorruptError
		netErr  net.Error
	)
	switch {
	case errors.As(err, &locked):
		return "ui.save_failed_busy"
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr):
		return "ui.save_failed_unreachable"
	case errors.As(err, &corrupt) || isDiskError(err):
		return "ui.save_failed"
	}
	return "ui.save_failed_other"
}

// isDiskError says whether err is the file or the disk failing (no space, an
// I/O error, a file that cannot be opened or written).
func isDiskError(err error) bool {
	var pathErr *fs.PathError
	return errors.As(err, &pathErr) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EIO) ||
		errors.Is(err, fs.ErrPermission)
}
