package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Engine is the store contract: what the wizard and its commands need from
// wherever signups are kept. Two engines implement it — the local bbolt file
// (this package, the default) and PostgreSQL for a team (store/postgres) — and
// one suite of tests (store/storetest) runs against each.
//
// Every call takes a context; a cancelled context ends a wait (for a lock, a
// connection, a watch) with ctx.Err(). Ids may be given in any case, with or
// without the dash (see NormaliseID).
type Engine interface {
	// Where names the store for messages: a file path, or a database address
	// without its password.
	Where() string

	// Load returns the signup with the given id; a missing one is an error
	// wrapping ErrNotFound.
	Load(ctx context.Context, id string) (Session, error)

	// Save writes sess as its next revision and appends ev to its history, in
	// one transaction, only if the stored revision is sess.Rev — the one the
	// writer loaded (0 for a signup not stored yet). Otherwise it returns a
	// *ConflictError (errors.Is ErrConflict) and changes nothing.
	//
	// hold is the writer's hold on the signup (see Acquire) or nil. With a
	// hold, the save is refused with ErrHoldLost unless it is still the live
	// hold of that signup (fencing: a holder whose hold lapsed, and was perhaps
	// taken by someone else, cannot write). Without one, a live hold by
	// anyone refuses the save with a *HeldError.
	//
	// On success sess.Rev is the new revision (sess.Rev+1), sess.Schema is
	// SessionSchema, and the rest is filled in as documented on Store.Save.
	// sess is changed only if the save succeeds.
	Save(ctx context.Context, sess *Session, ev Event, hold *Hold) error

	// Events returns a signup's history in order; a missing signup is an
	// error wrapping ErrNotFound.
	Events(ctx context.Context, id string) ([]Event, error)

	// List returns the signups q selects, the most recently updated first, at
	// most q.Limit of them, with a cursor for the next page.
	List(ctx context.Context, q Query) (Page, error)

	// Latest returns the most recently updated signup q selects (its Limit
	// and Cursor are ignored); ok is false when there is none. The wizard's
	// resume offer asks for Query{Statuses: Resumable, By: me}.
	Latest(ctx context.Context, q Query) (sess Session, ok bool, err error)

	// Acquire takes a hold on the signup with the given id for holder, for
	// ttl. If someone else holds it (a live hold, not expired) it returns a
	// *HeldError saying who, where and since when, and takes nothing. A
	// signup need not exist yet to be held (a new one is held before its
	// first save). A live hold refuses even its own holder: Release (or
	// Renew) it rather than take it again.
	Acquire(ctx context.Context, id string, holder Holder, ttl time.Duration) (*Hold, error)

	// Renew extends h by its TTL from now and updates h.Expires. A hold that
	// lapsed (expired, or taken by another since) is ErrHoldLost.
	Renew(ctx context.Context, h *Hold) error

	// Release gives h up at once. Releasing a lapsed hold is not an error.
	Release(ctx context.Context, h *Hold) error

	// Break gives up h — a hold as Holds or a *HeldError shows it, without
	// its token — when its holder is known to be gone: its process ended on
	// this machine without releasing it (killed, crashed). Only the hold that
	// is still exactly h (same holder, same Since) is removed; nothing else
	// is an error. The store cannot know a holder died: the caller checks.
	Break(ctx context.Context, h Hold) error

	// Holds returns the live holds, for `wizard list` and doctor. The holds
	// it returns, like the one in a *HeldError, have no Token: only the
	// holder has it.
	Holds(ctx context.Context) ([]Hold, error)

	// Watch sends a Change each time a signup is saved, imported or its hold
	// is taken or given up, until ctx ends (then the channel is closed).
	// Changes may be coalesced; a Change with an empty ID means "anything may
	// have changed: read again".
	Watch(ctx context.Context) (<-chan Change, error)

	// Export returns the signup and its history, read in one transaction, as
	// a bundle stamped with at and by.
	Export(ctx context.Context, id string, at time.Time, by string) (Bundle, error)

	// Import adds sess and its history (as a bundle holds them). A signup
	// already stored is refused with *ExistsError unless replace; even with
	// replace, one whose stored revision is newer than sess.Rev is refused
	// with a *ConflictError, and a held one with a *HeldError.
	Import(ctx context.Context, sess Session, events []Event, replace bool) (Session, error)

	// Check verifies what is stored — each signup and its history against
	// the import rules (times against now), and whatever the engine can check
	// of itself — and reports every problem. It reads only.
	Check(ctx context.Context, now time.Time) (Report, error)

	// Close releases what the engine holds open. It does not release holds.
	Close() error
}

// Resumable are the statuses the resume offer looks at.
var Resumable = []Status{StatusActive, StatusWaiting}

// Query selects signups for List and Latest. The zero Query selects all.
type Query struct {
	Statuses []Status // only these statuses; empty means any
	// Search keeps signups whose company name or e-mail contains it, in
	// any case; whose id contains it with or without the dash; or, when it
	// looks like (part of) a phone number ("+7 701 123-45"), whose E.164
	// number contains its digits. MatchSearch is the exact rule. Engines
	// filter before decoding a whole signup where they can (PostgreSQL in
	// the database).
	Search string
	By     string // only signups last updated by this user; empty means anyone's
	Limit  int    // at most this many; 0 means all
	Cursor string // Page.Next of the previous page; empty for the first
}

// Page is one page of List.
type Page struct {
	Sessions []Session
	Next     string // cursor of the next page; empty when this is the last
}

// Holder is who holds a signup: the user, the machine and the process.
type Holder struct {
	Who     string `json:"who"`
	Machine string `json:"machine"`
	PID     int    `json:"pid"`
}

// Hold is a lease on one signup: the holder works on it; others may read it
// but not save it. It expires by itself unless renewed (at TTL/3).
type Hold struct {
	ID      string        `json:"id"`    // the signup's id
	Token   string        `json:"token"` // unique to this hold; fencing compares it
	Holder  Holder        `json:"holder"`
	Since   time.Time     `json:"since"`
	Expires time.Time     `json:"expires"`
	TTL     time.Duration `json:"ttl"`
}

// DefaultHoldTTL is how long a hold lives without renewal.
const DefaultHoldTTL = 6 * time.Second

var (
	// ErrConflict: the signup was saved by someone else since it was loaded.
	ErrConflict = errors.New("someone else changed this signup since it was loaded")
	// ErrHoldLost: the writer's hold expired or was taken over.
	ErrHoldLost = errors.New("this wizard's hold on the signup lapsed")
	// ErrHeld: someone else holds the signup.
	ErrHeld = errors.New("the signup is in use by someone else")
)

// ConflictError is a save refused because the stored revision is not the one
// the writer loaded. Current is the signup as stored now (zero if gone).
type ConflictError struct {
	ID      string
	Loaded  uint64 // the revision the writer had
	Stored  uint64 // the revision stored now
	Current Session
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("signup %s was changed elsewhere (revision %d, this copy has %d): reload it", e.ID, e.Stored, e.Loaded)
}

func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// HeldError is an operation refused because someone else holds the signup.
type HeldError struct{ Hold Hold }

func (e *HeldError) Error() string {
	h := e.Hold
	return fmt.Sprintf("signup %s is in use by %s on %s since %s", h.ID, orDash(h.Holder.Who), orDash(h.Holder.Machine),
		h.Since.Local().Format("15:04"))
}

func (e *HeldError) Is(target error) bool { return target == ErrHeld }

// ExistsError is an import refused because the signup is already stored.
type ExistsError struct {
	ID  string
	Rev uint64 // the stored revision
}

func (e *ExistsError) Error() string {
	return fmt.Sprintf("signup %s is already stored (revision %d); import with --replace to overwrite it", e.ID, e.Rev)
}

func (e *ExistsError) Is(target error) bool { return target == ErrExists }

// Change is one thing Watch saw.
type Change struct {
	ID  string // the signup; empty: read everything again
	Rev uint64 // its revision after the change, when known
}
