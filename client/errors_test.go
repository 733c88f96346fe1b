package client_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"wizard/client"
	"wizard/client/sandbox"
)

func apiCode(err error) string {
	if ae, ok := errors.AsType[*client.APIError](err); ok {
		return ae.Code
	}
	return fmt.Sprintf("not an APIError: %v", err)
}

func graphErr(t *testing.T, err error) *client.GraphError {
	t.Helper()
	ge, ok := errors.AsType[*client.GraphError](err)
	if !ok {
		t.Fatalf("want *GraphError, got %T: %v", err, err)
	}
	return ge
}

func TestPartnerErrors(t *testing.T) {
	clk := newClock()
	_, c := startSandbox(t, sandbox.Options{Now: clk.Now})
	ctx := t.Context()

	_, err := c.Partner.CreateAccount(ctx, "a@example.kz", "password")
	ae, ok := errors.AsType[*client.APIError](err)
	if !ok || ae.Code != "weak_password" || ae.Field != "password" || ae.HTTPStatus != http.StatusUnprocessableEntity ||
		!strings.Contains(ae.Message, "at least 8 characters") {
		t.Fatalf("weak password: %#v", err)
	}
	if client.IsRetryable(err) {
		t.Error("weak password must not be retryable")
	}
	if _, err := c.Partner.CreateAccount(ctx, "not-an-email", strongPassword); apiCode(err) != "invalid_email" {
		t.Errorf("invalid e-mail: %v", err)
	}
	acc, err := c.Partner.CreateAccount(ctx, "a@example.kz", strongPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Partner.CreateAccount(ctx, "A@Example.kz", strongPassword); apiCode(err) != "email_taken" {
		t.Errorf("e-mail taken: %v", err)
	}
	if _, err := c.Partner.GetAccount(ctx, "acc_nope"); apiCode(err) != "account_not_found" {
		t.Errorf("unknown account: %v", err)
	}
	if _, err := c.Partner.UpdateCompany(ctx, acc.ID, client.Company{OrgType: "company", FullName: "X Y", Country: "KZ"}); apiCode(err) != "missing_field" {
		t.Errorf("missing company name: %v", err)
	}

	// resend: too soon right after creation, allowed 30 s later, then too soon again
	clk.Advance(10 * time.Second)
	_, err = c.Partner.ResendVerification(ctx, acc.ID)
	if apiCode(err) != "resend_too_soon" || client.RetryAfter(err) != 20*time.Second {
		t.Fatalf("early resend: %v (retry after %v)", err, client.RetryAfter(err))
	}
	clk.Advance(20 * time.Second)
	r, err := c.Partner.ResendVerification(ctx, acc.ID)
	if err != nil || r.NextAllowedAt.Sub(r.SentAt) != sandbox.ResendInterval {
		t.Fatalf("resend: %+v %v", r, err)
	}

	if _, err := c.Partner.StartActivation(ctx, acc.ID, "123456789012345"); apiCode(err) != "number_not_registered" {
		t.Errorf("activation of unknown number: %v", err)
	}
}

// TestMetaErrorsThroughTheProvider: Meta's errors for a number's calls reach
// the wizard through the provider's routes as Meta gave them.
func TestMetaErrorsThroughTheProvider(t *testing.T) {
	clk := newClock()
	sb, c := startSandbox(t, sandbox.Options{Now: clk.Now})
	ctx := t.Context()
	su := finishedSignup(t, sb, c, "meta-errors@example.kz").ID
	add := func(cc, national, name string) (string, error) {
		st, err := c.Partner.AddNumber(ctx, su, client.NewNumber{CC: cc, PhoneNumber: national, VerifiedName: name})
		return st.PhoneNumberID, err
	}
	request := func(id, method, lang string) error {
		_, err := c.Partner.RequestNumberCode(ctx, su, id, method, lang)
		return err
	}

	id, err := add("7", "7017654321", "Acme Pharma")
	if err != nil {
		t.Fatal(err)
	}
	// register before verification
	if ge := graphErr(t, c.Partner.RegisterNumber(ctx, su, id, "123456")); ge.Code != 133006 || ge.HTTPStatus != 400 || ge.FBTraceID == "" {
		t.Errorf("register unverified: %+v", ge)
	}
	// wrong code
	if err := request(id, "VOICE", "ru"); err != nil {
		t.Fatal(err)
	}
	code, _ := sandbox.LatestCode(ctx, sb.URL, id)
	wrong := fmt.Sprintf("%06d", (atoi(code)+1)%1_000_000)
	ge := graphErr(t, c.Partner.VerifyNumberCode(ctx, su, id, wrong))
	if ge.Code != 136025 || ge.Type != "OAuthException" || !strings.Contains(ge.Message, "136025") || ge.UserTitle == "" {
		t.Errorf("wrong code: %+v", ge)
	}
	if !strings.Contains(ge.Error(), "136025") {
		t.Errorf("Error() = %q", ge.Error())
	}
	// expired code
	clk.Advance(sandbox.CodeTTL + time.Second)
	if ge := graphErr(t, c.Partner.VerifyNumberCode(ctx, su, id, code)); ge.Code != 136025 || ge.Details != "expired" {
		t.Errorf("expired code: %+v", ge)
	}
	// an unknown signup is the provider's own answer
	if _, err := c.Partner.AddNumber(ctx, "su_unknown", client.NewNumber{CC: "7", PhoneNumber: "7011112233", VerifiedName: "Acme"}); apiCode(err) != "signup_not_found" {
		t.Errorf("unknown signup: %v", err)
	}
	// already added, magic "already on WhatsApp", bad pin
	_, err = add("7", "7017654321", "Acme Pharma")
	if ge := graphErr(t, err); ge.Code != 100 || !strings.Contains(ge.Details, "already added") {
		t.Errorf("already added: %+v", ge)
	}
	_, err = add("7", "701"+sandbox.MagicAlreadyOnWhatsApp, "Acme")
	if ge := graphErr(t, err); ge.Code != 100 || !strings.Contains(ge.Details, "already registered on a WhatsApp account") {
		t.Errorf("already on WhatsApp: %+v", ge)
	}
	if ge := graphErr(t, c.Partner.RegisterNumber(ctx, su, id, "12345")); ge.Code != 100 {
		t.Errorf("short pin: %+v", ge)
	}
	// request_code rate limit: 5 per method in 10 minutes, then 136024
	for i := range sandbox.CodeRequestLimit {
		if err := request(id, "SMS", "en_US"); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	if ge := graphErr(t, request(id, "SMS", "en_US")); ge.Code != 136024 {
		t.Errorf("6th request: %+v", ge)
	}
	// Meta's own answer to a call without a token (the provider always sends its own)
	_, err = client.NewGraph(sb.URL+"/graph/"+sandbox.GraphVersion, "", nil).PhoneNumber(ctx, id)
	if ge := graphErr(t, err); ge.Code != 190 || ge.HTTPStatus != http.StatusUnauthorized {
		t.Errorf("missing token: %+v", ge)
	}
}

func atoi(s string) (n int) {
	fmt.Sscan(s, &n)
	return n
}

// TestOnPremisesError: the closed On-Premises registration answers 1005 in
// two shapes; passed on by a provider, both parse into a GraphError.
func TestOnPremisesError(t *testing.T) {
	for name, body := range map[string]string{
		"errors array": `{"errors":[{"code":1005,"title":"Access denied","details":"Unknown error: biz_link_on_prem_reg_blocked"}]}`,
		"bare":         `{"code":1005,"title":"Access denied","details":"Unknown error: biz_link_on_prem_reg_blocked"}`,
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprint(w, body)
			}))
			defer srv.Close()
			c := client.New(client.Config{PartnerURL: srv.URL, OperatorToken: "t"})
			ge := graphErr(t, c.Partner.RegisterNumber(t.Context(), "su_1", "1", "123456"))
			if ge.Code != 1005 || ge.Message != "Access denied" || ge.Details != "Unknown error: biz_link_on_prem_reg_blocked" || ge.HTTPStatus != 403 {
				t.Errorf("%+v", ge)
			}
		})
	}
}

func TestMetaEnvelope(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,
			"error_data":{"messaging_product":"whatsapp","details":"Cloud API message throughput has been reached."},
			"error_subcode":2494055,"error_user_title":"Slow down","error_user_msg":"Try later","fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}}`)
	}))
	defer srv.Close()
	c := client.New(client.Config{PartnerURL: srv.URL})
	ge := graphErr(t, c.Partner.VerifyNumberCode(t.Context(), "su_1", "1", "123456"))
	want := client.GraphError{HTTPStatus: 400, Code: 130429, Subcode: 2494055, Type: "OAuthException",
		Message: "(#130429) Rate limit hit", Details: "Cloud API message throughput has been reached.",
		UserTitle: "Slow down", UserMsg: "Try later", FBTraceID: "Az8or2yhqkZfEZ-_4Qn_Bam"}
	if *ge != want {
		t.Errorf("got  %+v\nwant %+v", *ge, want)
	}
	if !client.IsRetryable(ge) {
		t.Error("130429 must be retryable")
	}
}

// The partner passes Meta's envelope through for a number's call: the client
// decodes it into a GraphError with every field; the partner's own body into
// an APIError, as before.
func TestPartnerPassesMetasEnvelope(t *testing.T) {
	bodies := map[string]string{
		"/partner/v1/signups/su_1/numbers/1/register": `{"error":{"message":"(#133005) Two step verification PIN Mismatch",` +
			`"type":"OAuthException","code":133005,"error_subcode":2388093,"error_user_title":"PIN mismatch",` +
			`"error_user_msg":"Use the number's PIN.","error_data":{"messaging_product":"whatsapp","details":"The PIN does not match."},` +
			`"fbtrace_id":"AbCdE"}}`,
		"/partner/v1/signups/su_1/numbers/2/register": `{"errors":[{"code":1005,"title":"Access denied","details":"Unknown error: biz_link_on_prem_reg_blocked"}]}`,
		"/partner/v1/signups/su_1/numbers/3/register": `{"error":{"code":"number_not_found","message":"No number."}}`,
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/partner/v1/signups/su_1/numbers/1/register" {
			w.Header().Set("Retry-After", "3")
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(bodies[r.URL.Path]))
	}))
	defer ts.Close()
	c := client.New(client.SandboxConfig(ts.URL))
	err := c.Partner.RegisterNumber(t.Context(), "su_1", "1", "123456")
	ge := graphErr(t, err)
	want := client.GraphError{HTTPStatus: 400, Code: 133005, Subcode: 2388093, Type: "OAuthException",
		Message: "(#133005) Two step verification PIN Mismatch", Details: "The PIN does not match.",
		UserTitle: "PIN mismatch", UserMsg: "Use the number's PIN.", FBTraceID: "AbCdE", RetryAfter: 3 * time.Second}
	if *ge != want {
		t.Errorf("Meta's envelope through the partner:\n got %+v\nwant %+v", *ge, want)
	}
	if ge := graphErr(t, c.Partner.RegisterNumber(t.Context(), "su_1", "2", "123456")); ge.Code != 1005 || ge.Message != "Access denied" {
		t.Errorf("On-Premises through the partner: %+v", ge)
	}
	if code := apiCode(c.Partner.RegisterNumber(t.Context(), "su_1", "3", "123456")); code != "number_not_found" {
		t.Errorf("the partner's own: %s", code)
	}
}
