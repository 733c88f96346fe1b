// Package chromiumtest starts the headless Chromium the browser tests drive
// (the signup page, the sandbox's outbox): Debian's chromium, or the one
// WIZARD_CHROMIUM names. Without it a test skips on a developer's machine and
// fails in CI (CI set), where .ci/run installs it.
package chromiumtest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Path is the Chromium the tests run.
func Path() string {
	if p := os.Getenv("WIZARD_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// New starts a headless Chromium with a fresh profile. The context it
// returns ends the browser when the test ends, or after deadline (a browser
// test that hangs fails instead of holding the run).
func New(t testing.TB, deadline time.Duration) context.Context {
	t.Helper()
	path := Path()
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
	ctx, cancelTime := context.WithTimeout(ctx, deadline)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("cannot start Chromium: %v", err)
	}
	return ctx
}
