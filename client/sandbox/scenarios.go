package sandbox

import (
	"hash/fnv"
	"strconv"
	"strings"
	"time"
)

// Classroom scenarios (wizard demo NAME): each is a story a trainer shows a
// room, told by the real flow against this sandbox. A scenario says what the
// made-up company answers on the way (so that `wizard demo --at STEP` can fill
// in the earlier steps consistently) and what it arms in the sandbox: faults,
// code times, the number it needs. What it arms is not saved with the state
// (as the faults are not): the demo arms it again each time it starts.

// Scenario is one classroom story.
type Scenario struct {
	Name string // short kebab-case, e.g. "wrong-code"

	// What the made-up company answers on the way.
	OrgType       string // "company" or "government"
	OnBusinessAPI bool   // the number is on the WhatsApp Business API at another provider (migration)
	OnBusinessApp bool   // the number is on the WhatsApp Business app
	// Phone is the national part (Kazakhstan, +7) of the number the story
	// needs; "" when any number will do (PhoneFor makes one per signup).
	Phone string
	// Until is the last step the story needs filled in before it: a demo
	// can start at it or earlier (--at), not past it, since what happens
	// there is the lesson ("" = any step up to the alpha name).
	Until string

	// What it arms in the sandbox.
	Faults    []Fault
	CodeEntry time.Duration // a code request's enter-within window (0: the guide's 60 s)
	CodeLife  time.Duration // how long the provider says a code is good (0: CodeTTL)
}

// OutageLength is how long the "outage" scenario's provider stays down,
// counted from the first request it refuses.
const OutageLength = 20 * time.Second

// RateLimitWait is the Retry-After of the "rate-limit" scenario's 429.
const RateLimitWait = 30 * time.Second

// ShortCodeLife is the code window of the "code-expired" scenario.
const ShortCodeLife = 20 * time.Second

var scenarios = []Scenario{
	{Name: "happy", OrgType: "company"},
	{Name: "migration", OrgType: "company", OnBusinessAPI: true},
	{Name: "government", OrgType: "government", Until: "company"},
	{Name: "business-app", OrgType: "company", OnBusinessApp: true, Until: "number-status"},
	// Meta answers that the number is already on a WhatsApp account (the
	// sandbox's numbers ending in MagicAlreadyOnWhatsApp).
	{Name: "on-whatsapp", OrgType: "company", Phone: "701" + MagicAlreadyOnWhatsApp, Until: "phone"},
	{Name: "wrong-code", OrgType: "company", Until: "verify-code"},
	{Name: "code-expired", OrgType: "company", Until: "verify-code", CodeEntry: ShortCodeLife, CodeLife: ShortCodeLife},
	// The provider's review declines the display name at activation (the
	// sandbox's numbers ending in MagicActivationFails).
	{Name: "name-declined", OrgType: "company", Phone: "701" + MagicActivationFails, Until: "activation"},
	// The provider is down (503, with Retry-After) from the company details'
	// save on, for OutageLength; then it answers again.
	{Name: "outage", OrgType: "company", Until: "company", Faults: []Fault{{PathPrefix: "/partner/v1/accounts/",
		Method: "PATCH", Kind: FaultStatus, Status: 503, Lasts: OutageLength, RetryAfter: OutageLength}}},
	// The provider answers 429 Too Many Requests, Retry-After RateLimitWait,
	// to the first start of an Embedded Signup; the next one goes through.
	{Name: "rate-limit", OrgType: "company", Until: "signup", Faults: []Fault{{PathPrefix: "/partner/v1/accounts/",
		Method: "POST", Kind: FaultStatus, Status: 429, Count: 1, RetryAfter: RateLimitWait}}},
}

// Scenarios lists the classroom scenarios, in the order of a lesson.
func Scenarios() []Scenario {
	out := make([]Scenario, len(scenarios))
	for i, sc := range scenarios {
		sc.Faults = append([]Fault(nil), sc.Faults...)
		out[i] = sc
	}
	return out
}

// FindScenario is the scenario of that name.
func FindScenario(name string) (Scenario, bool) {
	for _, sc := range Scenarios() {
		if sc.Name == name {
			return sc, true
		}
	}
	return Scenario{}, false
}

// ScenarioNames are the scenarios' names, in order.
func ScenarioNames() []string {
	var names []string
	for _, sc := range scenarios {
		names = append(names, sc.Name)
	}
	return names
}

// PhoneFor is the national part (+7) of the number a demo signup uses: the
// scenario's own, or one made from the signup's id, so that two demo signups
// never add the same number (Meta refuses a number added twice).
func (sc Scenario) PhoneFor(signupID string) string {
	if sc.Phone != "" {
		return sc.Phone
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(signupID))
	n := 1_000_000 + h.Sum32()%8_000_000 // 7 digits, never all zeros or nines
	return "701" + strconv.FormatUint(uint64(n), 10)
}

// Arm sets the sandbox up for sc: the faults it needs (after any armed
// before), its code times, and its fixed number freed from an earlier run
// of the same story (so that Meta takes it again).
func (s *Server) Arm(sc Scenario) error {
	for _, f := range sc.Faults {
		if err := s.AddFault(f); err != nil {
			return err
		}
	}
	s.mu.Lock()
	s.codeEntry, s.codeLife = sc.CodeEntry, sc.CodeLife
	var stale string
	if sc.Phone != "" && !strings.HasSuffix(sc.Phone, MagicAlreadyOnWhatsApp) {
		stale = s.phoneByE164["7"+sc.Phone]
	}
	s.mu.Unlock()
	if stale != "" {
		return s.ForgetNumber(stale)
	}
	return nil
}

// The undoing of a demo signup's steps (wizard demo reset): each puts the
// sandbox back as it was before that step, so that the step works again.
// Each writes the state (with a state file) before it returns.

// ForgetAccount removes a provider account and everything made for it: its
// e-mails' links, its signups, the numbers on their WhatsApp Business
// accounts and their activations.
func (s *Server) ForgetAccount(accountID string) error {
	s.mu.Lock()
	a := s.accounts[accountID]
	if a != nil {
		delete(s.byEmail, strings.ToLower(a.Email))
		delete(s.accounts, accountID)
	}
	for k, id := range s.createKeys {
		if id == accountID {
			delete(s.createKeys, k)
		}
	}
	for t, id := range s.verifyTokens {
		if id == accountID {
			delete(s.verifyTokens, t)
		}
	}
	var signups []string
	for id, su := range s.signups {
		if su.accountID == accountID {
			signups = append(signups, id)
		}
	}
	s.mu.Unlock()
	for _, id := range signups {
		if err := s.ForgetSignup(id); err != nil {
			return err
		}
	}
	return s.persist()
}

// UnverifyEmail makes an account's address unconfirmed again, as if it had
// just been given (AutoVerifyEmail counts from now).
func (s *Server) UnverifyEmail(accountID string) error {
	s.mu.Lock()
	if a := s.accounts[accountID]; a != nil {
		a.Verified, a.VerifiedAt, a.emailSetAt, a.lastMail = false, time.Time{}, s.now(), time.Time{}
	}
	s.mu.Unlock()
	return s.persist()
}

// ForgetSignup removes a signup session and the numbers its pop-up or the
// wizard added to its WhatsApp Business account (with their activations). The
// account (WABA) itself stays, as at Meta.
func (s *Server) ForgetSignup(signupID string) error {
	s.mu.Lock()
	su := s.signups[signupID]
	var phones []string
	if su != nil {
		delete(s.signups, signupID)
		if su.result.PhoneNumberID != "" {
			phones = append(phones, su.result.PhoneNumberID)
		}
		if su.draft.phoneID != "" && su.draft.phoneID != su.result.PhoneNumberID {
			phones = append(phones, su.draft.phoneID)
		}
	}
	s.mu.Unlock()
	for _, id := range phones {
		if err := s.ForgetNumber(id); err != nil {
			return err
		}
	}
	return s.persist()
}

// ForgetNumber removes a number from Meta's side (and its activation), as if
// it had been deleted from its WhatsApp Business account.
func (s *Server) ForgetNumber(phoneID string) error {
	s.mu.Lock()
	if ph := s.phones[phoneID]; ph != nil {
		delete(s.phoneByE164, ph.cc+ph.national)
		delete(s.phones, phoneID)
	}
	delete(s.activations, phoneID)
	s.mu.Unlock()
	return s.persist()
}

// UnregisterNumber makes a number as it was before its code step: not
// registered (no two-step PIN), no activation, and, unless keepVerified (a
// number verified by its move or in the pop-up), no code sent and not
// verified, its name in review.
func (s *Server) UnregisterNumber(phoneID string, keepVerified bool) error {
	s.mu.Lock()
	if ph := s.phones[phoneID]; ph != nil {
		ph.registered, ph.pin, ph.registerCalls = false, "", nil
		if !keepVerified {
			ph.verified, ph.code, ph.codeAt, ph.requests = false, "", time.Time{}, map[string][]time.Time{}
			ph.nameStatus, ph.newName, ph.newNameStatus = "PENDING_REVIEW", "", ""
		}
	}
	delete(s.activations, phoneID)
	s.mu.Unlock()
	return s.persist()
}

// ForgetActivation removes a number's activation, so that it can be started again.
func (s *Server) ForgetActivation(phoneID string) error {
	s.mu.Lock()
	delete(s.activations, phoneID)
	s.mu.Unlock()
	return s.persist()
}
