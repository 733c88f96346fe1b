package client_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"wizard/client"
	"wizard/client/sandbox"
)

// finishedSignup opens a verified account and a signup, and posts FINISH the
// way the page does: the provider exchanges the code, subscribes the webhooks,
// shares its credit line and is ready.
func finishedSignup(t *testing.T, sb *sandbox.Running, c *client.Clients, email string) client.SignupResult {
	t.Helper()
	sess := startedSignup(t, sb, c, email)
	postResult(t, sess.URL, `{"event":"FINISH"}`)
	res, err := c.Partner.GetSignup(t.Context(), sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// postResult posts the page's result as JSON, as a script on the page would.
func postResult(t *testing.T, pageURL, body string) {
	t.Helper()
	resp, err := http.Post(pageURL+"/result", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("result post: HTTP %d", resp.StatusCode)
	}
}

// TestNumberThroughProvider walks a number through the provider's routes:
// add, profile, code (with its two windows), verify, register, name change.
func TestNumberThroughProvider(t *testing.T) {
	clk := newClock()
	sb, c := startSandbox(t, sandbox.Options{Now: clk.Now})
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	res := finishedSignup(t, sb, c, "num@example.kz")
	if res.Status != client.SignupFinished || res.Stage != client.StageReady || !strings.Contains(res.Reason, "ready") {
		t.Fatalf("finished signup: %+v", res)
	}

	if list, err := c.Partner.Numbers(ctx, res.ID); err != nil || len(list) != 0 {
		t.Fatalf("numbers of a new account: %+v %v", list, err)
	}
	st, err := c.Partner.AddNumber(ctx, res.ID, client.NewNumber{CC: "7", PhoneNumber: "7012223344", VerifiedName: "Acme Pharma"})
	must(err)
	if st.PhoneNumberID == "" || st.DisplayPhoneNumber != "77012223344" || st.VerifiedName != "Acme Pharma" ||
		st.CodeVerificationStatus != "NOT_VERIFIED" || st.NameStatus != "PENDING_REVIEW" || st.NewNameStatus != "" {
		t.Fatalf("added number: %+v", st)
	}
	phone := st.PhoneNumberID
	if list, err := c.Partner.Numbers(ctx, res.ID); err != nil || len(list) != 1 || list[0] != st {
		t.Fatalf("numbers after the add: %+v %v", list, err)
	}
	must(c.Partner.SetNumberProfile(ctx, res.ID, phone, client.BusinessProfile{Description: "Medicines", Vertical: "HEALTH",
		Websites: []string{"https://acme.kz"}, About: "Pharmacy"}))

	cr, err := c.Partner.RequestNumberCode(ctx, res.ID, phone, "sms", "")
	must(err)
	now := clk.Now()
	if cr.PhoneNumberID != phone || cr.CodeMethod != "SMS" || cr.Language != "en_US" || cr.EnterWithinSeconds != 60 ||
		!cr.RequestedAt.Equal(now) || !cr.ExpiresAt.Equal(now.Add(10*time.Minute)) {
		t.Fatalf("code request: %+v", cr)
	}
	code, err := sandbox.LatestCode(ctx, sb.URL, phone)
	must(err)

	// A wrong code: Meta's error, as Meta gave it.
	err = c.Partner.VerifyNumberCode(ctx, res.ID, phone, "000000")
	if code == "000000" {
		err = c.Partner.VerifyNumberCode(ctx, res.ID, phone, "111111")
	}
	ge := graphErr(t, err)
	if ge.Code != 136025 || ge.HTTPStatus != http.StatusBadRequest || ge.Details != "The code you entered is incorrect." ||
		ge.UserTitle == "" || ge.UserMsg == "" || ge.FBTraceID == "" || ge.Type != "OAuthException" {
		t.Fatalf("wrong code: %#v", ge)
	}

	// Past the 60 seconds, inside Meta's 10 minutes: the code still counts.
	clk.Advance(90 * time.Second)
	must(c.Partner.VerifyNumberCode(ctx, res.ID, phone, code[:3]+"-"+code[3:]))
	st, err = c.Partner.Number(ctx, res.ID, phone)
	must(err)
	if st.CodeVerificationStatus != "VERIFIED" {
		t.Fatalf("after verify: %+v", st)
	}
	must(c.Partner.RegisterNumber(ctx, res.ID, phone, "123456"))
	st, err = c.Partner.Number(ctx, res.ID, phone)
	must(err)
	if st.NameStatus != "APPROVED" {
		t.Fatalf("after register: %+v", st)
	}
	ge = graphErr(t, c.Partner.RegisterNumber(ctx, res.ID, phone, "654321"))
	if ge.Code != 133005 {
		t.Fatalf("another PIN: %#v", ge)
	}

	st, err = c.Partner.ChangeDisplayName(ctx, res.ID, phone, "Acme Pharmacy")
	must(err)
	if st.VerifiedName != "Acme Pharma" || st.NameStatus != "APPROVED" || st.NewNameStatus != "PENDING_REVIEW" {
		t.Fatalf("after the name change: %+v", st)
	}
	if st2, err := c.Partner.Number(ctx, res.ID, phone); err != nil || st2 != st {
		t.Fatalf("read after the name change: %+v %v", st2, err)
	}

	// The same number through Graph directly is the same number.
	pn, err := graphOf(sb).PhoneNumber(ctx, phone)
	must(err)
	if pn.Status != "CONNECTED" {
		t.Fatalf("graph's view: %+v", pn)
	}
}

// TestNumberErrors: Meta's errors pass through with Meta's status; the
// provider's own are APIErrors.
func TestNumberErrors(t *testing.T) {
	clk := newClock()
	sb, c := startSandbox(t, sandbox.Options{Now: clk.Now})
	ctx := t.Context()
	res := finishedSignup(t, sb, c, "err@example.kz")

	// Meta's refusals of an add, with their user texts.
	_, err := c.Partner.AddNumber(ctx, res.ID, client.NewNumber{CC: "7", PhoneNumber: "7010000000", VerifiedName: "Acme"})
	if ge := graphErr(t, err); ge.Code != 100 || ge.UserTitle != "Phone number already in use" {
		t.Fatalf("number on WhatsApp: %#v", ge)
	}
	_, err = c.Partner.AddNumber(ctx, res.ID, client.NewNumber{CC: "7", PhoneNumber: "70", VerifiedName: "Acme"})
	if ge := graphErr(t, err); ge.Code != 100 || ge.UserTitle != "Invalid phone number" {
		t.Fatalf("short number: %#v", ge)
	}
	st, err := c.Partner.AddNumber(ctx, res.ID, client.NewNumber{CC: "7", PhoneNumber: "7015556677", VerifiedName: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Partner.AddNumber(ctx, res.ID, client.NewNumber{CC: "7", PhoneNumber: "701 555 66 77", VerifiedName: "Acme"})
	if ge := graphErr(t, err); ge.UserTitle != "Phone number already added" || !strings.Contains(ge.Details, st.PhoneNumberID) {
		t.Fatalf("added twice: %#v", ge)
	}
	ge := graphErr(t, c.Partner.RegisterNumber(ctx, res.ID, st.PhoneNumberID, "123456"))
	if ge.Code != 133006 {
		t.Fatalf("register unverified: %#v", ge)
	}
	ge = graphErr(t, c.Partner.SetNumberProfile(ctx, res.ID, st.PhoneNumberID, client.BusinessProfile{Vertical: "SHOES"}))
	if ge.Code != 100 || !strings.Contains(ge.Details, "vertical") {
		t.Fatalf("bad vertical: %#v", ge)
	}
	_, err = c.Partner.RequestNumberCode(ctx, res.ID, st.PhoneNumberID, "PIGEON", "en_US")
	if ge := graphErr(t, err); ge.Code != 100 || ge.Details != "code_method must be SMS or VOICE" {
		t.Fatalf("bad method: %#v", ge)
	}
	for range sandbox.CodeRequestLimit {
		if _, err := c.Partner.RequestNumberCode(ctx, res.ID, st.PhoneNumberID, "SMS", "ru_RU"); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.Partner.RequestNumberCode(ctx, res.ID, st.PhoneNumberID, "SMS", "ru_RU")
	if ge := graphErr(t, err); ge.Code != 136024 || client.IsRetryable(err) {
		t.Fatalf("sixth SMS: %#v", ge)
	}
	clk.Advance(11 * time.Minute)
	ge = graphErr(t, c.Partner.VerifyNumberCode(ctx, res.ID, st.PhoneNumberID, "123456"))
	if ge.Code != 136025 || ge.Details != "expired" {
		t.Fatalf("expired code: %#v", ge)
	}
	_, err = c.Partner.ChangeDisplayName(ctx, res.ID, st.PhoneNumberID, "  ")
	if ge := graphErr(t, err); ge.Code != 100 {
		t.Fatalf("empty name: %#v", ge)
	}

	// Meta unavailable: its 503 and Retry-After come through; a GET is retried.
	if err := sb.Server.AddFault(sandbox.Fault{PathPrefix: "/graph/", Kind: sandbox.FaultStatus, Status: 503, Count: 1, RetryAfter: -1}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Partner.Number(ctx, res.ID, st.PhoneNumberID); err != nil {
		t.Fatalf("GET after one 503 from Meta: %v", err)
	}
	sb.Server.FailNext("/graph/", http.StatusServiceUnavailable, 1)
	err = c.Partner.VerifyNumberCode(ctx, res.ID, st.PhoneNumberID, "123456")
	if ge := graphErr(t, err); ge.Code != 133004 || ge.HTTPStatus != 503 || ge.RetryAfter != time.Second || !client.IsRetryable(err) {
		t.Fatalf("503 from Meta: %#v", ge)
	}
	if err := sb.Server.AddFault(sandbox.Fault{PathPrefix: "/graph/", Kind: sandbox.FaultMalformed, Count: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Partner.RequestNumberCode(ctx, res.ID, st.PhoneNumberID, "VOICE", ""); apiCode(err) != "graph_unexpected" {
		t.Fatalf("a cut-off answer from Meta: %v", err)
	}
	if err := sb.Server.AddFault(sandbox.Fault{PathPrefix: "/graph/", Kind: sandbox.FaultStatus, Status: 400, Code: 1005, Count: 1}); err != nil {
		t.Fatal(err)
	}
	if ge := graphErr(t, c.Partner.RegisterNumber(ctx, res.ID, st.PhoneNumberID, "123456")); ge.Code != 1005 ||
		!strings.Contains(ge.Details, "biz_link_on_prem_reg_blocked") {
		t.Fatalf("On-Premises refusal: %#v", ge)
	}

	// The provider's own errors.
	if _, err := c.Partner.Number(ctx, "su_nope", st.PhoneNumberID); apiCode(err) != "signup_not_found" {
		t.Errorf("unknown signup: %v", err)
	}
	if _, err := c.Partner.Number(ctx, res.ID, "123456789012345"); apiCode(err) != "number_not_found" {
		t.Errorf("a number of another account: %v", err)
	}
	other := finishedSignup(t, sb, c, "other@example.kz")
	if err := c.Partner.VerifyNumberCode(ctx, other.ID, st.PhoneNumberID, "123456"); apiCode(err) != "number_not_found" {
		t.Errorf("a number of another signup: %v", err)
	}
	if _, err := c.Partner.Numbers(ctx, "su_nope"); apiCode(err) != "signup_not_found" {
		t.Errorf("list, unknown signup: %v", err)
	}
}

// TestNumberNeedsFinishedSignup: before the pop-up's FINISH, and after a
// CANCEL, the number operations are refused by the provider.
func TestNumberNeedsFinishedSignup(t *testing.T) {
	sb, c := startSandbox(t, sandbox.Options{AutoVerifyEmail: time.Nanosecond})
	ctx := t.Context()
	acc, err := c.Partner.CreateAccount(ctx, "early@example.kz", strongPassword)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := c.Partner.StartSignup(ctx, acc.ID, client.SignupRequest{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Partner.AddNumber(ctx, sess.ID, client.NewNumber{CC: "7", PhoneNumber: "7012223344", VerifiedName: "Acme"})
	if ae, ok := errors.AsType[*client.APIError](err); !ok || ae.Code != "signup_not_finished" || ae.HTTPStatus != http.StatusConflict {
		t.Fatalf("pending signup: %#v", err)
	}
	postResult(t, sess.URL, `{"event":"CANCEL","current_step":"WABA_SETUP"}`)
	if _, err := c.Partner.Numbers(ctx, sess.ID); apiCode(err) != "signup_not_finished" {
		t.Fatalf("cancelled signup: %v", err)
	}
	res, err := c.Partner.GetSignup(ctx, sess.ID)
	if err != nil || res.Stage != "" || res.Reason != "" {
		t.Fatalf("a cancelled signup has no stage: %+v %v", res, err)
	}
	_ = sb
}
