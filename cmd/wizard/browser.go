package main

import (
	"time"

	"wizard/browser"
)

// openTimeout bounds one attempt to open a page: a launcher still running after
// a few seconds counts as opened (package browser), so this is a safety net.
const openTimeout = 10 * time.Second

// browserOpener decides from the environment (WIZARD_BROWSER, BROWSER, SSH_*,
// DISPLAY/WAYLAND_DISPLAY) how to open a page in the user's browser. It returns
// nil and the reason where no browser is tried (over SSH, with no display, or
// WIZARD_BROWSER=none): the screens then show the URL for the user to open.
// The launcher's output never draws over the screen, and it never blocks it.
func browserOpener(getenv func(string) string) (open func(string) error, why string) {
	o := browser.FromEnv(getenv)
	_, why = o.Available()
	return o.Func(openTimeout), why
}
