package main

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"wizard/assets"
	"wizard/client"
	"wizard/client/sandbox"
	"wizard/steps"
	"wizard/steps/rules"
	"wizard/store"
)

// `wizard demo --at STEP`: the steps before STEP are done for a made-up
// company, for real, against the built-in sandbox over HTTP — through the
// provider's API with the wizard's own client, the signup page's result as the
// browser posts it, the sandbox's outbox for the e-mail link and the code — and
// the session records what each step would have recorded. So the sandbox holds
// the account, the signup and the number the session names, and the steps from
// STEP on work as after a real walk.

// seedableSteps are the steps a demo can start at.
var seedableSteps = []steps.ID{steps.Terms, steps.Account, steps.VerifyEmail, steps.Company, steps.NumberStatus,
	steps.Signup, steps.DisplayName, steps.Phone, steps.VerifyCode, steps.Activation, steps.AlphaName}

// The made-up company.
const (
	demoCompany    = "Dala Foods"
	demoGovernment = "Dala District Akimat"
	demoFullName   = "Aigerim Bekova"
	demoWebsite    = "https://dala-foods.kz"
	demoCountry    = "KZ"
)

// demoDescription is the made-up company's description, in the language of
// its signup: a prose answer, unlike the names, the e-mail and the numbers.
func demoDescription(sess *store.Session) string {
	return assets.NewWords(sess.Language).T("demo_company.description")
}

type seedOptions struct {
	Env      *steps.Env
	Sandbox  *sandbox.Running
	Scenario sandbox.Scenario
	Now      func() time.Time
	Who      string
}

// seedDemo fills sess in up to step at (exclusive), doing each earlier step in
// the sandbox; the answers of step at itself are filled in too, where its
// screen shows them, for the trainer to send with Enter.
func seedDemo(ctx context.Context, o seedOptions, sess *store.Session, at steps.ID) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	sc, p := o.Scenario, o.Env.Clients.Partner
	before := func(id steps.ID) bool { return steps.Position(id) < steps.Position(at) }
	now := o.Now
	sess.CreatedAt, sess.CreatedBy, sess.UpdatedAt, sess.UpdatedBy = now(), o.Who, now(), o.Who
	sess.Status = store.StatusActive

	company := store.Company{OrgType: sc.OrgType, FullName: demoFullName, CompanyName: demoCompany, Country: demoCountry, NotRobot: true}
	if sc.OrgType == steps.OrgGovernment {
		company.CompanyName = demoGovernment
	}
	email := "demo-" + strings.ToLower(strings.ReplaceAll(sess.ID, "-", "")) + "@dala-foods.kz"
	national := sc.PhoneFor(sess.ID)
	phone, problem := rules.ParsePhone("+7"+national, demoCountry)
	if problem != rules.PhoneOK {
		return fmt.Errorf("the made-up number +7%s is not a number of Kazakhstan (%s)", national, problem)
	}
	profile := store.Profile{DisplayName: company.CompanyName, Category: "OTHER", Description: demoDescription(sess), Website: demoWebsite}

	sess.Account.Email = email // shown filled in on the account step
	if !before(steps.Terms) {
		return finishSeed(sess, at)
	}
	sess.Terms.AcceptedAt = now()
	if !before(steps.Account) {
		return finishSeed(sess, at)
	}
	// A password is needed by the provider; it is made here, used once and forgotten.
	acc, err := p.CreateAccount(ctx, email, "Demo-"+crand.Text()[:10]+"-7!")
	if err != nil {
		return fmt.Errorf("create the account: %w", err)
	}
	sess.Account = store.Account{Email: acc.Email, ID: acc.ID, CreatedAt: now()}
	sess.Company = company // shown filled in on the company step
	if !before(steps.VerifyEmail) {
		return finishSeed(sess, at)
	}
	if err := confirmEmail(ctx, o.Sandbox.URL, email); err != nil {
		return fmt.Errorf("confirm the e-mail address: %w", err)
	}
	sess.Account.VerifiedAt = now()
	if !before(steps.Company) {
		return finishSeed(sess, at)
	}
	if sc.OrgType == steps.OrgGovernment {
		return fmt.Errorf("a government body waits for Meta's approval at the company step")
	}
	if _, err := p.UpdateCompany(ctx, acc.ID, client.Company{OrgType: company.OrgType, FullName: company.FullName,
		CompanyName: company.CompanyName, Country: company.Country}); err != nil {
		return fmt.Errorf("save the company details: %w", err)
	}
	sess.Company.SavedAt = now()
	if !before(steps.NumberStatus) {
		return finishSeed(sess, at)
	}
	if sc.OnBusinessApp {
		return fmt.Errorf("a number on the WhatsApp Business app waits at the number questions")
	}
	sess.Number = store.Number{OnBusinessAPI: sc.OnBusinessAPI, ConfirmedAt: now()}
	route := steps.ChooseRoute(company.OrgType, sess.Number, steps.MigrationItems)
	sess.Path = route.Path
	if !before(steps.Signup) {
		return finishSeed(sess, at)
	}
	if err := seedSignup(ctx, o, sess); err != nil {
		return err
	}
	if sess.Path == store.PathNew {
		sess.Profile = profile
		sess.Phone = store.Phone{Country: phone.Region, E164: phone.E164, CC: phone.CC, Number: phone.National} // shown on the phone step
	}
	if !before(steps.DisplayName) {
		return finishSeed(sess, at)
	}
	if sess.Path == store.PathNew {
		sess.Profile.ConfirmedAt = now()
	}
	if !before(steps.Phone) {
		return finishSeed(sess, at)
	}
	if sess.Path == store.PathNew {
		st, err := p.AddNumber(ctx, sess.Signup.SessionID, client.NewNumber{CC: phone.CC, PhoneNumber: phone.National, VerifiedName: profile.DisplayName})
		if err != nil {
			return fmt.Errorf("add the number: %w", err)
		}
		sess.Phone.ID, sess.Phone.AddedAt = st.PhoneNumberID, now()
		if err := p.SetNumberProfile(ctx, sess.Signup.SessionID, st.PhoneNumberID, client.BusinessProfile{Description: profile.Description,
			Vertical: profile.Category, Websites: []string{profile.Website}}); err != nil {
			return fmt.Errorf("send the business profile: %w", err)
		}
		sess.Profile.SentAt = now()
	}
	if !before(steps.VerifyCode) {
		return finishSeed(sess, at)
	}
	if err := seedCode(ctx, o, sess); err != nil {
		return err
	}
	if !before(steps.Activation) {
		return finishSeed(sess, at)
	}
	if err := seedActivation(ctx, o, sess); err != nil {
		return err
	}
	return finishSeed(sess, at)
}

// finishSeed checks that the session is where the demo starts.
func finishSeed(sess *store.Session, at steps.ID) error {
	if got := steps.Next(*sess); got != at {
		return fmt.Errorf("the made-up signup came to %s, not %s", got, at)
	}
	sess.Step = string(at)
	return nil
}

// confirmEmail opens the link of the sandbox's latest e-mail to email, as the user does.
func confirmEmail(ctx context.Context, base, email string) error {
	link, err := sandbox.LatestVerifyLink(ctx, base, email)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the e-mail's link answered HTTP %d", resp.StatusCode)
	}
	return nil
}

// seedSignup starts an Embedded Signup, finishes it as the signup page does
// (without a number: the wizard's own display-name, phone and code steps run;
// a migration's number moves in) and reads it as the signup step does.
func seedSignup(ctx context.Context, o seedOptions, sess *store.Session) error {
	p := o.Env.Clients.Partner
	mode := sandbox.ModeNew
	if sess.Path == store.PathMigration {
		mode = sandbox.ModeMigration
	}
	started := o.Now()
	ss, err := p.StartSignup(ctx, sess.Account.ID, client.SignupRequest{Mode: mode})
	if err != nil {
		return fmt.Errorf("start the signup: %w", err)
	}
	body, _ := json.Marshal(map[string]string{"event": steps.EventFinish, "current_step": "WABA_SETUP"})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ss.URL+"/result", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("finish the signup page: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the signup page's result answered HTTP %d", resp.StatusCode)
	}
	var r client.SignupResult
	for deadline := time.Now().Add(20 * time.Second); ; {
		if r, err = p.GetSignup(ctx, ss.ID); err != nil {
			return fmt.Errorf("read the signup: %w", err)
		}
		if r.Stage == client.StageReady || time.Now().After(deadline) {
			break
		}
		if err := sleepCtx(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
	if r.Status != client.SignupFinished || r.Stage != client.StageReady {
		return fmt.Errorf("the signup is %s at stage %s: %s", r.Status, r.Stage, r.Reason)
	}
	now := o.Now()
	sg := store.Signup{SessionID: ss.ID, URL: ss.URL, StartedAt: started, Event: r.Event, WABAID: r.WABAID, BusinessID: r.BusinessID,
		PhoneNumberID: r.PhoneNumberID, FinishedAt: now, Stage: r.Stage, StageReason: r.Reason, ReadAt: now}
	if r.PhoneNumberID != "" {
		n, err := p.Number(ctx, ss.ID, r.PhoneNumberID)
		if err != nil {
			return fmt.Errorf("read the signup's number: %w", err)
		}
		sg.NumberStatus, sg.VerifiedName, sg.NameStatus, sg.DisplayPhone = n.CodeVerificationStatus, n.VerifiedName, n.NameStatus, n.DisplayPhoneNumber
		sess.Phone.ID = r.PhoneNumberID
		if ph, problem := rules.ParsePhone("+"+n.DisplayPhoneNumber, ""); problem == rules.PhoneOK || problem == rules.PhoneNotForRegion {
			sess.Phone.Country, sess.Phone.E164, sess.Phone.CC, sess.Phone.Number = ph.Region, ph.E164, ph.CC, ph.National
		}
	}
	sess.Signup = sg
	return nil
}

// seedCode verifies the number with a code read from the sandbox's phone and
// registers it with a two-step PIN made here and forgotten (a migrated number
// is verified by its move: it is only registered).
func seedCode(ctx context.Context, o seedOptions, sess *store.Session) error {
	p, sid, pid := o.Env.Clients.Partner, sess.Signup.SessionID, sess.Phone.ID
	if sess.Path == store.PathNew {
		cr, err := p.RequestNumberCode(ctx, sid, pid, steps.MethodSMS, "en_US")
		if err != nil {
			return fmt.Errorf("request a code: %w", err)
		}
		code, err := sandbox.LatestCode(ctx, o.Sandbox.URL, pid)
		if err != nil {
			return err
		}
		if err := p.VerifyNumberCode(ctx, sid, pid, code); err != nil {
			return fmt.Errorf("verify the code: %w", err)
		}
		requested := o.Now()
		sess.Code = store.Code{Method: steps.MethodSMS, RequestedAt: requested, Requests: 1, VerifiedAt: o.Now(),
			ExpiresAt: requested.Add(time.Duration(cr.EnterWithinSeconds) * time.Second)}
	}
	pin := demoPIN()
	if err := p.RegisterNumber(ctx, sid, pid, pin); err != nil {
		return fmt.Errorf("register the number: %w", err)
	}
	sess.Code.RegisteredAt = o.Now()
	return nil
}

// demoPIN is a two-step PIN of six digits, never kept.
func demoPIN() string {
	var b [6]byte
	_, _ = crand.Read(b[:])
	for i := range b {
		b[i] = '0' + b[i]%10
	}
	return string(b[:])
}

// seedActivation starts the number's activation and waits for it to end.
func seedActivation(ctx context.Context, o seedOptions, sess *store.Session) error {
	p := o.Env.Clients.Partner
	started := o.Now()
	act, err := p.StartActivation(ctx, sess.Account.ID, sess.Phone.ID)
	if err != nil {
		return fmt.Errorf("start the activation: %w", err)
	}
	for act.Status == client.ActivationPending {
		if err := sleepCtx(ctx, 200*time.Millisecond); err != nil {
			return fmt.Errorf("the activation is still pending: %w", err)
		}
		if act, err = p.GetActivation(ctx, sess.Phone.ID); err != nil {
			return fmt.Errorf("read the activation: %w", err)
		}
	}
	if act.Status != client.ActivationActive {
		return fmt.Errorf("the activation ended %s: %s", act.Status, act.StatusText)
	}
	sess.Activation = store.Activation{StartedAt: started, Status: act.Status, StatusText: act.StatusText,
		AlphaCode: act.AlphaCode, ActivatedAt: act.ActivatedAt}
	return nil
}

// sleepCtx waits d (the seeding waits on the sandbox's own clock-based
// stages: the signup's setup, the activation), or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
