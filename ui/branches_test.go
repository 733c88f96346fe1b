package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"wizard/client/sandbox"
	"wizard/steps"
	"wizard/store"
)

// checkMigrationItems ticks the first n items of the migration checklist and confirms.
func checkMigrationItems(h *harness, n int) {
	h.t.Helper()
	h.waitScreen("Moving a number from another provider")
	if !strings.Contains(h.screen(), "Two-step verification is turned OFF") || !strings.Contains(h.screen(), "Why each matters") {
		h.t.Fatalf("the checklist or its reasons are missing:\n%s", h.screen())
	}
	for i := range n {
		if i > 0 {
			h.key("down")
		}
		h.key("x")
	}
	h.key("enter")
}

func TestMigrationPathRegistersOnly(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	seen := map[steps.ID]bool{}
	h.afterDeliver = func() { seen[a.Step().ID()] = true }

	upToNumberStatus(w, h, "company")
	answerNumberQuestions(h, true, false, false)
	checkMigrationItems(h, 5)
	h.waitScreen("Confirm number details")
	h.key("y")

	h.waitScreen("Connect Facebook and your WhatsApp Business account")
	w.finishSignup(a, h, "FINISH")
	h.waitScreen("Register the number for the Cloud API")
	if got := a.Session().Path; got != store.PathMigration {
		t.Fatalf("path %q, want migration", got)
	}
	h.typeText(testPIN)
	h.key("enter")
	h.typeText(testPIN)
	h.key("enter")
	h.waitScreen("Your Alpha Name code:")
	h.key("enter")
	h.waitScreen("Add & Edit Alpha Names for Campaigns")
	h.waitScreen("Press Enter to save") // the name is fetched first on this path
	h.key("enter")
	h.waitScreen("Saved:")
	h.key("enter")
	h.waitScreen("All done")

	for _, skipped := range []steps.ID{steps.DisplayName, steps.Phone} {
		if seen[skipped] {
			t.Errorf("the migration path showed %s", skipped)
		}
	}
	s, _ := w.st.Load(context.Background(), a.Session().ID)
	if s.Status != store.StatusDone || s.Phone.ID == "" || s.Code.RegisteredAt.IsZero() || s.Alpha.Name == "" {
		t.Errorf("migration did not finish: status %s phone %q registered %v alpha %q", s.Status, s.Phone.ID, s.Code.RegisteredAt, s.Alpha.Name)
	}
}

func TestMigrationWithUnmetItemsParksAndAsksAgain(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	upToNumberStatus(w, h, "company")
	answerNumberQuestions(h, true, false, false)
	checkMigrationItems(h, 2)
	h.waitScreen("Confirm number details")
	h.key("y")
	h.waitScreen("Before the number can move, these must be true:")
	for _, missing := range []string{"Two-step verification is turned OFF", "display name is approved", "not a WhatsApp test number"} {
		if !strings.Contains(h.screen(), missing) {
			t.Errorf("the park screen does not list %q:\n%s", missing, h.screen())
		}
	}
	h.key("enter")
	h.pump("quit", 5*time.Second, func() bool { return h.quit })
	s, _ := w.st.Load(context.Background(), a.Session().ID)
	if s.Status != store.StatusWaiting || !strings.Contains(s.WaitingReason, "3 checklist item") {
		t.Fatalf("status %s reason %q, want waiting with 3 items missing", s.Status, s.WaitingReason)
	}

	// Resumed later, the questions are asked again; all confirmed now.
	b, h2 := w.app(s, true)
	answerNumberQuestions(h2, true, false, false)
	checkMigrationItems(h2, 5)
	h2.waitScreen("Confirm number details")
	h2.key("y")
	h2.waitScreen("Connect Facebook and your WhatsApp Business account")
	if got := b.Session(); got.Status != store.StatusActive || got.Path != store.PathMigration || got.WaitingReason != "" {
		t.Fatalf("after the checklist: status %s path %s reason %q", got.Status, got.Path, got.WaitingReason)
	}
}

func TestNumberOnAnotherWhatsAppParks(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name          string
		app, personal bool
		says          string
	}{
		{"business app", true, false, "coexistence"},
		{"personal account", false, true, "personal WhatsApp account"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			a, h := w.app(store.Session{ID: store.NewID()}, false)
			upToNumberStatus(w, h, "company")
			answerNumberQuestions(h, false, c.app, c.personal)
			h.waitScreen("This number cannot be registered yet")
			if !strings.Contains(h.screen(), c.says) || !strings.Contains(h.screen(), "Delete my") {
				t.Errorf("the explanation is missing %q:\n%s", c.says, h.screen())
			}
			h.key("enter")
			h.pump("quit", 5*time.Second, func() bool { return h.quit })
			if a.Exit() != ExitParked {
				t.Fatalf("exit %v, want parked", a.Exit())
			}
			s, _ := w.st.Load(context.Background(), a.Session().ID)
			if s.Status != store.StatusWaiting || s.WaitingReason == "" || steps.Next(s) != steps.NumberStatus {
				t.Fatalf("status %s reason %q next %s", s.Status, s.WaitingReason, steps.Next(s))
			}
			// Resumed after the account is deleted: the questions again, from the start.
			b, h2 := w.app(s, true)
			answerNumberQuestions(h2, false, false, false)
			h2.waitScreen("Connect Facebook and your WhatsApp Business account")
			if got := b.Session(); got.Path != store.PathNew || got.Status != store.StatusActive {
				t.Fatalf("after new answers: path %s status %s", got.Path, got.Status)
			}
		})
	}
}

func TestBackKeepsEveryAnswer(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	upToNumberStatus(w, h, "company")
	h.waitScreen("Is this number connected to the WhatsApp Business API?")

	h.key("shift+tab") // first field of the questions: back to the company
	h.waitScreen("Step 4 of 12 · Company details")
	for _, kept := range []string{"Anna Ivanova", "Acme Pharma"} {
		if !strings.Contains(h.screen(), kept) {
			t.Errorf("going back lost %q:\n%s", kept, h.screen())
		}
	}
	h.key("shift+tab") // back over the verified e-mail, to the account
	h.waitScreen("Step 2 of 12 · Provider account")
	if !strings.Contains(h.screen(), testEmail) || strings.Contains(h.screen(), "Repeat the password") {
		t.Errorf("the existing account should offer only its e-mail:\n%s", h.screen())
	}
	h.key("enter") // unchanged: on to where the session stands
	h.waitScreen("Is this number connected to the WhatsApp Business API?")
	s, _ := w.st.Load(context.Background(), a.Session().ID)
	if s.Company.CompanyName != "Acme Pharma" || s.Account.VerifiedAt.IsZero() || s.Step != string(steps.NumberStatus) {
		t.Fatalf("going back changed the session: %+v", s)
	}
}

func TestChangeAddressWhileWaitingForTheLink(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	acceptTermsAndFillAccount(h, "anna@acme-pharma.kx")
	h.waitScreen("We sent a link to anna@acme-pharma.kx")
	h.key("c")
	h.waitScreen("Your provider account exists")
	for range len("kx") {
		h.key("backspace")
	}
	h.typeText("kz")
	h.key("enter")
	h.waitScreen("We sent a link to " + testEmail)
	w.clickVerifyLink()
	h.waitScreen("Type of organisation")
	s, _ := w.st.Load(context.Background(), a.Session().ID)
	if s.Account.Email != testEmail || s.Account.VerifiedAt.IsZero() {
		t.Fatalf("account after the change: %+v", s.Account)
	}
}

func TestTakenAddressIsShownOnTheForm(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	if _, err := w.env.Clients.Partner.CreateAccount(context.Background(), testEmail, testPassword); err != nil {
		t.Fatal(err)
	}
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	acceptTermsAndFillAccount(h, testEmail)
	h.waitScreen("An account with this e-mail already exists")
	if !strings.Contains(h.screen(), "Business e-mail") {
		t.Fatalf("the form is gone after the error:\n%s", h.screen())
	}
	events, _ := w.st.Events(context.Background(), a.Session().ID)
	if last := events[len(events)-1]; last.Kind != "error" || last.Error == "" {
		t.Fatalf("the error was not saved before it was shown: %+v", last)
	}
}

func TestResendIsRateLimited(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	_, h := w.app(store.Session{ID: store.NewID()}, false)
	acceptTermsAndFillAccount(h, testEmail)
	h.waitScreen("We sent a link")
	h.key("r")
	h.waitScreen("Too many requests just now. Wait")
	out, err := sandbox.ReadOutbox(context.Background(), w.sb.URL)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Mails) != 1 {
		t.Fatalf("%d mails sent, want 1 (the resend was too soon)", len(out.Mails))
	}
}
