package steps

import (
	"strings"
	"testing"
	"time"

	"wizard/assets"
	"wizard/client"
	"wizard/client/sandbox"
	"wizard/store"
)

func TestProviderRefusalShowsOnTheAccountForm(t *testing.T) {
	h := newSHHarness(t)
	h.sess = store.Session{ID: "s_test", Status: store.StatusActive}
	h.start(Account)
	refusal := &client.APIError{HTTPStatus: 422, Code: "weak_password", Field: "password", Message: "too weak"}
	h.send(accountCreated{err: refusal})
	if len(h.records) != 1 || h.records[0].Kind != "error" || h.records[0].Err != refusal {
		t.Fatalf("the refusal was not recorded before it was shown: %+v", h.records)
	}
	h.mustSee(h.T("error.partner.weak_password"))
	h.mustSee(h.T("account.password"))
	if len(h.dones) != 0 {
		t.Fatal("a refused account finished the step")
	}
}

func TestPasswordChecklistTicksWhileTyping(t *testing.T) {
	h := newSHHarness(t)
	h.sess = store.Session{ID: "s_test"}
	h.start(Account)
	h.typeText("anna@acme.kz")
	h.enter()
	h.mustSee("· " + h.T("password.length", 8))
	h.typeText("Password1")
	h.mustSee("✓ " + h.T("password.length", 8))
	h.mustSee(h.T("password.common")) // meets the rule, but is one of the commonest
}

// A number whose add succeeded but whose answer was lost (killed mid-call) is
// found on the WhatsApp Business account instead of being refused as added.
func TestPhoneFindsANumberAddedBeforeACrash(t *testing.T) {
	h := newSHHarness(t)
	h.sess.Profile = store.Profile{DisplayName: "Acme Pharma", Category: "OTHER", ConfirmedAt: h.clock.Now()}
	ctx := t.Context()
	st, err := h.env.Clients.Partner.AddNumber(ctx, h.sess.Signup.SessionID,
		client.NewNumber{CC: "7", PhoneNumber: "7011234567", VerifiedName: "Acme Pharma"})
	if err != nil {
		t.Fatal(err)
	}
	id := st.PhoneNumberID
	h.start(Phone)
	h.enter() // the company's country
	h.typeText("701 123 4567")
	h.enter()
	h.mustSee("+7 701 123 4567")
	h.enter() // "is this the number?" — yes
	if len(h.dones) != 1 || h.sess.Phone.ID != id {
		t.Fatalf("phone id %q (want %s), dones %d, records %+v", h.sess.Phone.ID, id, len(h.dones), h.records)
	}
}

// Re-submitting the account form after a crash mid-creation gets the account
// the lost request made (same session, same idempotency key).
func TestAccountCreatedBeforeACrashIsRecovered(t *testing.T) {
	h := newSHHarness(t)
	h.sess = store.Session{ID: "K7MQ-4XPD"}
	acc, err := h.env.Clients.Partner.CreateAccountOnce(t.Context(), "wizard-K7MQ-4XPD-account", "anna@acme.kz", "Secr3t!pw")
	if err != nil {
		t.Fatal(err)
	}
	h.start(Account)
	h.typeText("anna@acme.kz")
	h.enter()
	h.typeText("Secr3t!pw")
	h.enter()
	h.typeText("Secr3t!pw")
	h.enter()
	if len(h.dones) != 1 || h.sess.Account.ID != acc.ID {
		t.Fatalf("account %q (want %s), records %+v", h.sess.Account.ID, acc.ID, h.records)
	}
}

func TestExplainSaysHowLongMetaAsksToWait(t *testing.T) {
	w := assets.NewWords("en")
	got := Explain(w, &client.GraphError{Code: 4, RetryAfter: 90 * time.Second})
	if !strings.Contains(got, w.T("error.graph.4")) || !strings.Contains(got, "1:30") {
		t.Fatalf("Explain = %q", got)
	}
}

// An address typed with a name is refused with the address itself to type.
func TestAccountNamesTheAddressTypedWithAName(t *testing.T) {
	h := newSHHarness(t)
	err := emailError(h.env, "Aigerim Sadykova <aigerim@acme.kz>")
	if err == nil || !strings.Contains(err.Error(), "aigerim@acme.kz") || strings.Contains(err.Error(), "no spaces") {
		t.Fatalf("emailError = %v, want the bare address named", err)
	}
}

// A provider that wants an operator token says so in words that say what to do.
func TestMissingOperatorTokenIsExplained(t *testing.T) {
	sb, err := sandbox.Start("127.0.0.1:0", sandbox.Options{RequireOperatorToken: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	w := assets.NewWords("en")
	for token, want := range map[string]string{"": "none was given", "op_wrong": "did not accept the operator token"} {
		cfg := client.SandboxConfig(sb.URL)
		cfg.OperatorToken = token
		_, err := client.New(cfg).Partner.CreateAccount(t.Context(), "ops@acme.kz", "Str0ng!pass")
		if got := Explain(w, err); !strings.Contains(got, want) || !strings.Contains(got, "WIZARD_PARTNER_TOKEN") {
			t.Errorf("token %q: Explain = %q", token, got)
		}
	}
	cfg := client.SandboxConfig(sb.URL)
	cfg.OperatorToken = sb.Server.OperatorToken()
	if _, err := client.New(cfg).Partner.CreateAccount(t.Context(), "ops@acme.kz", "Str0ng!pass"); err != nil {
		t.Errorf("with the sandbox's own token: %v", err)
	}
}
