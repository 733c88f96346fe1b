package main

// What the support commands print with --lang ru and --lang kk holds no
// English word but names (englishleft): the statuses, steps and counts of
// list and doctor, show's labels, the commands' sentences and errors. What the
// signups hold (company names, e-mail addresses, the reason a signup waits, as
// saved) is the users' and stays as written.

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wizard/assets"
	"wizard/client/sandbox"
	"wizard/internal/englishleft"
	"wizard/steps"
)

// fixtureData is what the fixture's signups hold, as users typed it.
func fixtureData() []string {
	var data []string
	for _, s := range fixture() {
		data = append(data, s.ID, s.Company.CompanyName, s.Company.FullName, s.Account.Email, s.WaitingReason,
			s.UpdatedBy, s.CreatedBy, s.Profile.DisplayName)
	}
	// seed's history: the error event's detail and error, as the store keeps them.
	return append(data, "adding the number", "graph: code 133004 [HTTP 503]", who())
}

// commandOutputs runs the support commands on the fixture in lang and returns
// what each printed, on both streams and as its error.
func commandOutputs(t *testing.T, lang string) map[string]string {
	t.Helper()
	path := seeded(t)
	dir := t.TempDir()
	bundle := filepath.Join(dir, "bundle.json")
	other := filepath.Join(dir, "other.db")
	out := map[string]string{}
	run := func(args ...string) result {
		r := wiz(t, append([]string{"--lang", lang}, args...)...)
		text := r.stdout + r.stderr
		if r.err != nil {
			text += r.err.Error()
		}
		out[strings.Join(args, " ")] = text
		return r
	}
	run("list", "--data", path)
	run("list", "--data", path, "--status", "waiting")
	run("list", "--data", path, "--search", "nothing-like-it")
	run("list", "--data", path, "--status", "paused")
	run("list", "--data", path, "--limit", "-1")
	run("list", "--data", path, "--limit", "1")
	run("show", "K7MQ-4XPD", "--data", path)
	run("show", "WXYZ-2345", "--data", path)
	run("show", "DDDD-3456", "--data", path)
	run("show", "NONE-NONE", "--data", path)
	run("doctor", "--data", path)
	run("export", "K7MQ-4XPD", "--data", path, "-o", bundle)
	run("export", "NONE-NONE", "--data", path)
	run("import", bundle, "--data", other)
	run("import", bundle, "--data", other)
	run("import", filepath.Join(dir, "missing.json"), "--data", other)
	if err := os.WriteFile(filepath.Join(dir, "not.json"), []byte(`{"name":"x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	run("import", filepath.Join(dir, "not.json"), "--data", other)
	run("copy", "--from", path, "--to", filepath.Join(dir, "copy.db"))
	run("abandon", "ABCD-EFGH", "--data", path)
	run("abandon", "K7MQ-4XPD", "--data", path, "--reason", "duplicate")
	run("resume", "DDDD-3456", "--data", path)
	damaged := filepath.Join(dir, "damaged.db")
	if err := os.WriteFile(damaged, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	run("list", "--data", damaged)
	run("doctor", "--data", damaged)
	locked := seeded(t)
	lockDataFile(t, locked) // a transaction of this process that does not end
	run("list", "--data", locked, "--lock-timeout", "100ms")
	run("doctor", "--data", locked, "--lock-timeout", "100ms")
	run("demo", "--list")
	run("version")
	// The sandbox serves, says so with its faults, and stops at once.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var buf bytes.Buffer
	root := newRootCmd(newFactory(strings.NewReader(""), &buf, &buf))
	args := []string{"--lang", lang, "sandbox", "--addr", "127.0.0.1:0", "--fault", "prefix=/graph/,kind=status,status=503,count=2",
		"--fault", "prefix=/ocm/,method=get,kind=timeout,delay=20s", "--fault", "prefix=/partner/,kind=reset"}
	root.SetArgs(args)
	if err := root.ExecuteContext(ctx); err != nil {
		t.Fatal(err)
	}
	out["sandbox --fault"] = buf.String()
	return out
}

// names are what some commands show that is a name: the values --status
// takes, the demo's scenarios (wizard demo NAME), the version of a build
// from source.
func names(cmd string) []string {
	switch {
	case strings.Contains(cmd, "damaged.db"):
		// Not yet in words: why bbolt cannot read the file, as its error says.
		return []string{"(invalid database)", "dev"}
	case strings.Contains(cmd, "--lock-timeout"):
		// Who holds the file: this test's process, by its command line.
		return []string{filepath.Base(os.Args[0]), "dev"}
	case strings.HasPrefix(cmd, "list") && strings.Contains(cmd, "paused"):
		return []string{"paused", "active", "waiting", "done", "abandoned"}
	case cmd == "demo --list":
		return sandbox.ScenarioNames()
	case cmd == "version" || strings.HasPrefix(cmd, "doctor"):
		return []string{"dev"}
	case strings.HasPrefix(cmd, "show"):
		// The step's line names the step and, in brackets, its id, the
		// name 'wizard demo --at' and the history take.
		var ids []string
		for _, id := range steps.Order {
			ids = append(ids, "("+string(id)+")")
		}
		return ids
	case strings.HasPrefix(cmd, "import") && strings.Contains(cmd, "not.json"):
		// Not yet in words: why the store refused the file, as its Go error says.
		return []string{`(not a wizard signup bundle: format "")`}
	}
	return nil
}

func TestSupportCommandsSpeakTheLanguage(t *testing.T) {
	data := fixtureData()
	for _, lang := range []string{"ru", "kk"} {
		t.Run(lang, func(t *testing.T) {
			w := assets.NewWords(lang)
			for cmd, text := range commandOutputs(t, lang) {
				if strings.HasPrefix(cmd, "show") {
					// The saved fields are the record as it is stored, under
					// the names --json and export give them.
					if i, j := strings.Index(text, w.T("cli.show.fields")), strings.Index(text, w.T("show.history")); i >= 0 && j > i {
						text = text[:i] + text[j:]
					}
				}
				if left := englishleft.Find(text, append(data, names(cmd)...)...); len(left) > 0 {
					t.Errorf("wizard --lang %s %s shows English %q:\n%s", lang, cmd, left, text)
				}
			}
		})
	}
}

// list and doctor have words for every step and status, in every language.
func TestListAndDoctorHaveWordsForEveryStepAndStatus(t *testing.T) {
	for _, tag := range assets.Languages() {
		w := assets.NewWords(tag.String())
		for _, id := range steps.Order {
			if !w.Has("list.step." + string(id)) {
				t.Errorf("%s: no list.step.%s", tag, id)
			}
		}
		for _, c := range statusCountKeys {
			if !w.Has("list.status."+string(c.status)) || !w.Has(c.key) {
				t.Errorf("%s: no words for the status %s", tag, c.status)
			}
		}
	}
}
