package ui

import (
	"context"
	"strings"
	"testing"

	"wizard/store"
)

// mustShowChosen fails unless the screen, with every colour and attribute
// stripped (what NO_COLOR, TERM=dumb or a monochrome screen leave), marks
// chosen as the selected button of a confirmation and not other.
func mustShowChosen(h *harness, chosen, other string) {
	h.t.Helper()
	s := h.screen()
	if !strings.Contains(s, "[ "+chosen+" ]") || strings.Contains(s, "[ "+other+" ]") || !strings.Contains(s, other) {
		h.t.Fatalf("without colour the screen does not mark %q as chosen over %q:\n%s", chosen, other, s)
	}
}

// A plain Enter takes the forward answer on "Allow All", "I am not a robot"
// and "Confirm number details", and each chosen button reads without colour.
func TestPlainEnterGoesForward(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)

	h.waitScreen("Do you accept the provider's terms?")
	mustShowChosen(h, "Allow All", "Not now")
	h.key("enter")
	h.waitScreen("Business e-mail")
	h.typeText(testEmail)
	h.key("enter")
	h.typeText(testPassword)
	h.key("enter")
	h.typeText(testPassword)
	h.key("enter")
	h.waitScreen("We sent a link to " + testEmail)
	w.clickVerifyLink()

	h.waitScreen("Type of organisation")
	h.key("enter")
	h.typeText("Anna Ivanova")
	h.key("enter")
	h.typeText("Acme Pharma")
	h.key("enter")
	h.waitScreen("Country of registration")
	h.key("enter") // Kazakhstan, from the env's region
	h.waitScreen("I am not a robot")
	mustShowChosen(h, "Yes", "No")
	h.key("enter")

	for _, q := range []string{"Is this number connected to the WhatsApp Business API?",
		"Is this number connected to the WhatsApp Business app?",
		"Is this number connected to a personal WhatsApp account?"} {
		h.waitScreen(q)
		h.key("enter") // "No"
	}
	h.waitScreen("Confirm number details")
	mustShowChosen(h, "Confirm", "Change answers")
	h.key("enter")
	h.waitScreen("Waiting for the signup to finish in the browser")

	saved, err := w.st.Load(context.Background(), a.Session().ID)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Terms.AcceptedAt.IsZero() || !saved.Company.NotRobot || saved.Number.ConfirmedAt.IsZero() || saved.Path != store.PathNew {
		t.Fatalf("the answers Enter took are not saved: terms %v, not a robot %v, number %+v, path %q",
			saved.Terms, saved.Company.NotRobot, saved.Number, saved.Path)
	}
}

// "Change answers" goes back to the questions: Enter on it brings back the
// first question with the answers given, shift+tab the last one; neither is
// blocked by an error, and the confirmation is offered again, "Confirm" first.
func TestChangeAnswersGoesBackToTheQuestions(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	upToNumberStatus(w, h, "company")
	answerNumberQuestions := func() {
		for _, q := range []string{"Is this number connected to the WhatsApp Business API?",
			"Is this number connected to the WhatsApp Business app?",
			"Is this number connected to a personal WhatsApp account?"} {
			h.waitScreen(q)
			h.key("enter")
		}
		h.waitScreen("Confirm number details")
	}
	answerNumberQuestions()

	h.key("right") // toggle to "Change answers"
	mustShowChosen(h, "Change answers", "Confirm")
	h.key("enter")
	h.waitScreen("Is this number connected to the WhatsApp Business API?")
	if strings.Contains(h.screen(), "Confirm number details") {
		t.Fatalf("Change answers did not go back to the questions:\n%s", h.screen())
	}
	answerNumberQuestions()
	mustShowChosen(h, "Confirm", "Change answers")

	h.key("right")
	h.key("shift+tab")
	h.waitScreen("Is this number connected to a personal WhatsApp account?")
	if strings.Contains(h.screen(), "Confirm number details") {
		t.Fatalf("shift+tab on Change answers did not go back to the last question:\n%s", h.screen())
	}
	h.key("enter")
	h.waitScreen("Confirm number details")
	h.key("n") // "Change answers" by its key
	h.waitScreen("Is this number connected to the WhatsApp Business API?")
	answerNumberQuestions()
	h.key("enter")
	h.waitScreen("Waiting for the signup to finish in the browser")

	saved, err := w.st.Load(context.Background(), a.Session().ID)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Path != store.PathNew || saved.Number.ConfirmedAt.IsZero() {
		t.Fatalf("confirmed after changing the answers, saved path %q number %+v", saved.Path, saved.Number)
	}
}
