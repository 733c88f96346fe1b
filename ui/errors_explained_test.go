package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"wizard/client"
	"wizard/client/sandbox"
	"wizard/store"
)

// arm adds a fault to the world's sandbox over HTTP, as a trainer would.
func (w *world) arm(f sandbox.Fault) {
	w.t.Helper()
	if err := sandbox.InjectFault(context.Background(), w.sb.URL, f); err != nil {
		w.t.Fatal(err)
	}
}

// faultsLeft is how many faults are still armed.
func (w *world) faultsLeft() int { return len(w.sb.Server.Faults()) }

// mustNotShow fails if the screen holds any of texts.
func mustNotShow(h *harness, texts ...string) {
	h.t.Helper()
	for _, s := range texts {
		if strings.Contains(h.screen(), s) {
			h.t.Fatalf("the screen shows %q:\n%s", s, h.screen())
		}
	}
}

// A 503 with Retry-After from the provider or the OCM is an outage with a time
// to come back, not "Too many requests"; a 429 is.
func TestOutageWithRetryAfterIsNotARateLimit(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)

	w.arm(sandbox.Fault{PathPrefix: "/partner/v1/accounts", Method: "POST", Kind: sandbox.FaultStatus,
		Status: 503, RetryAfter: 30 * time.Second, Count: 1})
	acceptTermsAndFillAccount(h, testEmail)
	h.waitScreen("problem on its side")
	h.waitScreen("0:30")
	mustNotShow(h, "Too many requests")

	w.arm(sandbox.Fault{PathPrefix: "/partner/v1/accounts", Method: "POST", Kind: sandbox.FaultStatus,
		Status: 429, RetryAfter: 90 * time.Second, Count: 1})
	resubmit := func() { // the form is kept filled: through its three fields again
		for range 3 {
			h.key("enter")
		}
	}
	resubmit()
	h.waitScreen("Too many requests just now. Wait 1:30")

	resubmit()
	h.waitScreen("We sent a link to " + testEmail)
	w.clickVerifyLink()
	h.waitScreen("Type of organisation")
	h.key("enter")
	h.typeText("Anna Ivanova")
	h.key("enter")
	h.typeText("Acme Pharma")
	h.key("enter")
	h.waitScreen("Country of registration")
	h.key("enter")
	h.key("y")
	answerNumberQuestions(h, false, false, false)
	h.waitScreen("Waiting for the signup to finish in the browser")
	w.finishSignup(a, h, "FINISH")
	h.waitScreen("Step 7 of 12")
	upToCode(w, h)
	requestAndEnterCode(w, a, h)
	h.waitScreen("Set the two-step verification PIN")
	h.typeText(testPIN)
	h.key("enter")
	h.typeText(testPIN)
	h.key("enter")
	h.waitScreen("Your Alpha Name code:")
	h.key("enter")
	h.waitScreen("Add & Edit Alpha Names for Campaigns")
	h.waitScreen("Press Enter to save") // Meta's review of the name is read first

	w.arm(sandbox.Fault{PathPrefix: "/ocm/", Method: "POST", Kind: sandbox.FaultStatus,
		Status: 503, RetryAfter: 45 * time.Second, Count: 1})
	h.key("enter")
	h.waitScreen("problem on its side")
	h.waitScreen("0:45")
	mustNotShow(h, "Too many requests")
}

// A 200 answer that is not JSON reached the service: the screen says the
// answer could not be read and that support should look at the provider, not
// at the connection.
func TestUnreadableAnswerBlamesTheServiceNotTheConnection(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	_, h := w.app(store.Session{ID: store.NewID()}, false)
	// Every e-mail check (a read, tried three times each) gets garbage until cleared.
	w.arm(sandbox.Fault{PathPrefix: "/partner/v1/accounts/", Method: "GET", Kind: sandbox.FaultMalformed})
	acceptTermsAndFillAccount(h, testEmail)
	h.waitScreen("The answer from the provider could not be read")
	for _, s := range []string{"connection and VPN are fine", "ask support to look at the provider"} {
		if !strings.Contains(strings.Join(strings.Fields(h.screen()), " "), s) {
			t.Fatalf("the screen does not say %q:\n%s", s, h.screen())
		}
	}
	mustNotShow(h, "Could not reach", "check your connection", "Check your connection")

	if err := sandbox.ClearFaults(context.Background(), w.sb.URL); err != nil {
		t.Fatal(err)
	}
	w.clickVerifyLink()
	h.waitScreen("Type of organisation")
}

// The client tries a read again by itself: while it does, the screen says so,
// attempt by attempt, and the armed faults are used up in plain sight.
func TestReadRetriesAreShownWhileTheyHappen(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	_, h := w.app(store.Session{ID: store.NewID()}, false)
	// Two failures of the e-mail check, each with Retry-After: 1: the third attempt answers.
	w.arm(sandbox.Fault{PathPrefix: "/partner/v1/accounts/", Method: "GET", Kind: sandbox.FaultStatus, Status: 503, Count: 2})
	acceptTermsAndFillAccount(h, testEmail)
	h.waitScreen("trying again (2 of 3): the service answered HTTP 503")
	if !strings.Contains(h.screen(), "Waiting for the confirmation") && !strings.Contains(h.screen(), "We sent a link") {
		t.Fatalf("the retry is not shown with the step's wait:\n%s", h.screen())
	}
	h.waitScreen("trying again (3 of 3): the service answered HTTP 503")
	// The third attempt gets an answer: the line goes, no error is left.
	h.pump("the retry line to go", 10*time.Second, func() bool { return !strings.Contains(h.screen(), "trying again") })
	mustNotShow(h, "problem on its side")
	if n := w.faultsLeft(); n != 0 {
		t.Errorf("%d faults left, want both used up", n)
	}
	w.clickVerifyLink()
	h.waitScreen("Type of organisation")
}

// A code request that fails for an outage sent no code: the screen asks how
// to send one, not for a "new" one, and does not push a voice call; asking
// again the same way works.
func TestCodeRequestOutageKeepsTheScreenHonest(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	firstHalf(w, a, h)
	upToCode(w, h)

	w.arm(sandbox.Fault{PathPrefix: "/graph/", Method: "POST", Kind: sandbox.FaultStatus, Status: 503, Count: 1})
	h.key("s")
	h.waitScreen("Meta's service is temporarily unavailable")
	h.waitScreen("No code was sent")
	if !strings.Contains(h.screen(), "How should Meta send the verification code?") {
		t.Fatalf("the title does not ask how to send the code:\n%s", h.screen())
	}
	mustNotShow(h, "Request a new code", "Try the other way", "resend")

	requestAndEnterCode(w, a, h) // by SMS again
	h.waitScreen("Set the two-step verification PIN")
	if got := a.Session().Code.Method; got != "SMS" {
		t.Errorf("method %q, want SMS", got)
	}
}

// Meta's codes a wizard meets get their own sentence on screen.
func TestMoreMetaCodesAreExplained(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	toPIN(w, a, h)

	for _, c := range []struct {
		code, status int
		says         string
	}{
		{10, 403, "lacks a permission for this number or account"},
		{200, 403, "permission for this WhatsApp Business account is missing"},
		{80008, 400, "Too many calls to this WhatsApp Business account"},
		{368, 403, "temporarily blocked this WhatsApp Business account"},
		{131031, 403, "Meta has locked this WhatsApp Business account"},
	} {
		w.arm(sandbox.Fault{PathPrefix: "/graph/", Method: "POST", Kind: sandbox.FaultStatus, Status: c.status, Code: c.code, Count: 1})
		h.typeText(testPIN)
		h.key("enter")
		h.typeText(testPIN)
		h.key("enter")
		h.waitScreen(c.says)
		if !strings.Contains(h.screen(), "Repeat the PIN") {
			t.Fatalf("%d: the PIN form is gone:\n%s", c.code, h.screen())
		}
	}
}

// subcodes sits between the wizard and the sandbox and adds Meta's
// error_subcode (and, if set, error_user_msg) to the Meta errors the
// sandbox's armed faults answer, as the provider passes them on: the
// sandbox's faults carry a code but no subcode, and Meta sends both for the
// Embedded Signup errors.
type subcodes struct {
	mu      sync.Mutex
	subcode int
	userMsg string
}

func (s *subcodes) set(subcode int, userMsg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subcode, s.userMsg = subcode, userMsg
}

func (s *subcodes) modify(resp *http.Response) error {
	if resp.StatusCode < 400 {
		return nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	var env map[string]map[string]any
	s.mu.Lock()
	sub, msg := s.subcode, s.userMsg
	s.mu.Unlock()
	if bytes.Contains(body, []byte("injected by the sandbox")) && json.Unmarshal(body, &env) == nil && env["error"] != nil {
		if sub != 0 {
			env["error"]["error_subcode"] = sub
		}
		if msg != "" {
			env["error"]["error_user_msg"] = msg
		}
		body, _ = json.Marshal(env)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}

// withSubcodes points the world's clients at a proxy in front of its sandbox.
func (w *world) withSubcodes() *subcodes {
	target, err := url.Parse(w.sb.URL)
	if err != nil {
		w.t.Fatal(err)
	}
	s := &subcodes{}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = s.modify
	srv := httptest.NewServer(proxy)
	w.t.Cleanup(srv.Close)
	cfg := client.SandboxConfig(srv.URL)
	w.env.Clients = client.New(cfg)
	return s
}

// The Embedded Signup subcodes, and Meta's "account too new", are explained
// by what they mean, not by the code they came with.
func TestSignupSubcodesAreExplained(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sub := w.withSubcodes()
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	firstHalf(w, a, h)
	upToCode(w, h)

	for _, c := range []struct {
		code, subcode int
		userMsg       string
		says          string
	}{
		{100, 3441030, "", "already in use on WhatsApp"},
		{136024, 2494158, "", "requested for this number too many times"},
		{100, 1690114, "", "limit on business portfolios or WhatsApp Business accounts"},
		{100, 2494067, "", "limit on WhatsApp Business accounts or their numbers"},
		{100, 2388098, "", "The business is not verified"},
		{100, 2388091, "", "Meta would not take this number just now"},
		{100, 2388093, "", "would not accept this number for this account"},
		{1, 0, "Your Facebook account is too new to create a business account. Try again in an hour.", "too new to create a business account"},
	} {
		sub.set(c.subcode, c.userMsg)
		w.arm(sandbox.Fault{PathPrefix: "/graph/", Method: "POST", Kind: sandbox.FaultStatus, Status: 400, Code: c.code, Count: 1})
		h.key("s")
		h.waitScreen(c.says)
		if c.subcode != 0 && !strings.Contains(h.screen(), "subcode "+strconv.Itoa(c.subcode)) {
			t.Errorf("%d: the subcode is not shown for support:\n%s", c.subcode, h.screen())
		}
		mustNotShow(h, "did not accept a value") // code 100's own sentence
		if c.subcode == 2494158 {
			mustNotShow(h, "Try the other way") // too many requests: no method helps
		}
	}
}
