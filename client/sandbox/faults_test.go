package sandbox_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"wizard/client/sandbox"
)

func TestParseFault(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want sandbox.Fault
		err  string
	}{
		{"prefix=/graph/,kind=status,status=503,count=2", sandbox.Fault{PathPrefix: "/graph/", Kind: "status", Status: 503, Count: 2}, ""},
		{"prefix=/ocm/", sandbox.Fault{PathPrefix: "/ocm/", Kind: "status", Status: 503}, ""},
		{"path_prefix=/partner/, method=get, kind=timeout", sandbox.Fault{PathPrefix: "/partner/", Method: "GET", Kind: "timeout", Delay: sandbox.DefaultFaultDelay}, ""},
		{"prefix=/graph/,status=429,retry_after=3s", sandbox.Fault{PathPrefix: "/graph/", Kind: "status", Status: 429, RetryAfter: 3 * time.Second}, ""},
		{"prefix=/graph/,status=429,retry_after=none", sandbox.Fault{PathPrefix: "/graph/", Kind: "status", Status: 429, RetryAfter: -1}, ""},
		{"prefix=/,kind=malformed,count=1", sandbox.Fault{PathPrefix: "/", Kind: "malformed", Count: 1}, ""},
		{"prefix=/,kind=reset", sandbox.Fault{PathPrefix: "/", Kind: "reset"}, ""},
		{"kind=reset", sandbox.Fault{}, "must start with /"},
		{"prefix=/,kind=explode", sandbox.Fault{}, "unknown kind"},
		{"prefix=/,status=200", sandbox.Fault{}, "not an error status"},
		{"prefix=/,count=-1", sandbox.Fault{}, "negative"},
		{"prefix=/,delay=soon", sandbox.Fault{}, "duration"},
		{"prefix=/,colour=red", sandbox.Fault{}, "unknown key"},
		{"prefix", sandbox.Fault{}, "not key=value"},
	} {
		got, err := sandbox.ParseFault(tc.spec)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: error %v, want %q", tc.spec, err, tc.err)
		case tc.err == "" && (err != nil || !reflect.DeepEqual(got, tc.want)):
			t.Errorf("%q: got %+v %v, want %+v", tc.spec, got, err, tc.want)
		}
	}
}

func TestFaultControlEndpoint(t *testing.T) {
	sb, c := start(t, sandbox.Options{})
	u := sb.URL + "/sandbox/faults"

	resp, body := fetch(t, "POST", u, "application/json",
		`{"path_prefix":"/","kind":"status","status":503,"count":0,"retry_after":"2s"}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST: %d %s", resp.StatusCode, body)
	}
	// A fault on every path still leaves the controls working.
	resp, body = fetch(t, "GET", u, "", "")
	var list struct{ Faults []sandbox.Fault }
	if err := json.Unmarshal([]byte(body), &list); err != nil || resp.StatusCode != 200 || len(list.Faults) != 1 {
		t.Fatalf("GET: %d %s %v", resp.StatusCode, body, err)
	}
	if f := list.Faults[0]; f.Kind != sandbox.FaultStatus || f.Status != 503 || f.RetryAfter != 2*time.Second || f.Count != 0 {
		t.Fatalf("listed %+v", f)
	}
	if !strings.Contains(body, `"retry_after":"2s"`) {
		t.Errorf("durations should be written as strings: %s", body)
	}
	resp, _ = fetch(t, "GET", sb.URL+"/ocm/v1/alpha-names?country=KZ", "", "")
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "2" {
		t.Fatalf("faulty request: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}

	if resp, body := fetch(t, "DELETE", u, "", ""); resp.StatusCode != 200 || !strings.Contains(body, `"faults":[]`) {
		t.Fatalf("DELETE: %d %s", resp.StatusCode, body)
	}
	if _, err := c.OCM.ListAlphaNames(t.Context(), "KZ"); err != nil {
		t.Fatalf("after DELETE: %v", err)
	}

	if resp, body := fetch(t, "POST", u, "application/json", `{"path_prefix":"/","kind":"nope"}`); resp.StatusCode != 400 ||
		!strings.Contains(body, "invalid_fault") {
		t.Fatalf("bad fault: %d %s", resp.StatusCode, body)
	}

	// The Go helpers use the same endpoint.
	if err := sandbox.InjectFault(t.Context(), sb.URL, sandbox.Fault{PathPrefix: "/ocm/", Kind: sandbox.FaultMalformed, Count: 1}); err != nil {
		t.Fatal(err)
	}
	if f := sb.Server.Faults(); len(f) != 1 || f[0].Kind != sandbox.FaultMalformed {
		t.Fatalf("after InjectFault: %+v", f)
	}
	resp, body = fetch(t, "GET", sb.URL+"/ocm/v1/alpha-names?country=KZ", "", "")
	if resp.StatusCode != 200 || json.Valid([]byte(body)) {
		t.Fatalf("malformed: %d %q", resp.StatusCode, body)
	}
	if err := sandbox.InjectFault(t.Context(), sb.URL, sandbox.Fault{PathPrefix: "x"}); err == nil {
		t.Fatal("InjectFault accepted a bad fault")
	}
	if err := sandbox.ClearFaults(t.Context(), sb.URL); err != nil || len(sb.Server.Faults()) != 0 {
		t.Fatalf("ClearFaults: %v", err)
	}
}

func TestFaultMethodFilterAndOrder(t *testing.T) {
	sb, _ := start(t, sandbox.Options{})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(sb.Server.AddFault(sandbox.Fault{PathPrefix: "/ocm/", Method: "post", Status: 500, Count: 1}))
	must(sb.Server.AddFault(sandbox.Fault{PathPrefix: "/ocm/", Status: 502, Count: 1}))
	if resp, _ := fetch(t, "GET", sb.URL+"/ocm/v1/alpha-names?country=KZ", "", ""); resp.StatusCode != 502 {
		t.Fatalf("GET: %d, want 502 (the POST-only fault does not apply)", resp.StatusCode)
	}
	if resp, _ := fetch(t, "POST", sb.URL+"/ocm/v1/alpha-names", "application/json", `{}`); resp.StatusCode != 500 {
		t.Fatalf("POST: %d, want 500", resp.StatusCode)
	}
	if n := len(sb.Server.Faults()); n != 0 {
		t.Fatalf("%d faults left", n)
	}
}
