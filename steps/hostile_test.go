package steps

import (
	"errors"
	"strings"
	"testing"
	"time"

	"wizard/client"
	"wizard/store"
	"wizard/termsafe"
)

const hostile = "Acme\x1b]52;c;aGVsbG8=\x07\x1b[6n\u009b31m\x1b]8;;https://evil.example\x07x"

// Strings that came from a service or a saved session reach the screen with
// their control characters shown, never as escapes the terminal would obey.
func TestHostileStringsAreShownSafely(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	h := newSHHarness(t)
	h.sess.Account.Email = hostile
	h.sess.Company.CompanyName = hostile
	h.sess.Phone = store.Phone{E164: hostile, ID: "1"}
	h.sess.Signup = store.Signup{Event: "CANCEL", CancelStep: hostile, ErrorMessage: hostile}
	h.sess.Activation = store.Activation{StartedAt: now, Status: client.ActivationFailed, StatusText: hostile}
	h.sess.Profile = store.Profile{DisplayName: hostile, Website: hostile, Description: hostile}
	h.sess.Alpha = store.Alpha{Name: hostile}

	screens := map[string]string{}
	for _, id := range []ID{VerifyEmail, Signup, Activation, VerifyCode, AlphaName, Finished} {
		screens[string(id)] = New(id, h.env, h.sess).View(100)
	}
	dn := New(DisplayName, h.env, h.sess).(*displayName)
	dn.checking = true
	screens["display-name preview"] = dn.View(100)
	screens["summary"] = SummaryCard(h.env.Words, h.sess, 100)
	for _, err := range []error{
		&client.APIError{HTTPStatus: 400, Code: "x", Message: hostile},
		&client.APIError{HTTPStatus: 502, Message: hostile},
		&client.GraphError{Code: 999999, Message: hostile},
		errors.New(hostile),
	} {
		screens["explain "+err.Error()[:4]] = Explain(h.env.Words, err)
	}
	for name, s := range screens {
		if termsafe.HasControl(stripStyles(s)) {
			t.Errorf("%s: a control character reaches the terminal:\n%q", name, s)
		}
	}
	if !strings.Contains(screens["summary"], `\x1b]52`) {
		t.Errorf("the summary does not show the escape visibly:\n%s", screens["summary"])
	}
}

// stripStyles removes the SGR sequences the styles add (ESC [ … m) and the
// focus marks of InView (which the shell takes out before drawing), so that
// only what the data brought is left to check.
func stripStyles(s string) string {
	s = strings.NewReplacer(FocusOpen, "", FocusClose, "").Replace(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';' || s[j] == ':') {
				j++
			}
			if j < len(s) && s[j] == 'm' {
				i = j
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
