package ui

import (
	"strings"
	"testing"

	"wizard/store"
)

// Through the shell, typing a filter in the company's country list chooses the
// country, and the company is saved with it. "n" may move a form's focus (it
// answers a confirmation): the list returns no command for it, so the shell
// does not hold the letters that follow.
func TestCountryListFilterThroughTheShell(t *testing.T) {
	w := newWorld(t)
	a, h := w.app(store.Session{ID: "K7MQ-4XPD"}, false)
	acceptTermsAndFillAccount(h, testEmail)
	h.waitScreen("We sent a link to " + testEmail)
	w.clickVerifyLink()
	h.waitScreen("Type of organisation")
	h.key("enter")
	h.typeText("Anna Ivanova")
	h.key("enter")
	h.typeText("Acme Pharma")
	h.key("enter")
	h.waitScreen("Country of registration")
	h.key("/")
	h.deliver(keyMsg("n"))
	if a.typed.holding() {
		t.Fatal("a letter of the filter started the type-ahead hold")
	}
	h.typeText("OrW")
	if s := h.screen(); !strings.Contains(s, "/nOrW") || !strings.Contains(s, "> Norway") || strings.Contains(s, "Kazakhstan") {
		t.Fatalf("the filter does not find Norway:\n%s", s)
	}
	h.key("enter")
	h.key("y")
	h.waitScreen("Is this number connected to the WhatsApp Business API?")
	if c := a.Session().Company.Country; c != "NO" {
		t.Fatalf("company country %q, want NO", c)
	}
}
