package sandbox_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

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
	clock.add(sandbox.OutageLength - time.Second)
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
