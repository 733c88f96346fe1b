package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wizard/assets"
	"wizard/store"
	"wizard/termsafe"
)

// hostileText holds what a terminal would obey: an OSC 8 hyperlink, an OSC 52
// clipboard write, a CSI 6n query (the terminal types its answer into stdin),
// a C1 CSI and a bell.
const hostileText = "Acme\x1b]8;;https://evil.example\x07link\x1b]8;;\x07\x1b]52;c;aGVsbG8=\x07\x1b[6n\u009b31m\a"

// hostileSession is a signup whose every user-visible string is hostile, as a
// tampered data file or an older import could hold it (Save checks only the id).
func hostileSession() store.Session {
	s := fixture()[0]
	s.Status, s.Step, s.WaitingReason = store.StatusWaiting, hostileText, hostileText
	s.CreatedBy, s.UpdatedBy = hostileText, hostileText
	s.Account.Email, s.Account.ID = hostileText, hostileText
	s.Company.CompanyName, s.Company.FullName = hostileText, hostileText
	s.Phone.E164, s.Phone.ID = hostileText, hostileText
	s.Signup.WABAID, s.Signup.ErrorMessage, s.Signup.CancelStep = hostileText, hostileText, hostileText
	s.Profile.DisplayName, s.Profile.Website, s.Profile.Description = hostileText, hostileText, hostileText
	s.Activation.StatusText, s.Activation.AlphaCode = hostileText, hostileText
	s.Alpha.Name = hostileText
	return s
}

// Every command prints every field of a hostile signup with its control
// characters shown, never as raw ESC, BEL or C1 bytes; --json stays exact.
func TestHostileSignupReachesNoTerminal(t *testing.T) {
	path := tempData(t)
	seed(t, path, hostileSession())
	id := hostileSession().ID
	dir := t.TempDir()
	bundle := filepath.Join(dir, "hostile.json")

	runs := [][]string{
		{"list"}, {"list", "--search", "acme"}, {"list", "--status", "waiting"},
		{"show", id}, {"export", id, "-o", bundle}, {"doctor"}, {"abandon", id, "--reason", hostileText},
		{"show", "\x1b[31mNOPE"}, {"import", filepath.Join(dir, "\x1b]52;c;x\a.json")},
	}
	for _, args := range runs {
		r := wiz(t, append(args, "--data", path)...)
		var printed bytes.Buffer
		if r.err != nil {
			printError(&printed, assets.NewWords("en"), r.err)
		}
		for name, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr, "error": printed.String()} {
			if termsafe.HasControl(out) {
				t.Errorf("wizard %q: %s holds a control character:\n%q", args, name, out)
			}
		}
	}
	// Shown visibly, not dropped: support sees what the file holds.
	if r := wiz(t, "show", id, "--data", path); !strings.Contains(r.stdout, `\x1b]52`) {
		t.Errorf("show does not show the escape visibly:\n%s", r.stdout)
	}
	// --json is exact: it decodes to the very strings saved.
	r := wiz(t, "show", id, "--json", "--data", path)
	mustOK(t, r)
	var got struct{ Session store.Session }
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got.Session.Company.CompanyName != hostileText {
		t.Fatalf("show --json: %v, company %q", err, got.Session.Company.CompanyName)
	}
	if termsafe.HasControl(r.stdout) {
		t.Errorf("show --json holds a raw control character: %q", r.stdout)
	}
}

// A hostile bundle is refused by import with its first problem named, safely.
func TestHostileBundleIsRefused(t *testing.T) {
	path := tempData(t)
	b := store.Bundle{Format: store.BundleFormat, Version: store.BundleVersion, Session: hostileSession(),
		Events: []store.Event{{Seq: 1, At: mins(0), By: "alice", Kind: "created", Detail: hostileText}}}
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "bundle.json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	r := wiz(t, "import", file, "--data", path)
	mustFail(t, r, 1, "Nothing was imported")
	var printed bytes.Buffer
	printError(&printed, assets.NewWords("en"), r.err)
	if termsafe.HasControl(printed.String()) {
		t.Errorf("the refusal holds a control character: %q", printed.String())
	}
	if r := wiz(t, "list", "--data", path); !strings.Contains(r.stdout, "No signups yet") {
		t.Errorf("something was imported:\n%s", r.stdout)
	}
}

// Read-only commands create nothing: a missing data file is "nothing saved yet".
func TestReadOnlyCommandsCreateNoFile(t *testing.T) {
	path := tempData(t)
	mustOK(t, wiz(t, "list", "--data", path))
	mustFail(t, wiz(t, "show", "K7MQ-4XPD", "--data", path), 1, "K7MQ-4XPD")
	mustFail(t, wiz(t, "export", "K7MQ-4XPD", "--data", path), 1, "K7MQ-4XPD")
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a read-only command created %s (%v)", path, err)
	}
}
