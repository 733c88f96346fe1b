package main

// Every classroom scenario (wizard demo NAME) once in a real pseudo-terminal,
// as a trainer shows it to a room: the built binary on its built-in sandbox,
// started with --at where the story starts, read from the screen to the end
// the story promises (done, parked, or the error it shows), then checked with
// `wizard list --json` and `wizard show --json` on the demo's data file.
// demo_pty_test.go has wrong-code, government (picked from the list) and
// name-declined; this file has the others and the classroom keys. -short
// runs one of them; the rest are ptySlow.

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"wizard/client/sandbox"
	"wizard/steps"
	"wizard/store"
)

// demoPtyPIN is the two-step PIN the tests set: six digits the PIN rules take.
const demoPtyPIN = "482915"

var demoPtyCode = regexp.MustCompile(`WhatsApp code (\d{3}-?\d{3})`)

// demoRun is one `wizard demo NAME --at STEP` in a pseudo-terminal.
type demoRun struct {
	t    *testing.T
	home *ptyHome
	p    *ptyTerm
	name string
}

// startDemo runs `wizard demo name --at at --lang en` in a new pty (at most
// ptyParallel at once) and checks that the room's one line was printed.
func startDemo(t *testing.T, name, at string) *demoRun {
	t.Helper()
	ptyParallel <- struct{}{}
	t.Cleanup(func() { <-ptyParallel }) // after the pty's own cleanup, which ends the wizard
	home := newPtyHome(t)
	args := []string{"demo", name, "--lang", "en"}
	if at != "" {
		args = append(args, "--at", at)
	}
	d := &demoRun{t: t, home: home, name: name, p: ptyStart(t, home, "wizard demo "+name, args...)}
	d.p.WaitSeenAnyFor(3*ptyWait, "Step ") // the seeding does the earlier steps for real first
	line := ptyWords.T("demo.about", name, ptyWords.T("demo.line."+name))
	if !strings.Contains(strings.Join(strings.Fields(d.p.Output()), " "), line) {
		d.p.Fatalf("the room's one line %q was not printed before the screen", line)
	}
	return d
}

// dataFile is the demo's own data file.
func (d *demoRun) dataFile() string { return filepath.Join(d.home.DataHome(), "wizard", "demo.db") }

// wizard runs another wizard command on the demo's data file and returns its output.
func (d *demoRun) wizard(args ...string) []byte {
	d.t.Helper()
	cmd := exec.Command(ptyBinary(d.t), append(args, "--data", d.dataFile(), "--lang", "en")...)
	cmd.Env, cmd.Dir = d.home.env(), d.home.dir
	out, err := cmd.Output()
	if err != nil {
		d.t.Fatalf("wizard %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// listed is the demo's one signup as `wizard list --json` prints it, checked
// to be a demo of this scenario.
func (d *demoRun) listed() listEntry {
	d.t.Helper()
	out := d.wizard("list", "--json")
	var list []listEntry
	if err := json.Unmarshal(out, &list); err != nil || len(list) != 1 {
		d.t.Fatalf("wizard list --json: %d signups (%v), want 1:\n%s", len(list), err, out)
	}
	if _, err := os.Stat(d.home.DefaultDataFile()); err == nil {
		d.t.Errorf("the demo wrote the real data file %s", d.home.DefaultDataFile())
	}
	if list[0].Demo != d.name {
		d.t.Fatalf("wizard list --json marks the signup as demo %q, want %q:\n%s", list[0].Demo, d.name, out)
	}
	return list[0]
}

// shown is the signup as `wizard show ID --json` prints it.
func (d *demoRun) shown(id string) (store.Session, []store.Event) {
	d.t.Helper()
	out := d.wizard("show", id, "--json")
	var v struct {
		Session store.Session `json:"session"`
		Events  []store.Event `json:"events"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		d.t.Fatalf("wizard show %s --json: %v\n%s", id, err, out)
	}
	return v.Session, v.Events
}

// quit presses ctrl+c and expects the wizard to end well.
func (d *demoRun) quit() {
	d.t.Helper()
	d.p.Key("ctrl+c")
	if code := d.p.ExitCode(ptyWait); code != 0 {
		d.p.Fatalf("ctrl+c: exit code %d, want 0", code)
	}
}

// code is the code the sandbox phone received, as the trainer's hint shows it.
func (d *demoRun) code() string {
	d.t.Helper()
	return d.p.WaitForMatch(demoPtyCode)[1]
}

// holds checks that the screen keeps showing text, by itself, for d: the
// wizard neither moves on nor drops what it said while the room waits.
func (d *demoRun) holds(text string, wait time.Duration) {
	d.t.Helper()
	for end := time.Now().Add(wait); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if !strings.Contains(d.p.Screen(), text) {
			d.p.Fatalf("%q left the screen by itself while the room waited", text)
		}
	}
}

// fkey presses a function key as an xterm sends it.
func (d *demoRun) fkey(name string) {
	d.t.Helper()
	seq := map[string]string{"f2": "\x1bOQ", "f3": "\x1bOR", "f4": "\x1bOS"}[name]
	if seq == "" {
		d.t.Fatalf("unknown function key %q", name)
	}
	d.p.write(seq)
}

// pin sets the two-step PIN.
func (d *demoRun) pin() {
	d.t.Helper()
	p := d.p
	p.WaitFor("┃ PIN")
	p.Type(demoPtyPIN)
	p.WaitFor("┃ > " + strings.Repeat("*", len(demoPtyPIN)))
	p.Key("enter")
	p.WaitFor("┃ Repeat the PIN")
	p.Type(demoPtyPIN)
	p.WaitFor("┃ > " + strings.Repeat("*", len(demoPtyPIN)))
	p.Key("enter")
}

// finish walks activation, the alpha name and the last screen, and expects
// the wizard to end saying the signup is complete.
func (d *demoRun) finish(displayName string) {
	d.t.Helper()
	p := d.p
	p.WaitSeenAnyFor(3*ptyWait, "Step 10 of 12")
	p.WaitFor("Your Alpha Name code:")
	p.WaitForMatch(ptyAlphaCode)
	p.Key("enter")
	p.WaitFor("Step 11 of 12")
	p.WaitFor("Press Enter to save")   // Meta's review of the name is read first
	p.Key("enter")                     // the company's country
	p.WaitFor("Saved: " + displayName) // a migrated number's name is Meta's
	p.Key("enter")
	p.WaitFor("All done")
	p.Key("enter")
	if code := p.ExitCode(ptyWait); code != 0 {
		p.Fatalf("exit code %d at the end of the flow, want 0", code)
	}
	if !strings.Contains(p.Output(), "is complete") {
		p.Fatalf("no completion message in the output")
	}
}

// endsDone checks that list and show have the demo signup finished.
func (d *demoRun) endsDone() store.Session {
	d.t.Helper()
	e := d.listed()
	if e.Status != string(store.StatusDone) {
		d.t.Fatalf("wizard list --json: status %q, want done", e.Status)
	}
	s, _ := d.shown(e.ID)
	if s.Status != store.StatusDone || s.FinishedAt.IsZero() || s.Activation.AlphaCode == "" || s.Alpha.SavedAt.IsZero() {
		d.t.Fatalf("wizard show: status %s, finished %v, activation %+v, alpha %+v", s.Status, s.FinishedAt, s.Activation, s.Alpha)
	}
	return s
}

// The happy path, from the display name on: the made-up company's answers
// are filled in, the trainer sends them with Enter, reads the code from the
// sandbox phone's hint, and the signup is done.
func TestDemoScenarioInATerminalHappy(t *testing.T) {
	ptySlow(t, "the happy demo in a terminal")
	t.Parallel()
	d := startDemo(t, "happy", "display-name")
	p := d.p
	p.WaitFor("┃ Display Name (Alpha Name)")
	p.WaitFor(demoCompany)
	p.Key("enter")
	p.WaitFor("┃ Category")
	p.Key("enter")
	p.WaitFor("┃ Company description")
	p.Key("enter")
	p.WaitFor("┃ Website")
	p.Key("enter")
	p.WaitFor("Check the display name carefully")
	p.Key("enter")
	p.WaitFor("┃ Country of the number")
	p.Key("enter")
	p.WaitFor("┃ Phone number (Kazakhstan)")
	p.Key("enter")
	p.WaitFor("Is this the number?")
	p.Key("enter")
	p.WaitFor("How should Meta send the verification code?")
	p.Key("s")
	code := d.code()
	p.WaitFor("┃ Verification code")
	p.Type(code)
	p.WaitFor("> " + code)
	p.Key("enter")
	d.pin()
	d.finish(demoCompany)
	s := d.endsDone()
	if s.Path != store.PathNew || s.Profile.DisplayName != demoCompany || s.Code.Method != steps.MethodSMS || s.Code.VerifiedAt.IsZero() {
		t.Fatalf("wizard show: path %s, display name %q, code %+v", s.Path, s.Profile.DisplayName, s.Code)
	}
}

// signupPage finishes the Embedded Signup whose link is on the screen, as the
// page does in the trainer's browser.
func (d *demoRun) signupPage() {
	d.t.Helper()
	link := d.p.WaitForMatch(ptySignupURL)[0]
	(&ptyWalk{t: d.t, p: d.p}).finishSignup(link, true)
}

// errorEvents are the details of the errors the signup's history saved at
// step, one a line ("" when there is none).
func errorEvents(events []store.Event, step steps.ID) string {
	var errs []string
	for _, e := range events {
		if e.Kind == "error" && e.Step == string(step) {
			errs = append(errs, e.Detail)
		}
	}
	return strings.Join(errs, "\n")
}

// A number moving in from another provider, from the number questions on:
// Yes to the first, the checklist ticked, the signup page in migration mode;
// the display name and the code move with the number (no steps 7–9), only the
// two-step PIN is set, and the signup is done.
func TestDemoScenarioInATerminalMigration(t *testing.T) {
	ptySlow(t, "the migration demo in a terminal")
	t.Parallel()
	d := startDemo(t, "migration", "number-status")
	p := d.p
	p.WaitFor("┃ Is this number connected to the WhatsApp Business API?")
	p.Key("down")
	p.Key("enter")
	p.WaitFor("Moving a number from another provider")
	for i := range steps.MigrationItems {
		if i > 0 {
			p.Key("down")
		}
		p.Key("x")
	}
	p.Key("enter")
	p.WaitFor("Confirm number details")
	p.Key("y")
	p.WaitFor("Step 6 of 12")
	d.signupPage()
	p.WaitFor("Register the number for the Cloud API")
	d.pin()
	d.finish("")
	s := d.endsDone()
	if s.Path != store.PathMigration || !s.Profile.ConfirmedAt.IsZero() || !s.Code.VerifiedAt.IsZero() || s.Code.RegisteredAt.IsZero() {
		t.Fatalf("wizard show: path %s, display name confirmed %v, code %+v: want a migration that only registered",
			s.Path, s.Profile.ConfirmedAt, s.Code)
	}
}

// A number still on the WhatsApp Business app: Yes to the second question;
// the wizard says what to do and parks the signup.
func TestDemoScenarioInATerminalBusinessApp(t *testing.T) {
	ptySlow(t, "the business-app demo in a terminal")
	t.Parallel()
	d := startDemo(t, "business-app", "number-status")
	p := d.p
	p.WaitFor("┃ Is this number connected to the WhatsApp Business API?")
	p.Key("enter") // No
	p.WaitFor("┃ Is this number connected to the WhatsApp Business app?")
	p.Key("down")
	p.Key("enter") // Yes
	p.WaitFor("Confirm number details")
	p.Key("y")
	p.WaitFor("This number cannot be registered yet")
	p.Key("enter")
	if code := p.ExitCode(ptyWait); code != 0 {
		p.Fatalf("exit code %d, want 0", code)
	}
	e := d.listed()
	if e.Status != string(store.StatusWaiting) || e.Step != string(steps.NumberStatus) || e.WaitingReason == "" {
		t.Fatalf("wizard list --json: %+v, want waiting at %s with a reason", e, steps.NumberStatus)
	}
	if s, _ := d.shown(e.ID); !s.Number.OnBusinessApp || s.Path != store.PathBlocked || s.Signup.SessionID != "" {
		t.Fatalf("wizard show: number %+v, path %s, signup %q", s.Number, s.Path, s.Signup.SessionID)
	}
}

// A number already on WhatsApp, at the phone step: Meta refuses it, nothing
// is added, and the screen says what to do; the way on is another number.
func TestDemoScenarioInATerminalOnWhatsApp(t *testing.T) {
	ptySlow(t, "the on-whatsapp demo in a terminal")
	t.Parallel()
	d := startDemo(t, "on-whatsapp", "phone")
	p := d.p
	p.WaitFor("┃ Country of the number")
	p.Key("enter")
	p.WaitFor("┃ Phone number (Kazakhstan)")
	p.WaitFor("701 000 0000") // the story's number, filled in
	p.Key("enter")
	p.WaitFor("Is this the number?")
	p.WaitFor("+7 701 000 0000")
	p.Key("enter")
	p.WaitFor("This number is already in use on WhatsApp") // Meta's 100/3441030, in the wizard's words
	p.WaitFor("use another number")
	e := d.listed()
	if e.Status != string(store.StatusActive) || e.Step != string(steps.Phone) {
		t.Fatalf("wizard list --json while the refusal is shown: %+v, want active at %s", e, steps.Phone)
	}
	s, events := d.shown(e.ID)
	if s.Phone.ID != "" || errorEvents(events, steps.Phone) == "" {
		t.Fatalf("wizard show: phone %+v, error at the phone step %q: Meta refused the number, nothing may be added",
			s.Phone, errorEvents(events, steps.Phone))
	}
	// The room sees the way on: another number goes through.
	p.Key("e")
	p.WaitFor("┃ Phone number (Kazakhstan)")
	p.Key("ctrl+u")
	p.Type("701 234 5678")
	p.WaitFor("> 701 234 5678")
	p.Key("enter")
	p.WaitFor("+7 701 234 5678")
	p.Key("enter")
	p.WaitFor("How should Meta send the verification code?")
	d.quit()
	if s, _ := d.shown(e.ID); s.Phone.E164 != "+77012345678" || s.Phone.ID == "" || steps.Next(s) != steps.VerifyCode {
		t.Fatalf("wizard show after another number: phone %+v at %s", s.Phone, steps.Next(s))
	}
}

// A code good for only sandbox.ShortCodeLife: the room waits the countdown
// out, the screen says the code has expired, a new one comes by voice call,
// and the signup is done.
func TestDemoScenarioInATerminalCodeExpired(t *testing.T) {
	ptySlow(t, "the code-expired demo in a terminal (its code lasts 20 s)")
	t.Parallel()
	d := startDemo(t, "code-expired", "verify-code")
	p := d.p
	p.WaitFor("How should Meta send the verification code?")
	p.Key("s")
	first := d.code()
	p.waitUntil(sandbox.ShortCodeLife+3*ptyWait, "the code to expire", func(s string) int {
		return strings.Index(s, "The code has expired")
	})
	p.Key("v")
	p.WaitFor("Meta sent the code by voice call")
	var code string
	p.waitUntil(ptyWait, "the voice call's code in the hint", func(s string) int {
		m := demoPtyCode.FindStringSubmatch(s)
		if m == nil || m[1] == first {
			return -1
		}
		code = m[1]
		return 0
	})
	p.WaitFor("┃ Verification code")
	p.Type(code)
	p.WaitFor("> " + code)
	p.Key("enter")
	d.pin()
	d.finish(demoCompany)
	s := d.endsDone()
	if s.Code.Method != steps.MethodVoice || s.Code.Requests != 2 || s.Code.ExpiresAt.Sub(s.Code.RequestedAt) != sandbox.ShortCodeLife {
		t.Fatalf("wizard show: code %+v, want the second request, by voice, good for %v", s.Code, sandbox.ShortCodeLife)
	}
}

// sendCompany sends the company form as the made-up company filled it in.
func (d *demoRun) sendCompany() {
	d.t.Helper()
	p := d.p
	p.WaitFor("┃ Type of organisation")
	p.WaitFor(demoFullName)
	p.Key("enter")
	p.Key("enter")
	p.Key("enter")
	p.WaitFor("┃ Country of registration")
	p.Key("enter")
	p.WaitFor("┃ I am not a robot")
	p.Key("y")
}

// The provider is down when the company details are saved: the screen says
// so and when to try again; sent again at once, the form is refused again
// (the outage lasts); the room waits sandbox.OutageLength, sends the form
// again, and it goes through.
func TestDemoScenarioInATerminalOutage(t *testing.T) {
	ptySlow(t, "the outage demo in a terminal (the provider is down 20 s)")
	t.Parallel()
	d := startDemo(t, "outage", "company")
	p := d.p
	sent := time.Now() // before the first refused request: the outage is at most this old
	d.sendCompany()
	p.WaitFor("problem on its side")
	p.WaitFor("It asks to be tried again in 0:20")
	id := p.WaitForMatch(ptySignupID)[1]
	if s, events := d.shown(id); !s.Company.SavedAt.IsZero() || !strings.Contains(errorEvents(events, steps.Company), "503") {
		t.Fatalf("wizard show during the outage: company saved at %v, errors %q", s.Company.SavedAt, errorEvents(events, steps.Company))
	}
	// Sent again at once: still down.
	d.sendCompany() // the focus is on "I am not a robot" now
	switch p.WaitForAny("┃ Type of organisation", "┃ Is this number connected to the WhatsApp Business API?") {
	case 0: // the form is back, as it was
		p.WaitFor("problem on its side")
		if _, events := d.shown(id); strings.Count(errorEvents(events, steps.Company), "503") != 2 {
			t.Fatalf("wizard show after sending again at once: errors %q, want two refusals", errorEvents(events, steps.Company))
		}
		d.holds("problem on its side", sandbox.OutageLength) // the room waits as it is told
		d.sendCompany()
		p.WaitFor("┃ Is this number connected to the WhatsApp Business API?")
	default:
		// Only a machine so slow that the outage was over already may let it through.
		if since := time.Since(sent); since < sandbox.OutageLength {
			p.Fatalf("the provider answered %v after the outage began, before its %v were over", since, sandbox.OutageLength)
		}
		t.Logf("the form was sent again only after the outage ended; its second refusal was not seen")
	}
	d.quit()
	e := d.listed()
	if s, _ := d.shown(e.ID); s.Company.SavedAt.IsZero() || s.Company.CompanyName != demoCompany || steps.Next(s) != steps.NumberStatus {
		t.Fatalf("wizard show after the outage: company %+v at %s", s.Company, steps.Next(s))
	}
}

// The provider rate-limits the start of the Embedded Signup: the screen says
// how long to wait; the room waits sandbox.RateLimitWait, presses r, and the
// signup page opens and finishes.
func TestDemoScenarioInATerminalRateLimit(t *testing.T) {
	ptySlow(t, "the rate-limit demo in a terminal (it waits 30 s)")
	t.Parallel()
	d := startDemo(t, "rate-limit", "signup")
	p := d.p
	p.WaitFor("Too many requests just now. Wait 0:30")
	id := p.WaitForMatch(ptySignupID)[1]
	if s, events := d.shown(id); s.Signup.SessionID != "" || !strings.Contains(errorEvents(events, steps.Signup), "429") {
		t.Fatalf("wizard show while rate-limited: signup %+v, error %q", s.Signup, errorEvents(events, steps.Signup))
	}
	d.holds("Too many requests just now", sandbox.RateLimitWait)
	p.Key("r")
	p.WaitFor("Waiting for the signup to finish in the browser")
	d.signupPage()
	p.WaitFor("Step 7 of 12")
	p.WaitFor("┃ Display Name (Alpha Name)")
	d.quit()
	if s, _ := d.shown(id); s.Signup.Event != "FINISH" || s.Signup.WABAID == "" || steps.Next(s) != steps.DisplayName {
		t.Fatalf("wizard show after the rate limit: signup %+v at %s", s.Signup, steps.Next(s))
	}
}

// The classroom keys, on the account step and the e-mail wait: f2 opens the
// presenter notes over the screen and closes them; f3 makes the sandbox's
// pace real (an e-mail confirmed after 2 minutes); f4 on "Confirm your
// e-mail" confirms it at once and the wizard moves on.
func TestDemoInATerminalClassroomKeys(t *testing.T) {
	t.Parallel()
	d := startDemo(t, "happy", "account")
	p := d.p
	p.WaitFor("┃ Business e-mail")
	p.WaitFor("f2 " + ptyWords.T("classroom.key_notes"))
	notes := func(screen string) string {
		return ptyWords.T("presenter.title", ptyWords.T("presenter."+screen+".name"))
	}
	d.fkey("f2")
	p.WaitFor(notes("account"))
	p.WaitFor(ptyWords.T("presenter.close"))
	d.fkey("f2")
	p.WaitFor("┃ Business e-mail")
	if strings.Contains(p.Screen(), notes("account")) {
		p.Fatalf("f2 did not close the notes")
	}
	d.fkey("f3")
	p.WaitFor(notes("account"))
	p.WaitFor("f3 pace: " + ptyWords.T("classroom.pace_real"))
	p.Key("esc")
	p.WaitFor("┃ Business e-mail")

	p.Key("enter") // the made-up address, filled in
	p.WaitFor("┃ Password")
	const password = "Kz!4821pwQ"
	p.Type(password)
	p.WaitFor("✓ at least 8 characters")
	p.Key("enter")
	p.WaitFor("┃ Repeat the password")
	p.Type(password)
	p.WaitFor("┃ > " + strings.Repeat("*", len(password)))
	p.Key("enter")
	p.WaitFor("Step 3 of 12")
	p.WaitFor("Waiting for the address to be confirmed")
	p.WaitFor("f4 " + ptyWords.T("keys.classroom.now"))
	d.fkey("f2")
	p.WaitFor(notes("verify-email"))
	d.fkey("f2")
	p.WaitFor("Waiting for the address to be confirmed")
	// At the real pace the sandbox would confirm it after 2 minutes: f4 does it now.
	d.fkey("f4")
	p.WaitSeenAnyFor(3*ptyWait, "Step 4 of 12")
	p.WaitFor("┃ Type of organisation")
	d.quit()
	e := d.listed()
	if s, _ := d.shown(e.ID); s.Account.VerifiedAt.IsZero() || steps.Next(s) != steps.Company {
		t.Fatalf("wizard show after f4: account %+v at %s", s.Account, steps.Next(s))
	}
}
