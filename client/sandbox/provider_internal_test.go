package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wizard/client"
)

// finish starts a signup on s and posts FINISH to it over HTTP with the
// given Host header: what reaches the provider half from a browser.
func finish(t *testing.T, base string, s *Server, host string) *signup {
	t.Helper()
	id := prefixedID("su")
	su := &signup{result: client.SignupResult{ID: id, Status: client.SignupPending}, mode: ModeNew}
	s.mu.Lock()
	s.signups[id] = su
	s.mu.Unlock()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/signup/"+id+"/result", strings.NewReader(`{"event":"FINISH"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return su
}

// The business token stays with the provider: the signup's answers never
// carry it, and the code it came from cannot be exchanged twice.
func TestBusinessTokenStaysWithTheProvider(t *testing.T) {
	s := New(Options{})
	ts := httptest.NewServer(s)
	defer ts.Close()
	su := finish(t, ts.URL, s, "")
	s.mu.Lock()
	tok, code, stage := su.token, su.code, su.result.Stage
	used := s.oauthCodes[code].used
	s.mu.Unlock()
	if stage != client.StageReady || !strings.HasPrefix(tok, "EAAB") || !used {
		t.Fatalf("stage %q, token %q, code used %v", stage, tok, used)
	}
	resp, err := http.Get(ts.URL + "/partner/v1/signups/" + su.result.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(b), tok) || strings.Contains(string(b), code) {
		t.Fatalf("the signup's answer shows the token or the code: %s", b)
	}
	o, _ := json.Marshal(s.Outbox())
	if strings.Contains(string(o), tok) {
		t.Fatal("the outbox shows the business token")
	}
	// The code again: Meta refuses it.
	resp, err = http.Get(ts.URL + "/graph/v21.0/oauth/access_token?client_id=" + sandboxAppID + "&client_secret=" + sandboxAppSecret + "&code=" + code)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "has been used") {
		t.Fatalf("second exchange: HTTP %d %s", resp.StatusCode, b)
	}
}

// The provider half calls the address the request arrived at, never the Host
// header a client sent: a forged Host sends the business token nowhere.
func TestProviderIgnoresTheHostHeader(t *testing.T) {
	s := New(Options{})
	ts := httptest.NewServer(s)
	defer ts.Close()
	su := finish(t, ts.URL, s, "attacker.example:80")
	s.mu.Lock()
	defer s.mu.Unlock()
	if su.result.Stage != client.StageReady {
		t.Fatalf("stage %q: %s", su.result.Stage, su.result.Reason)
	}
}

// Served without a listener (ServeHTTP in process), the provider cannot call
// its graph half: the signup waits in code_received and says why.
func TestProviderWithoutAnAddress(t *testing.T) {
	s := New(Options{})
	id := prefixedID("su")
	su := &signup{result: client.SignupResult{ID: id, Status: client.SignupPending}, mode: ModeNew}
	s.signups[id] = su
	req := httptest.NewRequest(http.MethodPost, "/signup/"+id+"/result", strings.NewReader(`{"event":"FINISH"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || su.result.Status != client.SignupFinished || su.result.Stage != client.StageCodeReceived ||
		!strings.Contains(su.result.Reason, "own address") {
		t.Fatalf("HTTP %d, %+v", rec.Code, su.result)
	}
}

// Meta's error reaches the wizard byte for byte, with Meta's status and
// Retry-After; what is not Meta's envelope becomes the provider's 502.
func TestPassGraphKeepsMetasAnswer(t *testing.T) {
	body := []byte(`{"error":{"message":"(#100) Unsupported post request.","type":"OAuthException","code":100,` +
		`"error_subcode":33,"error_user_title":"T","error_user_msg":"M","error_data":{"messaging_product":"whatsapp",` +
		`"details":"d"},"fbtrace_id":"AbC","is_transient":false}}`)
	for _, g := range []graphReply{
		{status: 400, header: http.Header{}, body: body},
		{status: 503, header: http.Header{"Retry-After": {"7"}}, body: body},
		{status: 400, header: http.Header{}, body: []byte(`{"errors":[{"code":1005,"title":"Access denied","details":"x"}]}`)},
	} {
		rec := httptest.NewRecorder()
		passGraph(rec, g)
		if rec.Code != g.status || rec.Body.String() != string(g.body) || rec.Header().Get("Retry-After") != g.header.Get("Retry-After") {
			t.Errorf("HTTP %d %q Retry-After %q", rec.Code, rec.Body, rec.Header().Get("Retry-After"))
		}
	}
	for _, b := range []string{`{"id":"10654`, `<html>Bad gateway</html>`, `{"error":{"code":"weak_password"}}`} {
		rec := httptest.NewRecorder()
		passGraph(rec, graphReply{status: 500, header: http.Header{}, body: []byte(b)})
		if rec.Code != http.StatusBadGateway || !strings.Contains(rec.Body.String(), `"graph_unexpected"`) {
			t.Errorf("%s: HTTP %d %s", b, rec.Code, rec.Body)
		}
	}
}
