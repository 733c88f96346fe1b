package client_test

// Each kind of service fault, injected by the sandbox over real HTTP, must end
// as the right typed error; GETs are retried (a bounded number of times) and
// POSTs never are.

import (
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"wizard/client"
	"wizard/client/sandbox"
)

// faulty starts a sandbox with the given faults and clients with a short timeout.
func faulty(t *testing.T, opts sandbox.Options, faults ...sandbox.Fault) (*sandbox.Running, *client.Clients) {
	t.Helper()
	sb, _ := startSandbox(t, opts)
	for _, f := range faults {
		if err := sb.Server.AddFault(f); err != nil {
			t.Fatal(err)
		}
	}
	cfg := contractConfig(t, sb)
	cfg.Timeout = 150 * time.Millisecond
	return sb, client.New(cfg)
}

// left is how many more requests the sandbox's first fault will spoil.
func left(sb *sandbox.Running) int {
	if f := sb.Server.Faults(); len(f) > 0 {
		return f[0].Count
	}
	return 0
}

const ocm = "/ocm/"

func TestFaultTimeoutViaLatency(t *testing.T) {
	_, c := faulty(t, sandbox.Options{Latency: time.Second})
	start := time.Now()
	_, err := c.OCM.ListAlphaNames(t.Context(), "KZ")
	ne, ok := errors.AsType[*client.NetError](err)
	if !ok || !ne.Timeout || !client.IsRetryable(err) {
		t.Fatalf("want a timeout NetError, got %#v", err)
	}
	// Three attempts of 150ms with 100ms and 200ms between them; never the full second.
	if took := time.Since(start); took < 700*time.Millisecond || took > 2*time.Second {
		t.Errorf("gave up after %v", took)
	}
}

func TestFaultTimeout(t *testing.T) {
	sb, c := faulty(t, sandbox.Options{}, sandbox.Fault{PathPrefix: ocm, Kind: sandbox.FaultTimeout, Delay: 5 * time.Second, Count: 5})
	_, err := c.OCM.ListAlphaNames(t.Context(), "KZ")
	if ne, ok := errors.AsType[*client.NetError](err); !ok || !ne.Timeout {
		t.Fatalf("GET: want a timeout NetError, got %#v", err)
	}
	if n := left(sb); n != 2 {
		t.Errorf("GET: %d faults left, want 2 (three attempts)", n)
	}
	_, _, err = c.OCM.SaveAlphaName(t.Context(), "Acme", "KZ")
	if ne, ok := errors.AsType[*client.NetError](err); !ok || !ne.Timeout || ne.Op != http.MethodPost {
		t.Fatalf("POST: want a timeout NetError, got %#v", err)
	}
	if n := left(sb); n != 1 {
		t.Errorf("POST: %d faults left, want 1 (sent once)", n)
	}
}

func TestFaultConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	c := client.New(client.SandboxConfig(addr))
	start := time.Now()
	_, err = c.OCM.ListAlphaNames(t.Context(), "KZ")
	ne, ok := errors.AsType[*client.NetError](err)
	if !ok || ne.Timeout || ne.Malformed || !client.IsRetryable(err) {
		t.Fatalf("GET: want a NetError, got %#v", err)
	}
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("GET gave up after %v: not retried with backoff", took)
	}
	start = time.Now()
	if _, _, err := c.OCM.SaveAlphaName(t.Context(), "Acme", "KZ"); !isNetError(err) {
		t.Fatalf("POST: want a NetError, got %#v", err)
	}
	if took := time.Since(start); took > 100*time.Millisecond {
		t.Errorf("POST took %v: retried?", took)
	}
}

func TestFaultConnectionReset(t *testing.T) {
	sb, c := faulty(t, sandbox.Options{}, sandbox.Fault{PathPrefix: ocm, Kind: sandbox.FaultReset, Count: 10})
	_, err := c.OCM.ListAlphaNames(t.Context(), "KZ")
	if ne, ok := errors.AsType[*client.NetError](err); !ok || ne.Timeout || !client.IsRetryable(err) {
		t.Fatalf("GET: want a NetError, got %#v", err)
	}
	// Go's transport may itself replay a GET once on a connection closed
	// before any answer; the wizard's own retries make at least three.
	if n := left(sb); n > 7 {
		t.Errorf("GET: %d faults left, want at most 7", n)
	}
	before := left(sb)
	if _, _, err := c.OCM.SaveAlphaName(t.Context(), "Acme", "KZ"); !isNetError(err) {
		t.Fatalf("POST: want a NetError, got %#v", err)
	}
	if n := left(sb); n != before-1 {
		t.Errorf("POST: %d faults left, want %d (sent once)", n, before-1)
	}
}

func TestFault5xx(t *testing.T) {
	sb, c := faulty(t, sandbox.Options{}, sandbox.Fault{PathPrefix: ocm, Kind: sandbox.FaultStatus, Status: 500, Count: 2})
	if _, err := c.OCM.ListAlphaNames(t.Context(), "KZ"); err != nil {
		t.Fatalf("GET should get through on the third attempt: %v", err)
	}
	if n := len(sb.Server.Faults()); n != 0 {
		t.Fatalf("%d faults left", n)
	}

	sb.Server.FailNext(ocm, http.StatusBadGateway, 2)
	_, _, err := c.OCM.SaveAlphaName(t.Context(), "Acme", "KZ")
	ae, ok := errors.AsType[*client.APIError](err)
	if !ok || ae.HTTPStatus != 502 || ae.Code != "internal" || !client.IsRetryable(err) {
		t.Fatalf("POST: want APIError 502, got %#v", err)
	}
	if n := left(sb); n != 1 {
		t.Errorf("POST: %d faults left, want 1 (sent once)", n)
	}

	sb.Server.ClearFaults()
	su := finishedSignup(t, sb, c, "faults@example.kz").ID
	sb.Server.FailNext("/graph/", http.StatusServiceUnavailable, 1)
	_, err = c.Partner.AddNumber(t.Context(), su, client.NewNumber{CC: "7", PhoneNumber: "7011230000", VerifiedName: "Acme"})
	ge, ok := errors.AsType[*client.GraphError](err)
	if !ok || ge.HTTPStatus != 503 || ge.Code != 133004 || ge.RetryAfter != time.Second || !client.IsRetryable(err) {
		t.Fatalf("Meta's 503 through the provider: want GraphError 503 with Retry-After, got %#v", err)
	}
}

func TestFault429RetryAfter(t *testing.T) {
	sb, c := faulty(t, sandbox.Options{}, sandbox.Fault{PathPrefix: ocm, Status: 429, RetryAfter: time.Second, Count: 1})
	start := time.Now()
	if _, err := c.OCM.ListAlphaNames(t.Context(), "KZ"); err != nil {
		t.Fatalf("GET should get through after waiting: %v", err)
	}
	if took := time.Since(start); took < time.Second {
		t.Errorf("retried after %v, before the 1s Retry-After", took)
	}

	// Longer than the wizard waits by itself: no retry, the wait is in the error.
	if err := sb.Server.AddFault(sandbox.Fault{PathPrefix: ocm, Status: 429, RetryAfter: 30 * time.Second, Count: 2}); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	_, err := c.OCM.ListAlphaNames(t.Context(), "KZ")
	ae, ok := errors.AsType[*client.APIError](err)
	if !ok || ae.HTTPStatus != 429 || ae.Code != "rate_limited" || client.RetryAfter(err) != 30*time.Second {
		t.Fatalf("want APIError 429 with RetryAfter 30s, got %#v", err)
	}
	if took := time.Since(start); took > 500*time.Millisecond || left(sb) != 1 {
		t.Errorf("took %v with %d faults left: retried against Retry-After", took, left(sb))
	}

	sb.Server.ClearFaults()
	su := finishedSignup(t, sb, c, "faults429@example.kz").ID
	sb.Server.FailNext("/graph/", http.StatusTooManyRequests, 1)
	_, err = c.Partner.AddNumber(t.Context(), su, client.NewNumber{CC: "7", PhoneNumber: "7011230000", VerifiedName: "Acme"})
	ge, ok := errors.AsType[*client.GraphError](err)
	if !ok || ge.HTTPStatus != 429 || ge.Code != 4 || client.RetryAfter(err) != time.Second || !client.IsRetryable(err) {
		t.Fatalf("Meta's 429 through the provider: want GraphError 429 code 4, got %#v", err)
	}
}

func TestFaultMalformedJSON(t *testing.T) {
	sb, c := faulty(t, sandbox.Options{}, sandbox.Fault{PathPrefix: ocm, Kind: sandbox.FaultMalformed, Count: 1})
	if _, err := c.OCM.ListAlphaNames(t.Context(), "KZ"); err != nil {
		t.Fatalf("GET should get through on the second attempt: %v", err)
	}
	if err := sb.Server.AddFault(sandbox.Fault{PathPrefix: ocm, Kind: sandbox.FaultMalformed, Count: 4}); err != nil {
		t.Fatal(err)
	}
	_, err := c.OCM.ListAlphaNames(t.Context(), "KZ")
	ne, ok := errors.AsType[*client.NetError](err)
	if !ok || !ne.Malformed || ne.Timeout || !client.IsRetryable(err) {
		t.Fatalf("GET: want a malformed NetError, got %#v", err)
	}
	if n := left(sb); n != 1 {
		t.Errorf("GET: %d faults left, want 1 (three attempts)", n)
	}
	_, _, err = c.OCM.SaveAlphaName(t.Context(), "Acme", "KZ")
	if ne, ok := errors.AsType[*client.NetError](err); !ok || !ne.Malformed || ne.Op != http.MethodPost {
		t.Fatalf("POST: want a malformed NetError, got %#v", err)
	}
	if n := len(sb.Server.Faults()); n != 0 {
		t.Errorf("POST: %d faults left, want 0", n)
	}
}

func isNetError(err error) bool {
	_, ok := errors.AsType[*client.NetError](err)
	return ok
}
