package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"wizard/client"
	"wizard/client/sandbox"
	"wizard/steps"
	"wizard/store"
)

// Every classroom scenario (wizard demo NAME) told by the root model against
// the sandbox over HTTP, armed as the demo arms it, to its end: done, parked,
// or the error the room is meant to see (and, where the story goes on, past it).

// demoWorld is a world whose sandbox is armed for the scenario name, with the
// shell in classroom mode, and a demo signup of that scenario.
func demoWorld(t *testing.T, name string) (*world, *App, *harness) {
	t.Helper()
	sc, ok := sandbox.FindScenario(name)
	if !ok {
		t.Fatalf("no scenario %q", name)
	}
	w := newWorld(t)
	if err := w.sb.Server.Arm(sc); err != nil {
		t.Fatal(err)
	}
	w.env.Classroom = true
	a, h := w.app(store.Session{ID: store.NewID(), Demo: name}, false)
	return w, a, h
}

// saved is the signup as the data file holds it.
func (w *world) saved(a *App) store.Session {
	w.t.Helper()
	s, err := w.st.Load(context.Background(), a.Session().ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// endsDone checks the signup finished, and kept its scenario.
func endsDone(w *world, a *App, name string) {
	w.t.Helper()
	s := w.saved(a)
	if a.Exit() != ExitFinished || s.Status != store.StatusDone || s.Demo != name {
		w.t.Fatalf("exit %v, status %s, demo %q: want a finished %s demo", a.Exit(), s.Status, s.Demo, name)
	}
}

// endsParked checks the signup is parked at step, and kept its scenario.
func endsParked(w *world, a *App, h *harness, name string, step steps.ID) {
	w.t.Helper()
	h.key("enter")
	h.pump("quit", 5*time.Second, func() bool { return h.quit })
	s := w.saved(a)
	if a.Exit() != ExitParked || s.Status != store.StatusWaiting || steps.Next(s) != step || s.Demo != name {
		w.t.Fatalf("exit %v, status %s at %s, demo %q: want a %s demo parked at %s", a.Exit(), s.Status, steps.Next(s), s.Demo, name, step)
	}
}

func TestDemoHappy(t *testing.T) {
	t.Parallel()
	w, a, h := demoWorld(t, "happy")
	firstHalf(w, a, h)
	secondHalf(w, a, h)
	endsDone(w, a, "happy")
}

func TestDemoMigration(t *testing.T) {
	t.Parallel()
	w, a, h := demoWorld(t, "migration")
	upToNumberStatus(w, h, "company")
	answerNumberQuestions(h, true, false, false)
	checkMigrationItems(h, len(steps.MigrationItems))
	h.waitScreen("Confirm number details")
	h.key("y")
	h.waitScreen("Connect Facebook and your WhatsApp Business account")
	w.finishSignup(a, h, "FINISH")
	h.waitScreen("Register the number for the Cloud API")
	h.typeText(testPIN)
	h.key("enter")
	h.typeText(testPIN)
	h.key("enter")
	h.waitScreen("Your Alpha Name code:")
	h.key("enter")
	h.waitScreen("Press Enter to save")
	h.key("enter")
	h.waitScreen("Saved:")
	h.key("enter")
	h.waitScreen("All done")
	h.key("enter")
	h.pump("quit", 5*time.Second, func() bool { return h.quit })
	endsDone(w, a, "migration")
	if s := w.saved(a); s.Path != store.PathMigration || !s.Profile.ConfirmedAt.IsZero() {
		t.Fatalf("path %s, display name step confirmed %v: want a migration that skipped it", s.Path, s.Profile.ConfirmedAt)
	}
}

func TestDemoGovernment(t *testing.T) {
	t.Parallel()
	w, a, h := demoWorld(t, "government")
	upToNumberStatus(w, h, "government")
	h.waitScreen("Government bodies need Meta's approval first")
	endsParked(w, a, h, "government", steps.Company)
}

func TestDemoBusinessApp(t *testing.T) {
	t.Parallel()
	w, a, h := demoWorld(t, "business-app")
	upToNumberStatus(w, h, "company")
	answerNumberQuestions(h, false, true, false)
	h.waitScreen("This number cannot be registered yet")
	endsParked(w, a, h, "business-app", steps.NumberStatus)
}

func TestDemoOnWhatsApp(t *testing.T) {
	t.Parallel()
	w, a, h := demoWorld(t, "on-whatsapp")
	firstHalf(w, a, h)
	toNumberConfirm(h, "701 000 0000")
	h.key("enter")
	// The wizard's own sentence for Meta's refusal (100/3441030): what it
	// means and what to do, not the generic "did not accept a value".
	h.waitScreen("This number is already in use on WhatsApp")
	for _, want := range []string{"Delete that WhatsApp account", "or use another number", "subcode 3441030"} {
		if !strings.Contains(h.screen(), want) {
			t.Fatalf("the refusal lacks %q:\n%s", want, h.screen())
		}
	}
	if strings.Contains(h.screen(), "did not accept a value") {
		t.Fatalf("the generic wording for Meta's refusal of a number on WhatsApp:\n%s", h.screen())
	}
	// At 80×24 the whole refusal fits, with the header and the keys.
	h.deliver(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.settle()
	lines := strings.Split(strings.TrimRight(h.screen(), "\n"), "\n")
	if len(lines) > 24 || !strings.Contains(lines[0], "WhatsApp number onboarding") ||
		!strings.Contains(lines[len(lines)-1], "ctrl+c") || !strings.Contains(h.screen(), "or use another number") {
		t.Fatalf("the refusal at 80×24 (%d lines):\n%s", len(lines), h.screen())
	}
	for _, l := range lines {
		if lipgloss.Width(l) > 80 {
			t.Fatalf("a line of %d columns at 80×24: %q", lipgloss.Width(l), l)
		}
	}
	h.deliver(tea.WindowSizeMsg{Width: 100, Height: 40})
	h.settle()
	if s := w.saved(a); s.Phone.ID != "" || steps.Next(s) != steps.Phone {
		t.Fatalf("phone %+v at %s: Meta refused the number, nothing may be added", s.Phone, steps.Next(s))
	}
	// The room sees the way on: another number goes through.
	h.key("e")
	h.waitScreen("Phone number (Kazakhstan)")
	for range len("701 000 0000") {
		h.deliver(keyMsg("backspace"))
	}
	h.typeText(testPhone)
	h.key("enter")
	h.waitScreen("Is this the number?")
	h.key("enter")
	h.waitScreen("How should Meta send the verification code?")
}

// toNumberConfirm walks the display name and the phone's country and stops
// where the number typed is to be confirmed.
func toNumberConfirm(h *harness, phone string) {
	h.t.Helper()
	h.waitScreen("Display Name (Alpha Name)")
	h.typeText("Acme Pharma")
	h.key("enter")
	h.key("enter")
	h.typeText("Medicines for Kazakhstan")
	h.key("enter")
	h.typeText("https://acme-pharma.kz")
	h.key("enter")
	h.waitScreen("Check the display name carefully")
	h.key("enter")
	h.waitScreen("Country of the number")
	h.key("enter")
	h.waitScreen("Phone number (Kazakhstan)")
	h.typeText(phone)
	h.key("enter")
	h.waitScreen("Is this the number?")
}

func TestDemoWrongCode(t *testing.T) {
	t.Parallel()
	w, a, h := demoWorld(t, "wrong-code")
	firstHalf(w, a, h)
	upToCode(w, h)
	h.key("s")
	h.waitScreen("Sandbox phone received: WhatsApp code")
	code, err := sandbox.LatestCode(context.Background(), w.sb.URL, a.Session().Phone.ID)
	if err != nil {
		t.Fatal(err)
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	for i := range 3 {
		h.waitScreen("Verification code")
		h.typeText(wrong)
		h.key("enter")
		if i < 2 {
			h.waitScreen("That code is not right")
		}
	}
	h.waitScreen("Three wrong codes for this request")
	h.waitScreen("voice call")
	if s := w.saved(a); s.Code.Attempts != 3 || !s.Code.VerifiedAt.IsZero() {
		t.Fatalf("code %+v: want 3 wrong attempts saved and nothing verified", s.Code)
	}
	// A voice call brings a new code, and it is taken.
	h.key("v")
	h.waitScreen("Meta sent the code by voice call")
	code, err = sandbox.LatestCode(context.Background(), w.sb.URL, a.Session().Phone.ID)
	if err != nil {
		t.Fatal(err)
	}
	h.waitScreen("Verification code")
	h.typeText(code)
	h.key("enter")
	h.waitScreen("Set the two-step verification PIN")
}

func TestDemoCodeExpired(t *testing.T) {
	t.Parallel()
	w, a, h := demoWorld(t, "code-expired")
	firstHalf(w, a, h)
	upToCode(w, h)
	h.key("s")
	h.waitScreen("Sandbox phone received: WhatsApp code")
	if s := w.saved(a); s.Code.ExpiresAt.Sub(s.Code.RequestedAt) != sandbox.ShortCodeLife {
		t.Fatalf("the code's window is %v, want the scenario's %v", s.Code.ExpiresAt.Sub(s.Code.RequestedAt), sandbox.ShortCodeLife)
	}
	first, err := sandbox.LatestCode(context.Background(), w.sb.URL, a.Session().Phone.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.clock.advance(sandbox.ShortCodeLife + time.Second) // the room waits the countdown out
	h.waitScreen("The code has expired")
	// Meta's side agrees: the code, typed now anyway (as a late client or
	// the pop-up would), is refused as Meta refuses an expired code.
	s := w.saved(a)
	err = w.env.Clients.Partner.VerifyNumberCode(context.Background(), s.Signup.SessionID, s.Phone.ID, first)
	var ge *client.GraphError
	if !errors.As(err, &ge) || ge.Code != 136025 || ge.Details != "expired" {
		t.Fatalf("the expired code at Meta: %v, want 136025 expired", err)
	}
	h.key("v")
	h.waitScreen("Meta sent the code by voice call")
	code, err := sandbox.LatestCode(context.Background(), w.sb.URL, a.Session().Phone.ID)
	if err != nil {
		t.Fatal(err)
	}
	h.waitScreen("Verification code")
	if s := w.saved(a); s.Code.Method != steps.MethodVoice || s.Code.Requests != 2 {
		t.Fatalf("code %+v: want the second request by voice", s.Code)
	}
	h.typeText(code)
	h.key("enter")
	setPINAndFinish(h)
	endsDone(w, a, "code-expired")
}

func TestDemoNameDeclined(t *testing.T) {
	t.Parallel()
	w, a, h := demoWorld(t, "name-declined")
	firstHalf(w, a, h)
	upToCodeWith(w, h, "701 999 9999")
	requestAndEnterCode(w, a, h)
	h.waitScreen("Set the two-step verification PIN")
	h.typeText(testPIN)
	h.key("enter")
	h.typeText(testPIN)
	h.key("enter")
	h.waitScreen("Press n to choose another display name")
	if s := w.saved(a); s.Activation.Reason == "" || !s.Activation.ActivatedAt.IsZero() {
		t.Fatalf("activation %+v: want the declined name saved", s.Activation)
	}
}

func TestDemoOutage(t *testing.T) {
	t.Parallel()
	w, a, h := demoWorld(t, "outage")
	upToNumberStatus(w, h, "company")
	h.waitScreen("problem on its side")
	h.waitScreen("0:20")
	if s := w.saved(a); !s.Company.SavedAt.IsZero() {
		t.Fatal("the company details were saved while the provider was down")
	}
	// Sent again at once: still down.
	resubmitCompany(h)
	h.waitScreen("problem on its side")
	w.clock.advance(sandbox.OutageLength) // the provider is back
	resubmitCompany(h)
	h.waitScreen("Is this number connected to the WhatsApp Business API?")
	if s := w.saved(a); s.Company.SavedAt.IsZero() {
		t.Fatal("the company details were not saved after the provider came back")
	}
	if left := w.faultsLeft(); left != 0 {
		t.Fatalf("%d faults still armed after the outage", left)
	}
}

// resubmitCompany sends the company form again as it stands.
func resubmitCompany(h *harness) {
	h.t.Helper()
	h.waitScreen("Type of organisation")
	for range 3 {
		h.key("enter")
	}
	h.waitScreen("Country of registration")
	h.key("enter")
	h.key("y")
}

func TestDemoRateLimit(t *testing.T) {
	t.Parallel()
	w, a, h := demoWorld(t, "rate-limit")
	// The trainer sends the verification e-mail again first: the rate limit
	// is the signup start's, not the e-mail's.
	acceptTermsAndFillAccount(h, testEmail)
	h.waitScreen("We sent a link to " + testEmail)
	w.clock.advance(5 * time.Minute) // past the provider's wait between e-mails
	h.key("r")
	h.waitScreen("A new e-mail is on its way to " + testEmail)
	if left := w.faultsLeft(); left != 1 {
		t.Fatalf("%d faults armed after the e-mail was sent again, want the signup's", left)
	}
	w.clickVerifyLink()
	h.waitScreen("Type of organisation")
	h.key("enter")
	h.typeText("Anna Ivanova")
	h.key("enter")
	h.typeText("Acme Pharma")
	h.key("enter")
	h.waitScreen("Country of registration")
	h.key("enter")
	h.key("y")
	answerNumberQuestions(h, false, false, false)
	h.waitScreen("Too many requests just now. Wait 0:30")
	// Tried again too soon: refused again, told the time left.
	w.clock.advance(10 * time.Second)
	h.key("r")
	h.waitScreen("Too many requests just now. Wait 0:20")
	if s := w.saved(a); s.Signup.SessionID != "" {
		t.Fatalf("the signup started while rate-limited: %+v", s.Signup)
	}
	w.clock.advance(20 * time.Second) // the wait is over
	h.key("r")
	h.waitScreen("Waiting for the signup to finish in the browser")
	w.finishSignup(a, h, "FINISH")
	h.waitScreen("Step 7 of 12")
	if left := w.faultsLeft(); left != 0 {
		t.Fatalf("%d faults still armed", left)
	}
}

// Every scenario has its story here (a new one needs its test).
func TestEveryDemoScenarioIsTold(t *testing.T) {
	told := map[string]bool{"happy": true, "migration": true, "government": true, "business-app": true, "on-whatsapp": true,
		"wrong-code": true, "code-expired": true, "name-declined": true, "outage": true, "rate-limit": true}
	for _, n := range sandbox.ScenarioNames() {
		if !told[n] {
			t.Errorf("scenario %s has no test through the shell", n)
		}
		delete(told, n)
	}
	for n := range told {
		t.Errorf("the test of scenario %s tells a story that no longer exists", n)
	}
}
