package main

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"wizard/client"
	"wizard/client/sandbox"
	"wizard/steps/rules"
	"wizard/store"
)

// pendingName sets up, at a sandbox, a finished signup with a number whose
// display name Meta has not reviewed yet, its OCM record, and the finished
// session as the wizard saved it.
func pendingName(t *testing.T, sb *sandbox.Running) (store.Session, *client.Clients) {
	t.Helper()
	ctx := context.Background()
	c := client.New(client.SandboxConfig(sb.URL))
	acc, err := c.Partner.CreateAccount(ctx, "review@acme.kz", "Corr3ct-Horse")
	if err != nil {
		t.Fatal(err)
	}
	link, err := sandbox.LatestVerifyLink(ctx, sb.URL, acc.Email)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	su, err := c.Partner.StartSignup(ctx, acc.ID, client.SignupRequest{Mode: "new"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err = http.Post(su.URL+"/result", "application/json", strings.NewReader(`{"event":"FINISH"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	num, err := c.Partner.AddNumber(ctx, su.ID, client.NewNumber{CC: "7", PhoneNumber: "7015550101", VerifiedName: "Acme Pharma"})
	if err != nil || num.NameStatus != rules.NamePendingReview {
		t.Fatalf("number: %+v %v", num, err)
	}
	rec, _, err := c.OCM.SaveAlphaNameStatus(ctx, "Acme Pharma", "KZ", rules.NamePendingReview)
	if err != nil {
		t.Fatal(err)
	}
	s := store.Session{ID: "REVW-2345", Status: store.StatusDone, Step: "done", Path: store.PathNew,
		CreatedAt: mins(0), UpdatedAt: mins(5), FinishedAt: mins(5), UpdatedBy: "alice",
		Account: store.Account{ID: acc.ID, Email: acc.Email},
		Signup:  store.Signup{SessionID: su.ID, Event: "FINISH"},
		Phone:   store.Phone{Country: "KZ", E164: "+77015550101", CC: "7", Number: "7015550101", ID: num.PhoneNumberID},
		Profile: store.Profile{DisplayName: "Acme Pharma", Category: "OTHER"},
		Alpha: store.Alpha{Name: "Acme Pharma", Country: "KZ", ID: rec.ID, SavedAt: mins(5),
			NameStatus: rules.NamePendingReview, CheckedAt: mins(5)}}
	return s, c
}

// `wizard resume` on a finished signup whose name Meta was still reviewing
// asks the provider again: still pending, it says so; once Meta approved
// it, the new state is saved with an event and sent to the OCM record, and
// nothing else changes. Other finished signups are still refused.
func TestResumeRefreshesAPendingName(t *testing.T) {
	path := tempData(t)
	sb, err := sandbox.Start("127.0.0.1:0", sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	sess, c := pendingName(t, sb)
	seed(t, path, sess)
	before, _ := load(t, path, sess.ID)

	r := wiz(t, "resume", sess.ID, "--data", path, "--sandbox-url", sb.URL)
	mustOK(t, r)
	if !strings.Contains(r.stdout, "still waiting for Meta's review") || !strings.Contains(r.stdout, "wizard resume "+sess.ID) {
		t.Fatalf("still pending:\n%s", r.stdout)
	}

	// Meta approves the name (in the sandbox: on registration).
	ctx := context.Background()
	su, id := sess.Signup.SessionID, sess.Phone.ID
	if _, err := c.Partner.RequestNumberCode(ctx, su, id, "SMS", "en_US"); err != nil {
		t.Fatal(err)
	}
	code, err := sandbox.LatestCode(ctx, sb.URL, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Partner.VerifyNumberCode(ctx, su, id, code); err != nil {
		t.Fatal(err)
	}
	if err := c.Partner.RegisterNumber(ctx, su, id, "482915"); err != nil {
		t.Fatal(err)
	}

	r = wiz(t, "resume", sess.ID, "--data", path, "--sandbox-url", sb.URL)
	mustOK(t, r)
	if !strings.Contains(r.stdout, "approved by Meta") || !strings.Contains(r.stdout, sess.Alpha.ID) {
		t.Fatalf("approved:\n%s", r.stdout)
	}
	after, evs := load(t, path, sess.ID)
	if after.Alpha.NameStatus != rules.NameApproved || !after.Alpha.CheckedAt.Equal(tNow) {
		t.Fatalf("alpha after the refresh: %+v", after.Alpha)
	}
	last := evs[len(evs)-1]
	if last.Kind != "name.refreshed" || last.Step != "alpha-name" || !strings.Contains(last.Detail, "PENDING_REVIEW → APPROVED") {
		t.Fatalf("the refresh's event: %+v", last)
	}
	// Nothing else changed.
	a, b := before, after
	a.Alpha.NameStatus, a.Alpha.CheckedAt, a.Rev, a.UpdatedAt, a.UpdatedBy = "", b.Alpha.CheckedAt, 0, b.UpdatedAt, b.UpdatedBy
	b.Alpha.NameStatus, b.Rev = "", 0
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("the refresh changed more than the review:\nbefore %+v\nafter  %+v", before, after)
	}
	list, err := c.OCM.ListAlphaNames(ctx, "KZ")
	if err != nil || len(list) != 1 || list[0].NameStatus != rules.NameApproved || list[0].ID != sess.Alpha.ID {
		t.Fatalf("the OCM record: %+v %v", list, err)
	}
	if out := wiz(t, "show", sess.ID, "--data", path); !strings.Contains(out.stdout, "approved by Meta") {
		t.Fatalf("show does not say the name is approved:\n%s", out.stdout)
	}

	// Approved now: the signup is finished like any other.
	r = wiz(t, "resume", sess.ID, "--data", path, "--sandbox-url", sb.URL)
	if r.code() != 1 || !strings.Contains(r.err.Error(), "is finished") {
		t.Fatalf("resume of a finished signup with an approved name: exit %d %v", r.code(), r.err)
	}
}

// A provider that cannot be asked, or an OCM that cannot be updated: said,
// and nothing is saved.
func TestResumeRefreshFailuresSaveNothing(t *testing.T) {
	path := tempData(t)
	sb, err := sandbox.Start("127.0.0.1:0", sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	sess, c := pendingName(t, sb)
	seed(t, path, sess)
	before, evs0 := load(t, path, sess.ID)

	if err := sb.Server.AddFault(sandbox.Fault{PathPrefix: "/partner/v1/signups/", Kind: sandbox.FaultStatus, Status: 500}); err != nil {
		t.Fatal(err)
	}
	r := wiz(t, "resume", sess.ID, "--data", path, "--sandbox-url", sb.URL)
	if r.code() != 1 || !strings.Contains(r.err.Error(), "Could not ask the provider") || !strings.Contains(r.err.Error(), "problem on its side") {
		t.Fatalf("provider down: exit %d %v", r.code(), r.err)
	}
	sb.Server.ClearFaults()

	// Approved at Meta, but the OCM is down.
	ctx := context.Background()
	su, id := sess.Signup.SessionID, sess.Phone.ID
	if _, err := c.Partner.RequestNumberCode(ctx, su, id, "SMS", "en_US"); err != nil {
		t.Fatal(err)
	}
	code, _ := sandbox.LatestCode(ctx, sb.URL, id)
	if err := c.Partner.VerifyNumberCode(ctx, su, id, code); err != nil {
		t.Fatal(err)
	}
	if err := c.Partner.RegisterNumber(ctx, su, id, "482915"); err != nil {
		t.Fatal(err)
	}
	if err := sb.Server.AddFault(sandbox.Fault{PathPrefix: "/ocm/", Kind: sandbox.FaultStatus, Status: 503}); err != nil {
		t.Fatal(err)
	}
	r = wiz(t, "resume", sess.ID, "--data", path, "--sandbox-url", sb.URL)
	if r.code() != 1 || !strings.Contains(r.err.Error(), "could not be updated") || !strings.Contains(r.err.Error(), "Nothing was saved") {
		t.Fatalf("OCM down: exit %d %v", r.code(), r.err)
	}
	after, evs := load(t, path, sess.ID)
	if !reflect.DeepEqual(before, after) || len(evs) != len(evs0) {
		t.Fatalf("a failed refresh saved something:\nbefore %+v\nafter  %+v", before, after)
	}
}

// Real services are the provider and the OCM, with the operator token: no Meta
// URL or token is asked for (the provider makes every Meta call).
func TestServicesAreTheProviderAndTheOCM(t *testing.T) {
	hermetic(t)
	env := map[string]string{}
	f := newFactory(strings.NewReader(""), &strings.Builder{}, &strings.Builder{})
	f.Getenv = func(k string) string { return env[k] }

	f.flags.urls = serviceURLs{partner: "https://bsp.example/partner"}
	if _, err := f.Services(); err == nil || !strings.Contains(err.Error(), "--partner-url, --ocm-url") {
		t.Fatalf("only the provider: %v", err)
	}
	f.flags.urls = serviceURLs{partner: "https://bsp.example/partner", ocm: "https://ocm.example"}
	if _, err := f.Services(); err == nil || !strings.Contains(err.Error(), "WIZARD_PARTNER_TOKEN") {
		t.Fatalf("no operator token: %v", err)
	}
	env["WIZARD_PARTNER_TOKEN"] = "op_123"
	svc, err := f.Services()
	if err != nil {
		t.Fatal(err)
	}
	defer svc.stop()
	if c := svc.config; c.PartnerURL != "https://bsp.example/partner" || c.OCMURL != "https://ocm.example" || c.OperatorToken != "op_123" {
		t.Fatalf("config %+v", c)
	}
	if r := wiz(t, "--graph-url", "https://graph.facebook.com", "list"); r.err == nil || !strings.Contains(r.err.Error(), "unknown flag") {
		t.Fatalf("--graph-url is still taken: %v", r.err)
	}
}
