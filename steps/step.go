// Package steps holds one file per step of the onboarding flow, the flow itself
// (flow.go) and the contract between a step and the shell that drives it.
//
// A step asks its questions, calls its service through the client in a tea.Cmd and
// reports what it learned with Done or Record. It never touches the database and
// never reads the wall clock: the shell (package ui) saves, and time comes from Env.Clock.
package steps

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"wizard/assets"
	"wizard/client"
	"wizard/store"
)

// Step is one screen of the flow, driven by the shell.
type Step interface {
	ID() ID
	Init() tea.Cmd
	// Update handles msg. It returns the step as it is now, a command for I/O
	// (every service call runs in one), and what the step decided: nil while it
	// goes on, or one of Done, Record, Back and Quit, which the shell acts on in
	// the same Update.
	Update(tea.Msg) (Step, tea.Cmd, Outcome)
	// View renders the step's body for the given width.
	View(width int) string
	// Help lists the keys the step answers to, for the footer.
	Help() []key.Binding
}

// Outcome is what a step decided: Done, Record, Back or Quit.
type Outcome interface{ isOutcome() }

// Done tells the shell the step is finished: Apply writes what it learned into
// the session, the shell saves the session and an event in one transaction and
// moves on to Next(session). The shell sends the step nothing after it.
type Done struct {
	Step   ID
	Detail History // a line for the event history
	Apply  func(*store.Session)
}

// Record asks the shell to save something without leaving the step (the time a
// code was requested, an error the user is about to see, a park). After the save
// the shell sends Reply (if any) back to the step, so that what the step learned
// is shown only once it is on disk.
type Record struct {
	Step   ID
	Kind   string // event kind: "error", "progress", "parked", …
	Detail History
	Err    error
	Apply  func(*store.Session)
	Reply  tea.Msg
}

// Back asks the shell to show the previous step again (see Previous).
type Back struct{ Step ID }

// Quit asks the shell to end the program (after a park or at the end).
type Quit struct{}

func (Done) isOutcome()   {}
func (Record) isOutcome() {}
func (Back) isOutcome()   {}
func (Quit) isOutcome()   {}

// Entered is sent by the shell to a step once it is on screen, after Init: a
// step that has something to save as soon as it is shown answers it with a Record.
type Entered struct{}

// Backer is implemented by steps that decide when esc or shift+tab means "the
// previous step" (in a form, shift+tab first walks back through the fields).
// For other steps esc goes back.
type Backer interface {
	WantsBack(tea.KeyPressMsg) bool
}

// Typist is implemented by steps with a form. The shell holds the keys typed
// after one that may move the form's focus until the focus has moved, so that
// a fast typist's next keys land in the next field (huh moves the focus through
// a message of its own).
type Typist interface {
	// MovesFocus reports whether k may move the form to another field.
	MovesFocus(k tea.KeyPressMsg) bool
	// Focus names the field that has the focus; it changes when the form moves.
	Focus() string
}

// Clock is where steps get the time from: the system clock in the program, a
// settable one in tests.
type Clock interface{ Now() time.Time }

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// Training is what a training service (the sandbox) can tell a trainer. The
// wiring provides it for the sandbox; it is nil for real services.
type Training interface {
	// OutboxURL is the page that shows the e-mails and codes the sandbox sent.
	OutboxURL() string
	// LatestCode is the last verification code sent to phone-number id.
	LatestCode(ctx context.Context, phoneNumberID string) (string, error)

	// The classroom's controls (used only when Env.Classroom is set, always
	// in a tea.Cmd).

	// Pace is how fast the sandbox's waits go: its name ("fast", "real", or
	// "" for other delays) and how long the e-mail confirmation and the
	// activation take.
	Pace(ctx context.Context) (name string, email, activation time.Duration, err error)
	// SetPace sets the pace by name ("fast" or "real"), for the waits under way too.
	SetPace(ctx context.Context, name string) (email, activation time.Duration, err error)
	// ConfirmEmailNow makes the sandbox confirm the account's e-mail at once.
	ConfirmEmailNow(ctx context.Context, accountID string) error
	// ActivateNow makes the sandbox end the number's activation at once, as
	// it would have ended.
	ActivateNow(ctx context.Context, phoneNumberID string) error
	// Showing tells the sandbox what the wizard shows (the signup, the step
	// and its title, its place n of total), for the trainer's outbox page.
	Showing(ctx context.Context, signupID, step, title string, n, total int) error
}

// Env is what every step may use.
type Env struct {
	Clients *client.Clients
	Clock   Clock
	Words   *assets.Words
	Theme   huh.Theme
	// Styles are the step bodies' styles, from the shell's theme for the
	// terminal's background; nil gives plain styles without colour.
	Styles *Styles
	// Training gives the trainer's hints (where the e-mails and SMS codes the
	// sandbox "sent" can be seen) when the services are the sandbox; nil for
	// real services. The steps never know which services they talk to otherwise.
	Training Training
	// Classroom is set for a trainer's demo (wizard demo): the shell and the
	// steps then offer presenter notes, the pace of the sandbox and a "now" key
	// on waits. False for every real signup.
	Classroom bool
	// OpenURL opens a page in the user's browser; nil when no browser can be used.
	OpenURL func(url string) error
	// PollEvery is the first interval between two status polls (default 1s).
	PollEvery time.Duration
	// CallTimeout bounds each service call (default 20s).
	CallTimeout time.Duration
	// Region is the default country (ISO alpha-2) for new sessions, e.g. from LANG.
	Region string
	// BrowserWhy says why OpenURL is nil, for the screens to explain: "ssh",
	// "no-display", "disabled" or "bad-command" (package browser's Reason…).
	BrowserWhy string

	// signup is the loopback callback of the signup started in this run, so that
	// the signup step finds it again after the user went back and returned.
	// Only the signup step touches it, on the event loop.
	signup *liveSignup
}

func (e *Env) pollEvery() time.Duration {
	if e.PollEvery > 0 {
		return e.PollEvery
	}
	return time.Second
}

func (e *Env) callTimeout() time.Duration {
	if e.CallTimeout > 0 {
		return e.CallTimeout
	}
	return 20 * time.Second
}

// New builds the model of step id for the session as saved.
func New(id ID, env *Env, sess store.Session) Step {
	switch id {
	case Terms:
		return newTerms(env, sess)
	case Account:
		return newAccount(env, sess)
	case VerifyEmail:
		return newVerifyEmail(env, sess)
	case Company:
		return newCompany(env, sess)
	case NumberStatus:
		return newNumberStatus(env, sess)
	case Signup:
		return newSignup(env, sess)
	case DisplayName:
		return newDisplayName(env, sess)
	case Phone:
		return newPhone(env, sess)
	case VerifyCode:
		return newVerifyCode(env, sess)
	case Activation:
		if AppOnboarding(sess) && sess.Signup.AppNoticeAt.IsZero() {
			return newAppNotice(env, sess)
		}
		return newActivation(env, sess)
	case AlphaName:
		return newAlphaName(env, sess)
	default:
		return newFinished(env, sess)
	}
}

// inClassroom says whether the classroom's controls are offered: a trainer's
// demo (Classroom) on a sandbox (Training).
func (e *Env) inClassroom() bool { return e.Classroom && e.Training != nil }

// keyNow, on a wait in the classroom, makes the sandbox do at once what the
// screen waits for (the e-mail confirmed, the activation ended).
var keyNow = key.NewBinding(key.WithKeys("f4"), key.WithHelp("f4", "keys.classroom.now"))

// nowDone is the sandbox's answer to the "now" key.
type nowDone struct{ err error }

// trainingNow asks the sandbox, in a command, to do now what a wait waits
// for; a sandbox that does not answer within a few seconds is given up.
func (e *Env) trainingNow(fn func(ctx context.Context, t Training) error) tea.Cmd {
	t := e.Training
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return nowDone{fn(ctx, t)}
	}
}

// Screener is implemented by a step that shows more than one screen: Screen
// names the one on show ("" for the step's own), for the presenter notes.
type Screener interface{ Screen() string }
