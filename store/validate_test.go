package store

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// vNow is the "now" of the validation tests: t0 plus a day.
var vNow = t0.Add(24 * time.Hour)

// goodSession is a session as the wizard saves it, half way through.
func goodSession() Session {
	return Session{
		ID: "K7MQ-4XPD", Schema: SessionSchema, Rev: 4, CreatedAt: at(0), UpdatedAt: at(9),
		CreatedBy: "alice", UpdatedBy: "bob", Status: StatusActive, Step: "verify-code", Path: PathNew,
		Terms:   Terms{AcceptedAt: at(1)},
		Account: Account{Email: "ops@acme.kz", ID: "acc-1", CreatedAt: at(2), VerifiedAt: at(3)},
		Company: Company{OrgType: "company", FullName: "Алия Серикова", CompanyName: "ACME «Восток»", Country: "KZ", NotRobot: true},
		Profile: Profile{DisplayName: "ACME", Category: "OTHER", Description: "Line one\nline two\twith a tab"},
		Phone:   Phone{Country: "KZ", E164: "+77011234567", CC: "7", Number: "7011234567"},
		Code:    Code{Method: "SMS", RequestedAt: at(8), ExpiresAt: at(9), Requests: 1},
	}
}

func goodEvents() []Event {
	return []Event{
		{Seq: 1, At: at(0), By: "alice", Step: "terms", Kind: "created"},
		{Seq: 2, At: at(4), By: "alice", Step: "company", Kind: "step.done"},
		{Seq: 5, At: at(8), By: "bob", Step: "verify-code", Kind: "error", Error: "graph: code 133004\r\nretry later"},
		{Kind: "imported", Detail: "imported from signup-K7MQ-4XPD.json"},
	}
}

func TestValidateGood(t *testing.T) {
	if err := ValidateSession(goodSession(), goodEvents(), vNow); err != nil {
		t.Fatal(err)
	}
	// Zero values are "not set": a bare session with an id is valid.
	if err := ValidateSession(Session{ID: "k7mq4xpd"}, nil, vNow); err != nil {
		t.Fatal(err)
	}
	b := Bundle{Format: BundleFormat, Version: BundleVersion, ExportedAt: at(10), ExportedBy: "alice",
		Session: goodSession(), Events: goodEvents()}
	if err := ValidateBundle(b, vNow); err != nil {
		t.Fatal(err)
	}
}

func TestValidateRefuses(t *testing.T) {
	type mod struct {
		sess   func(*Session)
		events func([]Event) []Event
	}
	long := strings.Repeat("A", 5000)
	cases := []struct {
		name    string
		m       mod
		problem Problem
		want    string // the whole message, or a part of it after "…"
	}{
		{"path id", mod{sess: func(s *Session) { s.ID = "../../etc/passwd" }}, ProblemID,
			`id "../../etc/passwd" is not a signup id (like K7MQ-4XPD)`},
		{"escape id", mod{sess: func(s *Session) { s.ID = "\x1b[31mID" }}, ProblemID,
			`id "\x1b[31mID" is not a signup id (like K7MQ-4XPD)`},
		{"long id", mod{sess: func(s *Session) { s.ID = long }}, ProblemID,
			`id "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"… (5000 characters) is not a signup id (like K7MQ-4XPD)`},
		{"id with a letter not in the alphabet", mod{sess: func(s *Session) { s.ID = "K7MQ-4XPO" }}, ProblemID,
			"…is not a signup id"},
		{"empty id", mod{sess: func(s *Session) { s.ID = "" }}, ProblemID, `id "" is not a signup id (like K7MQ-4XPD)`},
		{"seq wraps", mod{events: func(e []Event) []Event { e[2].Seq = math.MaxUint64; return e }}, ProblemSeq,
			"event 3: seq 18446744073709551615 is above the limit 4294967295"},
		{"seq just above the limit", mod{events: func(e []Event) []Event { e[2].Seq = MaxSeq + 1; return e }}, ProblemSeq,
			"event 3: seq 4294967296 is above the limit 4294967295"},
		{"seq goes back", mod{events: func(e []Event) []Event { e[2].Seq = 1; return e }}, ProblemSeq,
			"event 3: seq 1 is not after 2 (event 2)"},
		{"seq twice", mod{events: func(e []Event) []Event { e[1].Seq = 1; return e }}, ProblemSeq,
			"event 2: two events numbered 1 (events 1 and 2)"},
		{"numbered after unnumbered", mod{events: func(e []Event) []Event { return append(e, Event{Seq: 9, At: at(9)}) }}, ProblemSeq,
			"event 5: seq 9 comes after an unnumbered event"},
		{"long company name", mod{sess: func(s *Session) { s.Company.CompanyName = strings.Repeat("Я", 201) }}, ProblemLength,
			"field company.company_name is longer than 200 characters (201)"},
		{"long detail", mod{events: func(e []Event) []Event { e[1].Detail = long; return e }}, ProblemLength,
			"event 2: field detail is longer than 4000 characters (5000)"},
		{"escape in a detail's value", mod{events: func(e []Event) []Event {
			e[1].Words = []Phrase{{Key: "history.account_created", Args: []string{"acc\x1b]8;;x\x07"}}}
			return e
		}}, ProblemControl, "event 2: control character U+001B in words.args"},
		{"newline in a detail's key", mod{events: func(e []Event) []Event { e[1].Words = []Phrase{{Key: "history.\nx"}}; return e }},
			ProblemControl, "event 2: control character U+000A in words.key"},
		{"too many phrases", mod{events: func(e []Event) []Event { e[1].Words = make([]Phrase, 17); return e }}, ProblemLength,
			"event 2: an event's detail has 17 phrases, more than 16"},
		{"bad utf-8", mod{sess: func(s *Session) { s.Company.FullName = "Ali\xffya" }}, ProblemUTF8,
			"invalid UTF-8 in company.full_name"},
		{"bad utf-8 in an event", mod{events: func(e []Event) []Event { e[0].By = "\xc3"; return e }}, ProblemUTF8,
			"event 1: invalid UTF-8 in by"},
		{"escape in a name", mod{sess: func(s *Session) { s.Alpha.Name = "ACME\x1b[2J" }}, ProblemControl,
			"control character U+001B in alpha.name"},
		{"newline in a one-line field", mod{sess: func(s *Session) { s.Profile.DisplayName = "AC\nME" }}, ProblemControl,
			"control character U+000A in profile.display_name"},
		{"C1 control", mod{sess: func(s *Session) { s.UpdatedBy = "bob\u009b" }}, ProblemControl,
			"control character U+009B in updated_by"},
		{"before 2020", mod{sess: func(s *Session) { s.Terms.AcceptedAt = time.Date(2019, 12, 31, 23, 0, 0, 0, time.UTC) }}, ProblemTime,
			`time terms.accepted_at "2019-12-31T23:00:00Z" is before 2020 or more than a day in the future`},
		{"far future", mod{sess: func(s *Session) { s.UpdatedAt = vNow.Add(25 * time.Hour) }}, ProblemTime,
			"…updated_at \"2025-03-16T10:26:53Z\" is before 2020 or more than a day in the future"},
		{"year 10000", mod{events: func(e []Event) []Event { e[0].At = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC); return e }}, ProblemTime,
			`event 1: time at "year 10000" is before 2020 or more than a day in the future`},
		{"status", mod{sess: func(s *Session) { s.Status = "paused" }}, ProblemStatus, `unknown status "paused"`},
		{"step", mod{sess: func(s *Session) { s.Step = "profile" }}, ProblemStep, `unknown step "profile" in step`},
		{"event step", mod{events: func(e []Event) []Event { e[1].Step = "hack"; return e }}, ProblemStep,
			`event 2: unknown step "hack" in step`},
		{"path", mod{sess: func(s *Session) { s.Path = "sideways" }}, ProblemPath, `unknown path "sideways"`},
		{"attempts", mod{sess: func(s *Session) { s.Code.Attempts = -1 }}, ProblemNumber, "code.attempts -1 is not between 0 and 1000"},
		{"rev", mod{sess: func(s *Session) { s.Rev = math.MaxUint64 }}, ProblemNumber, "rev 18446744073709551615 is above the limit 4294967295"},
		{"schema", mod{sess: func(s *Session) { s.Schema = -1 }}, ProblemNumber, "schema -1 is not between 0 and 1"},
		// The first problem is named: the id before the numbering before the fields.
		{"first problem", mod{
			sess:   func(s *Session) { s.ID = "x"; s.Status = "paused" },
			events: func(e []Event) []Event { e[1].Seq = 1; return e }}, ProblemID, `…id "x" is not a signup id`},
		{"numbering before fields", mod{
			sess:   func(s *Session) { s.Status = "paused" },
			events: func(e []Event) []Event { e[1].Seq = 1; return e }}, ProblemSeq, "…two events numbered 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sess, events := goodSession(), goodEvents()
			if tc.m.sess != nil {
				tc.m.sess(&sess)
			}
			if tc.m.events != nil {
				events = tc.m.events(events)
			}
			err := ValidateSession(sess, events, vNow)
			ve, ok := errors.AsType[*ValidationError](err)
			if !ok {
				t.Fatalf("got %v, want a *ValidationError", err)
			}
			if ve.Problem != tc.problem {
				t.Errorf("problem %q, want %q", ve.Problem, tc.problem)
			}
			msg := err.Error()
			if part, ok := strings.CutPrefix(tc.want, "…"); ok {
				if !strings.Contains(msg, part) {
					t.Errorf("message %q\nwant it to contain %q", msg, part)
				}
			} else if msg != tc.want {
				t.Errorf("message %q\nwant    %q", msg, tc.want)
			}
			if !errors.Is(err, ErrInvalidData) {
				t.Error("not ErrInvalidData")
			}
			if strings.ContainsAny(msg, "\x1b\n\r") || len(msg) > 200 {
				t.Errorf("message not safe to print: %q", msg)
			}
		})
	}
}

func TestValidateBundleHeader(t *testing.T) {
	b := Bundle{Format: BundleFormat, Version: BundleVersion, ExportedAt: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC),
		Session: goodSession(), Events: goodEvents()}
	if err := ValidateBundle(b, vNow); err == nil || !strings.Contains(err.Error(), "exported_at") {
		t.Fatalf("got %v", err)
	}
	b.ExportedAt, b.ExportedBy = at(10), "eve\x07"
	if err := ValidateBundle(b, vNow); err == nil || !strings.Contains(err.Error(), "exported_by") {
		t.Fatalf("got %v", err)
	}
}

func TestImportRefusesInvalid(t *testing.T) {
	s := openTemp(t)
	var log strings.Builder
	s.SetLog(&log)
	for _, id := range []string{"../../etc/passwd", "\x1b[31mID", strings.Repeat("A", 5000)} {
		sess := goodSession()
		sess.ID = id
		_, err := s.Import(ctx, sess, goodEvents(), false)
		if !errors.Is(err, ErrInvalidData) || !strings.Contains(err.Error(), "is not a signup id") {
			t.Fatalf("import of id %q: %v", id, err)
		}
		if strings.Contains(err.Error(), "\x1b") || len(err.Error()) > 200 {
			t.Fatalf("error repeats the id as it is: %q", err)
		}
	}
	events := goodEvents()
	events[1].Seq = math.MaxUint64
	if _, err := s.Import(ctx, goodSession(), events, false); !errors.Is(err, ErrInvalidData) ||
		!strings.Contains(err.Error(), "event 2: seq 18446744073709551615 is above the limit") {
		t.Fatalf("got %v", err)
	}
	if n := countKeys(t, s, bucketSessions); n != 0 {
		t.Fatalf("%d sessions after refused imports", n)
	}
	if log.Len() != 0 {
		t.Fatalf("log after refused imports: %q", log.String())
	}
}

func TestSaveRefusesBadID(t *testing.T) {
	s := openTemp(t)
	for _, id := range []string{"../../etc/passwd", "\x1b[31mID", strings.Repeat("A", 5000), "s_test"} {
		sess := Session{ID: id, Status: StatusActive}
		err := s.Save(ctx, &sess, Event{Kind: "created"}, nil)
		if err == nil || !strings.Contains(err.Error(), "is not a signup id") || strings.Contains(err.Error(), "\x1b") {
			t.Fatalf("save of id %q: %v", id, err)
		}
	}
	if n := countKeys(t, s, bucketSessions); n != 0 {
		t.Fatalf("%d sessions stored", n)
	}
}

func TestSaveAfterImportAppends(t *testing.T) {
	s := openTemp(t)
	events := []Event{{Seq: 1, At: at(0), Kind: "created"}, {Seq: 5, At: at(1), Kind: "step.done"}, {Seq: 9, At: at(2), Kind: "step.done"}}
	sess, err := s.Import(ctx, Session{ID: "K7MQ-4XPD", Status: StatusActive, Step: "account", UpdatedAt: at(2)}, events, false)
	if err != nil {
		t.Fatal(err)
	}
	sess.UpdatedAt = at(3)
	mustSave(t, s, &sess, Event{Kind: "resumed"})
	evs, err := s.Events(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 4 || evs[3].Seq != 10 || evs[3].Kind != "resumed" {
		t.Fatalf("events %+v", evs)
	}
	for i, want := range events {
		if evs[i].Seq != want.Seq || evs[i].Kind != want.Kind || !evs[i].At.Equal(want.At) {
			t.Fatalf("event %d changed: %+v", i, evs[i])
		}
	}
	// The highest number allowed imports, and then the history is full: a
	// save is refused rather than wrap to 0 and overwrite event 1.
	top := []Event{{Seq: 1, At: at(0), Kind: "created"}, {Seq: MaxSeq, At: at(1), Kind: "last"}}
	full, err := s.Import(ctx, Session{ID: "AAAA-AAAA", Status: StatusActive, UpdatedAt: at(1)}, top, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, &full, Event{Kind: "one more"}, nil); err == nil || !strings.Contains(err.Error(), "history is full") {
		t.Fatalf("save past MaxSeq: %v", err)
	}
	if evs, _ := s.Events(ctx, full.ID); len(evs) != 2 || evs[0].Kind != "created" || evs[1].Kind != "last" {
		t.Fatalf("history after a refused save: %+v", evs)
	}
	mustCheck(t, s)
}

// A file whose history bucket counts wrong (written by an older wizard, or by
// hand): saves still only append.
func TestSaveNeverOverwrites(t *testing.T) {
	s := openTemp(t)
	sess := put(t, s, "K7MQ-4XPD", StatusActive, at(0))
	for i := 1; i < 3; i++ {
		sess.UpdatedAt = at(i)
		mustSave(t, s, &sess, Event{Kind: "step.done"})
	}
	forge := func(seq uint64) {
		t.Helper()
		err := s.update(ctx, func(tx *bolt.Tx) error {
			return tx.Bucket(bucketEvents).Bucket([]byte(sess.ID)).SetSequence(seq)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	forge(1) // behind the last event, 3
	mustSave(t, s, &sess, Event{Kind: "after a lagging sequence"})
	evs, _ := s.Events(ctx, sess.ID)
	if len(evs) != 4 || evs[1].Kind != "step.done" || evs[3].Seq != 4 {
		t.Fatalf("events %+v", evs)
	}
	forge(math.MaxUint64) // one more would wrap to 0
	if err := s.Save(ctx, &sess, Event{Kind: "wrap"}, nil); err == nil || !strings.Contains(err.Error(), "history is full") {
		t.Fatalf("save at a forged sequence: %v", err)
	}
	if evs, _ := s.Events(ctx, sess.ID); len(evs) != 4 || evs[0].Kind != "saved" {
		t.Fatalf("events after a refused save %+v", evs)
	}
}

func TestImportKeepsOrphanHistory(t *testing.T) {
	s := openTemp(t)
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b, err := tx.Bucket(bucketEvents).CreateBucket([]byte("K7MQ-4XPD"))
		if err != nil {
			return err
		}
		return b.Put(seqKey(1), []byte(`{"seq":1,"kind":"left behind"}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(ctx, goodSession(), goodEvents(), false); !errors.Is(err, ErrExists) {
		t.Fatalf("import over an orphan history: %v", err)
	}
	if _, err := s.Import(ctx, goodSession(), goodEvents(), true); err != nil {
		t.Fatalf("replace: %v", err)
	}
}

func TestLastWrite(t *testing.T) {
	s := openTemp(t)
	sess := put(t, s, "K7MQ-4XPD", StatusActive, at(0))
	sess.Step, sess.UpdatedAt = "account", at(1)
	mustSave(t, s, &sess, Event{Kind: "step.done"})
	var lw *LastWrite
	var txid int
	_ = s.view(ctx, func(tx *bolt.Tx) error { lw, txid = readLastWrite(tx), tx.ID(); return nil })
	if lw == nil || lw.ID != sess.ID || lw.Step != "account" || lw.Seq != 2 || lw.Kind != "step.done" || lw.Txid != uint64(txid) {
		t.Fatalf("last write %+v at tx %d", lw, txid)
	}
	if _, err := s.Import(ctx, goodSession(), goodEvents(), true); err != nil {
		t.Fatal(err)
	}
	_ = s.view(ctx, func(tx *bolt.Tx) error { lw, txid = readLastWrite(tx), tx.ID(); return nil })
	if lw == nil || lw.ID != "K7MQ-4XPD" || lw.Step != "verify-code" || lw.Seq != 6 || lw.Kind != "imported" || lw.Txid != uint64(txid) {
		t.Fatalf("last write after import %+v at tx %d", lw, txid)
	}
}

func TestInspect(t *testing.T) {
	s := openTemp(t)
	history(t, s, "AAAA-BBBB", 3)
	r, err := s.Check(ctx, vNow)
	if err != nil || !r.OK() {
		t.Fatalf("%+v %v", r, err)
	}
	// Save lets the shell store what it likes; Inspect says what would not import.
	odd := Session{ID: "K7MQ-4XPD", Status: StatusActive, Step: "profile", UpdatedAt: at(1)}
	mustSave(t, s, &odd, Event{Kind: "x"})
	r, err = s.Check(ctx, vNow)
	if err != nil || len(r.Problems) != 0 || len(r.Invalid) != 1 || r.Meta != nil {
		t.Fatalf("%+v %v", r, err)
	}
	if got := r.Invalid[0].Error(); got != `session "K7MQ-4XPD": unknown step "profile" in step` || !errors.Is(r.Invalid[0], ErrInvalidData) {
		t.Fatalf("invalid: %q", got)
	}
}

// Exported sessions saved by the wizard import again.
func TestValidateExported(t *testing.T) {
	s := openTemp(t)
	sess := goodSession()
	sess.Rev = 0
	for i := range 5 {
		sess.UpdatedAt = at(i)
		mustSave(t, s, &sess, Event{Kind: "step.done", By: "alice", Detail: "step\tdone"})
	}
	b, err := s.Export(ctx, sess.ID, at(6), "alice")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(b)
	got, err := DecodeBundle(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateBundle(got, vNow); err != nil {
		t.Fatal(err)
	}
}
