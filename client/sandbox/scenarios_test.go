package sandbox_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"wizard/client"
	"wizard/client/sandbox"
)

// stepClock is a clock a test moves on by hand.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestScenarioNames(t *testing.T) {
	want := []string{"happy", "migration", "government", "business-app", "on-whatsapp", "wrong-code", "code-expired",
		"name-declined", "outage", "rate-limit"}
	if got := sandbox.ScenarioNames(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("scenarios %v, want %v", got, want)
	}
	for _, n := range want {
		sc, ok := sandbox.FindScenario(n)
		if !ok || sc.Name != n || (sc.OrgType != "company" && sc.OrgType != "government") {
			t.Errorf("scenario %s: %+v %v", n, sc, ok)
		}
	}
	if _, ok := sandbox.FindScenario("nosuch"); ok {
		t.Error("an unknown scenario was found")
	}
	// Two demo signups never get the same made-up number; the stories that
	// need one keep theirs.
	happy, _ := sandbox.FindScenario("happy")
	if a, b := happy.PhoneFor("K7MQ-4XPD"), happy.PhoneFor("K7MQ-4XPE"); a == b || len(a) != 10 || !strings.HasPrefix(a, "701") {
		t.Errorf("made-up numbers %s and %s", a, b)
	}
	declined, _ := sandbox.FindScenario("name-declined")
	if got := declined.PhoneFor("K7MQ-4XPD"); !strings.HasSuffix(got, sandbox.MagicActivationFails) {
		t.Errorf("the name-declined story's number is %s", got)
	}
}

// An outage (Fault.Lasts) refuses every matching request from the first it
// meets until its time is over on the sandbox's clock; then it is gone.
func TestOutageLastsItsTimeThenRecovers(t *testing.T) {
	clock := &stepClock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	sb, _ := start(t, sandbox.Options{Now: clock.Now})
	outage, _ := sandbox.FindScenario("outage")
	if err := sb.Server.Arm(outage); err != nil {
		t.Fatal(err)
	}
	clock.add(time.Hour) // armed long before the trainer gets there: it starts at the first request
	patch := func() *http.Response {
		resp, _ := fetch(t, "PATCH", sb.URL+"/partner/v1/accounts/acc_none/company", "application/json",
			`{"org_type":"company","full_name":"A B","company_name":"C","country":"KZ"}`)
		return resp
	}
	if resp := patch(); resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "20" {
		t.Fatalf("first request: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	clock.add(sandbox.OutageLength - 5*time.Second)
	if resp := patch(); resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "5" {
		t.Fatalf("within the outage, 5 s before its end: %d, Retry-After %q, want 503 and the time left", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	clock.add(4 * time.Second)
	if resp := patch(); resp.StatusCode != 503 {
		t.Fatalf("within the outage: %d", resp.StatusCode)
	}
	// Other requests are not part of it.
	if resp, _ := fetch(t, "GET", sb.URL+"/partner/v1/accounts/acc_none", "", ""); resp.StatusCode != 404 {
		t.Fatalf("a GET during the outage: %d", resp.StatusCode)
	}
	clock.add(time.Second)
	if resp := patch(); resp.StatusCode != 404 { // the provider answers again (no such account)
		t.Fatalf("after the outage: %d", resp.StatusCode)
	}
	if n := len(sb.Server.Faults()); n != 0 {
		t.Fatalf("%d faults left after the outage", n)
	}
}

// A Cooldown fault holds to its Retry-After as a real rate limiter does: a
// request made before the wait is over is refused again with the time left,
// without using up its count; the first one after the wait goes through.
func TestCooldownRefusesUntilItsRetryAfterIsOver(t *testing.T) {
	clock := &stepClock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	sb, _ := start(t, sandbox.Options{Now: clock.Now})
	f, err := sandbox.ParseFault("prefix=/partner/v1/accounts/acc_none,method=GET,status=429,count=1,retry_after=30s,cooldown=true")
	if err != nil || !f.Cooldown {
		t.Fatalf("%+v %v", f, err)
	}
	if err := sb.Server.AddFault(f); err != nil {
		t.Fatal(err)
	}
	get := func() (int, string) {
		resp, _ := fetch(t, "GET", sb.URL+"/partner/v1/accounts/acc_none", "", "")
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	for _, c := range []struct {
		after      time.Duration
		status     int
		retryAfter string
	}{
		{0, 429, "30"},
		{10 * time.Second, 429, "20"}, // too soon: refused again, the count is not used up
		{19 * time.Second, 429, "1"},
		{time.Second, 404, ""}, // the wait is over: the provider answers (no such account)
		{0, 404, ""},
	} {
		clock.add(c.after)
		if st, ra := get(); st != c.status || ra != c.retryAfter {
			t.Fatalf("%v later: %d, Retry-After %q; want %d, %q", c.after, st, ra, c.status, c.retryAfter)
		}
	}
	if n := len(sb.Server.Faults()); n != 0 {
		t.Fatalf("%d faults left after the cooldown", n)
	}
	for _, bad := range []string{"prefix=/,status=429,cooldown=true", "prefix=/,kind=reset,retry_after=5s,cooldown=true",
		"prefix=/,status=503,retry_after=5s,lasts=20s,cooldown=true", "prefix=/,status=429,retry_after=5s,cooldown=maybe"} {
		if _, err := sandbox.ParseFault(bad); err == nil {
			t.Errorf("ParseFault(%q) took it", bad)
		}
	}
}

func TestParseFaultLasts(t *testing.T) {
	f, err := sandbox.ParseFault("prefix=/partner/,status=503,lasts=30s")
	if err != nil || f.Lasts != 30*time.Second {
		t.Fatalf("%+v %v", f, err)
	}
	if !strings.Contains(f.String(), "for 30s") {
		t.Errorf("String: %s", f)
	}
	data, _ := json.Marshal(f)
	var back sandbox.Fault
	if err := json.Unmarshal(data, &back); err != nil || back.Lasts != f.Lasts {
		t.Fatalf("JSON %s → %+v %v", data, back, err)
	}
	if _, err := sandbox.ParseFault("prefix=/,lasts=-1s"); err == nil {
		t.Error("a negative outage was taken")
	}
}

// graphCodeError is the code, subcode and details of a Graph error body.
func graphCodeError(t *testing.T, body string) (code, subcode int, details string) {
	t.Helper()
	var e struct {
		Error struct {
			Code    int `json:"code"`
			Subcode int `json:"error_subcode"`
			Data    struct {
				Details string `json:"details"`
			} `json:"error_data"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("not a Graph error: %s", body)
	}
	return e.Error.Code, e.Error.Subcode, e.Error.Data.Details
}

// code-expired: Meta's side takes a code for the scenario's shorter life,
// not for CodeTTL: a code typed after it is refused as Meta refuses an expired
// one (136025, "expired"), and the number's status says EXPIRED.
func TestCodeExpiredScenarioShortensTheCodeAtMeta(t *testing.T) {
	clk := &clock{t: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	sb, _ := start(t, sandbox.Options{Now: clk.Now})
	sc, _ := sandbox.FindScenario("code-expired")
	if err := sb.Server.Arm(sc); err != nil {
		t.Fatal(err)
	}
	id := graphAddNumber(t, sb, sb.Server.WABAIDs()[0], "7", "7015554433", "Acme")
	graphMust(t, sb, "POST", "/"+id+"/request_code", `{"code_method":"SMS","language":"en_US"}`)
	code, err := sandbox.LatestCode(t.Context(), sb.URL, id)
	if err != nil {
		t.Fatal(err)
	}
	clk.Add(sandbox.ShortCodeLife + time.Second)
	if st := graphMust(t, sb, "GET", "/"+id+"?fields=code_verification_status", ""); !strings.Contains(st, `"EXPIRED"`) {
		t.Errorf("after the scenario's code life: %s", st)
	}
	status, body := graphCall(t, sb, "POST", "/"+id+"/verify_code", `{"code":"`+code+`"}`)
	if c, _, d := graphCodeError(t, body); status != 400 || c != 136025 || d != "expired" {
		t.Fatalf("a code typed after the scenario's life: HTTP %d %s", status, body)
	}
	// A new code, typed in time, is taken.
	graphMust(t, sb, "POST", "/"+id+"/request_code", `{"code_method":"VOICE","language":"en_US"}`)
	code, err = sandbox.LatestCode(t.Context(), sb.URL, id)
	if err != nil {
		t.Fatal(err)
	}
	clk.Add(sandbox.ShortCodeLife - time.Second)
	graphMust(t, sb, "POST", "/"+id+"/verify_code", `{"code":"`+code+`"}`)

	// Another story arms the usual life again.
	happy, _ := sandbox.FindScenario("happy")
	if err := sb.Server.Arm(happy); err != nil {
		t.Fatal(err)
	}
	id = graphAddNumber(t, sb, sb.Server.WABAIDs()[0], "7", "7015554434", "Acme")
	graphMust(t, sb, "POST", "/"+id+"/request_code", `{"code_method":"SMS","language":"en_US"}`)
	code, _ = sandbox.LatestCode(t.Context(), sb.URL, id)
	clk.Add(sandbox.ShortCodeLife + time.Second)
	graphMust(t, sb, "POST", "/"+id+"/verify_code", `{"code":"`+code+`"}`)
}

// rate-limit: the 429 is for the Embedded Signup start only; a verification
// e-mail sent again first goes through, and the fault waits for the start;
// a start tried again before its Retry-After is over is refused again.
func TestRateLimitScenarioCatchesTheSignupStartOnly(t *testing.T) {
	sb, c := start(t, sandbox.Options{AutoVerifyEmail: time.Nanosecond})
	sc, _ := sandbox.FindScenario("rate-limit")
	if err := sb.Server.Arm(sc); err != nil {
		t.Fatal(err)
	}
	a := verifiedAccount(t, c, "rate@example.kz")
	_, err := c.Partner.ResendVerification(t.Context(), a.ID)
	var ae *client.APIError
	if errors.As(err, &ae) && ae.HTTPStatus == http.StatusTooManyRequests {
		t.Fatalf("the verification e-mail sent again met the signup's rate limit: %v", err)
	}
	if n := len(sb.Server.Faults()); n != 1 {
		t.Fatalf("%d faults armed after the e-mail, want the signup's one", n)
	}
	_, err = c.Partner.StartSignup(t.Context(), a.ID, client.SignupRequest{Mode: "new"})
	if !errors.As(err, &ae) || ae.HTTPStatus != http.StatusTooManyRequests || ae.RetryAfter != sandbox.RateLimitWait {
		t.Fatalf("the first signup start: %v, want 429 with Retry-After %v", err, sandbox.RateLimitWait)
	}
	// Tried again at once: refused again, as a real rate limiter does (the
	// cooldown test shows the start going through once the wait is over).
	_, err = c.Partner.StartSignup(t.Context(), a.ID, client.SignupRequest{Mode: "new"})
	if !errors.As(err, &ae) || ae.HTTPStatus != http.StatusTooManyRequests || ae.RetryAfter <= 0 || ae.RetryAfter > sandbox.RateLimitWait {
		t.Fatalf("the second signup start at once: %v, want 429 with what is left of %v", err, sandbox.RateLimitWait)
	}
}

// A "*" segment of a fault's prefix matches any one segment, no more.
func TestFaultPrefixWildcardSegment(t *testing.T) {
	sb, _ := start(t, sandbox.Options{})
	f, err := sandbox.ParseFault("prefix=/partner/v1/accounts/*/company,status=500")
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Server.AddFault(f); err != nil {
		t.Fatal(err)
	}
	body := `{"org_type":"company","full_name":"A B","company_name":"C","country":"KZ"}`
	for _, c := range []struct {
		method, path string
		spoiled      bool
	}{
		{"PATCH", "/partner/v1/accounts/acc_x/company", true},
		{"PATCH", "/partner/v1/accounts/acc_x/companyX", true}, // still a prefix
		{"PATCH", "/partner/v1/accounts//company", false},
		{"PATCH", "/partner/v1/accounts/acc_x", false},
		{"POST", "/partner/v1/accounts/acc_x/verification-email", false},
		{"PATCH", "/partner/v1/accounts/acc_x/y/company", false},
	} {
		if resp, _ := fetch(t, c.method, sb.URL+c.path, "application/json", body); (resp.StatusCode == 500) != c.spoiled {
			t.Errorf("%s %s: %d, spoiled by the fault: want %v", c.method, c.path, resp.StatusCode, c.spoiled)
		}
	}
}

// on-whatsapp: Meta refuses the number with its own subcode.
func TestOnWhatsAppNumberIsRefusedWithMetasSubcode(t *testing.T) {
	sb, _ := start(t, sandbox.Options{})
	status, body := graphCall(t, sb, "POST", "/"+sb.Server.WABAIDs()[0]+"/phone_numbers",
		`{"cc":"7","phone_number":"701`+sandbox.MagicAlreadyOnWhatsApp+`","verified_name":"Acme"}`)
	if c, sub, _ := graphCodeError(t, body); status != 400 || c != 100 || sandbox.SubcodeAlreadyOnWhatsApp != 3441030 || sub != 3441030 {
		t.Fatalf("a number on WhatsApp: HTTP %d %s", status, body)
	}
}

// rateLimitLeftAfter is how long after the rate limit's 429 a test tries again too soon.
const rateLimitLeftAfter = 12 * time.Second

// What a scenario armed is kept in the state file: a sandbox restarted from
// it goes on with the same story (an outage ends when it was to end, a fault
// used up stays used up, the code times stay), and Resume keeps it, while Arm
// starts the story afresh.
func TestArmedScenarioSurvivesARestart(t *testing.T) {
	clk := &clock{t: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	opts := sandbox.Options{StatePath: filepath.Join(t.TempDir(), "demo.db.sandbox"), Now: clk.Now}
	sb, _ := restart(t, nil, opts)
	outage, _ := sandbox.FindScenario("outage")
	if err := sb.Server.Arm(outage); err != nil {
		t.Fatal(err)
	}
	patch := func(sb *sandbox.Running) int {
		resp, _ := fetch(t, "PATCH", sb.URL+"/partner/v1/accounts/acc_none/company", "application/json",
			`{"org_type":"company","full_name":"A B","company_name":"C","country":"KZ"}`)
		return resp.StatusCode
	}
	clk.Add(time.Hour)
	if st := patch(sb); st != 503 { // the outage starts now
		t.Fatalf("first request: %d", st)
	}
	sb, _ = restart(t, sb, opts)
	if got := sb.Server.ArmedScenario(); got != "outage" {
		t.Fatalf("armed after a restart: %q", got)
	}
	if err := sb.Server.Resume(outage); err != nil {
		t.Fatal(err)
	}
	clk.Add(sandbox.OutageLength - time.Second)
	if st := patch(sb); st != 503 {
		t.Fatalf("within the outage, after a restart: %d", st)
	}
	sb, _ = restart(t, sb, opts)
	clk.Add(time.Second) // the outage ends when it was to end, not 20 s after the restart
	if st := patch(sb); st != 404 {
		t.Fatalf("after the outage's end, across restarts: %d", st)
	}

	// A fault with a count: used up before a restart, it stays used up; a new
	// demo of the story (Arm) brings it back.
	rate, _ := sandbox.FindScenario("rate-limit")
	if err := sb.Server.Arm(rate); err != nil {
		t.Fatal(err)
	}
	sb, c := restart(t, sb, opts)
	c.Partner = client.New(client.SandboxConfig(sb.URL)).Partner
	a, err := c.Partner.CreateAccount(t.Context(), "restart@example.kz", "Str0ng!pass")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(sb.Server.Faults()); n != 1 {
		t.Fatalf("%d faults after a restart, want the rate limit", n)
	}
	_, err = c.Partner.StartSignup(t.Context(), a.ID, client.SignupRequest{Mode: "new"})
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.HTTPStatus != http.StatusTooManyRequests {
		t.Fatalf("the signup start after a restart: %v, want the story's 429", err)
	}
	sb, c = restart(t, sb, opts)
	c.Partner = client.New(client.SandboxConfig(sb.URL)).Partner
	if err := sb.Server.Resume(rate); err != nil {
		t.Fatal(err)
	}
	// Its wait goes on across the restart: tried again too soon, the start is
	// refused again with the time left.
	clk.Add(rateLimitLeftAfter)
	_, err = c.Partner.StartSignup(t.Context(), a.ID, client.SignupRequest{Mode: "new"})
	if !errors.As(err, &ae) || ae.HTTPStatus != http.StatusTooManyRequests || ae.RetryAfter != sandbox.RateLimitWait-rateLimitLeftAfter {
		t.Fatalf("the signup start %v after the 429, across a restart: %v, want 429 with Retry-After %v",
			rateLimitLeftAfter, err, sandbox.RateLimitWait-rateLimitLeftAfter)
	}
	sb, c = restart(t, sb, opts)
	c.Partner = client.New(client.SandboxConfig(sb.URL)).Partner
	if err := sb.Server.Resume(rate); err != nil {
		t.Fatal(err)
	}
	clk.Add(sandbox.RateLimitWait - rateLimitLeftAfter) // the wait is over
	if n := len(sb.Server.Faults()); n != 0 {
		t.Fatalf("%d faults after the rate limit was used up, its wait over and the sandbox restarted", n)
	}
	// Past the rate limit, the provider answers for itself (this account's
	// address was never confirmed).
	_, err = c.Partner.StartSignup(t.Context(), a.ID, client.SignupRequest{Mode: "new"})
	if !errors.As(err, &ae) || ae.HTTPStatus != http.StatusForbidden || ae.Code != "email_not_verified" {
		t.Fatalf("the signup start after the rate limit's wait: %v, want the provider's own answer", err)
	}
	if err := sb.Server.Arm(rate); err != nil {
		t.Fatal(err)
	}
	if n := len(sb.Server.Faults()); n != 1 {
		t.Fatalf("%d faults after the story was armed afresh", n)
	}

	// Resuming another story arms that one; its code times are kept too.
	expired, _ := sandbox.FindScenario("code-expired")
	if err := sb.Server.Resume(expired); err != nil {
		t.Fatal(err)
	}
	if n := len(sb.Server.Faults()); n != 0 {
		t.Fatalf("%d faults of the rate-limit story left in the code-expired one", n)
	}
	sb, _ = restart(t, sb, opts)
	id := graphAddNumber(t, sb, sb.Server.WABAIDs()[0], "7", "7015554435", "Acme")
	graphMust(t, sb, "POST", "/"+id+"/request_code", `{"code_method":"SMS","language":"en_US"}`)
	code, err := sandbox.LatestCode(t.Context(), sb.URL, id)
	if err != nil {
		t.Fatal(err)
	}
	sb, _ = restart(t, sb, opts)
	clk.Add(sandbox.ShortCodeLife + time.Second)
	if status, body := graphCall(t, sb, "POST", "/"+id+"/verify_code", `{"code":"`+code+`"}`); status != 400 || !strings.Contains(body, "expired") {
		t.Fatalf("the story's short code life after a restart: HTTP %d %s", status, body)
	}
}

// Faults armed by hand are still not kept (only a scenario's are).
func TestHandFaultsAreNotKept(t *testing.T) {
	opts := sandbox.Options{StatePath: filepath.Join(t.TempDir(), "state")}
	sb, _ := restart(t, nil, opts)
	sb.Server.FailNext("/graph/", 503, 2)
	outage, _ := sandbox.FindScenario("outage")
	if err := sb.Server.Arm(outage); err != nil {
		t.Fatal(err)
	}
	if n := len(sb.Server.Faults()); n != 2 {
		t.Fatalf("%d faults, want the hand one and the story's", n)
	}
	sb, _ = restart(t, sb, opts)
	if f := sb.Server.Faults(); len(f) != 1 || f[0].Lasts != sandbox.OutageLength {
		t.Fatalf("after a restart: %v, want only the story's outage", f)
	}
}
