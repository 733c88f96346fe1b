package sandbox_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wizard/client"
	"wizard/client/sandbox"
)

// registeredNumber adds a number to the sandbox user's WABA, verifies and
// registers it, as the provider half does, and returns its id.
func registeredNumber(t *testing.T, sb *sandbox.Running, national string) string {
	t.Helper()
	id := graphAddNumber(t, sb, sb.Server.WABAIDs()[0], "7", national, "Acme")
	graphMust(t, sb, "POST", "/"+id+"/request_code", `{"code_method":"SMS","language":"en_US"}`)
	code, err := sandbox.LatestCode(t.Context(), sb.URL, id)
	if err != nil {
		t.Fatal(err)
	}
	graphMust(t, sb, "POST", "/"+id+"/verify_code", `{"code":"`+code+`"}`)
	graphMust(t, sb, "POST", "/"+id+"/register", `{"messaging_product":"whatsapp","pin":"111111"}`)
	return id
}

// The pace is set live over HTTP, applies to the waits under way (each counted
// from its saved start), and "now" ends a wait at once.
func TestPaceAndNowOverHTTP(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	sb, c := start(t, sandbox.Options{AutoVerifyEmail: 5 * time.Second, Now: clk.Now})
	h := sandbox.Hints{BaseURL: sb.URL}
	ctx := t.Context()

	name, email, act, err := h.Pace(ctx)
	if err != nil || name != sandbox.PaceFast || email != 5*time.Second || act != sandbox.DefaultActivationDelay {
		t.Fatalf("the built-in sandbox's pace = %q %v %v (%v), want fast 5s 2s", name, email, act, err)
	}
	if email, act, err = h.SetPace(ctx, sandbox.PaceReal); err != nil || email != 2*time.Minute || act != 10*time.Minute {
		t.Fatalf("set real: %v %v %v", email, act, err)
	}
	if name, _, _, _ := h.Pace(ctx); name != sandbox.PaceReal {
		t.Fatalf("the pace reads %q after setting real", name)
	}

	a := verifiedAccount(t, c, "pace@example.kz")
	given := clk.Now()
	clk.Add(10 * time.Second)
	if got, _ := c.Partner.GetAccount(ctx, a.ID); got.Verified {
		t.Fatal("at the real pace the e-mail was confirmed after 10 s")
	}
	if _, _, err := h.SetPace(ctx, sandbox.PaceFast); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Partner.GetAccount(ctx, a.ID); !got.Verified || !got.VerifiedAt.Equal(given.Add(5*time.Second)) {
		t.Fatalf("back at the fast pace, an address given 10 s ago is not confirmed as of 5 s: %+v", got)
	}

	// "now" confirms at once at the real pace.
	if _, _, err := h.SetPace(ctx, sandbox.PaceReal); err != nil {
		t.Fatal(err)
	}
	b := verifiedAccount(t, c, "now@example.kz")
	if err := h.ConfirmEmailNow(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Partner.GetAccount(ctx, b.ID); !got.Verified || !got.VerifiedAt.Equal(clk.Now()) {
		t.Fatalf("now did not confirm the address: %+v", got)
	}

	// The activation: pending at the real pace, active at once with now, and
	// still active when the pace changes afterwards.
	id := registeredNumber(t, sb, "7011234567")
	if _, err := c.Partner.StartActivation(ctx, b.ID, id); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Minute)
	if got, _ := c.Partner.GetActivation(ctx, id); got.Status != client.ActivationPending {
		t.Fatalf("at the real pace the activation is %s after a minute", got.Status)
	}
	if err := h.ActivateNow(ctx, id); err != nil {
		t.Fatal(err)
	}
	got, err := c.Partner.GetActivation(ctx, id)
	if err != nil || got.Status != client.ActivationActive || got.AlphaCode == "" || !got.ActivatedAt.Equal(clk.Now()) {
		t.Fatalf("after now: %+v %v", got, err)
	}
	if _, _, err := h.SetPace(ctx, sandbox.PaceReal); err != nil {
		t.Fatal(err)
	}
	if again, _ := c.Partner.GetActivation(ctx, id); again.Status != client.ActivationActive || !again.ActivatedAt.Equal(got.ActivatedAt) {
		t.Fatalf("setting the pace again undid the activation: %+v", again)
	}

	// What cannot be done now is refused with a sentence.
	if err := h.ActivateNow(ctx, "106540000000000"); err == nil {
		t.Error("now on a number with no activation")
	}
	if err := h.ConfirmEmailNow(ctx, "acc_nobody"); err == nil {
		t.Error("now on an unknown account")
	}
	if _, _, err := h.SetPace(ctx, "slow"); err == nil {
		t.Error("an unknown pace was accepted")
	}
}

// A fast activation that ended stays ended when the pace becomes real.
func TestEndedActivationOutlivesASlowerPace(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	sb, c := start(t, sandbox.Options{AutoVerifyEmail: time.Nanosecond, Now: clk.Now})
	ctx := t.Context()
	a := verifiedAccount(t, c, "outlive@example.kz")
	id := registeredNumber(t, sb, "7017654321")
	if _, err := c.Partner.StartActivation(ctx, a.ID, id); err != nil {
		t.Fatal(err)
	}
	clk.Add(3 * time.Second)
	if got, _ := c.Partner.GetActivation(ctx, id); got.Status != client.ActivationActive {
		t.Fatalf("fast activation after 3 s: %s", got.Status)
	}
	if _, err := sb.Server.SetPace(sandbox.PaceReal); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Partner.GetActivation(ctx, id); got.Status != client.ActivationActive {
		t.Fatalf("the real pace made an ended activation pending again: %s", got.Status)
	}
}

// The pace is kept in the state file: a restarted sandbox keeps it.
func TestPaceIsKeptInTheState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	opts := sandbox.Options{AutoVerifyEmail: 5 * time.Second, StatePath: path}
	sb, err := sandbox.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := (sandbox.Hints{BaseURL: sb.URL}).SetPace(t.Context(), sandbox.PaceReal); err != nil {
		t.Fatal(err)
	}
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := sandbox.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if p := again.Server.Pace(); p.Name != sandbox.PaceReal || p.Activation != 10*time.Minute {
		t.Fatalf("after a restart the pace is %+v, want real", p)
	}
}

// The trainer's controls and the outbox work while a fault spoils every
// request; the wizard's step told to the sandbox is on the live JSON.
func TestClassroomControlsIgnoreFaultsAndShowTheStep(t *testing.T) {
	sb, _ := start(t, sandbox.Options{})
	if err := sb.Server.AddFault(sandbox.Fault{PathPrefix: "/", Kind: sandbox.FaultStatus, Status: 503}); err != nil {
		t.Fatal(err)
	}
	h := sandbox.Hints{BaseURL: sb.URL}
	if err := h.Showing(t.Context(), "K7MQ-4XPD", "verify-code", "Verify the number <b>", 9, 12); err != nil {
		t.Fatalf("telling the step during an outage: %v", err)
	}
	if _, _, err := h.SetPace(t.Context(), sandbox.PaceReal); err != nil {
		t.Fatalf("setting the pace during an outage: %v", err)
	}
	resp, body := fetch(t, "GET", sb.URL+"/sandbox/live.json", "", "")
	if resp.StatusCode != 200 {
		t.Fatalf("live.json during an outage: HTTP %d %s", resp.StatusCode, body)
	}
	var live struct {
		Showing sandbox.Showing   `json:"showing"`
		Pace    sandbox.Pace      `json:"pace"`
		Faults  []sandbox.Fault   `json:"faults"`
		Mails   []sandbox.Mail    `json:"mails"`
		Msgs    []sandbox.Message `json:"messages"`
	}
	if err := json.Unmarshal([]byte(body), &live); err != nil {
		t.Fatal(err)
	}
	if live.Showing.Step != "verify-code" || live.Showing.Position != 9 || live.Showing.SignupID != "K7MQ-4XPD" ||
		live.Pace.Name != sandbox.PaceReal || len(live.Faults) != 1 || live.Faults[0].Status != 503 {
		t.Fatalf("live.json: %s", body)
	}
	if resp, page := fetch(t, "GET", sb.URL+"/sandbox/", "", ""); resp.StatusCode != 200 ||
		!containsAll(page, "Step 9 of 12 · Verify the number &lt;b&gt;", "every one") {
		t.Fatalf("the page during an outage: HTTP %d\n%s", resp.StatusCode, page)
	}
	if resp, _ := fetch(t, "GET", sb.URL+"/partner/v1/accounts/x", "", ""); resp.StatusCode != 503 {
		t.Fatalf("the fault no longer spoils the services: HTTP %d", resp.StatusCode)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
