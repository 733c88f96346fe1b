package sandbox

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wizard/client"
)

// Even a signup whose callback somehow is not loopback (the start refuses
// those) gets the plain "return to the terminal" page, never a redirect.
func TestSignupResultNeverRedirectsOffLoopback(t *testing.T) {
	s := New(Options{})
	for _, cb := range []string{"https://evil.example/cb", "http://10.1.2.3/cb", "://"} {
		id := prefixedID("su")
		s.mu.Lock()
		s.signups[id] = &signup{result: client.SignupResult{ID: id, Status: client.SignupPending}, mode: ModeNew, callbackURL: cb, state: "st"}
		s.mu.Unlock()
		req := httptest.NewRequest("POST", "/signup/"+id+"/result", strings.NewReader("event=CANCEL"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || rec.Header().Get("Location") != "" || !strings.Contains(rec.Body.String(), "return to the terminal") {
			t.Errorf("%s: HTTP %d, Location %q", cb, rec.Code, rec.Header().Get("Location"))
		}
	}
}
