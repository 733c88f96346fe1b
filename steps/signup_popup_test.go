package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"wizard/client"
	"wizard/client/callback"
	"wizard/client/sandbox"
	"wizard/store"
)

// popupCall posts JSON to one of the signup page's own routes (Meta's pop-up
// adding and verifying the number), as the page's script does.
func (d *suDriver) popupCall(path string, in map[string]string) map[string]string {
	d.t.Helper()
	b, _ := json.Marshal(in)
	resp, err := http.Post(d.sess.Signup.URL+path, "application/json", bytes.NewReader(b))
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]string{}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != http.StatusOK {
		d.t.Fatalf("POST %s: HTTP %d", path, resp.StatusCode)
	}
	return out
}

// popupNumber adds a number in the pop-up and, if verify, verifies it by SMS.
func (d *suDriver) popupNumber(national string, verify bool) map[string]string {
	d.t.Helper()
	n := d.popupCall("/number", map[string]string{"waba_name": "Acme Pharma", "business_name": "Acme Pharma LLP",
		"display_name": "Acme Pharma", "category": "HEALTH", "cc": "7", "phone_number": national})
	if verify {
		d.popupCall("/number/code", map[string]string{"phone_number_id": n["phone_number_id"], "method": "SMS"})
		code, err := sandbox.LatestCode(context.Background(), d.sb.URL, n["phone_number_id"])
		if err != nil {
			d.t.Fatal(err)
		}
		d.popupCall("/number/verify", map[string]string{"phone_number_id": n["phone_number_id"], "code": code})
	}
	return n
}

func TestSignupReadsThePopupsNumber(t *testing.T) {
	for _, tc := range []struct {
		name     string
		verify   bool
		status   string
		national string
	}{
		{"verified", true, "VERIFIED", "7012220011"},
		{"unverified", false, "NOT_VERIFIED", "7012220012"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newSUDriver(t)
			d.start()
			d.waitStarted()
			n := d.popupNumber(tc.national, tc.verify)
			browse(t, d.pageResult(url.Values{"event": {"FINISH"}, "phone_number_id": {n["phone_number_id"]},
				"waba_id": {n["waba_id"]}, "business_id": {n["business_id"]}}))
			d.pump("the step to finish", d.finished)
			// The FINISH was saved before it was read, and the reading after it.
			if r := d.records[len(d.records)-1]; r.Kind != "signup.finished" || !strings.Contains(r.Detail.English(), n["phone_number_id"]) {
				t.Errorf("the FINISH was not saved first: %+v", r)
			}
			sg := d.sess.Signup
			if sg.ReadPending || sg.ReadAt.IsZero() || sg.Stage != client.StageReady || sg.PhoneNumberID != n["phone_number_id"] ||
				sg.NumberStatus != tc.status || sg.VerifiedName != "Acme Pharma" || sg.NameStatus != "PENDING_REVIEW" {
				t.Fatalf("saved signup %+v", sg)
			}
			if p := d.sess.Phone; p.ID != n["phone_number_id"] || p.E164 != "+7"+tc.national || p.Country != "KZ" || p.CC != "7" {
				t.Errorf("saved phone %+v", p)
			}
			if d.sess.Profile.DisplayName != "Acme Pharma" {
				t.Errorf("the display name Meta holds is not kept: %+v", d.sess.Profile)
			}
			if det := d.dones[0].Detail.English(); !strings.Contains(det, tc.status) || !strings.Contains(det, "from the browser") {
				t.Errorf("detail %q", det)
			}
		})
	}
}

// syncClock is a clock the sandbox reads from its own goroutines.
type syncClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *syncClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *syncClock) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

func TestSignupCodeExpiredOpensThePopupAgain(t *testing.T) {
	clk := &syncClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	d := newSUDriverWith(t, sandbox.Options{AutoVerifyEmail: time.Nanosecond, Now: clk.Now})
	clk.add(time.Second) // the account's e-mail counts as verified
	d.start()
	d.waitStarted()
	first := d.sess.Signup.SessionID
	// Meta does not answer the provider's first exchange; when the wizard
	// reads the signup, the code's 30 seconds are over.
	oauth := "/graph/" + sandbox.GraphVersion + "/oauth/"
	if err := d.sb.Server.AddFault(sandbox.Fault{PathPrefix: oauth, Kind: sandbox.FaultStatus, Status: 503, Count: 1}); err != nil {
		t.Fatal(err)
	}
	loc := d.pageResult(finishForm)
	clk.add(sandbox.ESCodeLifetime + time.Second)
	browse(t, loc)
	d.pump("the failed exchange", func() bool { return d.sess.Signup.Stage == client.StageExchangeFailed })
	d.mustSee("Meta accepts the pop-up's code for only 30 seconds", "Press n to open the signup again")
	if d.finished() || SignupRead(d.sess) || !CanRevisit(d.sess, NumberStatus) {
		t.Fatalf("an expired code ended the signup step: %+v", d.sess.Signup)
	}
	if r := d.records[len(d.records)-1]; r.Kind != "signup.exchange_failed" || !strings.Contains(r.Detail.English(), "expired") {
		t.Errorf("record %+v", r)
	}
	d.key("n")
	d.waitStarted()
	if d.sess.Signup.SessionID == first || d.sess.Signup.Stage != "" {
		t.Fatalf("n did not open a new signup: %+v", d.sess.Signup)
	}
	browse(t, d.pageResult(finishForm))
	d.pump("the step to finish", d.finished)
}

func TestSignupReportedErrorKeepsWhatSupportAsks(t *testing.T) {
	d := newSUDriver(t)
	d.start()
	d.waitStarted()
	browse(t, d.pageResult(url.Values{"event": {"CANCEL"}, "current_step": {"PHONE_NUMBER_VERIFICATION"},
		"error_message": {"No SMS arrived"}, "error_id": {"524126"}, "session_id": {"f34b6950d5ba"}, "timestamp": {"1764583200"}}))
	d.pump("the error to be saved", func() bool { return d.sess.Signup.Event == "CANCEL" })
	d.mustSee("The signup reported an error: No SMS arrived", "Meta's support", "error id: 524126",
		"session id: f34b6950d5ba", "time: 1764583200 (1 December 2025, 10:00:00 UTC)", "Press n to open the signup again")
	sg := d.sess.Signup
	if sg.ErrorID != "524126" || sg.ErrorSessionID != "f34b6950d5ba" || sg.ErrorTime != "1764583200" {
		t.Fatalf("saved %+v", sg)
	}
	r := d.records[len(d.records)-1]
	for _, want := range []string{"No SMS arrived", "error_id 524126", "session_id f34b6950d5ba", "timestamp 1764583200"} {
		if !strings.Contains(r.Detail.English(), want) {
			t.Errorf("the history lacks %q: %q", want, r.Detail.English())
		}
	}
}

// A FINISH saved before the wizard stopped, not read yet: the step reads it
// on resume, without the browser.
func TestSignupResumedAfterFinishReadsIt(t *testing.T) {
	d := newSUDriver(t)
	d.start()
	d.waitStarted()
	n := d.popupNumber("7012220013", true)
	d.pageResult(url.Values{"event": {"FINISH"}, "phone_number_id": {n["phone_number_id"]}, "waba_id": {n["waba_id"]}})
	sg := d.sess.Signup
	sg.Event, sg.WABAID, sg.PhoneNumberID, sg.ReadPending = "FINISH", n["waba_id"], n["phone_number_id"], true
	d.sess.Signup = sg
	d.records, d.dones = nil, nil
	d.start() // as a resumed run builds it
	d.pump("the step to finish", d.finished)
	if got := d.sess.Signup; got.NumberStatus != "VERIFIED" || got.ReadPending || d.sess.Phone.ID != n["phone_number_id"] {
		t.Fatalf("saved %+v", got)
	}
	if det := d.dones[0].Detail.English(); !strings.Contains(det, "an earlier run") {
		t.Errorf("detail %q", det)
	}
	if s := d.sess; s.Path != store.PathNew || !PopupVerified(s) || Skipped(s, DisplayName) || !Skipped(s, Phone) {
		t.Errorf("a verified number from the pop-up: path %s, display name skipped %v", s.Path, Skipped(s, DisplayName))
	}
}

// A result the provider does not know (the provider lost it, or a result came
// from elsewhere) is not taken: the step says so and waits on; the provider's
// own result, when it comes, is.
func TestSignupResultTheProviderDoesNotKnowIsNotTaken(t *testing.T) {
	d := newSUDriver(t)
	d.env.PollEvery = time.Hour // only the test moves the wait on
	d.start()
	d.waitStarted()
	d.send(signupCallback{gen: d.model().gen, r: callback.Result{Event: "FINISH", WABAID: "105954558954427", BusinessID: "1234567890123456"}})
	d.pump("the result to be refused", func() bool { return strings.Contains(d.view(), "The provider has not received that result") })
	if d.finished() || d.sess.Signup.Event != "" || d.sess.Signup.WABAID != "" || d.sess.Signup.SessionID == "" {
		t.Fatalf("a result the provider does not know was taken: %+v", d.sess.Signup)
	}
	if r := d.records[len(d.records)-1]; r.Kind != "signup.unconfirmed" {
		t.Errorf("last record %+v", r)
	}
	d.pageResult(finishForm)
	d.run(d.model().pollNow())
	d.pump("the step to finish", d.finished)
	if sg := d.sess.Signup; sg.WABAID == "105954558954427" || sg.Event != "FINISH" || sg.Stage != client.StageReady {
		t.Fatalf("saved %+v", sg)
	}
}
