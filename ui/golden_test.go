package ui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"wizard/store"
)

var (
	sandboxPort = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	signupID    = regexp.MustCompile(`/signup/[a-z0-9_]+`)
	spinnerRune = regexp.MustCompile(`[⣾⣽⣻⢿⡿⣟⣯⣷]`)
)

// stable hides what changes from run to run: the sandbox's port, generated ids,
// the spinner's frame and trailing spaces.
func stable(screen string) string {
	screen = sandboxPort.ReplaceAllString(screen, "127.0.0.1:PORT")
	screen = signupID.ReplaceAllString(screen, "/signup/ID")
	screen = spinnerRune.ReplaceAllString(screen, "*")
	lines := strings.Split(screen, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

// TestScreens keeps each screen of the first half as a golden file
// (testdata/TestScreens/*.golden; go test ./ui -run TestScreens -update rewrites them).
func TestScreens(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.clock.set(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
	a, h := w.app(store.Session{ID: "K7MQ-4XPD"}, false)
	shot := func(name string) {
		t.Helper()
		t.Run(name, func(t *testing.T) { golden.RequireEqual(t, stable(h.screen())) })
	}

	h.waitScreen("Do you accept the provider's terms?")
	shot("01-terms")
	h.key("y")
	h.waitScreen("Business e-mail")
	h.typeText(testEmail)
	h.key("enter")
	h.typeText("Secr3t")
	shot("02-account-password-half-typed")
	h.typeText("!pw")
	h.key("enter")
	h.typeText(testPassword)
	h.key("enter")
	h.waitScreen("We sent a link to")
	shot("03-verify-email")
	w.clickVerifyLink()
	h.waitScreen("Type of organisation")
	shot("04-company")
	h.key("enter")
	h.typeText("Anna Ivanova")
	h.key("enter")
	h.typeText("Acme Pharma")
	h.key("enter")
	h.waitScreen("Country of registration")
	h.key("enter")
	h.key("y")
	h.waitScreen("Is this number connected to the WhatsApp Business API?")
	shot("05-number-api")
	h.key("down")
	h.key("enter")
	h.waitScreen("Moving a number from another provider")
	shot("05-number-migration-checklist")
	h.key("shift+tab")
	h.waitScreen("Is this number connected to the WhatsApp Business API?")
	h.key("up")
	h.key("enter")
	h.key("enter")
	h.key("enter")
	h.waitScreen("Confirm number details")
	shot("05-number-confirm")
	h.key("y")
	h.waitScreen("Waiting for the signup to finish in the browser")
	shot("06-signup")
	_ = a
}
