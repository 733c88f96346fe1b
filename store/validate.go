package store

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// KnownSteps are the step ids a session may be at or an event may name. They
// are the ids of package steps (steps.Order), kept here because store must not
// import steps (steps imports store); TestKnownStepsMatchFlow keeps the two
// lists equal. An empty step is allowed too: a session not yet placed in the flow.
var KnownSteps = []string{
	"terms", "account", "verify-email", "company", "number-status", "signup",
	"display-name", "phone", "verify-code", "activation", "alpha-name", "done",
}

// MaxSeq is the highest event sequence number a history may hold. Numbers stay
// far below the uint64 limit, so counting on can never wrap to 0 and land on an
// earlier event.
const MaxSeq = 1<<32 - 1

// maxRev bounds a session's revision the same way (Save adds one to it).
const maxRev = 1<<32 - 1

// maxCount bounds the small counters of a session (code requests and attempts).
const maxCount = 1000

// earliest is the earliest time a session or event may carry: the wizard did
// not exist before it. Times more than maxAhead after now are refused too.
var earliest = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

const maxAhead = 24 * time.Hour

// Problem names the rule a bundle or a session breaks.
type Problem string

const (
	ProblemID      Problem = "id"      // not shaped like an id from NewID
	ProblemSeq     Problem = "seq"     // event numbers not strictly increasing, or out of range
	ProblemLength  Problem = "length"  // a text field is too long
	ProblemUTF8    Problem = "utf8"    // a text field is not valid UTF-8
	ProblemControl Problem = "control" // a text field holds a control character
	ProblemTime    Problem = "time"    // a time before 2020 or more than a day ahead
	ProblemStatus  Problem = "status"  // not one of the Status values
	ProblemStep    Problem = "step"    // not one of KnownSteps
	ProblemPath    Problem = "path"    // not one of the Path values
	ProblemNumber  Problem = "number"  // a counter or revision out of range
)

// A ValidationError is the first rule a session, its events or a bundle
// breaks. Its message names the field and is safe to print: values in it are
// quoted, escaped and shortened.
type ValidationError struct {
	Problem Problem
	Event   int    // 1-based position of the event in the list; 0 for the session or bundle
	Field   string // JSON name, e.g. "company.company_name", "seq"
	Msg     string // what is wrong, without the event prefix
}

func (e *ValidationError) Error() string {
	if e.Event > 0 {
		return fmt.Sprintf("event %d: %s", e.Event, e.Msg)
	}
	return e.Msg
}

// ErrInvalidData matches every *ValidationError with errors.Is, so
// errors.Is(err, ErrInvalidData) tells a refused bundle from a failed write.
var ErrInvalidData = errors.New("invalid signup data")

func (e *ValidationError) Is(target error) bool { return target == ErrInvalidData }

// ValidateBundle checks a decoded bundle against the rules of a saved session
// (see ValidateSession), then its header fields, and returns the first
// problem, a *ValidationError; nil if there is none. now bounds the times.
func ValidateBundle(b Bundle, now time.Time) error {
	if err := validateImport(b.Session, b.Events, now); err != nil {
		return err
	}
	v := validator{now: now}
	v.time("exported_at", b.ExportedAt)
	v.text("exported_by", b.ExportedBy, maxName, false)
	return v.err
}

// ValidateSession checks one session and its history as Import does, and
// returns the first problem found, a *ValidationError; nil if there is none.
// The checks come in this order: the id has the shape of one from NewID (in
// any case, with or without its dash, as NormaliseID reads it); the events'
// sequence numbers strictly increase, each at most MaxSeq, and unnumbered (0)
// events come only after the numbered ones; then every field of the session,
// then of each event: text is valid UTF-8 without control characters (tab
// and newline are allowed in the free-text fields) and within its length;
// times are zero (not set) or between 2020 and a day after now; status, step
// and path are empty (not set) or known values; counters and the revision are
// in range. Zero values are allowed wherever Save allows them.
func ValidateSession(sess Session, events []Event, now time.Time) error {
	return validateImport(sess, events, now)
}

func validateImport(sess Session, events []Event, now time.Time) error {
	if !isID(NormaliseID(sess.ID)) {
		return &ValidationError{Problem: ProblemID, Field: "id",
			Msg: fmt.Sprintf("id %s is not a signup id (like K7MQ-4XPD)", quote(sess.ID))}
	}
	if err := validateSeqs(events); err != nil {
		return err
	}
	v := validator{now: now}
	v.session(sess)
	if v.err != nil {
		return v.err
	}
	for i, ev := range events {
		v.event = i + 1
		v.ev(ev)
		if v.err != nil {
			return v.err
		}
	}
	return nil
}

// ValidID reports whether s is a session id as NewID makes them, in any case,
// with or without its dash (as NormaliseID reads it). Save and Import refuse
// any other id; a caller that builds a file name from an id can rely on it.
func ValidID(s string) bool { return isID(NormaliseID(s)) }

// isID reports whether s is an id in the canonical form NewID makes.
func isID(s string) bool {
	if len(s) != idLen+1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i == idLen/2 {
			if s[i] != '-' {
				return false
			}
		} else if strings.IndexByte(idAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// validateSeqs checks the numbering of events: numbered ones strictly
// increasing within 1..MaxSeq, unnumbered ones after them, and room for the
// unnumbered ones below MaxSeq.
func validateSeqs(events []Event) error {
	var prev uint64 // the last numbered event's seq
	prevAt := 0     // and its 1-based position
	unnumbered := 0
	for i, ev := range events {
		n := i + 1
		switch {
		case ev.Seq == 0:
			unnumbered++
			continue
		case unnumbered > 0:
			return &ValidationError{Problem: ProblemSeq, Event: n, Field: "seq",
				Msg: fmt.Sprintf("seq %d comes after an unnumbered event", ev.Seq)}
		case ev.Seq > MaxSeq:
			return &ValidationError{Problem: ProblemSeq, Event: n, Field: "seq",
				Msg: fmt.Sprintf("seq %d is above the limit %d", ev.Seq, uint64(MaxSeq))}
		case prevAt > 0 && ev.Seq == prev:
			return &ValidationError{Problem: ProblemSeq, Event: n, Field: "seq",
				Msg: fmt.Sprintf("two events numbered %d (events %d and %d)", ev.Seq, prevAt, n)}
		case prevAt > 0 && ev.Seq < prev:
			return &ValidationError{Problem: ProblemSeq, Event: n, Field: "seq",
				Msg: fmt.Sprintf("seq %d is not after %d (event %d)", ev.Seq, prev, prevAt)}
		}
		prev, prevAt = ev.Seq, n
	}
	if unnumbered > 0 && uint64(unnumbered) > MaxSeq-prev {
		return &ValidationError{Problem: ProblemSeq, Event: len(events), Field: "seq",
			Msg: fmt.Sprintf("%d unnumbered events do not fit below the limit %d", unnumbered, uint64(MaxSeq))}
	}
	return nil
}

// Field length limits, in characters (runes).
const (
	maxName  = 200  // people's and companies' names, who did something
	maxID    = 200  // ids issued by the provider, Meta or the OCM
	maxShort = 50   // codes and enumerations: country, method, event, status
	maxEmail = 254  // the longest address SMTP carries
	maxURL   = 2048 // URLs
	maxText  = 4000 // free text: descriptions, details, error messages
	// maxPhrases bounds an event's phrases and a phrase's values.
	maxPhrases = 16
)

// validator collects the first problem; later checks are skipped once it has one.
type validator struct {
	now   time.Time
	event int
	err   error
}

func (v *validator) fail(p Problem, field, format string, args ...any) {
	if v.err == nil {
		v.err = &ValidationError{Problem: p, Event: v.event, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
}

// text checks a text field: valid UTF-8, no control characters (tab and
// newline allowed when multiline; carriage return too, as in "\r\n" from a
// server's message), at most limit characters.
func (v *validator) text(field, s string, limit int, multiline bool) {
	if v.err != nil {
		return
	}
	if !utf8.ValidString(s) {
		v.fail(ProblemUTF8, field, "invalid UTF-8 in %s", field)
		return
	}
	for _, r := range s {
		if multiline && (r == '\t' || r == '\n' || r == '\r') {
			continue
		}
		if r < 0x20 || r == 0x7f || (0x80 <= r && r < 0xa0) {
			v.fail(ProblemControl, field, "control character %U in %s", r, field)
			return
		}
	}
	if n := utf8.RuneCountInString(s); n > limit {
		v.fail(ProblemLength, field, "field %s is longer than %d characters (%d)", field, limit, n)
	}
}

// time checks that t is zero (not set) or between 2020 and a day after now.
func (v *validator) time(field string, t time.Time) {
	if v.err != nil || t.IsZero() {
		return
	}
	if t.Before(earliest) || t.After(v.now.Add(maxAhead)) {
		v.fail(ProblemTime, field, "time %s %s is before 2020 or more than a day in the future", field, quote(fmtTime(t)))
	}
}

func fmtTime(t time.Time) string {
	if y := t.Year(); y < 0 || y > 9999 {
		return "year " + strconv.Itoa(y)
	}
	return t.UTC().Format(time.RFC3339)
}

func (v *validator) count(field string, n int) {
	if v.err == nil && (n < 0 || n > maxCount) {
		v.fail(ProblemNumber, field, "%s %d is not between 0 and %d", field, n, maxCount)
	}
}

func (v *validator) step(field, s string) {
	if v.err == nil && s != "" && !slices.Contains(KnownSteps, s) {
		v.fail(ProblemStep, field, "unknown step %s in %s", quote(s), field)
	}
}

func (v *validator) session(s Session) {
	if s.Schema < 0 || s.Schema > SessionSchema {
		v.fail(ProblemNumber, "schema", "schema %d is not between 0 and %d", s.Schema, SessionSchema)
	}
	if s.Rev > maxRev {
		v.fail(ProblemNumber, "rev", "rev %d is above the limit %d", s.Rev, uint64(maxRev))
	}
	v.time("created_at", s.CreatedAt)
	v.time("updated_at", s.UpdatedAt)
	v.text("created_by", s.CreatedBy, maxName, false)
	v.text("updated_by", s.UpdatedBy, maxName, false)
	switch s.Status {
	case "", StatusActive, StatusWaiting, StatusDone, StatusAbandoned: // "": not set, as Save allows
	default:
		v.fail(ProblemStatus, "status", "unknown status %s", quote(string(s.Status)))
	}
	v.text("waiting_reason", s.WaitingReason, maxText, true)
	v.step("step", s.Step)
	switch s.Path {
	case PathUnknown, PathNew, PathMigration, PathBlocked:
	default:
		v.fail(ProblemPath, "path", "unknown path %s", quote(string(s.Path)))
	}

	v.time("terms.accepted_at", s.Terms.AcceptedAt)

	v.text("account.email", s.Account.Email, maxEmail, false)
	v.text("account.id", s.Account.ID, maxID, false)
	v.time("account.created_at", s.Account.CreatedAt)
	v.time("account.verified_at", s.Account.VerifiedAt)

	v.text("company.org_type", s.Company.OrgType, maxShort, false)
	v.text("company.full_name", s.Company.FullName, maxName, false)
	v.text("company.company_name", s.Company.CompanyName, maxName, false)
	v.text("company.country", s.Company.Country, maxShort, false)
	v.time("company.saved_at", s.Company.SavedAt)

	v.time("number.confirmed_at", s.Number.ConfirmedAt)

	v.text("signup.session_id", s.Signup.SessionID, maxID, false)
	v.text("signup.url", s.Signup.URL, maxURL, false)
	v.time("signup.started_at", s.Signup.StartedAt)
	v.text("signup.event", s.Signup.Event, maxShort, false)
	v.text("signup.waba_id", s.Signup.WABAID, maxID, false)
	v.text("signup.business_id", s.Signup.BusinessID, maxID, false)
	v.text("signup.phone_number_id", s.Signup.PhoneNumberID, maxID, false)
	v.text("signup.cancel_step", s.Signup.CancelStep, maxID, false)
	v.text("signup.error_message", s.Signup.ErrorMessage, maxText, true)
	v.text("signup.error_id", s.Signup.ErrorID, maxID, false)
	v.text("signup.error_session_id", s.Signup.ErrorSessionID, maxID, false)
	v.text("signup.error_timestamp", s.Signup.ErrorTime, maxShort, false)
	v.text("signup.error_code", s.Signup.ErrorCode, maxShort, false)
	v.time("signup.finished_at", s.Signup.FinishedAt)
	v.text("signup.stage", s.Signup.Stage, maxShort, false)
	v.text("signup.stage_reason", s.Signup.StageReason, maxText, true)
	v.text("signup.code_verification_status", s.Signup.NumberStatus, maxShort, false)
	v.text("signup.verified_name", s.Signup.VerifiedName, maxName, false)
	v.text("signup.name_status", s.Signup.NameStatus, maxShort, false)
	v.text("signup.display_phone_number", s.Signup.DisplayPhone, maxShort, false)
	v.time("signup.read_at", s.Signup.ReadAt)
	v.time("signup.app_notice_at", s.Signup.AppNoticeAt)

	v.text("profile.display_name", s.Profile.DisplayName, maxName, false)
	v.text("profile.category", s.Profile.Category, maxShort, false)
	v.text("profile.description", s.Profile.Description, maxText, true)
	v.text("profile.website", s.Profile.Website, maxURL, false)
	v.time("profile.confirmed_at", s.Profile.ConfirmedAt)
	v.time("profile.sent_at", s.Profile.SentAt)
	v.text("profile.new_name_status", s.Profile.NewNameStatus, maxShort, false)

	v.text("phone.country", s.Phone.Country, maxShort, false)
	v.text("phone.e164", s.Phone.E164, maxShort, false)
	v.text("phone.cc", s.Phone.CC, maxShort, false)
	v.text("phone.number", s.Phone.Number, maxShort, false)
	v.text("phone.id", s.Phone.ID, maxID, false)
	v.time("phone.added_at", s.Phone.AddedAt)

	v.text("code.method", s.Code.Method, maxShort, false)
	v.time("code.requested_at", s.Code.RequestedAt)
	v.time("code.expires_at", s.Code.ExpiresAt)
	v.time("code.valid_until", s.Code.ValidUntil)
	v.count("code.requests", s.Code.Requests)
	v.count("code.attempts", s.Code.Attempts)
	v.time("code.verified_at", s.Code.VerifiedAt)
	v.time("code.registered_at", s.Code.RegisteredAt)

	v.time("activation.started_at", s.Activation.StartedAt)
	v.text("activation.status", s.Activation.Status, maxShort, false)
	v.text("activation.status_text", s.Activation.StatusText, maxText, true)
	v.text("activation.alpha_code", s.Activation.AlphaCode, maxID, false)
	v.time("activation.activated_at", s.Activation.ActivatedAt)

	v.text("alpha.name", s.Alpha.Name, maxName, false)
	v.text("alpha.country", s.Alpha.Country, maxShort, false)
	v.text("alpha.id", s.Alpha.ID, maxID, false)
	v.time("alpha.saved_at", s.Alpha.SavedAt)
	v.text("alpha.name_status", s.Alpha.NameStatus, maxShort, false)
	v.time("alpha.checked_at", s.Alpha.CheckedAt)

	v.time("finished_at", s.FinishedAt)
}

// ev checks one event's fields.
func (v *validator) ev(e Event) {
	v.time("at", e.At)
	v.text("by", e.By, maxName, false)
	v.step("step", e.Step)
	v.text("kind", e.Kind, maxID, false)
	v.text("detail", e.Detail, maxText, true)
	v.text("error", e.Error, maxText, true)
	if len(e.Words) > maxPhrases {
		v.fail(ProblemLength, "words", "an event's detail has %d phrases, more than %d", len(e.Words), maxPhrases)
	}
	for _, p := range e.Words {
		v.text("words.key", p.Key, maxID, false)
		if len(p.Args) > maxPhrases {
			v.fail(ProblemLength, "words.args", "a phrase names %d values, more than %d", len(p.Args), maxPhrases)
		}
		for _, a := range p.Args {
			v.text("words.args", a, maxText, true)
		}
	}
}

// quote shows a value from outside in a message: quoted, with anything not
// printable escaped, and cut after 32 characters.
func quote(s string) string {
	const keep = 32
	n := utf8.RuneCountInString(s)
	if n <= keep {
		return strconv.QuoteToGraphic(s)
	}
	i, k := 0, 0
	for i < len(s) && k < keep {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		k++
	}
	return strconv.QuoteToGraphic(s[:i]) + fmt.Sprintf("… (%d characters)", n)
}
