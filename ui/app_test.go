package ui

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"wizard/assets"
	"wizard/client"
	"wizard/client/sandbox"
	"wizard/steps"
	"wizard/store"
)

const (
	testEmail    = "anna@acme-pharma.kz"
	testPassword = "Secr3t!pw"
)

// world is a sandbox on 127.0.0.1, a data file, and the env the steps use.
type world struct {
	t     *testing.T
	sb    *sandbox.Running
	st    *store.Store
	path  string
	env   *steps.Env
	clock *testClock
}

// testClock is the one clock of a test's world: the steps (Env.Clock) and the
// sandbox (Options.Now) both read it, so a test moves time on for both at once
// instead of waiting for it. It runs with the system clock, shifted by what
// advance added, until set freezes it at a fixed time (screens that print
// times, a code window at an exact point). The sandbox reads it on its own
// goroutines, hence the lock.
type testClock struct {
	mu     sync.Mutex
	frozen time.Time
	offset time.Duration
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.frozen.IsZero() {
		return c.frozen
	}
	return time.Now().Add(c.offset)
}

// set freezes the clock at t.
func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frozen = t
}

// advance moves the clock on by d, frozen or not.
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.frozen.IsZero() {
		c.frozen = c.frozen.Add(d)
		return
	}
	c.offset += d
}

func newWorld(t *testing.T) *world {
	t.Helper()
	return newWorldWith(t, sandbox.Options{ActivationDelay: 100 * time.Millisecond})
}

// newWorldWith starts the sandbox with opts (e.g. a slower activation); the
// sandbox reads the world's clock unless opts names another.
func newWorldWith(t *testing.T, opts sandbox.Options) *world {
	t.Helper()
	clock := &testClock{}
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	sb, err := sandbox.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	w := &world{t: t, sb: sb, path: filepath.Join(t.TempDir(), "wizard.db"), clock: clock}
	w.open()
	cfg := client.SandboxConfig(sb.URL)
	w.env = &steps.Env{Clients: client.New(cfg), Clock: w.clock, Words: assets.NewWords("en"), Theme: Theme,
		Training: sandbox.Hints{BaseURL: sb.URL}, PollEvery: 20 * time.Millisecond, Region: "KZ"}
	return w
}

func (w *world) open() {
	st, err := store.Open(w.path, store.Options{})
	if err != nil {
		w.t.Fatal(err)
	}
	w.st = st
	w.t.Cleanup(func() { _ = st.Close() })
}

// app builds the shell on a session and drives it with a harness.
func (w *world) app(sess store.Session, resumed bool) (*App, *harness) {
	a := New(Options{Store: w.st, Env: w.env, Session: sess, Resumed: resumed, User: "tester"})
	return a, newHarness(w.t, a, 100, 40)
}

// clickVerifyLink does what the user does in the mail client.
func (w *world) clickVerifyLink() {
	w.t.Helper()
	ctx := context.Background()
	link, err := sandbox.LatestVerifyLink(ctx, w.sb.URL, testEmail)
	if err != nil {
		w.t.Fatal(err)
	}
	resp, err := http.Get(link)
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
}

// finishSignup posts the signup page's result, as the page does in the browser.
func (w *world) finishSignup(a *App, h *harness, event string) {
	w.t.Helper()
	h.pump("a signup session", 5*time.Second, func() bool { return a.Session().Signup.URL != "" })
	resp, err := http.PostForm(a.Session().Signup.URL+"/result", url.Values{"event": {event}, "current_step": {"WABA_SETUP"}})
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
}

// firstHalf walks terms → signup on the new-number path.
func firstHalf(w *world, a *App, h *harness) {
	w.t.Helper()
	toSignup(w, h)
	w.finishSignup(a, h, "FINISH")
	h.waitScreen("Step 7 of 12")
}

// toSignup walks terms → number status on the new-number path and stops on
// the signup screen, waiting for the browser.
func toSignup(w *world, h *harness) {
	w.t.Helper()
	upToNumberStatus(w, h, "company")
	answerNumberQuestions(h, false, false, false)
	h.waitScreen("Waiting for the signup to finish in the browser")
}

// upToNumberStatus walks terms → company (with the given organisation type) and
// stops at the first question about the number (or the government park).
func upToNumberStatus(w *world, h *harness, orgType string) {
	t := w.t
	t.Helper()
	acceptTermsAndFillAccount(h, testEmail)

	h.waitScreen("We sent a link to " + testEmail)
	w.clickVerifyLink()

	h.waitScreen("Type of organisation")
	if orgType == "government" {
		h.key("down")
	}
	h.key("enter")
	h.typeText("Anna Ivanova")
	h.key("enter")
	h.typeText("Acme Pharma")
	h.key("enter")
	h.waitScreen("Country of registration")
	h.key("enter") // Kazakhstan, from the env's region
	h.key("y")     // not a robot
}

// acceptTermsAndFillAccount accepts the terms and sends the account form with
// email and the test password.
func acceptTermsAndFillAccount(h *harness, email string) {
	h.t.Helper()
	h.waitScreen("Do you accept the provider's terms?")
	h.key("y")
	h.waitScreen("Business e-mail")
	h.typeText(email)
	h.key("enter")
	h.typeText(testPassword)
	if !strings.Contains(h.screen(), "✓ at least 8 characters") {
		h.t.Fatalf("the password checklist does not tick:\n%s", h.screen())
	}
	h.key("enter")
	h.typeText(testPassword)
	h.key("enter")
}

// answerNumberQuestions answers the three questions (as far as they are asked) and confirms.
func answerNumberQuestions(h *harness, api, app, personal bool) {
	h.t.Helper()
	answer := func(question string, yes bool) {
		h.waitScreen(question)
		if yes {
			h.key("down")
		}
		h.key("enter")
	}
	answer("Is this number connected to the WhatsApp Business API?", api)
	if !api {
		answer("Is this number connected to the WhatsApp Business app?", app)
		if !app {
			answer("Is this number connected to a personal WhatsApp account?", personal)
		}
	}
	if api {
		return // the migration checklist comes first
	}
	h.waitScreen("Confirm number details")
	h.key("y")
}

func TestFirstHalfSavesEachStep(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	firstHalf(w, a, h)

	saved, err := w.st.Load(a.Session().ID)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Step != string(steps.DisplayName) || saved.Path != store.PathNew {
		t.Errorf("saved at step %q path %q, want display-name / new", saved.Step, saved.Path)
	}
	if saved.Account.Email != testEmail || saved.Account.ID == "" || saved.Account.VerifiedAt.IsZero() {
		t.Errorf("account not saved: %+v", saved.Account)
	}
	if c := saved.Company; c.CompanyName != "Acme Pharma" || c.FullName != "Anna Ivanova" || c.Country != "KZ" || c.OrgType != "company" {
		t.Errorf("company not saved: %+v", c)
	}
	if saved.Signup.Event != "FINISH" || saved.Signup.WABAID == "" || saved.Signup.BusinessID == "" {
		t.Errorf("signup result not saved: %+v", saved.Signup)
	}
	events, err := w.st.Events(saved.ID)
	if err != nil {
		t.Fatal(err)
	}
	done := 0
	for _, e := range events {
		if e.Kind == "step.done" {
			done++
		}
		if e.By != "tester" {
			t.Errorf("event without its author: %+v", e)
		}
	}
	if done != 6 {
		t.Errorf("%d step.done events, want 6: %+v", done, events)
	}
	assertNoSecrets(t, w.path, testPassword)
}

// assertNoSecrets reads the data file's bytes and fails if any secret is in them.
func assertNoSecrets(t *testing.T, path string, secrets ...string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if s != "" && bytes.Contains(data, []byte(s)) {
			t.Errorf("the data file holds the secret %q", s)
		}
	}
}

func TestCtrlCSavesAndQuits(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	h.waitScreen("Do you accept the provider's terms?")
	h.key("y")
	h.waitScreen("Business e-mail")
	h.deliver(keyMsg("ctrl+c"))
	h.pump("quit", 5*time.Second, func() bool { return h.quit })
	if a.Exit() != ExitInterrupted {
		t.Fatalf("exit reason %v, want interrupted", a.Exit())
	}
	saved, err := w.st.Load(a.Session().ID)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Step != string(steps.Account) || saved.Terms.AcceptedAt.IsZero() {
		t.Fatalf("saved %q with terms %v; want the account step after accepted terms", saved.Step, saved.Terms.AcceptedAt)
	}
}

func TestGovernmentBodyParksAndResumes(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	upToNumberStatus(w, h, "government")
	h.waitScreen("Government bodies need Meta's approval first")
	h.key("enter")
	h.pump("quit", 5*time.Second, func() bool { return h.quit })
	if a.Exit() != ExitParked {
		t.Fatalf("exit %v, want parked", a.Exit())
	}
	saved, _ := w.st.Load(a.Session().ID)
	if saved.Status != store.StatusWaiting || !strings.Contains(saved.WaitingReason, "approval") {
		t.Fatalf("status %q reason %q, want waiting for approval", saved.Status, saved.WaitingReason)
	}

	// Resumed: the screen asks whether Meta's approval arrived; keeping on
	// waiting is the first answer, and it is saved before the program ends.
	b, h2 := w.app(saved, true)
	h2.waitScreen("Has Meta's approval arrived?")
	if !strings.Contains(h2.screen(), "> Not yet: keep waiting") {
		t.Fatalf("keep waiting is not the default:\n%s", h2.screen())
	}
	h2.key("enter")
	h2.pump("quit", 5*time.Second, func() bool { return h2.quit })
	if b.Exit() != ExitParked {
		t.Fatalf("exit %v, want parked", b.Exit())
	}
	saved, _ = w.st.Load(saved.ID)
	if saved.Status != store.StatusWaiting || steps.Next(saved) != steps.Company {
		t.Fatalf("after keep waiting: status %s next %s", saved.Status, steps.Next(saved))
	}

	// Resumed again: the details can be looked at, with the answers kept.
	_, h3 := w.app(saved, true)
	h3.waitScreen("Has Meta's approval arrived?")
	h3.key("down")
	h3.key("down")
	h3.key("enter")
	h3.waitScreen("Type of organisation")
	if !strings.Contains(h3.screen(), "> Government body") {
		t.Fatalf("the organisation type was not kept:\n%s", h3.screen())
	}
	h3.deliver(keyMsg("ctrl+c"))
	h3.pump("quit", 5*time.Second, func() bool { return h3.quit })
	saved, _ = w.st.Load(saved.ID)

	// The approval arrived: its date, reference and who says so are saved,
	// and the signup goes on to the number.
	_, h4 := w.app(saved, true)
	h4.waitScreen("Has Meta's approval arrived?")
	h4.key("down")
	h4.key("enter")
	h4.waitScreen("Date of the approval")
	h4.typeText("2026-01-15")
	h4.key("enter")
	h4.waitScreen("Meta's reference")
	h4.typeText("CASE-4821")
	h4.key("enter")
	h4.waitScreen("Who confirms it arrived")
	h4.key("enter") // the contact, Anna Ivanova
	h4.waitScreen("Is this number connected to the WhatsApp Business API?")
	saved, _ = w.st.Load(saved.ID)
	co := saved.Company
	if co.ApprovalRef != "CASE-4821" || co.ApprovedBy != "Anna Ivanova" || co.ApprovedAt.Format("2006-01-02") != "2026-01-15" ||
		co.SavedAt.IsZero() || saved.Status != store.StatusActive || saved.WaitingReason != "" {
		t.Fatalf("after the approval: status %s reason %q company %+v", saved.Status, saved.WaitingReason, co)
	}
	events, _ := w.st.Events(saved.ID)
	var recorded bool
	for _, e := range events {
		recorded = recorded || (e.Kind == "approved" && e.By == "tester" && strings.Contains(e.Detail, "CASE-4821"))
	}
	if !recorded {
		t.Errorf("no event records the approval and who entered it: %+v", events)
	}
}
