package steps

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"wizard/client"
	"wizard/client/sandbox"
)

// pasteAndWait pastes text into the paste box, submits it and waits until the
// provider's word on it has come back (the step finished, or an error is shown).
func (d *suDriver) pasteAndWait(text string) {
	d.t.Helper()
	if d.model().paste == nil {
		d.key("p")
	}
	d.send(tea.PasteMsg{Content: text})
	d.enter()
	n := len(d.records)
	d.pump("the provider's word on the paste", func() bool {
		m := d.model()
		return d.finished() || (len(d.records) > n && m.lastErr != nil && m.paste != nil && !m.checkingPaste())
	})
}

// The ids of a pasted result are checked with the provider before they are
// taken: made-up ones get a sentence, saved first, and the paste box comes
// back with what was typed; the right ones are taken.
func TestPastedIdsAreCheckedWithTheProvider(t *testing.T) {
	d := newSUDriver(t)
	d.env.PollEvery = time.Hour
	d.start()
	d.waitStarted()

	// Nothing reported yet: the provider has no result to hold the ids against.
	made := "FINISH 105954558954427 1234567890123456"
	d.pasteAndWait(made)
	d.mustSee(d.env.T("signup.paste.not_known"), made)
	if len(d.records) == 0 || d.records[len(d.records)-1].Kind != "error" || d.sess.Signup.Event != "" {
		t.Fatalf("the refusal was not saved first, or a result was taken: %+v %+v", d.records, d.sess.Signup)
	}

	d.pageResult(finishForm)
	res, err := d.env.Clients.Partner.GetSignup(context.Background(), d.sess.Signup.SessionID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ paste, says string }{
		{"FINISH 105954558954427 " + res.BusinessID, d.env.T("signup.paste.unknown_waba", "105954558954427")},
		{"FINISH " + res.WABAID + " 1234567890123456", d.env.T("signup.paste.unknown_business", "1234567890123456")},
		{"FINISH " + res.WABAID + " " + res.BusinessID + " 106000000000001", d.env.T("signup.paste.unknown_number", "106000000000001")},
	} {
		d.model().paste = nil // as esc leaves it
		d.pasteAndWait(c.paste)
		if d.finished() {
			t.Fatalf("%q was taken", c.paste)
		}
		d.mustSee(c.says, c.paste) // the sentence, and the box with what was typed
	}

	// Corrected in the box: taken.
	d.model().paste = nil
	d.pasteAndWait("FINISH " + res.WABAID + " " + res.BusinessID)
	if !d.finished() || d.sess.Signup.WABAID != res.WABAID || d.sess.Signup.BusinessID != res.BusinessID {
		t.Fatalf("the signup's own ids: finished %v, %+v", d.finished(), d.sess.Signup)
	}
	if !strings.Contains(d.dones[0].Detail.English(), "checked with the provider") {
		t.Errorf("detail %q", d.dones[0].Detail.English())
	}
}

// A pasted phone-number id the provider finds on the signup's account is taken.
func TestPastedNumberOnTheAccountIsTaken(t *testing.T) {
	d := newSUDriver(t)
	d.env.PollEvery = time.Hour
	d.start()
	d.waitStarted()
	d.pageResult(finishForm)
	ctx := context.Background()
	res, err := d.env.Clients.Partner.GetSignup(ctx, d.sess.Signup.SessionID)
	if err != nil {
		t.Fatal(err)
	}
	st, err := d.env.Clients.Partner.AddNumber(ctx, res.ID, client.NewNumber{CC: "7", PhoneNumber: "7015550202", VerifiedName: "Acme Pharma"})
	if err != nil {
		t.Fatal(err)
	}
	d.pasteAndWait("FINISH " + res.WABAID + " " + res.BusinessID + " " + st.PhoneNumberID)
	if !d.finished() || d.sess.Signup.PhoneNumberID != st.PhoneNumberID {
		t.Fatalf("finished %v, %+v", d.finished(), d.sess.Signup)
	}
}

// The provider failing while a paste is checked: said, saved, and the box
// keeps what was typed.
func TestPasteCheckFailureKeepsTheBox(t *testing.T) {
	d := newSUDriver(t)
	d.env.PollEvery = time.Hour
	d.start()
	d.waitStarted()
	if err := d.sb.Server.AddFault(sandbox.Fault{PathPrefix: "/partner/v1/signups/", Kind: sandbox.FaultStatus,
		Status: http.StatusInternalServerError}); err != nil {
		t.Fatal(err)
	}
	text := "FINISH 105954558954427 1234567890123456"
	d.pasteAndWait(text)
	var ae *client.APIError
	if last := d.records[len(d.records)-1]; last.Kind != "error" || !errors.As(last.Err, &ae) || ae.HTTPStatus != 500 {
		t.Fatalf("records: %+v", d.records)
	}
	d.mustSee(d.env.T("error.server", ae.Message), text)
}
