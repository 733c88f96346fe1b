package sandbox_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"wizard/client"
	"wizard/client/sandbox"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

func start(t *testing.T, opts sandbox.Options) (*sandbox.Running, *client.Clients) {
	t.Helper()
	sb, err := sandbox.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	return sb, client.New(client.SandboxConfig(sb.URL))
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func fetch(t *testing.T, method, u, contentType, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// graphCall makes a call to the sandbox's Graph half as a provider does (any
// bearer token will do there) and returns the status and the body.
func graphCall(t *testing.T, sb *sandbox.Running, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, sb.URL+"/graph/"+sandbox.GraphVersion+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer provider")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// graphMust is graphCall that must answer 200.
func graphMust(t *testing.T, sb *sandbox.Running, method, path, body string) string {
	t.Helper()
	status, b := graphCall(t, sb, method, path, body)
	if status != http.StatusOK {
		t.Fatalf("%s %s: HTTP %d %s", method, path, status, b)
	}
	return b
}

// graphAddNumber adds a number to a WABA at the Graph half and returns its id.
func graphAddNumber(t *testing.T, sb *sandbox.Running, waba, cc, national, name string) string {
	t.Helper()
	b := graphMust(t, sb, "POST", "/"+waba+"/phone_numbers",
		fmt.Sprintf(`{"cc":%q,"phone_number":%q,"verified_name":%q}`, cc, national, name))
	var out struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(b), &out); err != nil || out.ID == "" {
		t.Fatalf("add number: %s", b)
	}
	return out.ID
}

// verifiedAccount makes an account whose e-mail is already verified.
func verifiedAccount(t *testing.T, c *client.Clients, email string) client.Account {
	t.Helper()
	a, err := c.Partner.CreateAccount(t.Context(), email, "Str0ng!pass")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestSignupPageAndCallback(t *testing.T) {
	_, c := start(t, sandbox.Options{AutoVerifyEmail: time.Nanosecond})
	a := verifiedAccount(t, c, "page@example.kz")
	sess, err := c.Partner.StartSignup(t.Context(), a.ID, client.SignupRequest{Mode: "new",
		CallbackURL: "http://127.0.0.1:45678/callback", State: "s3cr3t"})
	if err != nil {
		t.Fatal(err)
	}
	resp, page := fetch(t, "GET", sess.URL, "", "")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("page: HTTP %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{`id="finish"`, `id="cancel"`, `id="continue"`, "Continue as " + sandbox.SandboxUser,
		`action="/signup/` + sess.ID + `/result"`, `id="business"`, `id="waba"`, "Sandbox Trading", "Create a new business portfolio"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") {
		t.Error("page refers to an external resource")
	}

	// Cancel on the WABA screen.
	form := url.Values{"event": {"CANCEL"}, "current_step": {"WABA_SETUP"}}
	resp, _ = fetch(t, "POST", sess.URL+"/result", "application/x-www-form-urlencoded", form.Encode())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("result: HTTP %d", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	q := loc.Query()
	if loc.Host != "127.0.0.1:45678" || loc.Path != "/callback" || q.Get("state") != "s3cr3t" ||
		q.Get("event") != "CANCEL" || q.Get("current_step") != "WABA_SETUP" || q.Get("signup_id") != sess.ID {
		t.Fatalf("callback %s", loc)
	}
	res, err := c.Partner.GetSignup(t.Context(), sess.ID)
	if err != nil || res.Status != client.SignupCancelled || res.CurrentStep != "WABA_SETUP" {
		t.Fatalf("signup %+v %v", res, err)
	}
	// A second post changes nothing; the page now says the signup is closed.
	fetch(t, "POST", sess.URL+"/result", "application/x-www-form-urlencoded", "event=FINISH")
	if res, _ := c.Partner.GetSignup(t.Context(), sess.ID); res.Status != client.SignupCancelled {
		t.Errorf("second post changed the result: %+v", res)
	}
	if _, page := fetch(t, "GET", sess.URL, "", ""); strings.Contains(page, `id="finish"`) || !strings.Contains(page, "cancelled") {
		t.Errorf("closed page still offers Finish")
	}
}

func TestSignupWithoutCallbackAndReportedError(t *testing.T) {
	sb, c := start(t, sandbox.Options{AutoVerifyEmail: time.Nanosecond})
	a := verifiedAccount(t, c, "nocb@example.kz")
	sess, err := c.Partner.StartSignup(t.Context(), a.ID, client.SignupRequest{})
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"event": {"CANCEL"}, "current_step": {"CONFIRM"}, "error_message": {"The page froze"}}
	resp, body := fetch(t, "POST", sess.URL+"/result", "application/x-www-form-urlencoded", form.Encode())
	if resp.StatusCode != 200 || !strings.Contains(body, "You can return to the terminal") {
		t.Fatalf("HTTP %d %s", resp.StatusCode, body)
	}
	res, _ := c.Partner.GetSignup(t.Context(), sess.ID)
	if res.Status != client.SignupError || res.ErrorMessage != "The page froze" {
		t.Fatalf("%+v", res)
	}
	if resp, _ := fetch(t, "GET", sb.URL+"/signup/su_unknown", "", ""); resp.StatusCode != 404 {
		t.Errorf("unknown signup page: HTTP %d", resp.StatusCode)
	}
	if resp, _ := fetch(t, "POST", sess.URL+"/result", "application/json", `{"event":"NOPE"}`); resp.StatusCode != 400 {
		t.Errorf("bad event: HTTP %d", resp.StatusCode)
	}
}

func TestOutboxAndTrainerPage(t *testing.T) {
	sb, c := start(t, sandbox.Options{})
	if _, err := c.Partner.CreateAccount(t.Context(), "trainer@example.kz", "Str0ng!pass"); err != nil {
		t.Fatal(err)
	}
	_, body := fetch(t, "GET", sb.URL+"/sandbox/outbox.json", "", "")
	var o sandbox.Outbox
	if err := json.Unmarshal([]byte(body), &o); err != nil || len(o.Mails) != 1 || o.Messages == nil {
		t.Fatalf("outbox %s %v", body, err)
	}
	if !strings.HasPrefix(o.Mails[0].Link, sb.URL+"/partner/verify?token=") {
		t.Errorf("link %q", o.Mails[0].Link)
	}
	for _, p := range []string{"/sandbox/", "/sandbox"} {
		resp, page := fetch(t, "GET", sb.URL+p, "", "")
		if resp.StatusCode != 200 || !strings.Contains(page, "trainer@example.kz") || !strings.Contains(page, "/partner/verify?token=") {
			t.Errorf("%s: HTTP %d", p, resp.StatusCode)
		}
	}
	if _, err := sandbox.LatestCode(t.Context(), sb.URL, "123"); err == nil {
		t.Error("LatestCode without a code")
	}
	if resp, _ := fetch(t, "GET", sb.URL+"/partner/verify?token=bogus", "", ""); resp.StatusCode != 404 {
		t.Errorf("bogus token: HTTP %d", resp.StatusCode)
	}
}

func TestAutoVerifyEmail(t *testing.T) {
	clk := &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	_, c := start(t, sandbox.Options{AutoVerifyEmail: 5 * time.Second, Now: clk.Now})
	a := verifiedAccount(t, c, "auto@example.kz")
	if a, _ := c.Partner.GetAccount(t.Context(), a.ID); a.Verified {
		t.Fatal("verified too early")
	}
	clk.Add(5 * time.Second)
	if a, _ := c.Partner.GetAccount(t.Context(), a.ID); !a.Verified {
		t.Fatal("not verified after the delay")
	}
}

func TestActivationFailsForMagicNumber(t *testing.T) {
	clk := &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	sb, c := start(t, sandbox.Options{AutoVerifyEmail: time.Nanosecond, ActivationDelay: time.Second, Now: clk.Now})
	clk.Add(time.Second)
	ctx := t.Context()
	a := verifiedAccount(t, c, "fail@example.kz")
	clk.Add(time.Second)
	id := graphAddNumber(t, sb, sb.Server.WABAIDs()[0], "7", "701"+sandbox.MagicActivationFails, "Acme")
	if _, err := c.Partner.StartActivation(ctx, a.ID, id); err == nil {
		t.Fatal("activation of an unregistered number")
	}
	graphMust(t, sb, "POST", "/"+id+"/request_code", `{"code_method":"SMS","language":"en_US"}`)
	code, _ := sandbox.LatestCode(ctx, sb.URL, id)
	graphMust(t, sb, "POST", "/"+id+"/verify_code", `{"code":"`+code[:3]+"-"+code[3:]+`"}`)
	graphMust(t, sb, "POST", "/"+id+"/register", `{"messaging_product":"whatsapp","pin":"111111"}`)
	if _, err := c.Partner.StartActivation(ctx, a.ID, id); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Second)
	act, err := c.Partner.GetActivation(ctx, id)
	if err != nil || act.Status != client.ActivationFailed || act.AlphaCode != "" {
		t.Fatalf("%+v %v", act, err)
	}
}

func TestFailNextAndLatency(t *testing.T) {
	sb, c := start(t, sandbox.Options{Latency: 5 * time.Millisecond})
	sb.Server.FailNext("/graph/", http.StatusServiceUnavailable, 1)
	waba := sb.Server.WABAIDs()[0]
	body := `{"cc":"7","phone_number":"7011230000","verified_name":"Acme"}`
	if status, b := graphCall(t, sb, "POST", "/"+waba+"/phone_numbers", body); status != http.StatusServiceUnavailable {
		t.Fatalf("injected 503: HTTP %d %s", status, b)
	}
	graphMust(t, sb, "POST", "/"+waba+"/phone_numbers", body)
	sb.Server.FailNext("/partner/", http.StatusInternalServerError, 1)
	if _, err := c.Partner.GetAccount(t.Context(), "acc_x"); err == nil || !strings.Contains(err.Error(), "account_not_found") {
		t.Fatalf("GET should be retried past the fault: %v", err)
	}
}

func TestGraphAcceptsQueryParams(t *testing.T) {
	sb, _ := start(t, sandbox.Options{})
	id := graphAddNumber(t, sb, sb.Server.WABAIDs()[0], "998", "901234567", "Acme Uz")
	req, _ := http.NewRequestWithContext(t.Context(), "POST", sb.URL+"/graph/v21.0/"+id+"/request_code?code_method=VOICE&language=uz", nil)
	req.Header.Set("Authorization", "Bearer x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	resp.Body.Close()
	o := sb.Server.Outbox()
	if m := o.Messages[len(o.Messages)-1]; m.Method != "VOICE" || m.To != "+998901234567" {
		t.Fatalf("%+v", m)
	}
}

// The sandbox redirects the browser only to a loopback callback: any other
// URL is refused when the signup starts, so it cannot serve as an open redirect.
func TestSignupCallbackMustBeLoopback(t *testing.T) {
	sb, c := start(t, sandbox.Options{AutoVerifyEmail: time.Nanosecond})
	a := verifiedAccount(t, c, "loopback@example.kz")
	for _, cb := range []string{
		"http://evil.example/callback",
		"https://evil.example/callback",
		"http://127.0.0.1.evil.example/callback",
		"http://10.0.0.5:8080/callback",
		"http://0.0.0.0:8080/callback",
		"https://127.0.0.1:8080/callback", // loopback, but the wizard listens on plain http
		"http://user:pw@127.0.0.1:8080/callback",
		"http://[fe80::1]:8080/callback",
	} {
		_, err := c.Partner.StartSignup(t.Context(), a.ID, client.SignupRequest{CallbackURL: cb, State: "s"})
		var api *client.APIError
		if !errors.As(err, &api) || api.HTTPStatus != http.StatusBadRequest || api.Code != "callback_url_not_allowed" ||
			api.Field != "callback_url" || api.Message == "" {
			t.Errorf("start with %s: %v, want 400 callback_url_not_allowed", cb, err)
		}
	}
	for _, cb := range []string{"http://127.0.0.1:45678/callback", "http://127.8.9.10:1/cb?x=1", "http://[::1]:45678/callback",
		"http://localhost:45678/callback", "http://LOCALHOST/callback"} {
		sess, err := c.Partner.StartSignup(t.Context(), a.ID, client.SignupRequest{CallbackURL: cb, State: "s"})
		if err != nil {
			t.Errorf("start with %s: %v", cb, err)
			continue
		}
		resp, _ := fetch(t, "POST", sess.URL+"/result", "application/x-www-form-urlencoded", "event=CANCEL")
		want, _ := url.Parse(cb)
		loc, err := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusSeeOther || err != nil || loc.Scheme != "http" || loc.Host != want.Host || loc.Path != want.Path {
			t.Errorf("%s: HTTP %d to %q", cb, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	// The error body is the contract's error shape.
	resp, body := fetch(t, "POST", sb.URL+"/partner/v1/accounts/"+a.ID+"/signups",
		"application/json", `{"callback_url":"https://phish.example/"}`)
	var e struct {
		Error struct{ Code, Message, Field string } `json:"error"`
	}
	if resp.StatusCode != http.StatusBadRequest || json.Unmarshal([]byte(body), &e) != nil || e.Error.Code != "callback_url_not_allowed" {
		t.Errorf("HTTP %d %s", resp.StatusCode, body)
	}
}

// The outbox page shows the operator token an operator's wizard sends.
func TestOutboxPageShowsTheOperatorToken(t *testing.T) {
	r, err := sandbox.Start("127.0.0.1:0", sandbox.Options{OperatorToken: "op_test_token"})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	resp, err := http.Get(r.URL + "/sandbox/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), "op_test_token") {
		t.Fatalf("the outbox page does not show the operator token:\n%s", body)
	}
}
