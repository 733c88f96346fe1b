package store

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// history saves sess with n events and returns it as stored.
func history(t *testing.T, s *Store, id string, n int) Session {
	t.Helper()
	sess := Session{ID: id, Status: StatusActive, Step: "account", Account: Account{Email: "ops@acme.kz"}}
	for i := range n {
		sess.UpdatedAt = at(i)
		mustSave(t, s, &sess, Event{Kind: "step.done", By: "alice", Detail: "step " + string(rune('a'+i))})
	}
	return sess
}

func TestExportImportRoundTrip(t *testing.T) {
	src := openTemp(t)
	orig := history(t, src, "K7MQ-4XPD", 3)
	b, err := src.Export(ctx, "k7mq4xpd", at(10), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if b.Format != BundleFormat || b.Version != BundleVersion || b.ExportedBy != "alice" || len(b.Events) != 3 {
		t.Fatalf("bundle %+v", b)
	}
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeBundle(data)
	if err != nil {
		t.Fatal(err)
	}

	dst := openTemp(t)
	imported, err := dst.Import(ctx, got.Session, append(got.Events, Event{Kind: "imported", At: at(11), By: "bob"}), false)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := dst.Load(ctx, orig.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(loaded, imported) || loaded.Account != orig.Account || loaded.Rev != orig.Rev+1 {
		t.Fatalf("loaded %+v\nimported %+v\norig %+v", loaded, imported, orig)
	}
	evs, err := dst.Events(ctx, orig.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 4 || !reflect.DeepEqual(evs[:3], b.Events) {
		t.Fatalf("events %+v", evs)
	}
	if last := evs[3]; last.Seq != 4 || last.Kind != "imported" || last.Step != "account" {
		t.Fatalf("imported event %+v", last)
	}
	// The next save continues the numbering and the index has one key for it.
	mustSave(t, dst, &loaded, Event{Kind: "resumed", At: at(12)})
	if evs, _ := dst.Events(ctx, orig.ID); evs[len(evs)-1].Seq != 5 {
		t.Fatalf("next seq %d", evs[len(evs)-1].Seq)
	}
	mustCheck(t, dst)
}

func TestImportConflictAndReplace(t *testing.T) {
	s := openTemp(t)
	old := history(t, s, "AAAA-BBBB", 5)

	incoming := Session{ID: "aaaabbbb", Status: StatusWaiting, Step: "phone", UpdatedAt: at(50), Rev: 2}
	events := []Event{{Seq: 1, Kind: "created", At: at(40)}, {Seq: 2, Kind: "step.done", At: at(50)}}
	if _, err := s.Import(ctx, incoming, events, false); !errors.Is(err, ErrExists) {
		t.Fatalf("import over an existing id: %v, want ErrExists", err)
	}
	if got, _ := s.Load(ctx, old.ID); got.Rev != old.Rev || got.Step != "account" {
		t.Fatalf("refused import changed the session: %+v", got)
	}

	// Even with replace, a stored revision newer than the bundle's is refused
	// (issue 15: import never overwrites a newer revision).
	_, err := s.Import(ctx, incoming, events, true)
	if ce, ok := errors.AsType[*ConflictError](err); !ok || ce.Stored != old.Rev || ce.Loaded != 2 || ce.Current.Step != "account" {
		t.Fatalf("replace of a newer revision: %v, want a *ConflictError", err)
	}
	incoming.Rev = old.Rev
	got, err := s.Import(ctx, incoming, events, true)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "AAAA-BBBB" || got.Step != "phone" || got.Rev != old.Rev+1 {
		t.Fatalf("replaced %+v", got)
	}
	if evs, _ := s.Events(ctx, old.ID); len(evs) != 2 || evs[1].Kind != "step.done" {
		t.Fatalf("history after replace: %+v", evs)
	}
	if list := listAll(t, s, Query{}); len(list) != 1 || !list[0].UpdatedAt.Equal(at(50)) {
		t.Fatalf("list after replace: %+v", list)
	}
	mustCheck(t, s)
}

func TestImportRefusesDuplicateSeqs(t *testing.T) {
	s := openTemp(t)
	_, err := s.Import(ctx, Session{ID: NewID()}, []Event{{Seq: 1, Kind: "a"}, {Seq: 1, Kind: "b"}}, false)
	if err == nil || !strings.Contains(err.Error(), "two events numbered 1") {
		t.Fatalf("got %v", err)
	}
	if n := countKeys(t, s, bucketSessions); n != 0 {
		t.Fatalf("%d sessions after a refused import", n)
	}
}

func TestExportNotFound(t *testing.T) {
	if _, err := openTemp(t).Export(ctx, "ZZZZ-ZZZZ", at(0), ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("got %v", err)
	}
}

func TestDecodeBundle(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		is         error
		version    *BundleVersionError
	}{
		{"not json", "hello", ErrNotBundle, nil},
		{"other json", `{"a":1}`, ErrNotBundle, nil},
		{"version 0", `{"format":"wizard-signup","version":0}`, ErrNotBundle, nil},
		{"newer format", `{"format":"wizard-signup","version":2,"session":{"id":"K7MQ-4XPD"}}`, nil,
			&BundleVersionError{Have: 2, Want: BundleVersion}},
		{"newer schema", `{"format":"wizard-signup","version":1,"session":{"id":"K7MQ-4XPD","schema":99}}`, nil,
			&BundleVersionError{Schema: true, Have: 99, Want: SessionSchema}},
		{"no id", `{"format":"wizard-signup","version":1,"session":{}}`, ErrNotBundle, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeBundle([]byte(tc.data))
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Fatalf("got %v, want %v", err, tc.is)
			}
			if tc.version != nil {
				ve, ok := errors.AsType[*BundleVersionError](err)
				if !ok || *ve != *tc.version || !strings.Contains(err.Error(), "update the wizard") {
					t.Fatalf("got %#v", err)
				}
			}
		})
	}
	ok := `{"format":"wizard-signup","version":1,"exported_at":"2025-03-14T09:00:00Z","session":{"id":"K7MQ-4XPD","schema":1},"events":[],"future_field":true}`
	if b, err := DecodeBundle([]byte(ok)); err != nil || b.Session.ID != "K7MQ-4XPD" {
		t.Fatalf("%+v %v", b, err)
	}
}

func TestStats(t *testing.T) {
	s := openTemp(t)
	history(t, s, "AAAA-AAAA", 3)
	put(t, s, "BBBB-BBBB", StatusDone, at(5))
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Sessions != 2 || st.Events != 4 || st.ByStatus[StatusActive] != 1 || st.ByStatus[StatusDone] != 1 {
		t.Fatalf("%+v", st)
	}
}
