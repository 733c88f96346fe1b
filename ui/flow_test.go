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

const (
	testPhone = "701 123 4567"
	testPIN   = "482915"
)

// secondHalf walks display-name → done on the new-number path and returns the
// verification code used.
func secondHalf(w *world, a *App, h *harness) string {
	upToCode(w, h)
	code := requestAndEnterCode(w, a, h)
	setPINAndFinish(h)
	return code
}

// upToCode walks display-name and phone and stops where the code is requested.
func upToCode(w *world, h *harness) { upToCodeWith(w, h, testPhone) }

// upToCodeWith is upToCode with another mobile number of Kazakhstan.
func upToCodeWith(w *world, h *harness, phone string) {
	t := w.t
	t.Helper()
	h.waitScreen("Display Name (Alpha Name)")
	h.typeText("Acme Pharma")
	h.key("enter")
	h.key("enter") // category: Other
	h.typeText("Medicines for Kazakhstan")
	h.key("enter")
	h.typeText("https://acme-pharma.kz")
	h.key("enter")
	h.waitScreen("Check the display name carefully")
	h.key("enter")

	h.waitScreen("Country of the number")
	h.key("enter") // the company's country, Kazakhstan
	h.waitScreen("Phone number (Kazakhstan)")
	h.typeText(phone)
	h.key("enter")
	h.waitScreen("Is this the number?")
	if phone == testPhone && !strings.Contains(h.screen(), "+7 701 123 4567") {
		t.Fatalf("the number is not shown in international format:\n%s", h.screen())
	}
	h.key("enter")
	h.waitScreen("How should Meta send the verification code?")
	if shown := "+7 " + phone; !strings.Contains(h.screen(), shown) || strings.Contains(h.screen(), strings.ReplaceAll(shown, " ", "")) {
		t.Fatalf("the code screen shows the number in another format than %s:\n%s", shown, h.screen())
	}
}

// toPIN walks a new signup on the new-number path to the two-step PIN.
func toPIN(w *world, a *App, h *harness) {
	w.t.Helper()
	firstHalf(w, a, h)
	upToCode(w, h)
	requestAndEnterCode(w, a, h)
	h.waitScreen("Set the two-step verification PIN")
}

// requestAndEnterCode asks for an SMS, reads it from the sandbox's phone and types it.
func requestAndEnterCode(w *world, a *App, h *harness) string {
	w.t.Helper()
	h.key("s")
	h.waitScreen("Sandbox phone received: WhatsApp code")
	if !strings.Contains(h.screen(), "by SMS to "+steps.ShowNumber(a.Session().Phone)) {
		w.t.Fatalf("the code field shows the number in another format:\n%s", h.screen())
	}
	code, err := sandbox.LatestCode(context.Background(), w.sb.URL, a.Session().Phone.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	h.waitScreen("Verification code")
	h.typeText(code)
	h.key("enter")
	return code
}

// setPINAndFinish sets the two-step PIN and walks activation, alpha name and done.
func setPINAndFinish(h *harness) {
	h.t.Helper()
	h.waitScreen("Set the two-step verification PIN")
	h.typeText(testPIN)
	h.key("enter")
	h.typeText(testPIN)
	h.key("enter")

	h.waitScreen("Your Alpha Name code:")
	h.key("enter")
	h.waitScreen("Add & Edit Alpha Names for Campaigns")
	h.waitScreen("Press Enter to save") // Meta's review of the name is read first
	h.key("enter")                      // the company's country
	h.waitScreen("Saved: Acme Pharma")
	h.key("enter")
	h.waitScreen("All done")
	h.key("enter")
	h.pump("quit", 5*time.Second, func() bool { return h.quit })
}

func TestHappyPathThroughAllTwelveSteps(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)

	seen := map[string]bool{}
	watch := func() { seen[a.Session().Step] = true }
	h.afterDeliver = watch
	firstHalf(w, a, h)
	code := secondHalf(w, a, h)

	for _, id := range steps.Order {
		if !seen[string(id)] {
			t.Errorf("step %s never shown", id)
		}
	}
	if a.Exit() != ExitFinished {
		t.Errorf("exit %v, want finished", a.Exit())
	}
	s, err := w.st.Load(a.Session().ID)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != store.StatusDone || s.FinishedAt.IsZero() || s.Step != string(steps.Finished) {
		t.Errorf("final session: status %s step %s finished %v", s.Status, s.Step, s.FinishedAt)
	}
	if s.Phone.E164 != "+77011234567" || s.Phone.ID == "" {
		t.Errorf("phone: %+v", s.Phone)
	}
	if s.Profile.DisplayName != "Acme Pharma" || s.Profile.Website != "https://acme-pharma.kz" || s.Profile.SentAt.IsZero() {
		t.Errorf("profile: %+v", s.Profile)
	}
	if s.Code.RegisteredAt.IsZero() || s.Code.VerifiedAt.IsZero() || s.Code.Method != "SMS" {
		t.Errorf("code: %+v", s.Code)
	}
	if s.Activation.AlphaCode == "" || s.Activation.ActivatedAt.IsZero() {
		t.Errorf("activation: %+v", s.Activation)
	}
	if s.Alpha.Name != "Acme Pharma" || s.Alpha.Country != "KZ" || s.Alpha.SavedAt.IsZero() {
		t.Errorf("alpha name: %+v", s.Alpha)
	}
	w.st.Close()
	assertNoSecrets(t, w.path, testPassword, testPIN, code)
}

func TestStopHalfWayAndFinishFromTheStore(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	firstHalf(w, a, h)
	h.waitScreen("Display Name (Alpha Name)")
	h.deliver(keyMsg("ctrl+c"))
	h.pump("quit", 5*time.Second, func() bool { return h.quit })
	h.stop()
	id := a.Session().ID

	// A new process: the data file is opened again and the session loaded from it.
	w.st.Close()
	w.open()
	saved, err := w.st.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	if steps.Next(saved) != steps.DisplayName {
		t.Fatalf("a reloaded session is at %s, want display-name", steps.Next(saved))
	}
	b, h2 := w.app(saved, true)
	if b.Session().Company.CompanyName != "Acme Pharma" || b.Session().Signup.WABAID == "" {
		t.Fatalf("the reloaded session lost answers: %+v", b.Session())
	}
	secondHalf(w, b, h2)
	final, err := w.st.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	if final.Status != store.StatusDone {
		t.Fatalf("status %s, want done", final.Status)
	}
	events, _ := w.st.Events(id)
	var resumed bool
	for _, e := range events {
		resumed = resumed || e.Kind == "resumed"
	}
	if !resumed {
		t.Errorf("no 'resumed' event in the history: %+v", events)
	}
}
