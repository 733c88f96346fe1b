package client_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	verrors "github.com/pb33f/libopenapi-validator/errors"

	"wizard/assets"
	"wizard/client"
	"wizard/client/sandbox"
)

// The partner's OpenAPI document (assets/contract/partner.openapi.yaml) is
// checked by libopenapi-validator, never by hand: every request the client
// sends to the partner in these tests and every answer the sandbox gives to it
// goes through contractTransport (startSandbox installs it), and a request or
// an answer the document does not describe fails the test that made it.

const partnerOpenAPI = "contract/partner.openapi.yaml"

type partnerContract struct {
	doc libopenapi.Document
	mu  sync.Mutex // the validator is used by one request at a time
	v   validator.Validator
}

var loadContract = sync.OnceValues(func() (*partnerContract, error) {
	spec, err := assets.ContractFS.ReadFile(partnerOpenAPI)
	if err != nil {
		return nil, err
	}
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", partnerOpenAPI, err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s: %v", partnerOpenAPI, errs)
	}
	return &partnerContract{doc: doc, v: v}, nil
})

func contract(t testing.TB) *partnerContract {
	t.Helper()
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// check validates one exchange with the partner: the request (path, query,
// headers, body) and, when resp is not nil, the answer (status, headers, body).
func (c *partnerContract) check(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	var problems []string
	report := func(what string, errs []*verrors.ValidationError) {
		for _, e := range errs {
			s := what + ": " + e.Message
			if e.Reason != "" && e.Reason != e.Message {
				s += ": " + e.Reason
			}
			for _, f := range e.SchemaValidationErrors {
				s += fmt.Sprintf(" [%s: %s]", f.FieldPath, f.Reason)
			}
			problems = append(problems, s)
		}
	}
	if ok, errs := c.v.ValidateHttpRequestSync(r); !ok {
		report("request", errs)
	}
	if resp != nil {
		r.Body = io.NopCloser(bytes.NewReader(reqBody))
		rs := *resp
		rs.Body = io.NopCloser(bytes.NewReader(respBody))
		if ok, errs := c.v.ValidateHttpResponse(r, &rs); !ok {
			report(fmt.Sprintf("answer %d", resp.StatusCode), errs)
		}
	}
	return problems
}

// contractTransport validates every partner exchange against the document and
// reports what does not match as the test's error. Other services pass as is.
type contractTransport struct {
	t    testing.TB
	c    *partnerContract
	next http.RoundTripper
}

func (ct *contractTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasPrefix(req.URL.Path, "/partner/") {
		return ct.next.RoundTrip(req)
	}
	var reqBody []byte
	if req.Body != nil {
		var err error
		if reqBody, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := ct.next.RoundTrip(req)
	if err != nil { // no answer (a reset, a timeout): the request is still checked
		for _, p := range ct.c.check(req, reqBody, nil, nil) {
			ct.t.Errorf("OpenAPI: %s %s: %s", req.Method, req.URL.Path, p)
		}
		return nil, err
	}
	respBody, rerr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	if rerr != nil {
		return resp, nil // the client meets the cut-off answer itself
	}
	for _, p := range ct.c.check(req, reqBody, resp, respBody) {
		ct.t.Errorf("OpenAPI: %s %s: %s", req.Method, req.URL.Path, p)
	}
	return resp, nil
}

// contractClient is an http.Client whose partner exchanges are checked
// against the document for the rest of the test.
func contractClient(t testing.TB) *http.Client {
	return &http.Client{Transport: &contractTransport{t: t, c: contract(t), next: http.DefaultTransport}}
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	c := contract(t)
	if c.doc.GetSpecInfo().SpecType != "openapi" || !strings.HasPrefix(c.doc.GetVersion(), "3.1") {
		t.Fatalf("want OpenAPI 3.1, got %s %s", c.doc.GetSpecInfo().SpecType, c.doc.GetVersion())
	}
	if ok, errs := c.v.ValidateDocument(); !ok {
		for _, e := range errs {
			t.Errorf("%s: %s", e.Message, e.Reason)
		}
	}
}

// documentRoutes are the document's operations as "METHOD /path", the path
// parameters' names left out ("{}"), as are sandboxRoutes'.
func documentRoutes(t *testing.T) []string {
	m, err := contract(t).doc.BuildV3Model()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for path, item := range m.Model.Paths.PathItems.FromOldest() {
		for method := range item.GetOperations().KeysFromOldest() {
			out = append(out, strings.ToUpper(method)+" "+anyParam.ReplaceAllString(path, "{}"))
		}
	}
	slices.Sort(out)
	return out
}

var anyParam = regexp.MustCompile(`\{[^}]*\}`)

func sandboxRoutes() []string {
	var out []string
	for _, r := range sandbox.PartnerRoutes() {
		out = append(out, anyParam.ReplaceAllString(r, "{}"))
	}
	slices.Sort(out)
	return out
}

// TestOpenAPINamesTheSandboxsRoutes: every route the provider half serves is in
// the document, and every operation of the document is served: asked over HTTP,
// the sandbox answers it with the route's own answer, never the "no such
// route" of an unknown path (404 not_found) or a 405.
func TestOpenAPINamesTheSandboxsRoutes(t *testing.T) {
	doc, served := documentRoutes(t), sandboxRoutes()
	for _, r := range served {
		if !slices.Contains(doc, r) {
			t.Errorf("the sandbox serves %s, the document does not have it", r)
		}
	}
	for _, r := range doc {
		if !slices.Contains(served, r) {
			t.Errorf("the document has %s, the sandbox's route table does not", r)
		}
	}
	sb, _ := startSandbox(t, sandbox.Options{})
	for _, r := range doc {
		method, path, _ := strings.Cut(r, " ")
		u := sb.URL + "/partner" + strings.ReplaceAll(path, "{}", "x1")
		var body io.Reader
		if method != http.MethodGet {
			body = strings.NewReader("{}")
		}
		req, _ := http.NewRequestWithContext(t.Context(), method, u, body)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusMethodNotAllowed || strings.Contains(string(b), `"not_found"`) {
			t.Errorf("%s is not served: HTTP %d %s", r, resp.StatusCode, b)
		}
	}
}

// TestOpenAPICatchesMismatches: the check is not vacuous — a request or an
// answer the document does not describe is reported.
func TestOpenAPICatchesMismatches(t *testing.T) {
	c := contract(t)
	mk := func(method, path, body string) (*http.Request, []byte) {
		req, _ := http.NewRequest(method, "http://127.0.0.1:8765/partner"+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		return req, []byte(body)
	}
	answer := func(status int, body string) (*http.Response, []byte) {
		h := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
		return &http.Response{StatusCode: status, Header: h, Body: http.NoBody}, []byte(body)
	}
	good := `{"phone_number_id":"1","display_phone_number":"77011234567","verified_name":"Acme",` +
		`"code_verification_status":"VERIFIED","name_status":"APPROVED"}`
	req, rb := mk("GET", "/v1/signups/su_1/numbers/1", "")
	resp, sb := answer(200, good)
	if p := c.check(req, rb, resp, sb); len(p) != 0 {
		t.Fatalf("a good exchange is reported: %v", p)
	}
	metaErr := `{"error":{"message":"(#136025) Verify code error","type":"OAuthException","code":136025,` +
		`"error_data":{"messaging_product":"whatsapp","details":"expired"},"fbtrace_id":"Ax"}}`
	req, rb = mk("POST", "/v1/signups/su_1/numbers/1/verify-code", `{"code":"123456"}`)
	resp, sb = answer(400, metaErr)
	if p := c.check(req, rb, resp, sb); len(p) != 0 {
		t.Fatalf("Meta's envelope is reported: %v", p)
	}
	for _, bad := range []struct {
		name, method, path, reqBody string
		status                      int
		respBody                    string
	}{
		{"a field the answer may not have", "GET", "/v1/signups/su_1/numbers/1", "", 200,
			strings.TrimSuffix(good, "}") + `,"business_token":"EAAB"}`},
		{"an answer without a required field", "GET", "/v1/signups/su_1/numbers/1", "", 200, `{"phone_number_id":"1"}`},
		{"a request field the document does not have", "POST", "/v1/signups/su_1/numbers/1/register",
			`{"pin":"123456","messaging_product":"whatsapp"}`, 200, `{"success":true}`},
		{"an answer in no documented shape", "GET", "/v1/accounts/acc_1", "", 201, `{"id":"x"}`},
		{"an error that is neither Meta's nor the provider's", "POST", "/v1/signups/su_1/numbers/1/verify-code",
			`{"code":"1"}`, 400, `{"error":"bad"}`},
		{"a code request's window that is not the guide's", "POST", "/v1/signups/su_1/numbers/1/request-code",
			`{"code_method":"SMS"}`, 200, `{"phone_number_id":"1","code_method":"SMS","language":"en_US",` +
				`"requested_at":"2025-03-14T09:30:00Z","enter_within_seconds":600,"expires_at":"2025-03-14T09:40:00Z"}`},
		{"a stage the contract does not know", "GET", "/v1/signups/su_1", "", 200, `{"id":"su_1","status":"finished","stage":"done","reason":"x"}`},
		{"a route the document does not have", "DELETE", "/v1/signups/su_1", "", 200, `{}`},
	} {
		req, rb := mk(bad.method, bad.path, bad.reqBody)
		resp, sb := answer(bad.status, bad.respBody)
		if p := c.check(req, rb, resp, sb); len(p) == 0 {
			t.Errorf("%s: not reported", bad.name)
		}
	}
}

// TestOpenAPIEveryOperationExercised drives every operation of the document
// through the client (or, for the e-mail link, a browser's GET) against the
// sandbox, each checked by contractTransport, and fails if one was left out.
func TestOpenAPIEveryOperationExercised(t *testing.T) {
	seen := map[string]bool{}
	var mu sync.Mutex
	hc := &http.Client{Transport: &contractTransport{t: t, c: contract(t), next: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		seen[r.Method+" "+r.URL.Path] = true
		mu.Unlock()
		return http.DefaultTransport.RoundTrip(r)
	})}}
	sb, err := sandbox.Start("127.0.0.1:0", sandbox.Options{ActivationDelay: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	cfg := client.SandboxConfig(sb.URL)
	cfg.HTTPClient = hc
	cfg.OperatorToken = sb.Server.OperatorToken()
	c := client.New(cfg)
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	acc, err := c.Partner.CreateAccountOnce(ctx, "key-1", "all@example.kz", strongPassword)
	must(err)
	_, err = c.Partner.UpdateEmail(ctx, acc.ID, "all2@example.kz")
	must(err)
	if _, err := c.Partner.ResendVerification(ctx, acc.ID); apiCode(err) != "resend_too_soon" {
		t.Fatalf("resend: %v", err)
	}
	link, err := sandbox.LatestVerifyLink(ctx, sb.URL, "all2@example.kz")
	must(err)
	resp, err := hc.Get(link)
	must(err)
	resp.Body.Close()
	_, err = c.Partner.GetAccount(ctx, acc.ID)
	must(err)
	_, err = c.Partner.UpdateCompany(ctx, acc.ID, client.Company{OrgType: "company", FullName: "A B", CompanyName: "Acme", Country: "KZ"})
	must(err)
	sess, err := c.Partner.StartSignup(ctx, acc.ID, client.SignupRequest{Mode: "new"})
	must(err)
	postResult(t, sess.URL, `{"event":"FINISH"}`)
	_, err = c.Partner.GetSignup(ctx, sess.ID)
	must(err)
	_, err = c.Partner.Numbers(ctx, sess.ID)
	must(err)
	st, err := c.Partner.AddNumber(ctx, sess.ID, client.NewNumber{CC: "7", PhoneNumber: "7014445566", VerifiedName: "Acme"})
	must(err)
	_, err = c.Partner.Number(ctx, sess.ID, st.PhoneNumberID)
	must(err)
	must(c.Partner.SetNumberProfile(ctx, sess.ID, st.PhoneNumberID, client.BusinessProfile{Vertical: "OTHER"}))
	_, err = c.Partner.RequestNumberCode(ctx, sess.ID, st.PhoneNumberID, "VOICE", "kk_KZ")
	must(err)
	code, err := sandbox.LatestCode(ctx, sb.URL, st.PhoneNumberID)
	must(err)
	must(c.Partner.VerifyNumberCode(ctx, sess.ID, st.PhoneNumberID, code))
	must(c.Partner.RegisterNumber(ctx, sess.ID, st.PhoneNumberID, "246810"))
	_, err = c.Partner.ChangeDisplayName(ctx, sess.ID, st.PhoneNumberID, "Acme Pharmacy")
	must(err)
	_, err = c.Partner.StartActivation(ctx, acc.ID, st.PhoneNumberID)
	must(err)
	_, err = c.Partner.GetActivation(ctx, st.PhoneNumberID)
	must(err)

	for _, op := range documentRoutes(t) {
		method, tmpl, _ := strings.Cut(op, " ")
		re := regexp.MustCompile("^/partner" + strings.ReplaceAll(regexp.QuoteMeta(tmpl), `\{\}`, "[^/]+") + "$")
		hit := false
		for k := range seen {
			m, p, _ := strings.Cut(k, " ")
			hit = hit || (m == method && re.MatchString(p))
		}
		if !hit {
			t.Errorf("%s was not exercised", op)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
