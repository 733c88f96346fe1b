package steps

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"wizard/assets"
	"wizard/steps/rules"
	"wizard/store"
)

// complete fills in what step id saves when it finishes, the way each step's Done does.
func complete(s *store.Session, id ID, path store.Path) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	switch id {
	case Terms:
		s.Terms.AcceptedAt = now
	case Account:
		s.Account.ID, s.Account.Email = "acc_1", "a@b.kz"
	case VerifyEmail:
		s.Account.VerifiedAt = now
	case Company:
		s.Company.SavedAt = now
	case NumberStatus:
		s.Number.ConfirmedAt, s.Path = now, path
		if path == store.PathMigration {
			s.Number.OnBusinessAPI = true
		}
	case Signup:
		s.Signup.Event, s.Signup.WABAID = "FINISH", "1"
		if path == store.PathMigration {
			s.Phone.ID = "2"
		}
	case DisplayName:
		s.Profile.ConfirmedAt = now
	case Phone:
		s.Phone.ID, s.Profile.SentAt = "2", now
	case VerifyCode:
		s.Code.RegisteredAt = now
	case Activation:
		s.Activation.ActivatedAt = now
	case AlphaName:
		s.Alpha.SavedAt = now
	case Finished:
		s.Status = store.StatusDone
	}
}

// walk follows Next from an empty session to the end and returns the steps met.
func walk(t *testing.T, path store.Path) []ID {
	t.Helper()
	var s store.Session
	var seen []ID
	for range 3 * len(Order) {
		id := Next(s)
		seen = append(seen, id)
		if id == Finished && s.Status == store.StatusDone {
			return seen
		}
		complete(&s, id, path)
	}
	t.Fatalf("path %q never reached done: %v", path, seen)
	return nil
}

func TestEveryPathReachesDone(t *testing.T) {
	newPath := walk(t, store.PathNew)
	want := append(slices.Clone(Order), Finished) // done is met once to finish, once when finished
	if !slices.Equal(newPath, want) {
		t.Errorf("new number path:\n got %v\nwant %v", newPath, want)
	}
	mig := walk(t, store.PathMigration)
	for _, skipped := range []ID{DisplayName, Phone} {
		if slices.Contains(mig, skipped) {
			t.Errorf("migration path visits %s: %v", skipped, mig)
		}
	}
	for _, must := range []ID{Signup, VerifyCode, Activation, AlphaName, Finished} {
		if !slices.Contains(mig, must) {
			t.Errorf("migration path misses %s: %v", must, mig)
		}
	}
}

func TestBlockedNumberStaysAtTheQuestions(t *testing.T) {
	var s store.Session
	for _, id := range []ID{Terms, Account, VerifyEmail, Company} {
		complete(&s, id, "")
	}
	complete(&s, NumberStatus, store.PathBlocked)
	if got := Next(s); got != NumberStatus {
		t.Fatalf("a parked number goes to %s, want %s (questions asked again)", got, NumberStatus)
	}
}

func TestPhoneStepUntilProfileSent(t *testing.T) {
	var s store.Session
	for _, id := range Order[:Position(Phone)-1] {
		complete(&s, id, store.PathNew)
	}
	s.Phone.ID = "123" // number added, profile not sent yet
	if got := Next(s); got != Phone {
		t.Fatalf("Next = %s, want %s while the profile is unsent", got, Phone)
	}
}

func TestPositionsAndPrevious(t *testing.T) {
	if len(Order) != 12 || Position(Terms) != 1 || Position(Finished) != 12 || Position("nope") != 0 {
		t.Fatalf("Order/Position wrong: %v", Order)
	}
	var s store.Session
	for _, id := range Order[:Position(Signup)-1] {
		complete(&s, id, store.PathNew)
	}
	for _, c := range []struct {
		from, want ID
	}{
		{Terms, ""},
		{Account, Terms},
		{VerifyEmail, Account},
		{Company, Account}, // the address is verified: back skips the waiting screen
		{NumberStatus, Company},
		{Signup, NumberStatus},
	} {
		if got := Previous(s, c.from); got != c.want {
			t.Errorf("Previous(%s) = %q, want %q", c.from, got, c.want)
		}
	}
	complete(&s, Signup, store.PathNew)
	if got := Previous(s, DisplayName); got != "" {
		t.Errorf("after a finished signup, Previous(display-name) = %q, want none", got)
	}
	if got := Previous(s, Phone); got != DisplayName {
		t.Errorf("Previous(phone) = %q, want display-name while no number is added", got)
	}
	complete(&s, DisplayName, store.PathNew)
	complete(&s, Phone, store.PathNew)
	for _, id := range []ID{VerifyCode, Activation, AlphaName, Finished} {
		if got := Previous(s, id); got != "" {
			t.Errorf("Previous(%s) = %q, want none once the number is added", id, got)
		}
	}
}

func TestEveryStepHasAName(t *testing.T) {
	w := assets.NewWords("en")
	for _, id := range Order {
		if !w.Has("step." + string(id)) {
			t.Errorf("step %s has no name in the catalog", id)
		}
	}
	for _, p := range []rules.EmailProblem{rules.EmailEmpty, rules.EmailSpaces, rules.EmailTooLong, rules.EmailDisplayName,
		rules.EmailSyntax, rules.EmailLocalTooLong, rules.EmailDomain} {
		if !w.Has("rules." + string(p)) {
			t.Errorf("e-mail problem %s has no sentence", p)
		}
	}
	for _, it := range MigrationItems {
		for _, k := range []string{"migration." + it, "migration." + it + "_why"} {
			if !w.Has(k) {
				t.Errorf("missing %s", k)
			}
		}
	}
}

func TestChooseRoute(t *testing.T) {
	all := MigrationItems
	tests := []struct {
		name      string
		org       string
		n         store.Number
		confirmed []string
		want      Route
	}{
		{"a company, no answers yet", OrgCompany, store.Number{}, nil, Route{Path: store.PathNew}},
		{"a government body waits for Meta", OrgGovernment, store.Number{}, nil, Route{Park: ParkGovernment}},
		{"all three No: a new number", OrgCompany, store.Number{}, nil, Route{Path: store.PathNew}},
		{"on the API, checklist met: migration", OrgCompany, store.Number{OnBusinessAPI: true}, all, Route{Path: store.PathMigration}},
		{"on the API, nothing confirmed", OrgCompany, store.Number{OnBusinessAPI: true}, nil,
			Route{Path: store.PathBlocked, Park: ParkChecklist, Missing: all}},
		{"on the API, two-step still on", OrgCompany, store.Number{OnBusinessAPI: true},
			[]string{"business_verified", "waba_approved", "name_approved", "not_test_number"},
			Route{Path: store.PathBlocked, Park: ParkChecklist, Missing: []string{"two_step_off"}}},
		{"on the Business app", OrgCompany, store.Number{OnBusinessApp: true}, nil, Route{Path: store.PathBlocked, Park: ParkApp}},
		{"on a personal account", OrgCompany, store.Number{OnPersonal: true}, nil, Route{Path: store.PathBlocked, Park: ParkPersonal}},
		{"the API answer wins over the app's", OrgCompany, store.Number{OnBusinessAPI: true, OnBusinessApp: true}, all,
			Route{Path: store.PathMigration}},
		{"the app wins over personal", "", store.Number{OnBusinessApp: true, OnPersonal: true}, nil,
			Route{Path: store.PathBlocked, Park: ParkApp}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ChooseRoute(tt.org, tt.n, tt.confirmed); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ChooseRoute = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCompanyRoute(t *testing.T) {
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	approved := store.Company{OrgType: OrgGovernment, ApprovedAt: day, ApprovalRef: "CASE-123", ApprovedBy: "Anna Ivanova"}
	noRef, noBy, noDate := approved, approved, approved
	noRef.ApprovalRef, noBy.ApprovedBy, noDate.ApprovedAt = " ", "", time.Time{}
	asCompany := approved
	asCompany.OrgType = OrgCompany
	for _, tt := range []struct {
		name string
		c    store.Company
		want Route
	}{
		{"a company goes on", store.Company{OrgType: OrgCompany}, Route{Path: store.PathNew}},
		{"a government body waits", store.Company{OrgType: OrgGovernment}, Route{Park: ParkGovernment}},
		{"approved, with date, reference and who: goes on", approved, Route{Path: store.PathNew}},
		{"no reference: still waits", noRef, Route{Park: ParkGovernment}},
		{"nobody said so: still waits", noBy, Route{Park: ParkGovernment}},
		{"no date: still waits", noDate, Route{Park: ParkGovernment}},
		{"an approval on a company changes nothing", asCompany, Route{Path: store.PathNew}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := CompanyRoute(tt.c); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("CompanyRoute = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// A government body stays at the company step until Meta's approval is
// recorded, even when the company was saved once (as a company, before the
// type was changed); with the approval it goes on to the number.
func TestGovernmentBodyGoesOnOnlyWithTheApproval(t *testing.T) {
	var s store.Session
	for _, id := range []ID{Terms, Account, VerifyEmail, Company} {
		complete(&s, id, "")
	}
	s.Company.OrgType = OrgGovernment
	if got := Next(s); got != Company {
		t.Fatalf("a government body without approval is at %s, want %s", got, Company)
	}
	s.Company.ApprovedAt = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	s.Company.ApprovalRef, s.Company.ApprovedBy = "CASE-123", "Anna Ivanova"
	if got := Next(s); got != NumberStatus {
		t.Fatalf("an approved government body is at %s, want %s", got, NumberStatus)
	}
	s.Company.SavedAt = time.Time{}
	if got := Next(s); got != Company {
		t.Fatalf("approved but the details not sent: %s, want %s", got, Company)
	}
}

// TestNextAfterThePopup walks Next for every row of the branch table (issue 10):
// what the Embedded Signup pop-up left decides the steps that follow it.
func TestNextAfterThePopup(t *testing.T) {
	after := []ID{Activation, AlphaName, Finished, Finished}
	for _, tc := range []struct {
		name string
		path store.Path
		sg   store.Signup
		want []ID // the steps met from the signup on
	}{
		{"FINISH with a verified number", store.PathNew,
			store.Signup{Event: "FINISH", PhoneNumberID: "9", NumberStatus: "VERIFIED", Stage: "ready"},
			append([]ID{DisplayName, VerifyCode}, after...)},
		{"FINISH with an unverified number", store.PathNew,
			store.Signup{Event: "FINISH", PhoneNumberID: "9", NumberStatus: "NOT_VERIFIED", Stage: "ready"},
			append([]ID{VerifyCode}, after...)},
		{"FINISH_ONLY_WABA", store.PathNew, store.Signup{Event: "FINISH_ONLY_WABA", Stage: "ready"},
			append([]ID{DisplayName, Phone, VerifyCode}, after...)},
		{"FINISH without a number", store.PathNew, store.Signup{Event: "FINISH", Stage: "ready"},
			append([]ID{DisplayName, Phone, VerifyCode}, after...)},
		{"FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING", store.PathNew,
			store.Signup{Event: "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING", PhoneNumberID: "9", NumberStatus: "VERIFIED", Stage: "ready"},
			after},
		{"migration", store.PathMigration, store.Signup{Event: "FINISH", PhoneNumberID: "9", NumberStatus: "VERIFIED", Stage: "ready"},
			append([]ID{VerifyCode}, after...)},
		{"a session saved before the pop-up's number was read", store.PathNew, store.Signup{Event: "FINISH"},
			append([]ID{DisplayName, Phone, VerifyCode}, after...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s store.Session
			for _, id := range Order[:Position(Signup)-1] {
				complete(&s, id, tc.path)
			}
			if Next(s) != Signup {
				t.Fatalf("before the pop-up: %s", Next(s))
			}
			sg := tc.sg
			sg.ReadPending = true // saved, not read yet: still the signup step
			s.Signup = sg
			if Next(s) != Signup {
				t.Fatalf("a FINISH not read yet goes to %s, want the signup", Next(s))
			}
			s.Signup.ReadPending = false
			if sg.PhoneNumberID != "" {
				s.Phone.ID = sg.PhoneNumberID
			}
			var seen []ID
			for range 3 * len(Order) {
				id := Next(s)
				seen = append(seen, id)
				if id == Finished && s.Status == store.StatusDone {
					break
				}
				complete(&s, id, tc.path)
			}
			if !slices.Equal(seen, tc.want) {
				t.Errorf("after the pop-up:\n got %v\nwant %v", seen, tc.want)
			}
			for _, id := range Path(s) {
				if Skipped(s, id) {
					t.Errorf("Path lists skipped step %s", id)
				}
			}
			for _, id := range Order {
				if !Skipped(s, id) != slices.Contains(Path(s), id) {
					t.Errorf("Path and Skipped disagree on %s", id)
				}
			}
		})
	}
	// Rows that stay at the signup: a CANCEL (at a step, or with an error) and
	// a code the provider could not exchange in its 30 seconds.
	for _, sg := range []store.Signup{
		{Event: "CANCEL", CancelStep: "PHONE_NUMBER_VERIFICATION"},
		{Event: "CANCEL", ErrorMessage: "No SMS", ErrorID: "1", ErrorSessionID: "2", ErrorTime: "3"},
		{Event: "FINISH", PhoneNumberID: "9", Stage: "exchange_failed"},
	} {
		var s store.Session
		for _, id := range Order[:Position(Signup)-1] {
			complete(&s, id, store.PathNew)
		}
		s.Signup = sg
		if got := Next(s); got != Signup {
			t.Errorf("%+v: Next = %s, want the signup again", sg, got)
		}
		if !CanRevisit(s, NumberStatus) {
			t.Errorf("%+v: the number questions cannot be revisited", sg)
		}
	}
}
