package steps

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"wizard/client"
	"wizard/store"
)

// parkedGovernment is a session parked at the company step until Meta
// approves the government body, with an account the sandbox knows.
func parkedGovernment(h *shHarness) {
	h.t.Helper()
	h.createAccount()
	h.sess.Company = store.Company{OrgType: OrgGovernment, FullName: "Anna Ivanova", CompanyName: "Akimat of Almaty",
		Country: "KZ", NotRobot: true}
	h.sess.Number, h.sess.Signup, h.sess.Path = store.Number{}, store.Signup{}, store.PathUnknown
	h.sess.Status, h.sess.WaitingReason = store.StatusWaiting, h.env.T("company.government_reason")
}

func TestParkedGovernmentKeepsWaitingByDefault(t *testing.T) {
	h := newSHHarness(t)
	parkedGovernment(h)
	if Next(h.sess) != Company {
		t.Fatalf("Next = %s", Next(h.sess))
	}
	h.start(Company)
	h.mustSee(h.T("company.approval_question"))
	h.mustSee(h.T("company.approval_wait"))
	h.enter() // the first answer: keep waiting
	if len(h.records) != 1 || h.records[0].Kind != "parked" || h.quits != 1 || len(h.dones) != 0 {
		t.Fatalf("records %+v, quits %d, dones %d", h.records, h.quits, len(h.dones))
	}
	if h.sess.Status != store.StatusWaiting || GovernmentApproved(h.sess.Company) || Next(h.sess) != Company {
		t.Fatalf("after keep waiting: %+v", h.sess)
	}
}

func TestParkedGovernmentRecordsTheApprovalAndGoesOn(t *testing.T) {
	h := newSHHarness(t)
	parkedGovernment(h)
	h.start(Company)
	h.send(tea.KeyPressMsg{Code: tea.KeyDown})
	h.enter() // the approval arrived
	h.mustSee(h.T("company.approval_date"))

	h.typeText("2026-11-22") // tomorrow, by the harness's clock
	h.enter()
	h.mustSee(h.T("company.approval_date_future"))
	h.send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	h.typeText("0")
	h.enter()
	h.mustSee(h.T("company.approval_ref"))
	h.enter()
	h.mustSee(h.T("company.approval_ref_required"))
	h.typeText("CASE-4821")
	h.enter()
	h.mustSee("Anna Ivanova") // who confirms: the contact, unless changed
	if len(h.records) != 0 {
		t.Fatalf("saved before the form was sent: %+v", h.records)
	}
	h.enter()

	if len(h.records) != 1 || h.records[0].Kind != "approved" || len(h.dones) != 1 {
		t.Fatalf("records %+v, dones %d; screen:\n%s", h.records, len(h.dones), h.view())
	}
	c := h.sess.Company
	if !c.ApprovedAt.Equal(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)) || c.ApprovalRef != "CASE-4821" ||
		c.ApprovedBy != "Anna Ivanova" || c.SavedAt.IsZero() || c.OrgType != OrgGovernment {
		t.Fatalf("company after the approval: %+v", c)
	}
	if h.sess.Status != store.StatusActive || h.sess.WaitingReason != "" {
		t.Fatalf("status %s reason %q", h.sess.Status, h.sess.WaitingReason)
	}
	if got := Next(h.sess); got != NumberStatus {
		t.Fatalf("Next = %s, want %s", got, NumberStatus)
	}
}

func TestParkedGovernmentEscReturnsToTheQuestion(t *testing.T) {
	h := newSHHarness(t)
	parkedGovernment(h)
	h.start(Company)
	h.send(tea.KeyPressMsg{Code: tea.KeyDown})
	h.enter()
	h.mustSee(h.T("company.approval_date"))
	esc := tea.KeyPressMsg{Code: tea.KeyEscape}
	if h.step.(Backer).WantsBack(esc) {
		t.Fatal("esc in the approval's form leaves the step")
	}
	h.send(esc)
	h.mustSee(h.T("company.approval_question"))
	h.mustNotSee(h.T("company.approval_date"))
}

func TestParkedGovernmentCanChangeTheDetails(t *testing.T) {
	h := newSHHarness(t)
	parkedGovernment(h)
	h.start(Company)
	h.send(tea.KeyPressMsg{Code: tea.KeyDown})
	h.send(tea.KeyPressMsg{Code: tea.KeyDown})
	h.enter() // change the details
	h.mustSee(h.T("company.org_type"))
	h.mustSee("> " + h.T("company.org_government"))
	h.send(tea.KeyPressMsg{Code: tea.KeyUp}) // it is a company after all
	h.enter()
	h.enter() // name kept
	h.enter() // company name kept
	h.enter() // country kept
	h.press('y')
	if len(h.dones) != 1 || h.sess.Company.OrgType != OrgCompany || Next(h.sess) != NumberStatus {
		t.Fatalf("dones %d, company %+v; screen:\n%s", len(h.dones), h.sess.Company, h.view())
	}
}

func TestSummaryShowsTheApproval(t *testing.T) {
	h := newSHHarness(t)
	h.sess.Company = store.Company{OrgType: OrgGovernment, CompanyName: "Akimat of Almaty",
		ApprovedAt: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), ApprovalRef: "CASE-4821", ApprovedBy: "Anna Ivanova"}
	for _, l := range Summary(h.env.Words, h.sess) {
		if l.Label == h.env.T("done.label.approval") {
			if l.Value != "20 November 2026, reference CASE-4821 (confirmed by Anna Ivanova)" {
				t.Fatalf("approval line %q", l.Value)
			}
			return
		}
	}
	t.Fatal("the summary does not show the approval")
}

// The alpha-name screen says where the name came from and how it can change,
// never "go back" (no key goes back from here, and a migration never had a
// display-name step).
func TestAlphaNameSaysWhatIsTrueAboutTheName(t *testing.T) {
	for _, c := range []struct {
		name string
		path store.Path
		says string
	}{
		{"new number", store.PathNew, "alpha.name_readonly"},
		{"migration", store.PathMigration, "alpha.name_migrated"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newSHHarness(t)
			h.addNumber("70100020" + map[store.Path]string{store.PathNew: "21", store.PathMigration: "22"}[c.path])
			h.sess.Path = c.path
			if c.path == store.PathMigration {
				h.sess.Profile = store.Profile{}
			}
			h.start(AlphaName)
			h.mustSee("Acme Pharma")
			h.mustSee(h.T(c.says))
			h.mustSee("WhatsApp Manager")
			h.mustNotSee("go back")
			if prev := Previous(h.sess, AlphaName); prev != "" {
				t.Fatalf("Previous(alpha-name) = %s: the screen would have a way back", prev)
			}
			var out Outcome
			h.step, _, out = h.step.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
			if out != nil {
				t.Fatalf("esc decided %#v", out)
			}
			h.enter() // what is possible: save it for the country
			h.mustSee(h.T("alpha.saved", "Acme Pharma", "Kazakhstan"))
		})
	}
}

// One number format on every screen: international, grouped.
func TestNumberIsShownTheSameEverywhere(t *testing.T) {
	h := newSHHarness(t)
	h.addNumber("7010003030")
	h.start(VerifyCode)
	h.mustSee("+7 701 000 3030")
	h.mustNotSee("+77010003030")
	h.press('v')
	h.mustSee(h.T("code.sent", h.T("code.method_voice"), "+7 701 000 3030"))
	h.mustNotSee("+77010003030")

	for _, c := range []struct {
		p    store.Phone
		want string
	}{
		{store.Phone{Country: "KZ", E164: "+77010003030"}, "+7 701 000 3030"},
		{store.Phone{E164: "+998901234567"}, "+998 90 123 45 67"},
		{store.Phone{Country: "KZ", E164: "+4930123456"}, "+49 30 123456"}, // another country's number keeps its own grouping
		{store.Phone{E164: "+7"}, "+7"},                                    // unreadable: as saved
		{store.Phone{}, ""},
	} {
		if got := ShowNumber(c.p); got != c.want {
			t.Errorf("ShowNumber(%+v) = %q, want %q", c.p, got, c.want)
		}
	}
}

// After a voice call was chosen the field does not speak of an SMS; a resumed
// field remembers how the code came.
func TestVoiceCodeFieldSpeaksOfTheCall(t *testing.T) {
	h := newSHHarness(t)
	h.addNumber("7010004040")
	h.start(VerifyCode)
	h.press('v')
	h.mustSee(h.T("code.code_help_voice"))
	h.mustNotSee("SMS shows")

	h.start(VerifyCode) // resumed within the window
	h.mustSee(h.T("code.code_help_voice"))
	h.mustNotSee("SMS shows")

	h.sess.Code = store.Code{}
	h.start(VerifyCode)
	h.press('s')
	h.mustSee(h.T("code.code_help"))
}

// The waiting screen says once that the provider is activating the number,
// in the user's words, whatever sentence the provider gave (in its language).
func TestActivationSaysItOnce(t *testing.T) {
	h := newSHHarness(t)
	h.sess.Phone.ID = "123"
	h.sess.Activation = store.Activation{StartedAt: h.clock.Now().Add(-20 * time.Second), Status: client.ActivationPending}
	h.step = New(Activation, h.env, h.sess)
	h.step.Init()
	times := func() int { return strings.Count(strings.ToLower(h.view()), "activating the number") }
	if n := times(); n != 1 {
		t.Fatalf("said %d times:\n%s", n, h.view())
	}
	said := "The provider is activating the number. This usually takes a few minutes; you may close the wizard and come back."
	h.deliver(activationPolled{a: client.Activation{Status: client.ActivationPending, StatusText: said}})
	h.mustSee(h.T("activation.body"))
	h.mustNotSee("This usually takes a few minutes")
	h.mustSee("0:20")
	h.mustSee(h.T("activation.safe_to_close"))
	if n := times(); n != 1 {
		t.Fatalf("said %d times:\n%s", n, h.view())
	}

	h.sess.Activation = store.Activation{}
	h.step = New(Activation, h.env, h.sess)
	h.step.Init() // starting: the spinner says what happens
	if n := strings.Count(strings.ToLower(h.view()), "activate the number"); n != 1 {
		t.Fatalf("the start says it %d times:\n%s", n, h.view())
	}
}

// The PINs users named, and every run or repetition, are warned about while
// typed, a good one is not (Meta accepts them all: ui's TestWeakPINIsWarnedAboutButAccepted
// registers with one).
func TestWeakPINsAreWarnedAbout(t *testing.T) {
	h := newSHHarness(t)
	h.addNumber("7010005050")
	h.sess.Code.VerifiedAt = h.clock.Now()
	for _, c := range []struct {
		pin  string
		weak bool
	}{
		{"123456", true}, {"000000", true}, {"111111", true}, {"654321", true}, {"012345", true},
		{"121212", true}, {"482915", false},
	} {
		h.start(VerifyCode)
		h.typeText(c.pin)
		if got := strings.Contains(h.view(), h.T("code.pin_weak")); got != c.weak {
			t.Errorf("PIN %s: warned %v, want %v", c.pin, got, c.weak)
		}
	}
}
