package ui

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"wizard/client/sandbox"
	"wizard/internal/chromiumtest"
	"wizard/steps"
	"wizard/store"
)

// These tests open the signup page the wizard produced in a real, headless
// Chromium, click through it as a user would, and check that the wizard's
// signup step receives the result through the loopback callback.

// newChromium starts a headless Chromium with a fresh profile; the returned
// context ends the browser when the test ends, or after 90 seconds (a
// deadline for a loaded machine, not a pace).
func newChromium(t *testing.T) context.Context {
	t.Helper()
	return newChromiumWithin(t, 90*time.Second)
}

// newChromiumWithin is newChromium with another deadline, for a longer walk.
func newChromiumWithin(t *testing.T, deadline time.Duration) context.Context {
	t.Helper()
	return chromiumtest.New(t, deadline)
}

// browserWorld is a world whose "browser" is the headless Chromium: opening a
// URL hands it to the test, which loads it in Chromium.
func browserWorld(t *testing.T) (*world, context.Context, <-chan string) {
	return browserWorldWithin(t, 90*time.Second)
}

// browserWorldWithin is browserWorld with the browser's deadline.
func browserWorldWithin(t *testing.T, deadline time.Duration) (*world, context.Context, <-chan string) {
	ctx := newChromiumWithin(t, deadline)
	w := newWorld(t)
	w.env.PollEvery = time.Second // the production pace: the callback must be what moves the step
	opened := make(chan string, 4)
	w.env.OpenURL = func(u string) error { opened <- u; return nil }
	return w, ctx, opened
}

// openSignup presses Enter on the signup screen and loads what the wizard opened.
func openSignup(t *testing.T, ctx context.Context, a *App, h *harness, opened <-chan string) {
	t.Helper()
	h.key("enter")
	var u string
	select {
	case u = <-opened:
	case <-time.After(5 * time.Second):
		t.Fatalf("Enter did not open the browser; screen:\n%s", h.screen())
	}
	if u != a.Session().Signup.URL {
		t.Fatalf("opened %s, want the signup page %s", u, a.Session().Signup.URL)
	}
	if !strings.Contains(h.screen(), u) {
		t.Fatalf("the screen does not show the whole URL %s:\n%s", u, h.screen())
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitVisible(chromedp.ID("continue"))); err != nil {
		t.Fatalf("loading the signup page: %v", err)
	}
}

// choose selects an option as the user does: the page listens to "change".
func choose(id, value string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		js := `(function(){var s=document.getElementById(` + jsString(id) + `);s.value=` + jsString(value) +
			`;s.dispatchEvent(new Event("change",{bubbles:true}));return s.value})()`
		got, err := chromedp.Evaluate[string](js)(ctx, tg)
		if err == nil && got != value {
			return chromedp.Void{}, &chooseError{id, value}
		}
		return chromedp.Void{}, err
	}
}

type chooseError struct{ id, value string }

func (e *chooseError) Error() string { return "#" + e.id + " has no option " + e.value }

func jsString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

func text(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
	if err != nil {
		t.Fatalf("reading #%s: %v", id, err)
	}
	return s
}

// waitJS waits until the page's expression is true (the page's own calls to
// the pop-up's routes answer when they answer).
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Poll[bool](expr)(ctx, tg)
		return chromedp.Void{}, err
	}
}

// clear empties a field, as selecting its text and deleting it does.
func clear(id string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[string](`(function(){var e=document.getElementById(`+jsString(id)+`);e.value="";return e.value})()`)(ctx, tg)
		return chromedp.Void{}, err
	}
}

// toProfile clicks from the log-in screen to the business profile, creating a
// portfolio and an account, and checks the display name the page proposes.
func toProfile(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("continue")),
		chromedp.WaitVisible(chromedp.ID("business")),
		choose("business", "new"),
		chromedp.WaitVisible(chromedp.ID("business-name")),
		chromedp.SendKeys(chromedp.ID("business-name"), "Acme Pharma LLP"),
		chromedp.Click(chromedp.ID("next-business")),
		chromedp.WaitVisible(chromedp.ID("waba")),
		choose("waba", "new"),
		chromedp.WaitVisible(chromedp.ID("waba-name")),
		chromedp.SendKeys(chromedp.ID("waba-name"), "Acme Pharma"),
		chromedp.Click(chromedp.ID("next-waba")),
		chromedp.WaitVisible(chromedp.ID("display-name")),
	); err != nil {
		t.Fatalf("clicking to the business profile: %v", err)
	}
	name, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("display-name")))
	if err != nil || name != "Acme Pharma" {
		t.Fatalf("the profile proposes the display name %q (%v), want the account's name", name, err)
	}
}

// toNumber goes on from the profile (category Health) to the number screen.
func toNumber(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx,
		choose("category", "HEALTH"),
		chromedp.Click(chromedp.ID("next-profile")),
		chromedp.WaitVisible(chromedp.ID("next-phone")),
	); err != nil {
		t.Fatalf("the profile screen: %v", err)
	}
}

// addNumber chooses how the number joins (new, app or none) and goes on.
func addNumber(t *testing.T, ctx context.Context, choice string) {
	t.Helper()
	acts := []chromedp.Action[chromedp.Void]{}
	if choice != "" {
		acts = append(acts, choose("number-choice", choice))
	}
	if choice != "none" {
		acts = append(acts, chromedp.SendKeys(chromedp.ID("phone"), popupNational))
	}
	acts = append(acts, chromedp.Click(chromedp.ID("next-phone")))
	if err := chromedp.Do(ctx, acts...); err != nil {
		t.Fatalf("the number screen: %v", err)
	}
}

// finishInBrowser clicks Finish on the permissions screen and checks that the
// browser ends on the wizard's callback, which thanks the user. It returns the
// callback's one-time state.
func finishInBrowser(t *testing.T, ctx context.Context, sum string) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("finish"))); err != nil {
		t.Fatalf("the permissions screen: %v", err)
	}
	if got := text(t, ctx, "sum-number"); !strings.Contains(got, sum) {
		t.Errorf("the permissions screen shows the number as %q, want %q", got, sum)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("finish")), chromedp.WaitVisible(chromedp.ID("title"))); err != nil {
		t.Fatalf("the page after Finish: %v", err)
	}
	if got := text(t, ctx, "title"); got != "Your business is connected" {
		t.Errorf("the browser shows %q", got)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.HasPrefix(loc, "http://127.0.0.1:") || !strings.Contains(loc, "/callback?") {
		t.Fatalf("the browser ended on %s (%v), want the wizard's callback", loc, err)
	}
	cb, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	state := cb.Query().Get("state")
	if len(state) < 20 {
		t.Fatalf("the callback's state %q is too short to be random", state)
	}
	return state
}

// latestCode is the code the sandbox phone received last.
func latestCode(t *testing.T, w *world) string {
	t.Helper()
	o, err := sandbox.ReadOutbox(context.Background(), w.sb.URL)
	if err != nil || len(o.Messages) == 0 {
		t.Fatalf("no code reached the sandbox phone (%v)", err)
	}
	return o.Messages[len(o.Messages)-1].Code
}

// verifyInBrowser sends the code by SMS on the verification screen, types it
// and verifies it.
func verifyInBrowser(t *testing.T, ctx context.Context, w *world) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("send-sms")),
		chromedp.Click(chromedp.ID("send-sms")),
		waitJS(`document.getElementById("code-sent").textContent !== ""`),
	); err != nil {
		t.Fatalf("sending the code in the pop-up: %v", err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("code"), "000000"), // a wrong code first
		chromedp.Click(chromedp.ID("verify")),
		waitJS(`document.getElementById("verify-error").textContent !== ""`),
	); err != nil {
		t.Fatalf("a wrong code in the pop-up: %v", err)
	}
	if got := text(t, ctx, "verify-error"); !strings.Contains(got, "not right") {
		t.Errorf("a wrong code shows %q", got)
	}
	if err := chromedp.Do(ctx,
		clear("code"),
		chromedp.SendKeys(chromedp.ID("code"), latestCode(t, w)),
		chromedp.Click(chromedp.ID("verify")),
		chromedp.WaitVisible(chromedp.ID("next-verify")),
		chromedp.Click(chromedp.ID("next-verify")),
	); err != nil {
		t.Fatalf("verifying in the pop-up: %v", err)
	}
}

func TestSignupInChromiumVerifiedNumber(t *testing.T) {
	w, ctx, opened := browserWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	toSignup(w, h)
	openSignup(t, ctx, a, h, opened)
	toProfile(t, ctx)
	// Back to the account screen and forward again: the choices are kept.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("back")),
		chromedp.WaitVisible(chromedp.ID("next-waba")),
		chromedp.Click(chromedp.ID("next-waba")),
		chromedp.WaitVisible(chromedp.ID("next-profile")),
	); err != nil {
		t.Fatalf("back and forward: %v", err)
	}
	toNumber(t, ctx)
	addNumber(t, ctx, "new")
	verifyInBrowser(t, ctx, w)
	if got := text(t, ctx, "sum-business"); got != "Acme Pharma LLP" {
		t.Errorf("the summary shows business %q", got)
	}
	state := finishInBrowser(t, ctx, "(verified)")

	tailVerified(t, h)
	s, err := w.st.Load(context.Background(), a.Session().ID)
	if err != nil {
		t.Fatal(err)
	}
	sg := s.Signup
	if sg.Event != "FINISH" || sg.NumberStatus != "VERIFIED" || sg.VerifiedName != "Acme Pharma" || sg.Stage != "ready" ||
		s.Phone.E164 != "+7"+popupNational || s.Status != store.StatusDone {
		t.Fatalf("saved %+v phone %+v status %s", sg, s.Phone, s.Status)
	}
	if !slices.Contains(w.sb.Server.WABAIDs(), sg.WABAID) {
		t.Errorf("saved WABA %s, which the sandbox does not know", sg.WABAID)
	}
	assertNoSecrets(t, w.path, state, testPassword, testPIN) // the state lives in memory only
}

func TestSignupInChromiumUnverifiedNumber(t *testing.T) {
	w, ctx, opened := browserWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	toSignup(w, h)
	openSignup(t, ctx, a, h, opened)
	toProfile(t, ctx)
	toNumber(t, ctx)
	addNumber(t, ctx, "new")
	// The user leaves the verification for later.
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("skip-verify")), chromedp.Click(chromedp.ID("skip-verify"))); err != nil {
		t.Fatalf("leaving the verification: %v", err)
	}
	finishInBrowser(t, ctx, "(not verified)")
	tailUnverified(w, a, h)
	if s, _ := w.st.Load(context.Background(), a.Session().ID); s.Signup.NumberStatus != "NOT_VERIFIED" || s.Status != store.StatusDone || s.Code.VerifiedAt.IsZero() {
		t.Fatalf("saved %+v code %+v", s.Signup, s.Code)
	}
}

func TestSignupInChromiumWithoutNumber(t *testing.T) {
	w, ctx, opened := browserWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	toSignup(w, h)
	openSignup(t, ctx, a, h, opened)
	toProfile(t, ctx)
	toNumber(t, ctx)
	addNumber(t, ctx, "none")
	finishInBrowser(t, ctx, "none")
	secondHalf(w, a, h)
	if s, _ := w.st.Load(context.Background(), a.Session().ID); s.Signup.Event != "FINISH_ONLY_WABA" || s.Signup.PhoneNumberID != "" || s.Status != store.StatusDone {
		t.Fatalf("saved %+v", s.Signup)
	}
}

func TestSignupInChromiumBusinessApp(t *testing.T) {
	w, ctx, opened := browserWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	seen := seenSteps(a, h)
	toSignup(w, h)
	openSignup(t, ctx, a, h, opened)
	toProfile(t, ctx)
	toNumber(t, ctx)
	addNumber(t, ctx, "app")
	finishInBrowser(t, ctx, "WhatsApp Business app")
	tailApp(t, h)
	for _, id := range []steps.ID{steps.DisplayName, steps.Phone, steps.VerifyCode} {
		if seen[id] {
			t.Errorf("a Business-app number went through %s", id)
		}
	}
	if s, _ := w.st.Load(context.Background(), a.Session().ID); s.Signup.Event != "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING" || !s.Code.RegisteredAt.IsZero() {
		t.Fatalf("saved %+v code %+v", s.Signup, s.Code)
	}
}

func TestSignupInChromiumMigration(t *testing.T) {
	w, ctx, opened := browserWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	upToNumberStatus(w, h, "company")
	answerNumberQuestions(h, true, false, false)
	checkMigrationItems(h, 5)
	h.waitScreen("Confirm number details")
	h.key("y")
	h.waitScreen("Waiting for the signup to finish in the browser")
	openSignup(t, ctx, a, h, opened)
	toProfile(t, ctx)
	toNumber(t, ctx)
	if got := text(t, ctx, "step-phone"); !strings.Contains(got, "The number you are moving") || strings.Contains(got, "Finish without a number") {
		t.Errorf("the migration number screen shows %q", got)
	}
	addNumber(t, ctx, "")
	finishInBrowser(t, ctx, "(verified)")
	h.waitScreen("Register the number for the Cloud API")
	h.typeText(testPIN)
	h.key("enter")
	h.typeText(testPIN)
	h.key("enter")
	h.waitScreen("Your Alpha Name code:")
	s, _ := w.st.Load(context.Background(), a.Session().ID)
	if s.Path != store.PathMigration || s.Phone.E164 != "+7"+popupNational || s.Code.RegisteredAt.IsZero() {
		t.Fatalf("saved path %s phone %+v code %+v", s.Path, s.Phone, s.Code)
	}
	// What `wizard show` prints (and the list's number): the moved number and its name.
	summary := map[string]string{}
	for _, l := range steps.Summary(w.env.Words, s) {
		summary[l.Label] = l.Value
	}
	if summary["Number"] == "" || !strings.Contains(strings.ReplaceAll(summary["Number"], " ", ""), popupNational) || summary["Display name"] != s.Signup.VerifiedName || s.Signup.VerifiedName == "" {
		t.Errorf("the summary of a moved number: %v (verified name %q)", summary, s.Signup.VerifiedName)
	}
}

// Cancel on each of the pop-up's screens: the wizard names the screen in words
// (Meta's current_step) and offers to open the pop-up again; then a problem
// reported from the pop-up shows what Meta's support asks for.
func TestSignupInChromiumCancelAtEachScreenAndReport(t *testing.T) {
	w, ctx, opened := browserWorldWithin(t, 3*time.Minute) // seven pop-ups, one after another
	start := time.Now()
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	toSignup(w, h)
	type screen struct {
		step, says string
		reach      func()
	}
	screens := []screen{
		{"BUSINESS_ACCOUNT_SELECTION", "choosing the business portfolio", func() {
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("continue")), chromedp.WaitVisible(chromedp.ID("next-business"))); err != nil {
				t.Fatal(err)
			}
		}},
		{"WABA_PHONE_PROFILE_PICKER", "choosing the WhatsApp Business account", func() {
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("continue")), chromedp.WaitVisible(chromedp.ID("next-business")),
				chromedp.Click(chromedp.ID("next-business")), chromedp.WaitVisible(chromedp.ID("next-waba"))); err != nil {
				t.Fatal(err)
			}
		}},
		{"WHATSAPP_BUSINESS_PROFILE_SETUP", "on the business profile", func() { toProfile(t, ctx) }},
		{"PHONE_NUMBER_SETUP", "on the phone number screen", func() { toProfile(t, ctx); toNumber(t, ctx) }},
		{"PHONE_NUMBER_VERIFICATION", "verifying the phone number", func() {
			toProfile(t, ctx)
			toNumber(t, ctx)
			addNumber(t, ctx, "new")
			if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("send-sms"))); err != nil {
				t.Fatal(err)
			}
		}},
		{"PERMISSIONS", "the permissions, just before Finish", func() {
			toProfile(t, ctx)
			toNumber(t, ctx)
			addNumber(t, ctx, "none")
			if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("finish"))); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for i, sc := range screens {
		if i > 0 {
			h.key("n") // open it again: a new signup session, a new page
			h.waitScreen("Waiting for the signup to finish in the browser")
		}
		openSignup(t, ctx, a, h, opened)
		sc.reach()
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("cancel")), chromedp.WaitVisible(chromedp.ID("title"))); err != nil {
			t.Fatalf("%s: cancelling: %v", sc.step, err)
		}
		if got := text(t, ctx, "title"); got != "The signup was not completed" {
			t.Errorf("%s: the browser shows %q", sc.step, got)
		}
		h.waitScreen("(" + sc.step + ")")
		for _, want := range []string{sc.says, "Press n to open the signup again", "Step 6 of 12"} {
			if !strings.Contains(flat(h.screen()), want) {
				t.Errorf("%s: the screen lacks %q:\n%s", sc.step, want, h.screen())
			}
		}
		if s, _ := w.st.Load(context.Background(), a.Session().ID); s.Signup.Event != "CANCEL" || s.Signup.CancelStep != sc.step {
			t.Errorf("saved %+v, want the CANCEL at %s", s.Signup, sc.step)
		}
		t.Logf("%s done after %v", sc.step, time.Since(start)) // measured, not asserted
	}

	// Report a problem on the verification screen.
	h.key("n")
	h.waitScreen("Waiting for the signup to finish in the browser")
	openSignup(t, ctx, a, h, opened)
	toProfile(t, ctx)
	toNumber(t, ctx)
	addNumber(t, ctx, "new")
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("send-sms")),
		chromedp.Click(chromedp.ID("report-toggle")),
		chromedp.WaitVisible(chromedp.ID("error-message")),
		chromedp.SendKeys(chromedp.ID("error-message"), "No SMS arrived"),
		chromedp.Click(chromedp.ID("report")),
		chromedp.WaitVisible(chromedp.ID("title")),
	); err != nil {
		t.Fatalf("reporting a problem: %v", err)
	}
	h.waitScreen("The signup reported an error: No SMS arrived")
	s, _ := w.st.Load(context.Background(), a.Session().ID)
	sg := s.Signup
	if sg.ErrorID == "" || sg.ErrorSessionID == "" || sg.ErrorTime == "" || sg.CancelStep != "PHONE_NUMBER_VERIFICATION" {
		t.Fatalf("saved %+v", sg)
	}
	for _, want := range []string{"error id: " + sg.ErrorID, "session id: " + sg.ErrorSessionID, "time: " + sg.ErrorTime} {
		if !strings.Contains(h.screen(), want) {
			t.Errorf("the screen lacks %q:\n%s", want, h.screen())
		}
	}
	events, _ := w.st.Events(context.Background(), s.ID)
	if last := events[len(events)-1]; !strings.Contains(last.Detail, "error_id "+sg.ErrorID) || !strings.Contains(last.Detail, "session_id "+sg.ErrorSessionID) {
		t.Errorf("the history does not keep the ids: %+v", last)
	}
}
