package client_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"wizard/client"
	"wizard/client/sandbox"
)

// TestHappyPath walks the whole onboarding against the sandbox over real HTTP.
func TestHappyPath(t *testing.T) {
	clk := newClock()
	sb, c := startSandbox(t, sandbox.Options{ActivationDelay: time.Minute, Now: clk.Now})
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// account and e-mail verification
	acc, err := c.Partner.CreateAccount(ctx, "ops@example.kz", strongPassword)
	must(err)
	if !strings.HasPrefix(acc.ID, "acc_") || acc.Verified {
		t.Fatalf("new account = %+v", acc)
	}
	if _, err := c.Partner.StartSignup(ctx, acc.ID, client.SignupRequest{Mode: "new"}); apiCode(err) != "email_not_verified" {
		t.Fatalf("signup before verification: %v", err)
	}
	link, err := sandbox.LatestVerifyLink(ctx, sb.URL, "OPS@example.kz")
	must(err)
	body := get(t, link, http.StatusOK)
	if !strings.Contains(body, "Address verified") || !strings.Contains(body, "return to the terminal") {
		t.Fatalf("verify page: %s", body)
	}
	acc, err = c.Partner.GetAccount(ctx, acc.ID)
	must(err)
	if !acc.Verified || acc.VerifiedAt.IsZero() {
		t.Fatalf("after link: %+v", acc)
	}

	// company
	acc, err = c.Partner.UpdateCompany(ctx, acc.ID, client.Company{OrgType: "company", FullName: "Aigerim Sadykova",
		CompanyName: "Acme Pharma LLP", Country: "kz"})
	must(err)
	if acc.Country != "KZ" || acc.CompanyName != "Acme Pharma LLP" {
		t.Fatalf("company: %+v", acc)
	}

	// Embedded Signup: post the result the way the page's form does
	sess, err := c.Partner.StartSignup(ctx, acc.ID, client.SignupRequest{Mode: "new",
		CallbackURL: "http://127.0.0.1:9/cb?x=1", State: "st-42"})
	must(err)
	if sess.URL != sb.URL+"/signup/"+sess.ID {
		t.Fatalf("signup URL %q", sess.URL)
	}
	res, err := c.Partner.GetSignup(ctx, sess.ID)
	must(err)
	if res.Status != client.SignupPending {
		t.Fatalf("fresh signup: %+v", res)
	}
	resp, err := noRedirect.PostForm(sess.URL+"/result", url.Values{"event": {"FINISH"}, "business_id": {""}, "waba_id": {""}})
	must(err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("result post: HTTP %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	must(err)
	res, err = c.Partner.GetSignup(ctx, sess.ID)
	must(err)
	q := loc.Query()
	if res.Status != client.SignupFinished || res.WABAID == "" || res.BusinessID == "" ||
		q.Get("state") != "st-42" || q.Get("x") != "1" || q.Get("event") != "FINISH" || q.Get("waba_id") != res.WABAID {
		t.Fatalf("signup result %+v, callback %s", res, loc)
	}
	if !regexp.MustCompile(`^[1-9][0-9]{14}$`).MatchString(res.WABAID) {
		t.Errorf("waba id %q does not look like Meta's", res.WABAID)
	}

	// number, profile, code, register: through the provider, which makes Meta's calls
	added, err := c.Partner.AddNumber(ctx, res.ID, client.NewNumber{CC: "7", PhoneNumber: "7011234567", VerifiedName: "Acme Pharma"})
	must(err)
	phoneID := added.PhoneNumberID
	must(c.Partner.SetNumberProfile(ctx, res.ID, phoneID, client.BusinessProfile{Description: "Medicines", Vertical: "HEALTH",
		Websites: []string{"https://acme.kz"}}))
	_, err = c.Partner.RequestNumberCode(ctx, res.ID, phoneID, "SMS", "en_US")
	must(err)
	code, err := sandbox.LatestCode(ctx, sb.URL, phoneID)
	must(err)
	if !regexp.MustCompile(`^[0-9]{6}$`).MatchString(code) {
		t.Fatalf("code %q", code)
	}
	msgs := sb.Server.Outbox().Messages
	if got := msgs[len(msgs)-1].Text; got != "WhatsApp code "+code[:3]+"-"+code[3:] {
		t.Errorf("SMS text %q", got)
	}
	must(c.Partner.VerifyNumberCode(ctx, res.ID, phoneID, code))
	must(c.Partner.RegisterNumber(ctx, res.ID, phoneID, "123456"))
	// What Meta now holds (the sandbox's Graph half, as the provider sees it).
	pn, err := graphOf(sb).PhoneNumber(ctx, phoneID)
	must(err)
	if pn.ID != phoneID || pn.CodeVerificationStatus != "VERIFIED" || pn.Status != "CONNECTED" ||
		pn.DisplayPhoneNumber != "77011234567" || pn.VerifiedName != "Acme Pharma" || pn.PlatformType != "CLOUD_API" {
		t.Fatalf("phone number: %+v", pn)
	}

	// activation
	act, err := c.Partner.StartActivation(ctx, acc.ID, phoneID)
	must(err)
	if act.Status != client.ActivationPending || act.AlphaCode != "" {
		t.Fatalf("started activation: %+v", act)
	}
	clk.Advance(59 * time.Second)
	if act, err = c.Partner.GetActivation(ctx, phoneID); err != nil || act.Status != client.ActivationPending {
		t.Fatalf("activation after 59s: %+v %v", act, err)
	}
	clk.Advance(time.Second)
	act, err = c.Partner.GetActivation(ctx, phoneID)
	must(err)
	if act.Status != client.ActivationActive || !regexp.MustCompile(`^AN-[0-9]{4}$`).MatchString(act.AlphaCode) || act.ActivatedAt.IsZero() {
		t.Fatalf("activation after delay: %+v", act)
	}

	// alpha name, then the same name again
	an, created, err := c.OCM.SaveAlphaName(ctx, "Acme Pharma", "KZ")
	must(err)
	if !created || an.ID == "" || an.Country != "KZ" {
		t.Fatalf("save: %+v created=%v", an, created)
	}
	dup, created, err := c.OCM.SaveAlphaName(ctx, "ACME PHARMA", "kz")
	must(err)
	if created || dup.ID != an.ID || dup.Name != "Acme Pharma" {
		t.Fatalf("duplicate: %+v created=%v", dup, created)
	}
	list, err := c.OCM.ListAlphaNames(ctx, "KZ")
	must(err)
	if len(list) != 1 || list[0].ID != an.ID {
		t.Fatalf("list: %+v", list)
	}
	if other, err := c.OCM.ListAlphaNames(ctx, "UZ"); err != nil || len(other) != 0 {
		t.Fatalf("other country: %+v %v", other, err)
	}
}

// TestMigrationSignup: FINISH in migration mode brings a number that is
// already verified, so it can be registered at once.
func TestMigrationSignup(t *testing.T) {
	_, c := startSandbox(t, sandbox.Options{AutoVerifyEmail: time.Nanosecond})
	ctx := t.Context()
	acc, err := c.Partner.CreateAccount(ctx, "mig@example.kz", strongPassword)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := c.Partner.StartSignup(ctx, acc.ID, client.SignupRequest{Mode: "migration"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(sess.URL+"/result", "application/json", strings.NewReader(`{"event":"FINISH"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	res, err := c.Partner.GetSignup(ctx, sess.ID)
	if err != nil || res.PhoneNumberID == "" {
		t.Fatalf("migration result %+v %v", res, err)
	}
	if err := c.Partner.RegisterNumber(ctx, res.ID, res.PhoneNumberID, "654321"); err != nil {
		t.Fatalf("register migrated number: %v", err)
	}
}

func get(t *testing.T, u string, want int) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: HTTP %d, want %d: %s", u, resp.StatusCode, want, b)
	}
	return string(b)
}
