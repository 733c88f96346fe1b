package steps

import (
	"slices"
	"strings"

	"wizard/store"
)

// ID names a step. It is what the session stores as its current step.
type ID string

// The twelve steps, in the order of the guide.
const (
	Terms        ID = "terms"
	Account      ID = "account"
	VerifyEmail  ID = "verify-email"
	Company      ID = "company"
	NumberStatus ID = "number-status"
	Signup       ID = "signup"
	DisplayName  ID = "display-name"
	Phone        ID = "phone"
	VerifyCode   ID = "verify-code"
	Activation   ID = "activation"
	AlphaName    ID = "alpha-name"
	Finished     ID = "done"
)

// Order is every step of the flow, in the order the guide gives them.
var Order = []ID{Terms, Account, VerifyEmail, Company, NumberStatus, Signup,
	DisplayName, Phone, VerifyCode, Activation, AlphaName, Finished}

// Position is the 1-based place of id in Order (0 if unknown).
func Position(id ID) int {
	for i, s := range Order {
		if s == id {
			return i + 1
		}
	}
	return 0
}

// Skipped reports whether the session's path leaves step id out. What the
// signup's pop-up left decides it (Embedded Signup v4, api-facts.md): a number
// that migrates from another provider keeps its display name and needs no new
// code; a number the pop-up added needs no phone step, and no display-name
// step unless its code is verified (then the step confirms Meta's name); a
// number on the WhatsApp Business app (coexistence) is neither verified by code
// nor registered here.
func Skipped(s store.Session, id ID) bool {
	switch {
	case s.Path == store.PathMigration:
		return id == DisplayName || id == Phone
	case AppOnboarding(s):
		return id == DisplayName || id == Phone || id == VerifyCode
	case PopupNumber(s):
		return id == Phone || (id == DisplayName && !PopupVerified(s))
	}
	return false
}

// Meta's Embedded Signup events the flow branches on.
const (
	EventFinish        = "FINISH"
	EventOnlyWABA      = "FINISH_ONLY_WABA"
	EventAppOnboarding = "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING"
)

// Provider stages the flow branches on (client.Stage…).
const stageExchangeFailed = "exchange_failed"

// SignupRead reports whether the signup step is over: the pop-up finished, the
// provider exchanged its code (a failed exchange needs the pop-up again), and
// the signup and its number were read and saved.
func SignupRead(s store.Session) bool {
	sg := s.Signup
	return SignupFinished(sg.Event) && sg.Stage != stageExchangeFailed && !sg.ReadPending
}

// AppOnboarding: the pop-up connected a number on the WhatsApp Business app
// (coexistence). The app keeps working; nothing is verified or registered here.
func AppOnboarding(s store.Session) bool {
	return s.Path == store.PathNew && SignupRead(s) && s.Signup.Event == EventAppOnboarding && s.Signup.PhoneNumberID != ""
}

// PopupNumber: on the new-number path, the pop-up added the number itself.
func PopupNumber(s store.Session) bool {
	return s.Path == store.PathNew && SignupRead(s) && s.Signup.Event != EventOnlyWABA &&
		s.Signup.Event != EventAppOnboarding && s.Signup.PhoneNumberID != ""
}

// PopupVerified: the pop-up added the number and verified its code.
func PopupVerified(s store.Session) bool {
	return PopupNumber(s) && s.Signup.NumberStatus == "VERIFIED"
}

// Path lists the steps this session walks, given what it knows so far.
func Path(s store.Session) []ID {
	var ids []ID
	for _, id := range Order {
		if !Skipped(s, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// SignupFinished reports whether an Embedded Signup event ends the signup step.
func SignupFinished(event string) bool { return strings.HasPrefix(event, "FINISH") }

// Next is the step a session is at, computed from what it holds. It is a pure
// function of the saved session: resuming is loading the session and building
// the step Next names.
func Next(s store.Session) ID {
	switch {
	case s.Status == store.StatusDone:
		return Finished
	case s.Terms.AcceptedAt.IsZero():
		return Terms
	case s.Account.ID == "":
		return Account
	case s.Account.VerifiedAt.IsZero():
		return VerifyEmail
	case s.Company.SavedAt.IsZero() || CompanyRoute(s.Company).Park != ParkNone:
		return Company
	case s.Number.ConfirmedAt.IsZero() || s.Path == store.PathUnknown || s.Path == store.PathBlocked:
		return NumberStatus
	case !SignupRead(s):
		return Signup
	case !Skipped(s, DisplayName) && s.Path == store.PathNew && s.Profile.ConfirmedAt.IsZero():
		return DisplayName
	case !Skipped(s, Phone) && s.Path == store.PathNew && (s.Phone.ID == "" || s.Profile.SentAt.IsZero()):
		return Phone
	case !Skipped(s, VerifyCode) && s.Code.RegisteredAt.IsZero():
		return VerifyCode
	case s.Activation.ActivatedAt.IsZero():
		return Activation
	case s.Alpha.SavedAt.IsZero():
		return AlphaName
	default:
		return Finished
	}
}

// CanRevisit reports whether going back to step id can show it again without
// undoing something a service already holds: answers kept only here can always be
// changed; a finished signup, an added number and everything after it cannot.
func CanRevisit(s store.Session, id ID) bool {
	switch id {
	case Terms, Account, Company:
		return true
	case VerifyEmail:
		return s.Account.VerifiedAt.IsZero() // a verified address would move on at once
	case NumberStatus:
		return !SignupFinished(s.Signup.Event) || s.Signup.Stage == stageExchangeFailed
	case DisplayName:
		return s.Phone.ID == ""
	}
	return false
}

// Previous is the step that "back" shows from step id: the nearest earlier step on
// the session's path that can be revisited, or "" when there is none.
func Previous(s store.Session, id ID) ID {
	path := Path(s)
	at := slices.Index(path, id)
	for i := at - 1; i >= 0; i-- {
		if CanRevisit(s, path[i]) {
			return path[i]
		}
		if !CanRevisit(s, path[i]) && path[i] != VerifyEmail {
			return "" // never step back over something that cannot be undone
		}
	}
	return ""
}

// Completed lists the steps of the session's path that lie before its current step.
func Completed(s store.Session) []ID {
	cur := ID(s.Step)
	if cur == "" {
		cur = Next(s)
	}
	var done []ID
	for _, id := range Path(s) {
		if id == cur {
			break
		}
		done = append(done, id)
	}
	if s.Status == store.StatusDone {
		done = append(done, Finished)
	}
	return done
}

// Park says why a session waits instead of going on; "" when it goes on.
type Park string

const (
	ParkNone       Park = ""
	ParkGovernment Park = "government" // a government body needs Meta's approval first
	ParkChecklist  Park = "checklist"  // a migration whose checklist is not met
	ParkApp        Park = "app"        // the number is on the WhatsApp Business app
	ParkPersonal   Park = "personal"   // the number is on a personal WhatsApp account
)

// Route is where the flow goes from what the user said about the organisation
// and the number.
type Route struct {
	Path    store.Path // PathNew or PathMigration when it goes on; PathBlocked for a number that must wait
	Park    Park
	Missing []string // the migration checklist's items not confirmed (ParkChecklist)
}

// MigrationItems are the migration checklist's items, in the order they are shown.
var MigrationItems = []string{"business_verified", "waba_approved", "two_step_off", "name_approved", "not_test_number"}

// ChooseRoute decides the path from the organisation type, the answers about
// the number and the migration items confirmed. It is pure: the company and
// number-status steps call it, and its table test is the guide's branches.
// The number's answers are those given so far: at the company step, none.
func ChooseRoute(orgType string, n store.Number, confirmed []string) Route {
	switch {
	case orgType == OrgGovernment:
		return Route{Path: store.PathUnknown, Park: ParkGovernment}
	case n.OnBusinessAPI:
		var missing []string
		for _, it := range MigrationItems {
			if !slices.Contains(confirmed, it) {
				missing = append(missing, it)
			}
		}
		if len(missing) > 0 {
			return Route{Path: store.PathBlocked, Park: ParkChecklist, Missing: missing}
		}
		return Route{Path: store.PathMigration}
	case n.OnBusinessApp:
		return Route{Path: store.PathBlocked, Park: ParkApp}
	case n.OnPersonal:
		return Route{Path: store.PathBlocked, Park: ParkPersonal}
	}
	return Route{Path: store.PathNew}
}

// GovernmentApproved reports whether Meta's prior approval of a government body
// is recorded in c: its date, its reference and who said it arrived.
func GovernmentApproved(c store.Company) bool {
	return !c.ApprovedAt.IsZero() && strings.TrimSpace(c.ApprovalRef) != "" && strings.TrimSpace(c.ApprovedBy) != ""
}

// CompanyRoute is the route decided at the company step, before any answer
// about the number: ChooseRoute for the organisation type, except that a
// government body whose approval by Meta is recorded goes on as a company does.
// Next uses it too, so a government body without that approval never gets past
// the company step, however the session was saved.
func CompanyRoute(c store.Company) Route {
	org := c.OrgType
	if org == OrgGovernment && GovernmentApproved(c) {
		org = OrgCompany
	}
	return ChooseRoute(org, store.Number{}, nil)
}
