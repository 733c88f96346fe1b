package client_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"wizard/client"
	"wizard/client/sandbox"
)

// clock is a settable clock for the sandbox.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// startSandbox runs a sandbox on a loopback port for the test and returns it
// with clients configured for it, whose partner exchanges are checked against
// the OpenAPI document.
func startSandbox(t *testing.T, opts sandbox.Options) (*sandbox.Running, *client.Clients) {
	t.Helper()
	sb, err := sandbox.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	return sb, client.New(contractConfig(t, sb))
}

// contractConfig is the sandbox's client configuration with every partner
// exchange checked against the OpenAPI document (openapi_test.go).
func contractConfig(t testing.TB, sb *sandbox.Running) client.Config {
	cfg := client.SandboxConfig(sb.URL)
	cfg.HTTPClient = contractClient(t)
	return cfg
}

// noRedirect is an HTTP client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

const strongPassword = "Str0ng!pass"

// graphOf is a client of the sandbox's Graph half, as the provider half calls
// it: for tests that look at what Meta holds (the wizard itself never calls it).
func graphOf(sb *sandbox.Running) *client.Graph {
	return client.NewGraph(sb.URL+"/graph/"+sandbox.GraphVersion, "sandbox", nil)
}
