package ui

import (
	"context"
	"strings"
	"testing"

	"wizard/client/sandbox"
	"wizard/store"
)

// Each registration error Meta can give is explained on screen in plain words,
// after the session has saved it. The sandbox answers the chosen code once.
func TestRegistrationErrorsAreExplained(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	toPIN(w, a, h)

	for _, c := range []struct {
		code int
		says string
	}{
		{133005, "does not match the number's existing two-step"},
		{133008, "Too many wrong PINs"},
		{133009, "entered too fast"},
		{133010, "not registered yet"},
		{133015, "Wait 5 minutes"},
		{133016, "blocks further attempts for 72 hours"},
		{133000, "previous deregistration"},
		{133004, "temporarily unavailable"},
		{4, "from this app just now"},
		{80007, "request limit"},
		{130429, "rate limit was hit"},
		{100, "did not accept a value"},
		{190, "contact your provider so it connects the account again"},
		{131000, "unknown error"},
		{1005, "On-Premises registration is closed"},
	} {
		err := sandbox.InjectFault(context.Background(), w.sb.URL, sandbox.Fault{PathPrefix: "/graph/", Method: "POST",
			Kind: sandbox.FaultStatus, Status: 400, Code: c.code, Count: 1})
		if err != nil {
			t.Fatal(err)
		}
		h.typeText(testPIN)
		h.key("enter")
		h.typeText(testPIN)
		h.key("enter")
		h.waitScreen(c.says)
		events, _ := w.st.Events(a.Session().ID)
		if last := events[len(events)-1]; last.Kind != "error" || !strings.Contains(last.Error, "code") {
			t.Errorf("%d: the error was not saved before it was shown: %+v", c.code, last)
		}
		// The PIN form stays, under the explanation, for the next try.
		if !strings.Contains(h.screen(), "Repeat the PIN") {
			t.Fatalf("%d: the PIN form is gone:\n%s", c.code, h.screen())
		}
	}
}

func TestCodeRequestAndWrongCodeAreExplained(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a, h := w.app(store.Session{ID: store.NewID()}, false)
	firstHalf(w, a, h)
	upToCode(w, h)

	err := sandbox.InjectFault(context.Background(), w.sb.URL, sandbox.Fault{PathPrefix: "/graph/", Method: "POST",
		Kind: sandbox.FaultStatus, Status: 400, Code: 136024, Count: 1})
	if err != nil {
		t.Fatal(err)
	}
	h.key("s")
	h.waitScreen("Meta could not send the code just now")
	h.waitScreen("Try the other way: voice call")

	h.key("v")
	h.waitScreen("Verification code")
	h.typeText("000000")
	h.key("enter")
	h.waitScreen("That code is not right")
	if got := a.Session().Code.Attempts; got != 1 {
		t.Errorf("attempts %d, want 1", got)
	}
	saved, _ := w.st.Load(a.Session().ID)
	if saved.Code.Attempts != 1 || saved.Code.Method != "VOICE" {
		t.Errorf("saved code state %+v, want 1 attempt by voice", saved.Code)
	}
}
