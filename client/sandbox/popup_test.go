package sandbox_test

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"wizard/client"
	"wizard/client/sandbox"
)

// popupPost posts JSON to one of the pop-up's own routes and decodes the answer.
func popupPost(t *testing.T, signupURL, path string, in any, wantStatus int) map[string]string {
	t.Helper()
	b, _ := json.Marshal(in)
	resp, body := fetch(t, "POST", signupURL+path, "application/json", string(b))
	if resp.StatusCode != wantStatus {
		t.Fatalf("POST %s: HTTP %d %s, want %d", path, resp.StatusCode, body, wantStatus)
	}
	out := map[string]string{}
	if wantStatus >= 300 {
		var e struct {
			Error map[string]string `json:"error"`
		}
		_ = json.Unmarshal([]byte(body), &e)
		return e.Error
	}
	_ = json.Unmarshal([]byte(body), &out)
	return out
}

// The pop-up adds the number in Meta and may verify it: what the provider then
// reads with the number routes is what the pop-up left.
func TestPopupNumberBranches(t *testing.T) {
	for _, tc := range []struct {
		name, kind, national string
		verify               bool
		event, wantStatus    string
		wantName             string
	}{
		{"verified", "new", "7012220001", true, "FINISH", "VERIFIED", "PENDING_REVIEW"},
		{"unverified", "new", "7012220002", false, "FINISH", "NOT_VERIFIED", "PENDING_REVIEW"},
		{"business app", "app", "7012220003", false, "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING", "VERIFIED", "APPROVED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sb, c := start(t, sandbox.Options{AutoVerifyEmail: time.Nanosecond})
			a := verifiedAccount(t, c, "popup@example.kz")
			sess, err := c.Partner.StartSignup(t.Context(), a.ID, client.SignupRequest{Mode: "new"})
			if err != nil {
				t.Fatal(err)
			}
			n := popupPost(t, sess.URL, "/number", map[string]string{"business_name": "Acme LLP", "waba_name": "Acme",
				"display_name": "Acme Pharma", "category": "HEALTH", "cc": "+7", "phone_number": tc.national, "kind": tc.kind}, 200)
			id := n["phone_number_id"]
			if id == "" || n["waba_id"] == "" || n["business_id"] == "" {
				t.Fatalf("number answer %v", n)
			}
			if tc.verify {
				// Verifying before a code was sent is refused, a wrong code too.
				if e := popupPost(t, sess.URL, "/number/verify", map[string]string{"phone_number_id": id, "code": "000000"}, 422); !strings.Contains(e["message"], "Send a code first") {
					t.Errorf("verify without a code: %v", e)
				}
				popupPost(t, sess.URL, "/number/code", map[string]string{"phone_number_id": id, "method": "VOICE"}, 200)
				code, err := sandbox.LatestCode(t.Context(), sb.URL, id)
				if err != nil {
					t.Fatal(err)
				}
				popupPost(t, sess.URL, "/number/verify", map[string]string{"phone_number_id": id, "code": code}, 200)
			}
			form := url.Values{"event": {tc.event}, "phone_number_id": {id}, "waba_id": {n["waba_id"]}, "business_id": {n["business_id"]}}
			fetch(t, "POST", sess.URL+"/result", "application/x-www-form-urlencoded", form.Encode())
			res, err := c.Partner.GetSignup(t.Context(), sess.ID)
			if err != nil || res.Event != tc.event || res.PhoneNumberID != id || res.WABAID != n["waba_id"] || res.Stage != client.StageReady {
				t.Fatalf("signup %+v %v", res, err)
			}
			st, err := c.Partner.Number(t.Context(), sess.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			if st.CodeVerificationStatus != tc.wantStatus || st.VerifiedName != "Acme Pharma" || st.NameStatus != tc.wantName ||
				st.DisplayPhoneNumber != "7"+tc.national {
				t.Errorf("number state %+v", st)
			}
			// The pop-up's routes close with the signup.
			popupPost(t, sess.URL, "/number/code", map[string]string{"phone_number_id": id, "method": "SMS"}, 409)
		})
	}
}

func TestPopupFinishWithoutNumberAndRefusals(t *testing.T) {
	_, c := start(t, sandbox.Options{AutoVerifyEmail: time.Nanosecond})
	a := verifiedAccount(t, c, "popup2@example.kz")
	sess, err := c.Partner.StartSignup(t.Context(), a.ID, client.SignupRequest{})
	if err != nil {
		t.Fatal(err)
	}
	base := map[string]string{"waba_name": "Acme", "display_name": "Acme Pharma", "cc": "7"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range base {
			m[a] = b
		}
		m[k] = v
		return m
	}
	for _, tc := range []struct {
		in     map[string]string
		status int
		code   string
	}{
		{with("phone_number", "7010000000"), 422, "number_on_whatsapp"},
		{with("phone_number", "12"), 422, "invalid_phone_number"},
		{with("display_name", "Ac"), 422, "invalid_display_name"},
		{with("kind", "other"), 400, "invalid_kind"},
	} {
		if tc.in["phone_number"] == "" {
			tc.in["phone_number"] = "7013330000"
		}
		if e := popupPost(t, sess.URL, "/number", tc.in, tc.status); e["code"] != tc.code {
			t.Errorf("%v: %v, want %s", tc.in, e, tc.code)
		}
	}
	if e := popupPost(t, sess.URL, "/number/code", map[string]string{"phone_number_id": "123", "method": "SMS"}, 404); e["code"] != "number_not_found" {
		t.Errorf("a number the pop-up did not add: %v", e)
	}
	// A number added, then "finish without a number": FINISH_ONLY_WABA carries none.
	n := popupPost(t, sess.URL, "/number", with("phone_number", "7013330001"), 200)
	fetch(t, "POST", sess.URL+"/result", "application/x-www-form-urlencoded",
		url.Values{"event": {"FINISH_ONLY_WABA"}, "phone_number_id": {n["phone_number_id"]}, "waba_id": {n["waba_id"]}}.Encode())
	res, err := c.Partner.GetSignup(t.Context(), sess.ID)
	if err != nil || res.Event != "FINISH_ONLY_WABA" || res.PhoneNumberID != "" || res.WABAID != n["waba_id"] {
		t.Fatalf("signup %+v %v", res, err)
	}
}

func TestPopupReportedErrorCarriesWhatSupportAsks(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	_, c := start(t, sandbox.Options{AutoVerifyEmail: time.Nanosecond, Now: clk.Now})
	a := verifiedAccount(t, c, "popup3@example.kz")
	clk.Add(time.Second) // the e-mail counts as verified
	sess, err := c.Partner.StartSignup(t.Context(), a.ID, client.SignupRequest{CallbackURL: "http://127.0.0.1:45679/cb", State: "st"})
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"event": {"CANCEL"}, "current_step": {"PHONE_NUMBER_VERIFICATION"}, "error_message": {"No SMS came"},
		"error_id": {"5241999"}, "session_id": {"8812"}}
	resp, _ := fetch(t, "POST", sess.URL+"/result", "application/x-www-form-urlencoded", form.Encode())
	loc, _ := url.Parse(resp.Header.Get("Location"))
	want := strconv.FormatInt(clk.Now().Unix(), 10)
	if q := loc.Query(); q.Get("error_id") != "5241999" || q.Get("session_id") != "8812" || q.Get("timestamp") != want {
		t.Errorf("callback %s", loc)
	}
	res, err := c.Partner.GetSignup(t.Context(), sess.ID)
	if err != nil || res.Status != client.SignupError || res.ErrorID != "5241999" || res.SessionID != "8812" ||
		res.Timestamp != want || res.CurrentStep != "PHONE_NUMBER_VERIFICATION" {
		t.Fatalf("signup %+v %v", res, err)
	}
}

// A number added in a pop-up that was then cancelled may be added again in
// the next pop-up; one another account's finished signup holds may not, nor
// one added through the API.
func TestPopupNumberAgainAfterCancel(t *testing.T) {
	_, c := start(t, sandbox.Options{AutoVerifyEmail: time.Nanosecond})
	a := verifiedAccount(t, c, "again@example.kz")
	in := map[string]string{"waba_name": "Acme", "display_name": "Acme Pharma", "cc": "7", "phone_number": "7014445566"}
	first, err := c.Partner.StartSignup(t.Context(), a.ID, client.SignupRequest{})
	if err != nil {
		t.Fatal(err)
	}
	n1 := popupPost(t, first.URL, "/number", in, 200)
	fetch(t, "POST", first.URL+"/result", "application/x-www-form-urlencoded", "event=CANCEL&current_step=PHONE_NUMBER_VERIFICATION")
	second, _ := c.Partner.StartSignup(t.Context(), a.ID, client.SignupRequest{})
	n2 := popupPost(t, second.URL, "/number", in, 200)
	if n2["phone_number_id"] != n1["phone_number_id"] {
		t.Errorf("the number came back as %s, want %s again", n2["phone_number_id"], n1["phone_number_id"])
	}
	fetch(t, "POST", second.URL+"/result", "application/x-www-form-urlencoded",
		url.Values{"event": {"FINISH"}, "phone_number_id": {n2["phone_number_id"]}, "waba_id": {n2["waba_id"]}}.Encode())
	other := verifiedAccount(t, c, "other@example.kz")
	third, _ := c.Partner.StartSignup(t.Context(), other.ID, client.SignupRequest{})
	if e := popupPost(t, third.URL, "/number", in, 409); e["code"] != "number_taken" {
		t.Errorf("a number another account's finished signup holds: %v", e)
	}
	// The same account opening the pop-up again for it (never registered) may.
	fourth, _ := c.Partner.StartSignup(t.Context(), a.ID, client.SignupRequest{})
	if n4 := popupPost(t, fourth.URL, "/number", in, 200); n4["phone_number_id"] != n1["phone_number_id"] {
		t.Errorf("the same account's number came back as %v", n4)
	}
	if _, err := c.Partner.AddNumber(t.Context(), second.ID, client.NewNumber{CC: "7", PhoneNumber: "7014445577", VerifiedName: "Acme"}); err != nil {
		t.Fatal(err)
	}
	in["phone_number"] = "7014445577"
	if e := popupPost(t, third.URL, "/number", in, 409); e["code"] != "number_taken" {
		t.Errorf("a number added through the API: %v", e)
	}
}
