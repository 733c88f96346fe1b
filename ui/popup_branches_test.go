package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"wizard/client/sandbox"
	"wizard/steps"
	"wizard/store"
)

// The rows of the branch table (issue 10) walked through the root model, with
// the pop-up's part done over HTTP the way the sandbox page's script does it:
// the number screen adds the number in Meta, the verification screen sends and
// checks the code, Finish posts the result. signup_browser_test.go walks the
// same rows through the page in Chromium.

// popupKind is what the user does on the pop-up's number screen.
type popupKind int

const (
	popupNoNumber   popupKind = iota // "finish without a number"
	popupVerified                    // a new number, verified by SMS
	popupUnverified                  // a new number, verification left
	popupApp                         // a number on the WhatsApp Business app
	popupMigrated                    // migration mode: the number being moved
)

const popupNational = "7011234567" // testPhone's national part

// popupCall posts JSON to one of the signup page's own routes.
func (w *world) popupCall(signupURL, path string, in map[string]string) map[string]string {
	w.t.Helper()
	b, _ := json.Marshal(in)
	resp, err := http.Post(signupURL+path, "application/json", bytes.NewReader(b))
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]string{}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != http.StatusOK {
		w.t.Fatalf("POST %s: HTTP %d", path, resp.StatusCode)
	}
	return out
}

// popup does the pop-up's screens for kind and posts Finish.
func (w *world) popup(a *App, h *harness, kind popupKind) {
	w.t.Helper()
	h.pump("a signup session", 5*time.Second, func() bool { return a.Session().Signup.URL != "" })
	u := a.Session().Signup.URL
	form := url.Values{"event": {"FINISH_ONLY_WABA"}, "business_name": {"Acme Pharma LLP"}, "waba_name": {"Acme Pharma"}}
	if kind != popupNoNumber {
		k := "new"
		if kind == popupApp {
			k = "app"
		}
		n := w.popupCall(u, "/number", map[string]string{"business_name": "Acme Pharma LLP", "waba_name": "Acme Pharma",
			"display_name": "Acme Pharma", "category": "HEALTH", "cc": "7", "phone_number": popupNational, "kind": k})
		if kind == popupVerified {
			w.popupCall(u, "/number/code", map[string]string{"phone_number_id": n["phone_number_id"], "method": "SMS"})
			code, err := sandbox.LatestCode(context.Background(), w.sb.URL, n["phone_number_id"])
			if err != nil {
				w.t.Fatal(err)
			}
			w.popupCall(u, "/number/verify", map[string]string{"phone_number_id": n["phone_number_id"], "code": code})
		}
		form.Set("event", "FINISH")
		if kind == popupApp {
			form.Set("event", "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING")
		}
		form.Set("phone_number_id", n["phone_number_id"])
		form.Set("waba_id", n["waba_id"])
		form.Set("business_id", n["business_id"])
	}
	resp, err := http.PostForm(u+"/result", form)
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
}

// tailVerified: Meta's name confirmed, then PIN + register only, then the rest.
func tailVerified(t *testing.T, h *harness) {
	t.Helper()
	h.waitScreen("The display name Meta holds")
	for _, want := range []string{"Acme Pharma", "waiting for Meta's review", "keep this name", "change it"} {
		if !strings.Contains(h.screen(), want) {
			t.Errorf("the name screen lacks %q:\n%s", want, h.screen())
		}
	}
	h.key("enter")
	h.waitScreen("Set the two-step verification PIN")
	if !strings.Contains(h.screen(), "verified in Meta's pop-up") {
		t.Errorf("the PIN screen does not say the number is verified already:\n%s", h.screen())
	}
	setPINAndFinish(h)
}

// tailUnverified: the code here, then PIN + register, then the rest.
func tailUnverified(w *world, a *App, h *harness) {
	w.t.Helper()
	h.waitScreen("How should Meta send the verification code?")
	requestAndEnterCode(w, a, h)
	setPINAndFinish(h)
}

// tailApp: what happens to the app, then the activation; no code, no register.
func tailApp(t *testing.T, h *harness) {
	t.Helper()
	h.waitScreen("The number stays on the WhatsApp Business app")
	for _, want := range []string{"+7 701 123 4567", "within 24 hours", "Keep using the WhatsApp Business app"} {
		if !strings.Contains(h.screen(), want) {
			t.Errorf("the coexistence screen lacks %q:\n%s", want, h.screen())
		}
	}
	h.key("enter")
	h.waitScreen("Your Alpha Name code:")
	h.key("enter")
	h.waitScreen("Add & Edit Alpha Names for Campaigns")
	h.waitScreen("Press Enter to save") // Meta's review of the name is read first
	h.key("enter")
	h.waitScreen("Saved: Acme Pharma")
	h.key("enter")
	h.waitScreen("All done")
}

// seenSteps records every step the shell shows.
func seenSteps(a *App, h *harness) map[steps.ID]bool {
	seen := map[steps.ID]bool{}
	h.afterDeliver = func() { seen[a.Step().ID()] = true }
	return seen
}

func TestPopupBranchesThroughTheRootModel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		kind   popupKind
		tail   func(w *world, a *App, h *harness)
		never  []steps.ID
		status string // the number's code_verification_status, as saved
	}{
		{"FINISH with a verified number", popupVerified, func(w *world, a *App, h *harness) { tailVerified(w.t, h) },
			[]steps.ID{steps.Phone}, "VERIFIED"},
		{"FINISH with an unverified number", popupUnverified, tailUnverified,
			[]steps.ID{steps.DisplayName, steps.Phone}, "NOT_VERIFIED"},
		{"FINISH_ONLY_WABA", popupNoNumber, func(w *world, a *App, h *harness) { secondHalf(w, a, h) }, nil, ""},
		{"FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING", popupApp, func(w *world, a *App, h *harness) { tailApp(w.t, h) },
			[]steps.ID{steps.DisplayName, steps.Phone, steps.VerifyCode}, "VERIFIED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			a, h := w.app(store.Session{ID: store.NewID()}, false)
			seen := seenSteps(a, h)
			toSignup(w, h)
			w.popup(a, h, tc.kind)
			tc.tail(w, a, h)
			for _, id := range tc.never {
				if seen[id] {
					t.Errorf("the flow showed %s", id)
				}
			}
			s, err := w.st.Load(context.Background(), a.Session().ID)
			if err != nil {
				t.Fatal(err)
			}
			if s.Status != store.StatusDone || s.Activation.ActivatedAt.IsZero() || s.Signup.NumberStatus != tc.status {
				t.Errorf("finished session: status %s activated %v number status %q", s.Status, s.Activation.ActivatedAt, s.Signup.NumberStatus)
			}
			if tc.kind == popupApp && (!s.Code.RegisteredAt.IsZero() || s.Signup.AppNoticeAt.IsZero()) {
				t.Errorf("a Business-app number was registered (%v) or the notice not saved (%v)", s.Code.RegisteredAt, s.Signup.AppNoticeAt)
			}
		})
	}
}

func TestPopupVerifiedNumberChangesMetasName(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	toSignup(w, h)
	w.popup(a, h, popupVerified)
	h.waitScreen("The display name Meta holds")
	h.key("c")
	h.waitScreen("New display name")
	for range len("Acme Pharma") {
		h.key("backspace")
	}
	h.typeText("Acme Pharmacy")
	h.key("enter")
	h.waitScreen("Ask Meta for this display name instead?")
	if !strings.Contains(flat(h.screen()), "once every 30 days") || !strings.Contains(flat(h.screen()), "recipients see the name Meta holds now") {
		t.Errorf("the review warning is missing:\n%s", h.screen())
	}
	h.key("enter")
	h.waitScreen("Set the two-step verification PIN")
	s, _ := w.st.Load(context.Background(), a.Session().ID)
	if s.Profile.DisplayName != "Acme Pharmacy" || s.Profile.NewNameStatus != "PENDING_REVIEW" || s.Profile.ConfirmedAt.IsZero() {
		t.Fatalf("saved profile %+v", s.Profile)
	}
	st, err := w.env.Clients.Partner.Number(context.Background(), s.Signup.SessionID, s.Phone.ID)
	if err != nil || st.NewNameStatus != "PENDING_REVIEW" || st.VerifiedName != "Acme Pharma" {
		t.Fatalf("Meta's number after the change: %+v %v", st, err)
	}
}

func TestPopupMigrationRegistersOnly(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	seen := seenSteps(a, h)
	upToNumberStatus(w, h, "company")
	answerNumberQuestions(h, true, false, false)
	checkMigrationItems(h, 5)
	h.waitScreen("Confirm number details")
	h.key("y")
	h.waitScreen("Connect Facebook and your WhatsApp Business account")
	w.popup(a, h, popupMigrated)
	h.waitScreen("Register the number for the Cloud API")
	h.typeText(testPIN)
	h.key("enter")
	h.typeText(testPIN)
	h.key("enter")
	h.waitScreen("Your Alpha Name code:")
	for _, id := range []steps.ID{steps.DisplayName, steps.Phone} {
		if seen[id] {
			t.Errorf("the migration path showed %s", id)
		}
	}
	s, _ := w.st.Load(context.Background(), a.Session().ID)
	if s.Phone.ID == "" || s.Phone.E164 != "+7"+popupNational || s.Signup.NumberStatus != "VERIFIED" || s.Signup.NameStatus != "APPROVED" {
		t.Errorf("the moved number: phone %+v signup %+v", s.Phone, s.Signup)
	}
}

func TestPopupCancelSaysWhereAndReportedErrorIsKept(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	toSignup(w, h)
	post := func(form url.Values) {
		t.Helper()
		h.pump("a signup session", 5*time.Second, func() bool { return a.Session().Signup.URL != "" && a.Session().Signup.Event == "" })
		resp, err := http.PostForm(a.Session().Signup.URL+"/result", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	for step, sentence := range map[string]string{
		"BUSINESS_ACCOUNT_SELECTION":      "choosing the business portfolio",
		"WABA_PHONE_PROFILE_PICKER":       "choosing the WhatsApp Business account",
		"WHATSAPP_BUSINESS_PROFILE_SETUP": "on the business profile",
		"PHONE_NUMBER_SETUP":              "on the phone number screen",
		"PHONE_NUMBER_VERIFICATION":       "verifying the phone number",
		"PERMISSIONS":                     "the permissions, just before Finish",
	} {
		post(url.Values{"event": {"CANCEL"}, "current_step": {step}})
		h.waitScreen("(" + step + ")")
		for _, want := range []string{sentence, "Press n to open the signup again", "Step 6 of 12"} {
			if !strings.Contains(flat(h.screen()), want) {
				t.Errorf("%s: the screen lacks %q:\n%s", step, want, h.screen())
			}
		}
		h.key("n")
	}
	post(url.Values{"event": {"CANCEL"}, "current_step": {"PHONE_NUMBER_VERIFICATION"}, "error_message": {"No SMS arrived"},
		"error_id": {"524126"}, "session_id": {"f34b6950d5ba"}})
	h.waitScreen("The signup reported an error: No SMS arrived")
	for _, want := range []string{"error id: 524126", "session id: f34b6950d5ba", "time: "} {
		if !strings.Contains(h.screen(), want) {
			t.Errorf("the screen lacks %q:\n%s", want, h.screen())
		}
	}
	events, err := w.st.Events(context.Background(), a.Session().ID)
	if err != nil {
		t.Fatal(err)
	}
	last := events[len(events)-1]
	if last.Kind != "signup.cancelled" || !strings.Contains(last.Detail, "error_id 524126") ||
		!strings.Contains(last.Detail, "session_id f34b6950d5ba") || !strings.Contains(last.Detail, "timestamp ") {
		t.Errorf("the history does not keep what support asks for: %+v", last)
	}
}

// flat is the screen with its line breaks and runs of spaces as one space, to
// find a sentence the screen wrapped.
func flat(screen string) string { return strings.Join(strings.Fields(screen), " ") }

// The wizard stops after a FINISH was saved and before the signup was read:
// the resumed wizard reads it and goes on where the pop-up left off. Then it
// stops on the Business-app notice, and is resumed there.
func TestPopupResumeAtEachNewBranchPoint(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		kind popupKind
		at   string // the screen the resumed wizard shows
	}{
		{"verified", popupVerified, "The display name Meta holds"},
		{"unverified", popupUnverified, "How should Meta send the verification code?"},
		{"business app", popupApp, "The number stays on the WhatsApp Business app"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			a, h := w.app(store.Session{ID: store.NewID()}, false)
			toSignup(w, h)
			w.popup(a, h, tc.kind)
			h.waitScreen(tc.at)
			// As if the wizard had stopped between saving the FINISH and reading it.
			s, err := w.st.Load(context.Background(), a.Session().ID)
			if err != nil {
				t.Fatal(err)
			}
			h.stop()
			s.Signup.ReadPending, s.Signup.NumberStatus, s.Signup.ReadAt = true, "", time.Time{}
			s.Phone, s.Step = store.Phone{}, string(steps.Signup)
			if err := w.st.Save(context.Background(), &s, store.Event{Kind: "test", Detail: "the FINISH saved, not read"}, nil); err != nil {
				t.Fatal(err)
			}
			s, _ = w.st.Load(context.Background(), s.ID)
			if steps.Next(s) != steps.Signup {
				t.Fatalf("a FINISH not read yet resumes at %s", steps.Next(s))
			}
			b, h2 := w.app(s, true)
			h2.waitScreen(tc.at)
			if got := b.Session(); got.Signup.ReadPending || got.Phone.E164 != "+7"+popupNational {
				t.Fatalf("resumed: signup %+v phone %+v", got.Signup, got.Phone)
			}
			if tc.kind != popupApp {
				return
			}
			// Stopped on the notice, resumed: the notice again; read, the activation.
			h2.stop()
			s, _ = w.st.Load(context.Background(), s.ID)
			c, h3 := w.app(s, true)
			h3.waitScreen(tc.at)
			h3.key("enter")
			h3.waitScreen("Your Alpha Name code:")
			h3.stop()
			s, _ = w.st.Load(context.Background(), c.Session().ID)
			if s.Signup.AppNoticeAt.IsZero() {
				t.Fatal("the notice's reading is not saved")
			}
			_, h4 := w.app(s, true)
			h4.waitScreen("Your Alpha Name code:")
			if strings.Contains(h4.screen(), "stays on the WhatsApp Business app") {
				t.Errorf("the notice was shown again after it was read")
			}
		})
	}
}

// The provider could not exchange the pop-up's code within its 30 seconds:
// the wizard says so (having saved it) and opens the pop-up again.
func TestPopupCodeExpiredThroughTheRootModel(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	toSignup(w, h)
	first := a.Session().Signup.SessionID
	// Meta does not answer the provider's exchanges until the code is too old.
	if err := w.sb.Server.AddFault(sandbox.Fault{PathPrefix: "/graph/" + sandbox.GraphVersion + "/oauth/", Kind: sandbox.FaultStatus, Status: 503}); err != nil {
		t.Fatal(err)
	}
	w.popup(a, h, popupVerified)
	h.waitScreen("The provider is still setting up the account")
	w.clock.advance(sandbox.ESCodeLifetime + time.Second)
	w.sb.Server.ClearFaults()
	h.pump("the failed exchange", 10*time.Second, func() bool {
		return strings.Contains(flat(h.screen()), "Meta accepts the pop-up's code for only 30 seconds")
	})
	h.settle()
	if !strings.Contains(h.screen(), "Press n to open the signup again") || !strings.Contains(h.screen(), "Step 6 of 12") {
		t.Errorf("the screen does not offer the pop-up again:\n%s", h.screen())
	}
	s, _ := w.st.Load(context.Background(), a.Session().ID)
	if s.Signup.Stage != "exchange_failed" || steps.Next(s) != steps.Signup {
		t.Fatalf("saved %+v, next %s", s.Signup, steps.Next(s))
	}
	h.key("n")
	h.pump("a new signup session", 5*time.Second, func() bool {
		sg := a.Session().Signup
		return sg.SessionID != "" && sg.SessionID != first && sg.Event == ""
	})
	w.popup(a, h, popupVerified) // the same number, in the new pop-up
	h.waitScreen("The display name Meta holds")
}
