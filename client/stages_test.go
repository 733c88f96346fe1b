package client_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"wizard/client"
	"wizard/client/sandbox"
)

// startedSignup opens a verified account and a signup, not yet finished.
func startedSignup(t *testing.T, sb *sandbox.Running, c *client.Clients, email string) client.SignupSession {
	t.Helper()
	acc, err := c.Partner.CreateAccount(t.Context(), email, strongPassword)
	if err != nil {
		t.Fatal(err)
	}
	link, err := sandbox.LatestVerifyLink(t.Context(), sb.URL, email)
	if err != nil {
		t.Fatal(err)
	}
	get(t, link, http.StatusOK)
	sess, err := c.Partner.StartSignup(t.Context(), acc.ID, client.SignupRequest{Mode: "new"})
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

// TestSignupCodeExpires: the provider could not exchange the code at once
// (Meta unavailable); tried again after the code's 30 seconds, Meta refuses it
// and the signup ends exchange_failed: the pop-up must be opened again.
func TestSignupCodeExpires(t *testing.T) {
	clk := newClock()
	sb, c := startSandbox(t, sandbox.Options{Now: clk.Now})
	ctx := t.Context()
	sess := startedSignup(t, sb, c, "late@example.kz")
	oauth := "/graph/" + sandbox.GraphVersion + "/oauth/"
	if err := sb.Server.AddFault(sandbox.Fault{PathPrefix: oauth, Kind: sandbox.FaultStatus, Status: 503, Count: 3}); err != nil {
		t.Fatal(err)
	}
	postResult(t, sess.URL, `{"event":"FINISH"}`)
	res, err := c.Partner.GetSignup(ctx, sess.ID) // the second try fails too
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != client.SignupFinished || res.Stage != client.StageCodeReceived || !strings.Contains(res.Reason, "tries again") {
		t.Fatalf("while Meta is away: %+v", res)
	}
	// The number operations wait for the token (and try once more: the third).
	// A POST, which the client does not send again.
	_, err = c.Partner.AddNumber(ctx, sess.ID, client.NewNumber{CC: "7", PhoneNumber: "7012223399", VerifiedName: "Acme"})
	if ae, ok := errors.AsType[*client.APIError](err); !ok || ae.Code != "signup_not_ready" {
		t.Fatalf("numbers before the exchange: %#v", err)
	}

	clk.Advance(sandbox.ESCodeLifetime + time.Second)
	res, err = c.Partner.GetSignup(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != client.SignupFinished || res.Stage != client.StageExchangeFailed ||
		!strings.Contains(res.Reason, "expired") || !strings.Contains(res.Reason, "start the signup again") {
		t.Fatalf("after 30 s: %+v", res)
	}
	_, err = c.Partner.AddNumber(ctx, sess.ID, client.NewNumber{CC: "7", PhoneNumber: "7012223344", VerifiedName: "Acme"})
	if ae, ok := errors.AsType[*client.APIError](err); !ok || ae.Code != "code_exchange_failed" || ae.HTTPStatus != http.StatusConflict ||
		ae.Message != res.Reason {
		t.Fatalf("add after a failed exchange: %#v", err)
	}
	// It stays failed: a later read changes nothing.
	clk.Advance(time.Hour)
	if again, err := c.Partner.GetSignup(ctx, sess.ID); err != nil || again != res {
		t.Fatalf("read again: %+v %v", again, err)
	}
}

// TestSignupNotReady: while the code is not exchanged, the number operations
// answer 503 signup_not_ready with a Retry-After.
func TestSignupNotReady(t *testing.T) {
	sb, c := startSandbox(t, sandbox.Options{})
	ctx := t.Context()
	sess := startedSignup(t, sb, c, "wait@example.kz")
	oauth := "/graph/" + sandbox.GraphVersion + "/oauth/"
	if err := sb.Server.AddFault(sandbox.Fault{PathPrefix: oauth, Kind: sandbox.FaultStatus, Status: 429}); err != nil {
		t.Fatal(err)
	}
	postResult(t, sess.URL, `{"event":"FINISH"}`)
	_, err := c.Partner.AddNumber(ctx, sess.ID, client.NewNumber{CC: "7", PhoneNumber: "7012223344", VerifiedName: "Acme"})
	ae, ok := errors.AsType[*client.APIError](err)
	if !ok || ae.Code != "signup_not_ready" || ae.HTTPStatus != http.StatusServiceUnavailable || ae.RetryAfter != time.Second ||
		!strings.Contains(ae.Message, "exchange the signup's code") {
		t.Fatalf("add before the exchange: %#v", err)
	}
	sb.Server.ClearFaults()
	if _, err := c.Partner.AddNumber(ctx, sess.ID, client.NewNumber{CC: "7", PhoneNumber: "7012223344", VerifiedName: "Acme"}); err != nil {
		t.Fatalf("add once Meta is back: %v", err)
	}
	if res, err := c.Partner.GetSignup(ctx, sess.ID); err != nil || res.Stage != client.StageReady {
		t.Fatalf("signup once Meta is back: %+v %v", res, err)
	}
}

// TestSignupStagesInOrder: a failed webhook subscription stops the stages at
// code_exchanged (the token is there: numbers can be handled), and the next
// read carries them on to ready.
func TestSignupStagesInOrder(t *testing.T) {
	sb, c := startSandbox(t, sandbox.Options{})
	ctx := t.Context()
	sess := startedSignup(t, sb, c, "order@example.kz")
	waba := sb.Server.WABAIDs()[0]
	sub := "/graph/" + sandbox.GraphVersion + "/" + waba + "/subscribed_apps"
	if err := sb.Server.AddFault(sandbox.Fault{PathPrefix: sub, Kind: sandbox.FaultStatus, Status: 500, Count: 1}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(sess.URL+"/result", "application/json", strings.NewReader(`{"event":"FINISH","waba_id":"`+waba+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	var posted client.SignupResult
	if err := decodeBody(resp, &posted); err != nil {
		t.Fatal(err)
	}
	if posted.Stage != client.StageCodeExchanged || !strings.Contains(posted.Reason, "webhooks") {
		t.Fatalf("the page's answer: %+v", posted)
	}
	res, err := c.Partner.GetSignup(ctx, sess.ID)
	if err != nil || res.Stage != client.StageReady || res.Reason == posted.Reason || res.WABAID != waba {
		t.Fatalf("next read: %+v %v", res, err)
	}
	// A second FINISH changes nothing (only the first result counts).
	postResult(t, sess.URL, `{"event":"FINISH"}`)
	if again, err := c.Partner.GetSignup(ctx, sess.ID); err != nil || again != res {
		t.Fatalf("after a second FINISH: %+v %v", again, err)
	}
}

func decodeBody(resp *http.Response, v any) error {
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errors.New("HTTP " + resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
