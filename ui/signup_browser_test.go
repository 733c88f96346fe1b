package ui

import (
	"context"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"wizard/store"
)

// These tests open the signup page the wizard produced in a real, headless
// Chromium, click through it as a user would, and check that the wizard's
// signup step receives the result through the loopback callback.

// chromiumPath is Debian's chromium; WIZARD_CHROMIUM names another.
func chromiumPath() string {
	if p := os.Getenv("WIZARD_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// newChromium starts a headless Chromium with a fresh profile; the returned
// context ends the browser when the test ends, or after 20 seconds.
func newChromium(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("no Chromium at %s (apt-get install -y chromium); CI must have it", path)
		}
		t.Fatalf("no Chromium at %s: .ci/run installs it with apt-get install -y chromium", path)
	}
	profile := t.TempDir() // before the cleanup below, so Chromium is gone when it is removed
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile),
	)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 20*time.Second)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("cannot start Chromium: %v", err)
	}
	return ctx
}

// browserWorld is a world whose "browser" is the headless Chromium: opening a
// URL hands it to the test, which loads it in Chromium.
func browserWorld(t *testing.T) (*world, context.Context, <-chan string) {
	ctx := newChromium(t)
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

func TestSignupInChromiumFinishes(t *testing.T) {
	w, ctx, opened := browserWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	toSignup(w, h)
	openSignup(t, ctx, a, h, opened)

	// Log in, create a new business portfolio and a new WhatsApp Business account.
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
		chromedp.WaitVisible(chromedp.ID("finish")),
		// Back to the account screen and forward again: the choices are kept.
		chromedp.Click(chromedp.ID("back")),
		chromedp.WaitVisible(chromedp.ID("next-waba")),
		chromedp.Click(chromedp.ID("next-waba")),
		chromedp.WaitVisible(chromedp.ID("finish")),
	); err != nil {
		t.Fatalf("clicking through the signup page: %v", err)
	}
	if got := text(t, ctx, "sum-business"); got != "Acme Pharma LLP" {
		t.Errorf("the review shows business %q", got)
	}
	if got := text(t, ctx, "sum-waba"); got != "Acme Pharma" {
		t.Errorf("the review shows account %q", got)
	}

	// Finish in the browser while the wizard runs: the step must move on by itself.
	clicked := make(chan time.Time, 1)
	page := make(chan error, 1)
	go func() {
		clicked <- time.Now()
		page <- chromedp.Do(ctx, chromedp.Click(chromedp.ID("finish")), chromedp.WaitVisible(chromedp.ID("title")))
	}()
	h.pump("the wizard to move on", 10*time.Second, func() bool { return strings.Contains(h.screen(), "Step 7 of 12") })
	// How soon is measured, not asserted (a loaded machine may take longer).
	t.Logf("from the Finish click to the next step: %v", time.Since(<-clicked))
	if err := <-page; err != nil {
		t.Fatalf("the page after Finish: %v", err)
	}
	if got := text(t, ctx, "title"); got != "Your business is connected" {
		t.Errorf("the browser shows %q", got)
	}
	if !strings.Contains(text(t, ctx, "body"), "return to the terminal") {
		t.Errorf("the browser does not send the user back to the terminal")
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

	saved, err := w.st.Load(context.Background(), a.Session().ID)
	if err != nil {
		t.Fatal(err)
	}
	sg := saved.Signup
	if sg.Event != "FINISH" || sg.BusinessID == "" || sg.WABAID == "" || sg.FinishedAt.IsZero() {
		t.Fatalf("the signup result is not saved: %+v", sg)
	}
	if !slices.Contains(w.sb.Server.WABAIDs(), sg.WABAID) {
		t.Errorf("saved WABA %s, which the sandbox does not know: %v", sg.WABAID, w.sb.Server.WABAIDs())
	}
	events, err := w.st.Events(context.Background(), saved.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The callback and the poll race for the result (the provider knows it as
	// soon as the browser is redirected): either may take it, and the page above
	// shows the callback answered.
	if e := events[len(events)-1]; e.Kind != "step.done" ||
		!(strings.Contains(e.Detail, "from the browser") || strings.Contains(e.Detail, "from the provider")) {
		t.Errorf("the last event is %+v, want the signup done", e)
	}
	assertNoSecrets(t, w.path, state, testPassword) // the state lives in memory only
}

func TestSignupInChromiumCancel(t *testing.T) {
	w, ctx, opened := browserWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	toSignup(w, h)
	openSignup(t, ctx, a, h, opened)
	first := a.Session().Signup.SessionID

	// Continue with the existing portfolio, then cancel on the account screen.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("continue")),
		chromedp.WaitVisible(chromedp.ID("next-business")),
		chromedp.Click(chromedp.ID("next-business")),
		chromedp.WaitVisible(chromedp.ID("next-waba")),
		chromedp.Click(chromedp.ID("cancel")),
		chromedp.WaitVisible(chromedp.ID("title")),
	); err != nil {
		t.Fatalf("cancelling on the signup page: %v", err)
	}
	if got := text(t, ctx, "title"); got != "The signup was not completed" {
		t.Errorf("the browser shows %q", got)
	}
	h.waitScreen("cancelled in the browser at")
	scr := h.screen()
	for _, want := range []string{"choosing the WhatsApp Business account (WABA_SETUP)", "Press n to start a new signup", "Step 6 of 12"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the screen does not show %q:\n%s", want, scr)
		}
	}
	h.pump("the cancel to be saved", 5*time.Second, func() bool {
		s, err := w.st.Load(context.Background(), a.Session().ID)
		return err == nil && s.Signup.Event == "CANCEL"
	})
	saved, _ := w.st.Load(context.Background(), a.Session().ID)
	if saved.Signup.CancelStep != "WABA_SETUP" || saved.Signup.SessionID != first {
		t.Errorf("saved %+v, want the CANCEL at WABA_SETUP of %s", saved.Signup, first)
	}

	// Try again: a new signup session, a new page.
	h.key("n")
	h.pump("a new signup session", 5*time.Second, func() bool {
		sg := a.Session().Signup
		return sg.SessionID != "" && sg.SessionID != first && sg.Event == ""
	})
	h.waitScreen("Waiting for the signup to finish in the browser")
}
