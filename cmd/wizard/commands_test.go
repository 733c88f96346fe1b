package main

// Tests of the support commands (list, show, export, import, abandon, resume's
// choice, doctor, sandbox --fault) and of how every command meets a damaged or
// locked data file. They run the cobra commands in process with their streams
// captured, each on a data file of its own.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"wizard/assets"
	"wizard/store"
)

// tNow is the clock of the commands under test.
var tNow = time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)

// hermetic clears the settings the commands read from the environment.
func hermetic(t *testing.T) {
	t.Helper()
	for _, k := range []string{"WIZARD_SANDBOX_URL", "WIZARD_PARTNER_URL", "WIZARD_OCM_URL",
		"WIZARD_PARTNER_TOKEN", "WIZARD_LANG", "LC_ALL", "LC_MESSAGES"} {
		t.Setenv(k, "")
	}
	t.Setenv("LANG", "en_US.UTF-8")
	// The screens, not the line-by-line mode (which ACCESSIBLE or TERM=dumb
	// would choose), unless a test asks for it.
	t.Setenv("ACCESSIBLE", "")
	t.Setenv("TERM", "xterm-256color")
}

type result struct {
	stdout, stderr string
	err            error
}

// code is the exit status the command would end the program with.
func (r result) code() int {
	if r.err == nil {
		return 0
	}
	if ex, ok := errors.AsType[exitError](r.err); ok {
		return ex.code
	}
	return 1
}

// wiz runs the wizard with args in process.
func wiz(t *testing.T, args ...string) result {
	t.Helper()
	return wizIn(t, "", args...)
}

func wizIn(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	f := newFactory(strings.NewReader(stdin), &out, &errOut)
	f.Now = func() time.Time { return tNow }
	root := newRootCmd(f)
	root.SetArgs(args)
	err := root.ExecuteContext(t.Context())
	return result{out.String(), errOut.String(), err}
}

// tempData is the path of a fresh data file for one test.
func tempData(t *testing.T) string {
	t.Helper()
	hermetic(t)
	return filepath.Join(t.TempDir(), "wizard.db")
}

// seed saves sessions (each with a "created" event, and an error event for the
// waiting one) into the data file at path.
func seed(t *testing.T, path string, sessions ...store.Session) {
	t.Helper()
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, s := range sessions {
		if err := st.Save(context.Background(), &s, store.Event{Kind: "created", By: s.UpdatedBy, At: s.CreatedAt}, nil); err != nil {
			t.Fatal(err)
		}
		if s.Status == store.StatusWaiting {
			ev := store.Event{Kind: "error", By: s.UpdatedBy, Detail: "adding the number", Error: "graph: code 133004 [HTTP 503]"}
			if err := st.Save(context.Background(), &s, ev, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func mins(n int) time.Time { return tNow.Add(time.Duration(n-600) * time.Minute) }

// fixture is four signups, one of each status; newest first: done, waiting,
// abandoned, active.
func fixture() []store.Session {
	active := store.Session{ID: "K7MQ-4XPD", Status: store.StatusActive, Step: "phone", CreatedAt: mins(0), UpdatedAt: mins(10),
		CreatedBy: "alice", UpdatedBy: "alice",
		Account: store.Account{Email: "ops@acme.kz", ID: "acc_1"},
		Company: store.Company{CompanyName: "Acme Trading LLP", FullName: "Aigerim Sadykova", Country: "KZ"},
		Phone:   store.Phone{Country: "KZ", E164: "+77011234567", CC: "7", Number: "7011234567"}}
	abandoned := store.Session{ID: "ABCD-EFGH", Status: store.StatusAbandoned, Step: "account", CreatedAt: mins(1), UpdatedAt: mins(20),
		UpdatedBy: "bob", Account: store.Account{Email: "test@example.com"}}
	waiting := store.Session{ID: "WXYZ-2345", Status: store.StatusWaiting, WaitingReason: "delete the WhatsApp Business app account first",
		Step: "number-status", CreatedAt: mins(2), UpdatedAt: mins(30), UpdatedBy: "carol",
		Company: store.Company{CompanyName: "Steppe Foods", Country: "UZ"}, Account: store.Account{Email: "it@steppe.uz"}}
	done := store.Session{ID: "DDDD-3456", Status: store.StatusDone, Step: "done", CreatedAt: mins(3), UpdatedAt: mins(40),
		UpdatedBy: "dave", FinishedAt: mins(40), Company: store.Company{CompanyName: "Nomad Bank"},
		Phone: store.Phone{E164: "+998901234567"}, Profile: store.Profile{DisplayName: "Nomad Bank"}}
	return []store.Session{active, abandoned, waiting, done}
}

func seeded(t *testing.T) string {
	t.Helper()
	path := tempData(t)
	seed(t, path, fixture()...)
	return path
}

func mustOK(t *testing.T, r result) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("exit %d: %v\nstdout:\n%s\nstderr:\n%s", r.code(), r.err, r.stdout, r.stderr)
	}
}

func mustFail(t *testing.T, r result, code int, parts ...string) {
	t.Helper()
	if r.code() != code {
		t.Fatalf("exit %d, want %d: %v\nstdout:\n%s", r.code(), code, r.err, r.stdout)
	}
	for _, p := range parts {
		if !strings.Contains(r.err.Error(), p) {
			t.Errorf("message %q does not contain %q", r.err, p)
		}
	}
}

func load(t *testing.T, path, id string) (store.Session, []store.Event) {
	t.Helper()
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := st.Load(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := st.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s, evs
}

// --- list ----------------------------------------------------------------

func TestListText(t *testing.T) {
	path := seeded(t)
	r := wiz(t, "list", "--data", path)
	mustOK(t, r)
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines:\n%s", len(lines), r.stdout)
	}
	for _, col := range []string{"ID", "COMPANY", "E-MAIL", "NUMBER", "STEP", "STATUS", "UPDATED", "BY"} {
		if !strings.Contains(lines[0], col) {
			t.Errorf("header %q lacks %s", lines[0], col)
		}
	}
	for i, want := range [][]string{
		{"DDDD-3456", "Nomad Bank", "+998 90 123 45 67", "done", "dave"}, // numbers international, grouped
		{"WXYZ-2345", "Steppe Foods", "it@steppe.uz", "number-status", "waiting: delete the WhatsApp Business app account first", "carol"},
		{"ABCD-EFGH", "test@example.com", "account", "abandoned", "bob"},
		{"K7MQ-4XPD", "Acme Trading LLP", "ops@acme.kz", "+7 701 123 4567", "phone", "active",
			assets.NewWords("en").DateTime(mins(10).Local()), "alice"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], w) {
				t.Errorf("line %d %q lacks %q", i+1, lines[i+1], w)
			}
		}
	}
}

func TestListFilters(t *testing.T) {
	path := seeded(t)
	for _, tc := range []struct {
		args []string
		want string // ids, newest first
	}{
		{[]string{"--status", "waiting"}, "WXYZ-2345"},
		{[]string{"--status", "active,done"}, "DDDD-3456 K7MQ-4XPD"},
		{[]string{"--status", "Active", "--status", "abandoned"}, "ABCD-EFGH K7MQ-4XPD"},
		{[]string{"--search", "ACME"}, "K7MQ-4XPD"},              // company, any case
		{[]string{"--search", "steppe.uz"}, "WXYZ-2345"},         // e-mail
		{[]string{"--search", "+7 701 123-45"}, "K7MQ-4XPD"},     // number, however written
		{[]string{"--search", "90123"}, "DDDD-3456"},             // part of a number
		{[]string{"--search", "k7mq4xpd"}, "K7MQ-4XPD"},          // id, any case, no dash
		{[]string{"--search", "abcd-e"}, "ABCD-EFGH"},            // part of an id
		{[]string{"--search", "bank", "--status", "active"}, ""}, // both filters
		{[]string{"--search", "nobody"}, ""},
	} {
		r := wiz(t, append([]string{"list", "--json", "--data", path}, tc.args...)...)
		mustOK(t, r)
		var got []listEntry
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatalf("%v: %v\n%s", tc.args, err, r.stdout)
		}
		var ids []string
		for _, e := range got {
			ids = append(ids, e.ID)
		}
		if strings.Join(ids, " ") != tc.want {
			t.Errorf("%v: got %v, want %s", tc.args, ids, tc.want)
		}
	}
	r := wiz(t, "list", "--data", path, "--search", "nobody")
	mustOK(t, r)
	if !strings.Contains(r.stdout, "No signups match") {
		t.Errorf("empty filtered list: %q", r.stdout)
	}
	mustFail(t, wiz(t, "list", "--data", path, "--status", "paused"), 2, `"paused"`, "active, waiting, done or abandoned")
}

func TestListJSON(t *testing.T) {
	path := seeded(t)
	r := wiz(t, "list", "--json", "--data", path, "--status", "waiting")
	mustOK(t, r)
	var got []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"id": "WXYZ-2345", "company": "Steppe Foods", "email": "it@steppe.uz", "number": "",
		"step": "number-status", "status": "waiting", "waiting_reason": "delete the WhatsApp Business app account first",
		"updated_at": "2025-03-14T02:30:00Z", "updated_by": "carol"}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}

	r = wiz(t, "list", "--json", "--data", tempData(t))
	mustOK(t, r)
	if strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("empty list: %q", r.stdout)
	}
}

func TestListLimit(t *testing.T) {
	path := tempData(t)
	var many []store.Session
	for i := range 60 {
		many = append(many, store.Session{ID: store.NewID(), Status: store.StatusActive, Step: "terms", UpdatedAt: mins(i)})
	}
	seed(t, path, many...)
	count := func(r result) int { return strings.Count(r.stdout, " terms ") }

	r := wiz(t, "list", "--data", path)
	mustOK(t, r)
	if n := count(r); n != 50 || !strings.Contains(r.stdout, "--limit 0 shows all") {
		t.Fatalf("default: %d rows\n%s", n, r.stdout)
	}
	if !strings.Contains(r.stdout, many[59].ID) || strings.Contains(r.stdout, many[0].ID) {
		t.Error("the default list is not the newest 50")
	}
	if r := wiz(t, "list", "--data", path, "--limit", "0"); count(r) != 60 || strings.Contains(r.stdout, "--limit 0") {
		t.Fatalf("--limit 0: %d rows", count(r))
	}
	if r := wiz(t, "list", "--data", path, "--limit", "60"); count(r) != 60 || strings.Contains(r.stdout, "--limit 0") {
		t.Fatalf("--limit 60: %d rows", count(r))
	}
	var all []listEntry
	r = wiz(t, "list", "--data", path, "--json")
	if err := json.Unmarshal([]byte(r.stdout), &all); err != nil || len(all) != 60 {
		t.Fatalf("--json: %d entries, %v", len(all), err)
	}
	r = wiz(t, "list", "--data", path, "--json", "--limit", "5")
	if err := json.Unmarshal([]byte(r.stdout), &all); err != nil || len(all) != 5 {
		t.Fatalf("--json --limit 5: %d entries, %v", len(all), err)
	}
	mustFail(t, wiz(t, "list", "--data", path, "--limit", "-1"), 2, "--limit")
}

// --- show ----------------------------------------------------------------

func TestShowText(t *testing.T) {
	path := seeded(t)
	r := wiz(t, "show", "wxyz2345", "--data", path)
	mustOK(t, r)
	for _, want := range []string{
		"WXYZ-2345", "Steppe Foods (Uzbekistan)", "it@steppe.uz",
		"delete the WhatsApp Business app account first",
		"About your number (number-status)", "by carol (revision 2)",
		"Saved fields", "company.company_name", "company.country", "UZ", "status", "waiting",
		"History", "created", "error", "adding the number — error: graph: code 133004 [HTTP 503]",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("show lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(r.stdout)
	}
}

func TestShowJSON(t *testing.T) {
	path := seeded(t)
	r := wiz(t, "show", "K7MQ-4XPD", "--json", "--data", path)
	mustOK(t, r)
	var got struct {
		Session store.Session `json:"session"`
		Events  []store.Event `json:"events"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	sess, evs := load(t, path, "K7MQ-4XPD")
	if !reflect.DeepEqual(got.Session, sess) || !reflect.DeepEqual(got.Events, evs) {
		t.Fatalf("got %+v\nwant %+v %+v", got, sess, evs)
	}
	if !strings.Contains(r.stdout, `"session": {`) || !strings.Contains(r.stdout, `"e164": "+77011234567"`) {
		t.Errorf("not the stored shape:\n%s", r.stdout)
	}
}

func TestShowNotFound(t *testing.T) {
	path := seeded(t)
	mustFail(t, wiz(t, "show", "ZZZZ-ZZZZ", "--data", path), 1, "ZZZZ-ZZZZ", path, "wizard list")
}

// --- export and import -----------------------------------------------------

func TestExportImportRoundTrip(t *testing.T) {
	path := seeded(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "handover.json")

	r := wiz(t, "export", "wxyz-2345", "-o", file, "--data", path)
	mustOK(t, r)
	if !strings.Contains(r.stdout, "WXYZ-2345") || !strings.Contains(r.stdout, file) || !strings.Contains(r.stdout, "2 events") {
		t.Errorf("export said %q", r.stdout)
	}
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("bundle mode %v, %v", fi.Mode(), err)
	}
	data, _ := os.ReadFile(file)
	var head map[string]any
	if err := json.Unmarshal(data, &head); err != nil || head["format"] != "wizard-signup" || head["version"] != 1.0 ||
		head["exported_at"] != "2025-03-14T12:00:00Z" || head["exported_by"] != who() {
		t.Fatalf("bundle head %v %v", head, err)
	}

	// On "another machine": a second data file.
	other := filepath.Join(t.TempDir(), "other.db")
	r = wiz(t, "import", file, "--data", other)
	mustOK(t, r)
	if !strings.Contains(r.stdout, "WXYZ-2345") || !strings.Contains(r.stdout, "Steppe Foods") || !strings.Contains(r.stdout, "wizard resume WXYZ-2345") {
		t.Errorf("import said %q", r.stdout)
	}
	orig, origEvents := load(t, path, "WXYZ-2345")
	got, gotEvents := load(t, other, "WXYZ-2345")
	if got.Company != orig.Company || got.Account != orig.Account || got.Status != orig.Status ||
		got.WaitingReason != orig.WaitingReason || got.Step != orig.Step || !got.CreatedAt.Equal(orig.CreatedAt) {
		t.Errorf("imported %+v\noriginal %+v", got, orig)
	}
	if !got.UpdatedAt.Equal(tNow) || got.UpdatedBy != who() || got.Rev != orig.Rev+1 {
		t.Errorf("imported session stamped %v by %q rev %d", got.UpdatedAt, got.UpdatedBy, got.Rev)
	}
	if len(gotEvents) != len(origEvents)+1 || !reflect.DeepEqual(gotEvents[:len(origEvents)], origEvents) {
		t.Fatalf("imported history %+v\noriginal %+v", gotEvents, origEvents)
	}
	if note := gotEvents[len(gotEvents)-1]; note.Kind != "imported" || note.By != who() || !strings.Contains(note.Detail, file) {
		t.Errorf("import note %+v", note)
	}
	// It is the one 'wizard' offers to resume there.
	r = wiz(t, "list", "--json", "--data", other, "--status", "active,waiting")
	if !strings.Contains(r.stdout, "WXYZ-2345") {
		t.Errorf("imported signup not listed: %s", r.stdout)
	}

	// Twice: refused, nothing changed; --replace replaces.
	mustFail(t, wiz(t, "import", file, "--data", other), 1, "WXYZ-2345", "already", other, "--replace")
	if _, evs := load(t, other, "WXYZ-2345"); len(evs) != len(gotEvents) {
		t.Fatalf("refused import changed the history: %d events", len(evs))
	}
	// --replace never overwrites a newer revision (issue 15): the import itself
	// made one, so the same file again is refused...
	mustFail(t, wiz(t, "import", "--replace", file, "--data", other), 1, "WXYZ-2345", "has changed since the file was made", other)
	// ... and a copy at the stored revision replaces it.
	newer := filepath.Join(t.TempDir(), "newer.json")
	mustOK(t, wiz(t, "export", "WXYZ-2345", "-o", newer, "--data", other))
	mustOK(t, wiz(t, "import", "--replace", newer, "--data", other))
	if _, evs := load(t, other, "WXYZ-2345"); len(evs) != len(gotEvents)+1 {
		t.Fatalf("after --replace: %d events, want %d", len(evs), len(gotEvents)+1)
	}

	// Export refuses to overwrite without --force; -o - prints the bundle.
	mustFail(t, wiz(t, "export", "WXYZ-2345", "-o", file, "--data", path), 1, file, "--force")
	mustOK(t, wiz(t, "export", "WXYZ-2345", "-o", file, "--force", "--data", path))
	r = wiz(t, "export", "WXYZ-2345", "-o", "-", "--data", path)
	mustOK(t, r)
	b, err := store.DecodeBundle([]byte(r.stdout))
	if err != nil || b.Session.ID != "WXYZ-2345" || len(b.Events) != 2 {
		t.Fatalf("export to stdout: %+v %v", b, err)
	}
	// ... and import reads one from standard input.
	third := filepath.Join(t.TempDir(), "third.db")
	mustOK(t, wizIn(t, r.stdout, "import", "-", "--data", third))
	if s, _ := load(t, third, "WXYZ-2345"); s.Company.CompanyName != "Steppe Foods" {
		t.Fatalf("import from stdin: %+v", s)
	}
}

func TestExportDefaultFile(t *testing.T) {
	path := seeded(t)
	t.Chdir(t.TempDir())
	mustOK(t, wiz(t, "export", "K7MQ-4XPD", "--data", path))
	if _, err := store.DecodeBundle(mustRead(t, "signup-K7MQ-4XPD.json")); err != nil {
		t.Fatal(err)
	}
	mustFail(t, wiz(t, "export", "NONE-NONE", "--data", path), 1, "NONE-NONE", "wizard list")
}

func TestImportRefusals(t *testing.T) {
	path := tempData(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	newer := write("newer.json", `{"format":"wizard-signup","version":2,"session":{"id":"K7MQ-4XPD"},"events":[]}`)
	mustFail(t, wiz(t, "import", newer, "--data", path), 1, newer, "newer wizard", "version 2", "Update the wizard")
	schema := write("schema.json", `{"format":"wizard-signup","version":1,"session":{"id":"K7MQ-4XPD","schema":7},"events":[]}`)
	mustFail(t, wiz(t, "import", schema, "--data", path), 1, "newer wizard", "version 7")
	other := write("other.json", `{"name":"something else"}`)
	mustFail(t, wiz(t, "import", other, "--data", path), 1, other, "is not a signup exported with 'wizard export'")
	mustFail(t, wiz(t, "import", filepath.Join(dir, "missing.json"), "--data", path), 1, "missing.json")
	if _, err := os.Stat(path); err == nil {
		st, _ := store.Open(path, store.Options{})
		defer st.Close()
		if page, _ := st.List(context.Background(), store.Query{}); len(page.Sessions) != 0 {
			t.Fatalf("refused imports stored %d sessions", len(page.Sessions))
		}
	}
}

// --- abandon and resume ----------------------------------------------------

func TestAbandon(t *testing.T) {
	path := seeded(t)
	r := wiz(t, "abandon", "k7mq-4xpd", "--reason", "duplicate of WXYZ-2345", "--data", path)
	mustOK(t, r)
	if !strings.Contains(r.stdout, "K7MQ-4XPD is marked abandoned") || !strings.Contains(r.stdout, "wizard resume K7MQ-4XPD") {
		t.Errorf("abandon said %q", r.stdout)
	}
	s, evs := load(t, path, "K7MQ-4XPD")
	last := evs[len(evs)-1]
	if s.Status != store.StatusAbandoned || s.UpdatedBy != who() || !s.UpdatedAt.Equal(tNow) ||
		last.Kind != "abandoned" || last.Detail != "marked abandoned: duplicate of WXYZ-2345" || last.Step != "phone" {
		t.Fatalf("after abandon: %+v\n%+v", s, last)
	}
	// Kept, listed, but not offered for resume.
	if r := wiz(t, "list", "--data", path, "--status", "abandoned"); !strings.Contains(r.stdout, "K7MQ-4XPD") {
		t.Error("abandoned signup not listed")
	}
	st, _ := store.Open(path, store.Options{})
	latest, _, _ := st.Latest(context.Background(), store.Query{Statuses: store.Resumable})
	st.Close()
	if latest.ID != "WXYZ-2345" {
		t.Errorf("resume offer: %s", latest.ID)
	}

	r = wiz(t, "abandon", "K7MQ-4XPD", "--data", path)
	mustOK(t, r)
	if !strings.Contains(r.stdout, "already abandoned") {
		t.Errorf("second abandon said %q", r.stdout)
	}
	if _, evs2 := load(t, path, "K7MQ-4XPD"); len(evs2) != len(evs) {
		t.Error("second abandon added an event")
	}
	mustFail(t, wiz(t, "abandon", "DDDD-3456", "--data", path), 1, "DDDD-3456 is finished")
	mustFail(t, wiz(t, "abandon", "NONE-NONE", "--data", path), 1, "No signup with id NONE-NONE")
}

func TestResumeTarget(t *testing.T) {
	path := seeded(t)
	var errOut bytes.Buffer
	f := newFactory(nil, &bytes.Buffer{}, &errOut)
	f.Now = func() time.Time { return tNow }
	f.flags.dataPath, f.flags.lockTimeout = path, time.Second
	st, err := f.OpenStore()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	opts := &resumeOptions{sessionOptions: f.sessionOptions()}
	opts.Words = f.Words()
	opts.Who = func() string { return "carol" } // the latest unfinished one is hers

	if s, _, err := resumeTarget(t.Context(), opts, st, ""); err != nil || s.ID != "WXYZ-2345" {
		t.Fatalf("latest: %s %v", s.ID, err)
	}
	if s, _, err := resumeTarget(t.Context(), opts, st, "k7mq4xpd"); err != nil || s.ID != "K7MQ-4XPD" || s.Status != store.StatusActive {
		t.Fatalf("by id: %+v %v", s, err)
	}
	_, _, err = resumeTarget(t.Context(), opts, st, "DDDD-3456")
	mustFail(t, result{err: err}, 1, "DDDD-3456 is finished", "wizard show DDDD-3456")

	s, _, err := resumeTarget(t.Context(), opts, st, "ABCD-EFGH")
	if err != nil || s.Status != store.StatusActive {
		t.Fatalf("abandoned: %+v %v", s, err)
	}
	if !strings.Contains(errOut.String(), "ABCD-EFGH was abandoned; it is reopened") {
		t.Errorf("stderr %q", errOut.String())
	}
	stored, _ := st.Load(context.Background(), "ABCD-EFGH")
	evs, _ := st.Events(context.Background(), "ABCD-EFGH")
	if stored.Status != store.StatusActive || evs[len(evs)-1].Kind != "reopened" || evs[len(evs)-1].By != "carol" {
		t.Fatalf("stored %+v, last event %+v", stored, evs[len(evs)-1])
	}

	empty := newFactory(nil, &bytes.Buffer{}, &bytes.Buffer{})
	empty.flags.dataPath = filepath.Join(t.TempDir(), "e.db")
	est, err := empty.OpenStore()
	if err != nil {
		t.Fatal(err)
	}
	defer est.Close()
	eopts := &resumeOptions{sessionOptions: empty.sessionOptions()}
	eopts.Words = empty.Words()
	_, _, err = resumeTarget(t.Context(), eopts, est, "")
	mustFail(t, result{err: err}, 1, "no unfinished signup")
}

// --- damaged and locked data files -------------------------------------------

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestCorruptDataFile(t *testing.T) {
	path := tempData(t)
	garbage := bytes.Repeat([]byte("this is not a bbolt file\n"), 1000)
	if err := os.WriteFile(path, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"list"}, {"show", "K7MQ-4XPD"}, {"resume"}, {"abandon", "K7MQ-4XPD"}} {
		mustFail(t, wiz(t, append(args, "--data", path)...), 1, path, "damaged", "--repair")
	}
	if !bytes.Equal(mustRead(t, path), garbage) {
		t.Fatal("the damaged file was changed")
	}

	r := wiz(t, "list", "--repair", "--data", path)
	mustOK(t, r)
	moved := path + ".corrupt-20250314T120000Z"
	if !strings.Contains(r.stderr, path) || !strings.Contains(r.stderr, moved) {
		t.Errorf("repair message %q names not both %s and %s", r.stderr, path, moved)
	}
	if !bytes.Equal(mustRead(t, moved), garbage) {
		t.Fatal("the moved file is not the damaged one")
	}
	if !strings.Contains(r.stdout, "No signups yet") {
		t.Errorf("list after repair: %q", r.stdout)
	}
	// The fresh file works; --repair on a sound file does nothing.
	seed(t, path, fixture()[0])
	r = wiz(t, "list", "--repair", "--data", path)
	mustOK(t, r)
	if r.stderr != "" || !strings.Contains(r.stdout, "K7MQ-4XPD") {
		t.Fatalf("second --repair: %q %q", r.stdout, r.stderr)
	}
}

// A wizard at work keeps the data file open only for each save (issue 15):
// list, show, export and abandon of another signup run meanwhile.
func TestDataFileInUse(t *testing.T) {
	path := seeded(t)
	other, err := store.Open(path, store.Options{}) // another wizard at work
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for _, args := range [][]string{{"list"}, {"show", "K7MQ-4XPD"}, {"export", "K7MQ-4XPD", "-o", "-"}, {"abandon", "K7MQ-4XPD"}} {
		mustOK(t, wiz(t, append(args, "--data", path)...))
	}
	if _, err := other.Load(context.Background(), "K7MQ-4XPD"); err != nil {
		t.Fatalf("the other wizard reads after them: %v", err)
	}
}

// lockDataFile holds bbolt's lock on the file at path until the test ends,
// as a transaction that does not end would (a wizard stuck in a save):
// every transaction of the commands waits --lock-timeout for it.
func lockDataFile(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
}

// A data file whose lock is not released within --lock-timeout (issue 15:
// now only a transaction that does not end) is refused, naming who has it.
func TestLockedDataFile(t *testing.T) {
	path := seeded(t)
	lockDataFile(t, path)
	for _, args := range [][]string{{"list"}, {"show", "K7MQ-4XPD"}, {"export", "K7MQ-4XPD", "-o", "-"}, {"abandon", "K7MQ-4XPD"}} {
		start := time.Now()
		r := wiz(t, append(args, "--data", path)...)
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("%v: gave up after %v", args, took)
		}
		mustFail(t, r, 1, "Another wizard", path)
		if _, err := os.Stat("/proc/self/fd"); err == nil && !strings.Contains(r.err.Error(), "process "+strconv.Itoa(os.Getpid())) {
			t.Errorf("%v: the message does not name the holder: %v", args, r.err)
		}
	}
}

// TestLockedDataFileProcess runs a second wizard as a process of its own on a
// locked file: it must exit non-zero within 2 s, naming the file. The process is
// this test binary (see TestCommandsHelperProcess), whose start-up under the race
// detector is slow: the time of a run of 'version' is taken off.
func TestLockedDataFileProcess(t *testing.T) {
	path := seeded(t)
	lockDataFile(t, path)

	baseline, _, _ := helperProcess(t, "version")
	took, stderr, err := helperProcess(t, "list", "--data", path)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v\nstderr: %s", err, stderr)
	}
	if took-baseline > 2*time.Second {
		t.Errorf("took %v (start-up %v)", took, baseline)
	}
	if !strings.Contains(stderr, path) || !strings.Contains(stderr, "Another wizard") {
		t.Errorf("stderr %q does not name %s", stderr, path)
	}
}

// helperProcess runs the wizard with args in a process of its own.
func helperProcess(t *testing.T, args ...string) (time.Duration, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], append([]string{"-test.run=^TestCommandsHelperProcess$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "WIZARD_COMMANDS_HELPER=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	return time.Since(start), stderr.String(), err
}

// TestCommandsHelperProcess is the wizard itself when run by the test above.
func TestCommandsHelperProcess(t *testing.T) {
	if os.Getenv("WIZARD_COMMANDS_HELPER") != "1" {
		t.Skip("runs only as a helper process")
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	os.Exit(run(context.Background(), args, os.Stdin, os.Stdout, os.Stderr))
}

// --- doctor ----------------------------------------------------------------

func TestDoctorHealthy(t *testing.T) {
	path := seeded(t)
	t.Setenv("SSH_TTY", "/dev/pts/9")
	r := wiz(t, "doctor", "--data", path)
	mustOK(t, r)
	for _, want := range []string{
		"Data file", "✓ " + path + " (mode 0600",
		"✓ not in use by another wizard",
		fmt.Sprintf("✓ schema version %d (this wizard writes %[1]d)", store.SchemaVersion),
		"✓ consistent: 4 signups (1 active, 1 waiting, 1 done, 1 abandoned), 5 events",
		"support log: " + path + ".log",
		"Services", "· built-in sandbox: started on demand", "✓ sandbox answers at http://127.0.0.1:",
		"Browser", "an SSH session",
		"All checks passed.",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("doctor lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(r.stdout)
	}
}

func TestDoctorProblems(t *testing.T) {
	path := seeded(t)
	lockDataFile(t, path) // a transaction elsewhere that does not end
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	before := mustRead(t, path)
	r := wiz(t, "doctor", "--data", path, "--sandbox-url", closed, "--lock-timeout", "200ms")
	if r.code() != 1 || r.err.Error() != "" {
		t.Fatalf("exit %d (%v), want 1 without a message", r.code(), r.err)
	}
	for _, want := range []string{
		"✗ " + path + " has mode 0644", "chmod 600 " + path,
		"✗ in use by another wizard",
		"✗ sandbox does not answer at " + closed,
		"3 problems found",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("doctor lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(r.stdout)
	}
	if !bytes.Equal(mustRead(t, path), before) {
		t.Error("doctor changed the data file")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Error("doctor changed the mode")
	}
}

func TestDoctorMissingAndCorrupt(t *testing.T) {
	path := tempData(t)
	r := wiz(t, "doctor", "--data", path, "--partner-url", "http://127.0.0.1:1")
	if !strings.Contains(r.stdout, "· "+path+" does not exist yet") {
		t.Errorf("missing file:\n%s", r.stdout)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("doctor created the data file")
	}
	for _, want := range []string{"✗ partner does not answer", "✗ no ocm URL", "✗ WIZARD_PARTNER_TOKEN is not set"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("doctor lacks %q:\n%s", want, r.stdout)
		}
	}

	if err := os.WriteFile(path, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = wiz(t, "doctor", "--data", path)
	if r.code() != 1 || !strings.Contains(r.stdout, "✗ the saved-sessions file "+path+" is damaged") ||
		!strings.Contains(r.stdout, "--repair") {
		t.Errorf("corrupt file:\n%s", r.stdout)
	}
	if string(mustRead(t, path)) != "garbage" {
		t.Error("doctor changed the damaged file")
	}
}

// --- the support log --------------------------------------------------------

func TestSupportLog(t *testing.T) {
	path := seeded(t)
	mustOK(t, wiz(t, "abandon", "K7MQ-4XPD", "--reason", "test", "--data", path))
	log := string(mustRead(t, path+".log"))
	want := "2025-03-14T12:00:00Z K7MQ-4XPD #2 phone abandoned by=" + who() + ` detail="marked abandoned: test"`
	if strings.TrimSpace(log) != want {
		t.Fatalf("log %q\nwant %q", log, want)
	}
	if fi, _ := os.Stat(path + ".log"); fi.Mode().Perm() != 0o600 {
		t.Errorf("log mode %v", fi.Mode())
	}
}

// --- sandbox --fault ------------------------------------------------------

func TestSandboxFaultFlag(t *testing.T) {
	hermetic(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // serve, print, and stop at once
	var out bytes.Buffer
	root := newRootCmd(newFactory(strings.NewReader(""), &out, &out))
	root.SetArgs([]string{"sandbox", "--addr", "127.0.0.1:0",
		"--fault", "prefix=/graph/,kind=status,status=503,count=2", "--fault", "prefix=/ocm/,method=get,kind=timeout,delay=20s"})
	if err := root.ExecuteContext(ctx); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/sandbox/faults", "fault: status 503 on /graph/* (next 2 requests)",
		"fault: timeout after 20\u00a0seconds on GET /ocm/* (every request)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	r := wiz(t, "sandbox", "--addr", "127.0.0.1:0", "--fault", "prefix=/graph/,kind=explode")
	mustFail(t, r, 2, "unknown kind")
}

func TestOpenErrorPermission(t *testing.T) {
	hermetic(t)
	w := newFactory(nil, &bytes.Buffer{}, &bytes.Buffer{}).Words()
	err := openError(w, "/data/wizard.db", fmt.Errorf("store: open /data/wizard.db: %w", &os.PathError{Op: "open", Path: "/data/wizard.db", Err: os.ErrPermission}))
	mustFail(t, result{err: err}, 1, "Cannot read the data file /data/wizard.db: permission denied", "mode 0600", "--data")
}

// Off loopback the sandbox needs --allow-remote, then says where it really
// listens and prints the token its outbox and faults controls need.
func TestSandboxOffLoopback(t *testing.T) {
	hermetic(t)
	r := wiz(t, "sandbox", "--addr", "0.0.0.0:0")
	mustFail(t, r, 2, "0.0.0.0:0")

	ctx, cancel := context.WithCancel(t.Context())
	cancel() // serve, print, and stop at once
	var out bytes.Buffer
	root := newRootCmd(newFactory(strings.NewReader(""), &out, &out))
	root.SetArgs([]string{"sandbox", "--addr", "0.0.0.0:0", "--allow-remote"})
	if err := root.ExecuteContext(ctx); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "serving at http://127.0.0.1") && !strings.Contains(out.String(), "every interface") {
		t.Errorf("the output hides that it listens on every interface:\n%s", out.String())
	}
	if !strings.Contains(strings.ToLower(out.String()), "token") {
		t.Errorf("no token printed:\n%s", out.String())
	}
}
