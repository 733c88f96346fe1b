package steps

import (
	"errors"
	"strings"
	"testing"
	"time"

	"wizard/assets"
	"wizard/client"
	"wizard/client/sandbox"
)

// Each error says what it is: a rate limit only when it is one, an
// unreadable answer as the service's fault (not the connection's), and Meta's
// codes and signup subcodes with their own sentence.
func TestExplainSaysWhatHappened(t *testing.T) {
	w := assets.NewWords("en")
	for _, c := range []struct {
		name    string
		err     error
		says    []string
		mustNot []string
	}{
		{"partner 503 with Retry-After", &client.APIError{HTTPStatus: 503, Code: "unavailable", Message: "down", RetryAfter: 30 * time.Second},
			[]string{"problem on its side", "0:30"}, []string{"Too many requests"}},
		{"ocm 500 with Retry-After", &client.APIError{HTTPStatus: 500, Code: "internal", Message: "oops", RetryAfter: time.Second},
			[]string{"problem on its side"}, []string{"Too many requests"}},
		{"429 with Retry-After", &client.APIError{HTTPStatus: 429, Code: "rate_limited", RetryAfter: 90 * time.Second},
			[]string{"Too many requests", "1:30"}, nil},
		{"429 without Retry-After", &client.APIError{HTTPStatus: 429, Code: "rate_limited"},
			[]string{"Too many requests", "Wait a minute"}, []string{"0:00"}},
		{"partner answer not JSON", &client.NetError{Op: "GET", Service: client.ServicePartner, Malformed: true, Err: errors.New("unexpected EOF")},
			[]string{"could not be read", "connection and VPN are fine", "ask support to look at the provider"}, []string{"Could not reach"}},
		{"ocm answer not JSON", &client.NetError{Op: "GET", Service: client.ServiceOCM, Malformed: true, Err: errors.New("unexpected EOF")},
			[]string{"ask support to look at the campaign database (OCM)"}, []string{"Could not reach"}},
		{"refused connection", &client.NetError{Op: "GET", Err: errors.New("connection refused")},
			[]string{"Could not reach the service"}, nil},
		{"graph 10", &client.GraphError{Code: 10}, []string{"lacks a permission"}, nil},
		{"graph 200", &client.GraphError{Code: 200}, []string{"permission for this WhatsApp Business account is missing"}, nil},
		{"graph 294 is a permission too", &client.GraphError{Code: 294}, []string{"permission for this WhatsApp Business account is missing"}, nil},
		{"graph 80008", &client.GraphError{Code: 80008}, []string{"Too many calls to this WhatsApp Business account"}, nil},
		{"graph 368", &client.GraphError{Code: 368}, []string{"temporarily blocked", "policy"}, nil},
		{"graph 131031", &client.GraphError{Code: 131031}, []string{"locked", "two-step PIN"}, nil},
		{"subcode 3441030", &client.GraphError{Code: 100, Subcode: 3441030}, []string{"already in use on WhatsApp", "about 3 minutes", "use another number", "subcode 3441030"}, []string{"did not accept a value"}},
		{"subcode 2494158", &client.GraphError{Code: 136024, Subcode: 2494158}, []string{"requested for this number too many times"}, []string{"other way"}},
		{"subcode 1690114", &client.GraphError{Code: 100, Subcode: 1690114}, []string{"business portfolios or WhatsApp Business accounts"}, nil},
		{"subcode 2494067", &client.GraphError{Code: 100, Subcode: 2494067}, []string{"WhatsApp Business accounts or their numbers"}, nil},
		{"subcode 2388098", &client.GraphError{Code: 100, Subcode: 2388098}, []string{"not verified", "business verification"}, nil},
		{"subcode 2388091", &client.GraphError{Code: 100, Subcode: 2388091}, []string{"would not take this number", "wait an hour"}, nil},
		{"subcode 2388093", &client.GraphError{Code: 100, Subcode: 2388093}, []string{"would not accept this number for this account"}, nil},
		{"unknown subcode falls back to the code", &client.GraphError{Code: 100, Subcode: 33}, []string{"did not accept a value", "subcode 33"}, nil},
		{"Facebook account too new", &client.GraphError{Code: 1, UserMsg: "Your Facebook account is too new to create a business account. Try again in an hour."},
			[]string{"too new", "Wait an hour"}, nil},
	} {
		got := Explain(w, c.err)
		for _, s := range c.says {
			if !strings.Contains(got, s) {
				t.Errorf("%s: %q does not say %q", c.name, got, s)
			}
		}
		for _, s := range c.mustNot {
			if strings.Contains(got, s) {
				t.Errorf("%s: %q says %q", c.name, got, s)
			}
		}
	}
}

// A code request that fails for an outage sent no code: the screen asks how
// to send one (not for a "new" one) and suggests no other method.
func TestCodeRequestOutageKeepsTheMethod(t *testing.T) {
	h := newSHHarness(t)
	h.addNumber("7010005555")
	h.start(VerifyCode)
	if err := h.sb.Server.AddFault(sandbox.Fault{PathPrefix: "/graph/", Method: "POST", Kind: sandbox.FaultStatus,
		Status: 503, Count: 1}); err != nil {
		t.Fatal(err)
	}
	h.press('s')
	h.mustSee(h.T("error.graph.133004"))
	h.mustSee(h.T("code.not_sent"))
	h.mustSee(h.T("code.choose_title"))
	h.mustNotSee(h.T("code.resend_title"))
	h.mustNotSee(h.T("code.try_other", h.T("code.method_voice")))
	if !h.helpHas("send by SMS") || h.helpHas("resend") {
		t.Errorf("the keys offer a resend after no code was sent")
	}

	// Resumed later, it still knows no code went out.
	h.sess.Code.Attempts = 0
	h.clock.Advance(2 * time.Minute)
	h.start(VerifyCode)
	h.mustSee(h.T("code.not_sent"))
	h.mustSee(h.T("code.choose_title"))
}

// A call's retries reach the busy line in order and leave with the call; a
// step that is not listening never holds the call up, and another call's end
// does not take this call's line away.
func TestBusyShowsACallsRetries(t *testing.T) {
	env := &Env{Words: assets.NewWords("en")}
	w := &callWatch{ch: make(chan client.Retry, 4), words: env.Words}
	b := newBusy()
	b.start("Checking", time.Now())

	w.report(client.Retry{Attempt: 2, Of: 3, Err: &client.APIError{HTTPStatus: 503}})
	msg := w.listen()
	cmd, ok := b.update(msg)
	if !ok || cmd == nil || !strings.Contains(b.view(), "Checking — trying again (2 of 3): the service answered HTTP 503") {
		t.Fatalf("handled %v, view %q", ok, b.view())
	}
	other := &callWatch{}
	if _, ok := b.update(callSettled{other}); !ok || !strings.Contains(b.view(), "trying again") {
		t.Fatalf("another call's end took the line away: %q", b.view())
	}
	w.report(client.Retry{Attempt: 3, Of: 3, Err: &client.NetError{Timeout: true}})
	b.update(cmd())
	if !strings.Contains(b.view(), "trying again (3 of 3): no answer in time") {
		t.Fatalf("view %q", b.view())
	}
	w.end()
	settled := w.listen()
	if _, ok := settled.(callSettled); !ok {
		t.Fatalf("after the call: %#v, want callSettled", settled)
	}
	b.update(settled)
	if strings.Contains(b.view(), "trying again") {
		t.Fatalf("the line stayed after the call: %q", b.view())
	}

	// Nobody listening: reports beyond the buffer are dropped, the call goes on.
	quiet := &callWatch{ch: make(chan client.Retry, 1)}
	for range 5 {
		quiet.report(client.Retry{Attempt: 2, Of: 3})
	}
	quiet.end()
	quiet.report(client.Retry{Attempt: 3, Of: 3}) // after the end: ignored, no panic
	// A call that never retried ends its watch without a message.
	if msg := (&callWatch{ch: closedRetries()}).listen(); msg != nil {
		t.Fatalf("a call without retries sent %#v", msg)
	}
}

func closedRetries() chan client.Retry {
	ch := make(chan client.Retry)
	close(ch)
	return ch
}
