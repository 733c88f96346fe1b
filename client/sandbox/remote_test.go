package sandbox_test

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"wizard/client"
	"wizard/client/sandbox"
)

// do sends one request with an optional bearer token and returns its status,
// body and WWW-Authenticate header.
func do(t *testing.T, method, u, bearer, body string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("WWW-Authenticate")
}

func TestStartRefusesOffLoopbackWithoutAllowRemote(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "10.255.255.1:0", "192.0.2.7:8790"} {
		r, err := sandbox.Start(addr, sandbox.Options{})
		if err == nil {
			_ = r.Close()
			t.Errorf("Start(%q) listens on %s without AllowRemote", addr, r.ListenAddr())
			continue
		}
		if !errors.Is(err, sandbox.ErrNotLoopback) || !strings.Contains(err.Error(), addr) {
			t.Errorf("Start(%q): %v, want ErrNotLoopback naming the address", addr, err)
		}
	}
	// Refused before anything listens: the port is still free.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	_ = ln.Close()
	if _, err := sandbox.Start("0.0.0.0:"+port, sandbox.Options{}); !errors.Is(err, sandbox.ErrNotLoopback) {
		t.Fatalf("0.0.0.0:%s: %v", port, err)
	}
	if ln, err := net.Listen("tcp", "127.0.0.1:"+port); err != nil {
		t.Errorf("the refused port is taken: %v", err)
	} else {
		_ = ln.Close()
	}
}

func TestLoopbackSandboxIsOpenAsBefore(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "localhost:0"} {
		sb, err := sandbox.Start(addr, sandbox.Options{})
		if err != nil {
			t.Fatalf("Start(%q): %v", addr, err)
		}
		t.Cleanup(func() { _ = sb.Close() })
		host, port, _ := net.SplitHostPort(sb.ListenAddr())
		if sb.Exposed() || sb.EveryInterface() || sb.Token() != "" || !net.ParseIP(host).IsLoopback() ||
			sb.URL != "http://"+net.JoinHostPort(host, port) {
			t.Errorf("%s: listen %s URL %s exposed %v token %q", addr, sb.ListenAddr(), sb.URL, sb.Exposed(), sb.Token())
		}
		for _, p := range []string{"/sandbox/outbox.json", "/sandbox/", "/sandbox/faults"} {
			if status, body, _ := do(t, "GET", sb.URL+p, "", ""); status != http.StatusOK {
				t.Errorf("%s GET %s without a token: %d %s", addr, p, status, body)
			}
		}
		if status, body, _ := do(t, "POST", sb.URL+"/sandbox/faults", "", `{"path_prefix":"/ocm/","count":1}`); status != http.StatusCreated {
			t.Errorf("%s POST faults without a token: %d %s", addr, status, body)
		}
	}
}

func TestRemoteSandboxNeedsTheToken(t *testing.T) {
	sb, err := sandbox.Start("0.0.0.0:0", sandbox.Options{AllowRemote: true, AutoVerifyEmail: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	_, port, _ := net.SplitHostPort(sb.ListenAddr())
	// Go listens on both IPv4 and IPv6 for 0.0.0.0, and says so: [::]:PORT.
	if la := sb.ListenAddr(); !sb.Exposed() || !sb.EveryInterface() || (la != "0.0.0.0:"+port && la != "[::]:"+port) ||
		sb.URL != "http://127.0.0.1:"+port {
		t.Fatalf("listen %s exposed %v URL %s", sb.ListenAddr(), sb.Exposed(), sb.URL)
	}
	tok := sb.Token()
	if len(tok) < 20 {
		t.Fatalf("token %q: too short to guess-proof", tok)
	}

	// The services themselves need no token: a wizard on another computer works.
	c := client.New(client.SandboxConfig(sb.URL))
	if _, err := c.Partner.CreateAccount(t.Context(), "remote@example.kz", "Str0ng!pass"); err != nil {
		t.Fatal(err)
	}

	// Without the right token: 401, in the error shape (JSON) or as a page.
	for _, tc := range []struct{ method, path, bearer string }{
		{"GET", "/sandbox/outbox.json", ""},
		{"GET", "/sandbox/outbox.json", "wrong"},
		{"GET", "/sandbox/outbox.json?token=wrong", ""},
		{"GET", "/sandbox/faults", ""},
		{"POST", "/sandbox/faults?token=" + tok, ""}, // a change needs the header
		{"POST", "/sandbox/faults", tok[:len(tok)-1]},
		{"DELETE", "/sandbox/faults", ""},
	} {
		body := ""
		if tc.method == "POST" {
			body = `{"path_prefix":"/","kind":"status","status":503}`
		}
		status, got, auth := do(t, tc.method, sb.URL+tc.path, tc.bearer, body)
		var e struct{ Error struct{ Code string } }
		if status != http.StatusUnauthorized || !strings.HasPrefix(auth, "Bearer") ||
			json.Unmarshal([]byte(got), &e) != nil || e.Error.Code != "unauthorized" {
			t.Errorf("%s %s (bearer %q): %d %q %s", tc.method, tc.path, tc.bearer, status, auth, got)
		}
		if strings.Contains(got, "remote@example.kz") || strings.Contains(got, tok) {
			t.Errorf("%s %s: the refusal shows the outbox or the token: %s", tc.method, tc.path, got)
		}
	}
	if f := sb.Server.Faults(); len(f) != 0 {
		t.Fatalf("a refused request added faults: %+v", f)
	}
	for _, p := range []string{"/sandbox/", "/sandbox", "/sandbox/?token=nope"} {
		if status, page, _ := do(t, "GET", sb.URL+p, "", ""); status != http.StatusUnauthorized ||
			!strings.Contains(page, "token") || strings.Contains(page, "remote@example.kz") {
			t.Errorf("GET %s: %d %s", p, status, page)
		}
	}

	// With it: as on loopback.
	if status, body, _ := do(t, "GET", sb.URL+"/sandbox/outbox.json", tok, ""); status != 200 || !strings.Contains(body, "remote@example.kz") {
		t.Errorf("outbox.json with the token: %d %s", status, body)
	}
	if status, page, _ := do(t, "GET", sb.URL+"/sandbox/?token="+tok, "", ""); status != 200 || !strings.Contains(page, "remote@example.kz") {
		t.Errorf("page with ?token=: %d", status)
	}
	if status, body, _ := do(t, "POST", sb.URL+"/sandbox/faults", tok, `{"path_prefix":"/ocm/","count":1}`); status != http.StatusCreated {
		t.Errorf("POST faults with the token: %d %s", status, body)
	}
	if status, body, _ := do(t, "GET", sb.URL+"/sandbox/faults?token="+tok, "", ""); status != 200 || !strings.Contains(body, "/ocm/") {
		t.Errorf("GET faults with ?token=: %d %s", status, body)
	}
	if status, _, _ := do(t, "DELETE", sb.URL+"/sandbox/faults", tok, ""); status != 200 || len(sb.Server.Faults()) != 0 {
		t.Errorf("DELETE faults with the token: %d", status)
	}

	// The trainer's hints read the outbox with the token, and only with it.
	waba := sb.Server.WABAIDs()[0]
	id := graphAddNumber(t, sb, waba, "7", "7017654321", "Acme")
	graphMust(t, sb, "POST", "/"+id+"/request_code", `{"code_method":"SMS","language":"en_US"}`)
	if code, err := (sandbox.Hints{BaseURL: sb.URL, Token: tok}).LatestCode(t.Context(), id); err != nil || len(code) != 6 {
		t.Errorf("hints with the token: %q %v", code, err)
	}
	if _, err := (sandbox.Hints{BaseURL: sb.URL}).LatestCode(t.Context(), id); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("hints without the token: %v", err)
	}
}

func TestGivenTokenIsUsed(t *testing.T) {
	sb, err := sandbox.Start("127.0.0.1:0", sandbox.Options{Token: "classroom-7"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	if sb.Token() != "classroom-7" {
		t.Fatalf("token %q", sb.Token())
	}
	if status, _, _ := do(t, "GET", sb.URL+"/sandbox/outbox.json", "", ""); status != http.StatusUnauthorized {
		t.Errorf("a given token is not required: %d", status)
	}
	if status, _, _ := do(t, "GET", sb.URL+"/sandbox/outbox.json", "classroom-7", ""); status != 200 {
		t.Errorf("with the given token: %d", status)
	}
}
