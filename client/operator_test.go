package client_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"wizard/client"
	"wizard/client/sandbox"
)

// TestOperatorTokenOptional: without Options.RequireOperatorToken a call
// without Authorization works as before; one with the token works; one with
// another token is refused.
func TestOperatorTokenOptional(t *testing.T) {
	sb, c := startSandbox(t, sandbox.Options{})
	ctx := t.Context()
	if _, err := c.Partner.CreateAccount(ctx, "plain@example.kz", strongPassword); err != nil {
		t.Fatalf("no token: %v", err)
	}
	o, err := sandbox.ReadOutbox(ctx, sb.URL)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(o.OperatorToken, "op_") || o.OperatorToken != sb.Server.OperatorToken() {
		t.Fatalf("outbox operator token %q", o.OperatorToken)
	}
	withToken := operatorClient(t, sb, o.OperatorToken)
	if _, err := withToken.Partner.CreateAccount(ctx, "token@example.kz", strongPassword); err != nil {
		t.Fatalf("with the token: %v", err)
	}
	_, err = operatorClient(t, sb, "op_guessed").Partner.CreateAccount(ctx, "wrong@example.kz", strongPassword)
	assertUnauthorized(t, err, "invalid_token")
}

// TestOperatorTokenRequired: with Options.RequireOperatorToken every partner
// call needs the token (the e-mail's link, opened in a browser, does not).
func TestOperatorTokenRequired(t *testing.T) {
	sb, c := startSandbox(t, sandbox.Options{RequireOperatorToken: true, OperatorToken: "op_classroom"})
	ctx := t.Context()
	_, err := c.Partner.CreateAccount(ctx, "none@example.kz", strongPassword)
	assertUnauthorized(t, err, "missing_token")
	if _, err := c.Partner.GetSignup(ctx, "su_x"); apiCode(err) != "missing_token" {
		t.Fatalf("GET without a token: %v", err)
	}
	_, err = operatorClient(t, sb, "op_other").Partner.GetAccount(ctx, "acc_x")
	assertUnauthorized(t, err, "invalid_token")

	oc := operatorClient(t, sb, "op_classroom")
	acc, err := oc.Partner.CreateAccount(ctx, "ops@example.kz", strongPassword)
	if err != nil {
		t.Fatal(err)
	}
	link, err := sandbox.LatestVerifyLink(ctx, sb.URL, acc.Email)
	if err != nil {
		t.Fatal(err)
	}
	get(t, link, http.StatusOK) // no token in a browser
	res := finishedSignup(t, sb, oc, "ops2@example.kz")
	if res.Stage != client.StageReady {
		t.Fatalf("signup with the token: %+v", res)
	}
	if _, err := oc.Partner.Numbers(ctx, res.ID); err != nil {
		t.Fatalf("numbers with the token: %v", err)
	}
	if _, err := c.Partner.Numbers(ctx, res.ID); apiCode(err) != "missing_token" {
		t.Fatalf("numbers without: %v", err)
	}
	// The header as the wizard will send it, by hand: other schemes are refused.
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, sb.URL+"/partner/v1/signups/"+res.ID, nil)
	req.Header.Set("Authorization", "Basic b3A6Y2xhc3Nyb29t")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != `Bearer realm="partner"` {
		t.Fatalf("Basic: HTTP %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}

func operatorClient(t testing.TB, sb *sandbox.Running, token string) *client.Clients {
	cfg := contractConfig(t, sb)
	cfg.OperatorToken = token
	return client.New(cfg)
}

func assertUnauthorized(t *testing.T, err error, code string) {
	t.Helper()
	ae, ok := errors.AsType[*client.APIError](err)
	if !ok || ae.Code != code || ae.HTTPStatus != http.StatusUnauthorized ||
		!strings.Contains(ae.Message, "ask your provider for an operator token") {
		t.Fatalf("want 401 %s, got %#v", code, err)
	}
}
