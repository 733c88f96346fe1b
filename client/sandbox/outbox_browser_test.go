package sandbox_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"wizard/client/sandbox"
	"wizard/internal/chromiumtest"
)

// The trainer's outbox page in a real, headless Chromium: it updates itself
// in place when a code is sent, the wizard's step changes or a fault is armed,
// without reloading; everything shown is text, never HTML; its pace buttons
// set the sandbox's pace.

// newOutboxBrowser starts a headless Chromium (chromiumtest); it ends with
// the test, or after 90 seconds (a deadline for a loaded machine, not a pace).
func newOutboxBrowser(t *testing.T) context.Context {
	t.Helper()
	return chromiumtest.New(t, 90*time.Second)
}

// until waits for a JavaScript condition on the page (the page's own fetches
// answer when they answer).
func until(ctx context.Context, t *testing.T, what, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr)); err != nil {
		page, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
		t.Fatalf("the page never showed %s (%v):\n%s", what, err, page)
	}
}

func TestOutboxPageUpdatesItselfInChromium(t *testing.T) {
	ctx := newOutboxBrowser(t)
	sb, c := start(t, sandbox.Options{AutoVerifyEmail: time.Nanosecond})
	h := sandbox.Hints{BaseURL: sb.URL}

	if err := chromedp.Do(ctx, chromedp.Navigate(sb.URL+"/sandbox/")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.sameLoad = true`)); err != nil {
		t.Fatal(err)
	}
	until(ctx, t, "no codes yet", `!document.getElementById("messages-empty").classList.contains("hidden")`)

	// A code is sent: its row appears, in the same page.
	if _, err := c.Partner.CreateAccount(t.Context(), "room@example.kz", "Str0ng!pass"); err != nil {
		t.Fatal(err)
	}
	id := graphAddNumber(t, sb, sb.Server.WABAIDs()[0], "7", "7015550101", "Acme")
	graphMust(t, sb, "POST", "/"+id+"/request_code", `{"code_method":"VOICE","language":"en_US"}`)
	code, err := sandbox.LatestCode(t.Context(), sb.URL, id)
	if err != nil {
		t.Fatal(err)
	}
	until(ctx, t, "the code", `document.getElementById("messages-rows").textContent.includes(`+jsQuote(code)+`)`)
	until(ctx, t, "the e-mail", `document.getElementById("mails-rows").textContent.includes("room@example.kz")`)

	// The wizard's step, with a title that would be HTML if it were not text.
	if err := h.Showing(t.Context(), "K7MQ-4XPD", "verify-code", `Verify <img src=x onerror="window.hacked=1">`, 9, 12); err != nil {
		t.Fatal(err)
	}
	until(ctx, t, "the step", `document.getElementById("step").textContent === 'Step 9 of 12 · Verify <img src=x onerror="window.hacked=1">'`)

	// A fault armed shows; the page keeps working through it.
	if err := sandbox.InjectFault(t.Context(), sb.URL, sandbox.Fault{PathPrefix: "/partner/", Kind: sandbox.FaultStatus, Status: 503}); err != nil {
		t.Fatal(err)
	}
	until(ctx, t, "the fault", `document.getElementById("faults-rows").textContent.includes("/partner/*")`)

	// The pace buttons set the sandbox's pace.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("pace-real"))); err != nil {
		t.Fatal(err)
	}
	until(ctx, t, "the real pace pressed", `document.getElementById("pace-real").getAttribute("aria-pressed") === "true"`)
	if p := sb.Server.Pace(); p.Name != sandbox.PaceReal {
		t.Fatalf("the page's button left the pace at %+v", p)
	}
	until(ctx, t, "the real pace's delays", `document.getElementById("pace-activation").textContent === "10m"`)

	same, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.sameLoad === true && document.querySelector("#step img") === null && window.hacked === undefined`))
	if err != nil || !same {
		t.Fatalf("the page was reloaded, or the title ran as HTML (%v)", err)
	}
	if page, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body"))); !strings.Contains(page, "updates by itself") {
		t.Errorf("the page does not say it is live:\n%s", page)
	}
}

func jsQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
