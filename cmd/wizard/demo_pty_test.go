package main

// `wizard demo` as a trainer meets it: the built binary in a real
// pseudo-terminal, on its built-in sandbox, in its own data file. -short runs
// the first; the others are ptySlow.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wizard/client/sandbox"
	"wizard/steps"
	"wizard/store"
)

// onlyDemo is the one signup of the demo data file of home.
func onlyDemo(t *testing.T, home *ptyHome) (string, store.Session) {
	t.Helper()
	path := filepath.Join(home.DataHome(), "wizard", "demo.db")
	st, err := store.Open(path, store.Options{ReadOnly: true, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatalf("the demo's data file %s: %v", path, err)
	}
	defer st.Close()
	page, err := st.List(context.Background(), store.Query{})
	if err != nil || len(page.Sessions) != 1 {
		t.Fatalf("the demo's data file holds %d signups (%v), want 1", len(page.Sessions), err)
	}
	if _, err := os.Stat(home.DefaultDataFile()); err == nil {
		t.Errorf("the demo wrote the real data file %s", home.DefaultDataFile())
	}
	return path, page.Sessions[0]
}

// A demo started late in its story (--at verify-code): the one line first,
// then the code screen of a made-up company whose number is on the sandbox;
// three wrong codes close the field. The signup is a demo in demo.db, and
// `wizard list` on that file marks it.
func TestDemoInATerminalWrongCode(t *testing.T) {
	t.Parallel()
	ptyParallel <- struct{}{}
	defer func() { <-ptyParallel }()
	home := newPtyHome(t)
	p := ptyStart(t, home, "wizard demo", "demo", "wrong-code", "--at", "verify-code", "--lang", "en")
	p.WaitFor("How should Meta send the verification code?")
	if out := p.Output(); !strings.Contains(out, "Demo wrong-code: Wrong codes") {
		p.Fatalf("the room's one line was not printed before the screen")
	}
	p.WaitFor("+7 701") // the made-up company's number
	p.Key("s")
	p.WaitFor("Sandbox phone received")
	p.WaitFor("┃ Verification code")
	for _, left := range []string{"(2 more tries", "(1 more try ", ""} {
		p.Type("000000")
		p.Key("enter")
		if left != "" {
			p.WaitFor(left) // the field is open again, empty
		}
	}
	p.WaitFor("Three wrong codes for this request")
	p.Key("ctrl+c")
	if code := p.ExitCode(5 * time.Second); code != 0 {
		p.Fatalf("ctrl+c: exit code %d, want 0", code)
	}
	path, s := onlyDemo(t, home)
	if s.Demo != "wrong-code" || steps.Next(s) != steps.VerifyCode || s.Code.Attempts != 3 || s.Company.CompanyName != demoCompany {
		t.Fatalf("saved: demo %q at %s, attempts %d, company %q", s.Demo, steps.Next(s), s.Code.Attempts, s.Company.CompanyName)
	}
	if _, err := os.Stat(path + ".sandbox"); err != nil {
		t.Errorf("the demo's sandbox state: %v", err)
	}
	list := exec.Command(ptyBinary(t), "list", "--data", path)
	list.Env = home.env()
	out, err := list.Output()
	if err != nil || !strings.HasPrefix(string(out), "DEMO") || !strings.Contains(string(out), "wrong-code") {
		t.Fatalf("wizard list on the demo file (%v):\n%s", err, out)
	}
}

// The scenario picked from the list, at the company step: the made-up
// government body is filled in, and the signup is parked for Meta's approval.
func TestDemoInATerminalPickedFromTheList(t *testing.T) {
	ptySlow(t, "the demo's scenario list in a terminal")
	t.Parallel()
	ptyParallel <- struct{}{}
	defer func() { <-ptyParallel }()
	home := newPtyHome(t)
	p := ptyStart(t, home, "wizard demo", "demo", "--at", "company", "--lang", "en")
	p.WaitFor("Which story do you want to show?")
	p.WaitFor("rate-limit") // every scenario is on one screen
	p.Key("down")
	p.Key("down")
	p.Key("enter")
	p.WaitFor("┃ Type of organisation")
	if !strings.Contains(p.Output(), "Demo government:") {
		p.Fatalf("the room's one line was not printed")
	}
	for _, s := range []string{demoGovernment, demoFullName} {
		p.WaitFor(s)
	}
	p.Key("enter")
	p.Key("enter")
	p.Key("enter")
	p.WaitFor("Country of registration")
	p.Key("enter")
	p.Key("y")
	p.WaitFor("Government bodies need Meta's approval first")
	p.Key("enter")
	if code := p.ExitCode(10 * time.Second); code != 0 {
		p.Fatalf("exit code %d, want 0", code)
	}
	_, s := onlyDemo(t, home)
	if s.Demo != "government" || s.Status != store.StatusWaiting || steps.Next(s) != steps.Company {
		t.Fatalf("saved: demo %q, status %s at %s", s.Demo, s.Status, steps.Next(s))
	}
}

// The display name declined at activation, started at the activation step.
func TestDemoInATerminalNameDeclined(t *testing.T) {
	ptySlow(t, "the name-declined demo in a terminal")
	t.Parallel()
	ptyParallel <- struct{}{}
	defer func() { <-ptyParallel }()
	home := newPtyHome(t)
	p := ptyStart(t, home, "wizard demo", "demo", "name-declined", "--at", "activation", "--lang", "en")
	p.WaitFor("Press n to choose another display name")
	p.Key("ctrl+c")
	if code := p.ExitCode(5 * time.Second); code != 0 {
		p.Fatalf("ctrl+c: exit code %d, want 0", code)
	}
	_, s := onlyDemo(t, home)
	if s.Demo != "name-declined" || s.Phone.E164 != "+77019999999" || s.Activation.Reason == "" {
		t.Fatalf("saved: demo %q, number %s, activation %+v", s.Demo, s.Phone.E164, s.Activation)
	}
}

// A demo signup resumed with a plain `wizard resume --data demo.db` (not
// `wizard demo resume`) goes on with the same story: the built-in sandbox
// restarted from its state file still has the code-expired story armed, so
// the code requested after the resume has the story's short window.
func TestDemoInATerminalPlainResumeGoesOnWithTheStory(t *testing.T) {
	ptySlow(t, "a demo resumed with plain wizard resume in a terminal")
	t.Parallel()
	ptyParallel <- struct{}{}
	defer func() { <-ptyParallel }()
	home := newPtyHome(t)
	p := ptyStart(t, home, "wizard demo", "demo", "code-expired", "--at", "verify-code", "--lang", "en")
	p.WaitFor("How should Meta send the verification code?")
	p.Key("ctrl+c")
	if code := p.ExitCode(5 * time.Second); code != 0 {
		p.Fatalf("ctrl+c: exit code %d, want 0", code)
	}
	path, s := onlyDemo(t, home)
	p = ptyStart(t, home, "wizard resume", "resume", s.ID, "--data", path, "--lang", "en")
	p.WaitFor("How should Meta send the verification code?")
	p.Key("s")
	// The code's field, or (on a machine slower than the story's window) the
	// end of it: the window saved is what counts.
	p.WaitForAny("Sandbox phone received", "The code has expired")
	p.Key("ctrl+c")
	if code := p.ExitCode(5 * time.Second); code != 0 {
		p.Fatalf("ctrl+c: exit code %d, want 0", code)
	}
	_, s = onlyDemo(t, home)
	if got := s.Code.ExpiresAt.Sub(s.Code.RequestedAt); s.Code.Requests != 1 || got != sandbox.ShortCodeLife {
		t.Fatalf("after a plain resume the code's window is %v (%d requests), want the story's %v", got, s.Code.Requests, sandbox.ShortCodeLife)
	}
}
