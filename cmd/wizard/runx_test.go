package main

// Tests that call the commands' runX functions directly, as cli/cli tests its
// commands: options filled by hand, streams in buffers, a fixed clock and user,
// a data file of the test's own; no cobra, no terminal. The runF tests check
// the other half: that flags and arguments fill the options.

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"wizard/assets"
	"wizard/store"
)

// streams are a command's standard streams in buffers.
type streams struct {
	in          *bytes.Buffer
	out, errOut *bytes.Buffer
}

func newStreams(stdin string) (ioStreams, streams) {
	s := streams{in: bytes.NewBufferString(stdin), out: &bytes.Buffer{}, errOut: &bytes.Buffer{}}
	return ioStreams{In: s.in, Out: s.out, ErrOut: s.errOut}, s
}

// en is the English catalog the commands under test print from.
var en = assets.NewWords("en")

// openAt opens the data file at path as a command would (no --repair).
func openAt(path string) func() (*store.Store, error) {
	return func() (*store.Store, error) {
		st, err := store.Open(path, store.Options{Timeout: time.Second})
		if err != nil {
			return nil, openError(en, path, err)
		}
		return st, nil
	}
}

func fixedNow() time.Time { return tNow }
func tester() string      { return "tester" }

func TestRunListDirect(t *testing.T) {
	path := seeded(t)
	io, s := newStreams("")
	err := runList(&listOptions{IO: io, Words: en, OpenStore: openAt(path), Statuses: []string{"waiting", "done"}, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(s.out.String(), "\n"), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "STATUS") || !strings.Contains(lines[1], "DDDD-3456") ||
		!strings.Contains(lines[2], "--limit 0 shows all") {
		t.Fatalf("list --status waiting,done --limit 1:\n%s", s.out)
	}

	io, s = newStreams("")
	if err := runList(&listOptions{IO: io, Words: en, OpenStore: openAt(path), Search: "acme", JSON: true}); err != nil {
		t.Fatal(err)
	}
	var got []listEntry
	if err := json.Unmarshal(s.out.Bytes(), &got); err != nil || len(got) != 1 || got[0].ID != "K7MQ-4XPD" || got[0].UpdatedBy != "alice" {
		t.Fatalf("list --search acme --json: %v\n%s", err, s.out)
	}

	err = runList(&listOptions{IO: io, Words: en, OpenStore: openAt(path), Statuses: []string{"paused"}})
	mustFail(t, result{err: err}, 2, `"paused"`)
	if s.errOut.Len() != 0 {
		t.Errorf("stderr %q", s.errOut)
	}
}

func TestRunShowDirect(t *testing.T) {
	path := seeded(t)
	io, s := newStreams("")
	if err := runShow(&showOptions{IO: io, Words: en, OpenStore: openAt(path), ID: "k7mq-4xpd"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Acme Trading LLP", "phone.e164", "+77011234567", "History", "created"} {
		if !strings.Contains(s.out.String(), want) {
			t.Errorf("show lacks %q", want)
		}
	}

	io, s = newStreams("")
	if err := runShow(&showOptions{IO: io, Words: en, OpenStore: openAt(path), ID: "WXYZ-2345", JSON: true}); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Session store.Session `json:"session"`
		Events  []store.Event `json:"events"`
	}
	if err := json.Unmarshal(s.out.Bytes(), &got); err != nil || got.Session.ID != "WXYZ-2345" || len(got.Events) != 2 ||
		got.Events[1].Error != "graph: code 133004 [HTTP 503]" {
		t.Fatalf("show --json: %v\n%s", err, s.out)
	}

	err := runShow(&showOptions{IO: io, Words: en, OpenStore: openAt(path), ID: "NONE-NONE"})
	mustFail(t, result{err: err}, 1, "NONE-NONE", "wizard list")
}

// TestRunExportImportDirect hands a signup from one data file to another
// through the streams, with the clock and the user injected: the history says
// who did what, and when, exactly.
func TestRunExportImportDirect(t *testing.T) {
	path := seeded(t)
	io, s := newStreams("")
	export := &exportOptions{IO: io, Words: en, OpenStore: openAt(path), Now: fixedNow, Who: tester, ID: "K7MQ-4XPD", Output: "-"}
	if err := runExport(export); err != nil {
		t.Fatal(err)
	}
	b, err := store.DecodeBundle(s.out.Bytes())
	if err != nil || b.ExportedBy != "tester" || !b.ExportedAt.Equal(tNow) || b.Session.ID != "K7MQ-4XPD" {
		t.Fatalf("bundle %+v %v", b, err)
	}

	other := filepath.Join(t.TempDir(), "other.db")
	later := tNow.Add(time.Hour)
	io, s2 := newStreams(s.out.String())
	imp := &importOptions{IO: io, Words: en, OpenStore: openAt(other), Now: func() time.Time { return later },
		Who: func() string { return "bob" }, File: "-"}
	if err := runImport(imp); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s2.out.String(), "wizard resume K7MQ-4XPD") {
		t.Errorf("import said %q", s2.out)
	}
	got, evs := load(t, other, "K7MQ-4XPD")
	note := evs[len(evs)-1]
	if got.UpdatedBy != "bob" || !got.UpdatedAt.Equal(later) || note.Kind != "imported" || note.By != "bob" ||
		!strings.Contains(note.Detail, "exported by tester at 2025-03-14 12:00 UTC") {
		t.Fatalf("imported %+v, note %+v", got, note)
	}

	// A second import of the same signup is refused and says by whom it was last changed.
	io, _ = newStreams(s.out.String())
	imp.IO = io
	err = runImport(imp)
	mustFail(t, result{err: err}, 1, "K7MQ-4XPD", "already", "bob", "--replace")

	// Export to a file that exists: refused without Force.
	file := filepath.Join(t.TempDir(), "k.json")
	export.Output = file
	if err := runExport(export); err != nil {
		t.Fatal(err)
	}
	mustFail(t, result{err: runExport(export)}, 1, file, "--force")
	export.Force = true
	if err := runExport(export); err != nil {
		t.Fatal(err)
	}
}

func TestRunAbandonDirect(t *testing.T) {
	path := seeded(t)
	io, s := newStreams("")
	opts := &abandonOptions{IO: io, Words: en, OpenStore: openAt(path), Now: fixedNow, Who: tester, ID: "WXYZ-2345", Reason: "merged"}
	if err := runAbandon(opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.out.String(), "WXYZ-2345 is marked abandoned") {
		t.Errorf("abandon said %q", s.out)
	}
	got, evs := load(t, path, "WXYZ-2345")
	last := evs[len(evs)-1]
	if got.Status != store.StatusAbandoned || got.WaitingReason != "" || got.UpdatedBy != "tester" ||
		last.By != "tester" || last.Detail != "marked abandoned: merged" || !last.At.Equal(tNow) {
		t.Fatalf("after abandon: %+v\n%+v", got, last)
	}
	opts.ID = "DDDD-3456"
	mustFail(t, result{err: runAbandon(opts)}, 1, "DDDD-3456 is finished")
}

func TestRunVersionDirect(t *testing.T) {
	io, s := newStreams("")
	if err := runVersion(&versionOptions{IO: io, Version: "v1.2.3"}); err != nil {
		t.Fatal(err)
	}
	want := "wizard v1.2.3 (" + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
	if s.out.String() != want {
		t.Fatalf("version printed %q, want %q", s.out, want)
	}
}

// TestRunDoctorDirect runs doctor with its sandbox, HTTP client and
// environment injected: a probe that answers 200, one browser setting.
func TestRunDoctorDirect(t *testing.T) {
	path := seeded(t)
	outbox := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/sandbox/outbox.json" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	defer outbox.Close()
	stopped := false
	env := map[string]string{"WIZARD_BROWSER": "none"}
	io, s := newStreams("")
	opts := &doctorOptions{IO: io, Words: en, DataFile: func() (string, error) { return path, nil }, LockTimeout: time.Second,
		Getenv: func(k string) string { return env[k] }, HTTPClient: outbox.Client(), Version: "v9.9.9",
		StartSandbox: func() (string, func(), error) { return outbox.URL, func() { stopped = true }, nil }}
	if err := runDoctor(context.Background(), opts); err != nil {
		t.Fatalf("%v\n%s", err, s.out)
	}
	for _, want := range []string{"wizard v9.9.9 (", "✓ not in use by another wizard", "· built-in sandbox: started on demand",
		"✓ sandbox answers at " + outbox.URL + "/sandbox/outbox.json", "All checks passed."} {
		if !strings.Contains(s.out.String(), want) {
			t.Errorf("doctor lacks %q", want)
		}
	}
	if !stopped {
		t.Error("doctor did not stop the sandbox it started")
	}
	if t.Failed() {
		t.Log(s.out)
	}

	// Real services named, no operator token in the environment: two problems.
	io, s = newStreams("")
	opts.IO, opts.URLs = io, serviceURLs{partner: outbox.URL}
	err := runDoctor(context.Background(), opts)
	if r := (result{err: err}); r.code() != 1 || err.Error() != "" {
		t.Fatalf("exit %d (%v), want 1 without a message", r.code(), err)
	}
	for _, want := range []string{"✗ no ocm URL", "✗ WIZARD_PARTNER_TOKEN is not set"} {
		if !strings.Contains(s.out.String(), want) {
			t.Errorf("doctor lacks %q:\n%s", want, s.out)
		}
	}
}

// TestFlagsFillOptions checks that the flags and arguments reach the options,
// runF standing in for runX.
func TestFlagsFillOptions(t *testing.T) {
	hermetic(t)
	f := newFactory(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	var list *listOptions
	for _, tc := range []struct {
		args      []string
		wantLimit int
	}{
		{nil, defaultListLimit},
		{[]string{"--json"}, 0},
		{[]string{"--json", "--limit", "5"}, 5},
		{[]string{"--limit", "0"}, 0},
	} {
		cmd := newListCmd(f, func(o *listOptions) error { list = o; return nil })
		cmd.SetArgs(append(tc.args, "--status", "active,done", "--search", "acme"))
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		if list.Limit != tc.wantLimit || strings.Join(list.Statuses, " ") != "active done" || list.Search != "acme" || list.Words == nil {
			t.Errorf("%v: %+v", tc.args, list)
		}
	}

	var export *exportOptions
	cmd := newExportCmd(f, func(o *exportOptions) error { export = o; return nil })
	cmd.SetArgs([]string{"K7MQ-4XPD", "-o", "-", "--force"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if export.ID != "K7MQ-4XPD" || export.Output != "-" || !export.Force || export.Now == nil || export.Who == nil {
		t.Errorf("export: %+v", export)
	}

	var resume *resumeOptions
	root := newRootCmd(f)
	for _, c := range root.Commands() {
		if c.Name() == "resume" {
			root.RemoveCommand(c)
		}
	}
	root.AddCommand(newResumeCmd(f, func(o *resumeOptions) error { resume = o; return nil }))
	root.SetArgs([]string{"resume", "ABCD-EFGH", "--data", "/tmp/x.db", "--lang", "ru"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if resume.ID != "ABCD-EFGH" || f.flags.dataPath != "/tmp/x.db" || f.flags.lang != "ru" || resume.Words == nil {
		t.Errorf("resume: %+v, data %q", resume, f.flags.dataPath)
	}
}
