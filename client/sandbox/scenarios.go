package sandbox

import (
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Classroom scenarios (wizard demo NAME): each is a story a trainer shows a
// room, told by the real flow against this sandbox. A scenario says what the
// made-up company answers on the way (so that `wizard demo --at STEP` can fill
// in the earlier steps consistently) and what it arms in the sandbox: faults,
// code times, the number it needs. What it arms is saved with the state (with
// what its faults still have to do: how many requests a fault still spoils,
// when an outage started), so that any resume of a demo signup on a sandbox
// restarted from its state file goes on with the same story.

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
	// CodeLife is how long a code is good (0: CodeTTL): what the provider's
	// answer says, and how long Meta's side takes it.
	CodeLife time.Duration
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
	// to the first start of an Embedded Signup (and to nothing else: a
	// verification e-mail sent again before it goes through); a start tried
	// again before the wait is over gets 429 again with the time left; the
	// first one after it goes through.
	{Name: "rate-limit", OrgType: "company", Until: "signup", Faults: []Fault{{PathPrefix: "/partner/v1/accounts/*/signups",
		Method: "POST", Kind: FaultStatus, Status: 429, Count: 1, RetryAfter: RateLimitWait, Cooldown: true}}},
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

// Arm sets the sandbox up for sc, afresh: the faults it needs (after any
// armed by hand; those of a scenario armed before are removed), its code
// times, and its fixed number freed from an earlier run of the same story (so
// that Meta takes it again). With a state file, what it armed is written
// before Arm returns.
func (s *Server) Arm(sc Scenario) error {
	armed := make([]Fault, 0, len(sc.Faults))
	for _, f := range sc.Faults {
		if err := f.check(); err != nil {
			return err
		}
		f.scenario = true
		armed = append(armed, f)
	}
	s.mu.Lock()
	s.faults = append(slices.DeleteFunc(s.faults, func(f Fault) bool { return f.scenario }), armed...)
	s.scenario, s.codeEntry, s.codeLife = sc.Name, sc.CodeEntry, sc.CodeLife
	var stale string
	if sc.Phone != "" && !strings.HasSuffix(sc.Phone, MagicAlreadyOnWhatsApp) {
		stale = s.phoneByE164["7"+sc.Phone]
	}
	s.mu.Unlock()
	if stale != "" {
		return s.ForgetNumber(stale) // writes the state
	}
	return s.persist()
}

// Resume sets the sandbox up to go on with sc, for a demo signup of that
// story resumed: when sc is the scenario armed (as the state file keeps it),
// what it still has to do stays as it is (a fault used up stays used up, an
// outage ends when it was to end) and nothing of the signup's is freed;
// otherwise its faults and code times are armed as Arm does, its number left
// alone (the signup may be using it).
func (s *Server) Resume(sc Scenario) error {
	s.mu.Lock()
	same := s.scenario == sc.Name
	s.mu.Unlock()
	if same {
		return nil
	}
	sc.Phone = ""
	return s.Arm(sc)
}

// ArmedScenario is the name of the scenario armed, "" when none is.
func (s *Server) ArmedScenario() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.scenario
}

// codeLifeLocked is how long a code is good: the scenario's, or CodeTTL.
// Called with s.mu held.
func (s *Server) codeLifeLocked() time.Duration {
	if s.codeLife > 0 {
		return s.codeLife
	}
	return CodeTTL
}

// snapArmed is the armed scenario as the state file keeps it (state.go).
type snapArmed struct {
	Scenario  string          `json:"scenario"`
	CodeEntry time.Duration   `json:"code_entry_ns,omitempty"`
	CodeLife  time.Duration   `json:"code_life_ns,omitempty"`
	Faults    []snapScenFault `json:"faults,omitempty"` // what its faults still have to do, in order
}

type snapScenFault struct {
	Fault Fault     `json:"fault"` // its count is what is left of it
	Since time.Time `json:"since,omitzero"`
	Spent bool      `json:"spent,omitempty"` // a cooldown fault waiting out its Retry-After
}

// armedSnapLocked is what the state file keeps of the armed scenario, nil
// when none is. Called with s.mu held.
func (s *Server) armedSnapLocked() *snapArmed {
	if s.scenario == "" {
		return nil
	}
	a := &snapArmed{Scenario: s.scenario, CodeEntry: s.codeEntry, CodeLife: s.codeLife}
	for _, f := range s.faults {
		if f.scenario {
			a.Faults = append(a.Faults, snapScenFault{f, f.since, f.spent})
		}
	}
	return a
}

// restoreArmed arms again what the state file kept of a scenario.
func (s *Server) restoreArmed(a *snapArmed) {
	s.scenario, s.codeEntry, s.codeLife = "", 0, 0
	s.faults = slices.DeleteFunc(s.faults, func(f Fault) bool { return f.scenario })
	if a == nil {
		return
	}
	s.scenario, s.codeEntry, s.codeLife = a.Scenario, a.CodeEntry, a.CodeLife
	for _, sf := range a.Faults {
		f := sf.Fault
		if f.check() != nil {
			continue // a fault this sandbox cannot work with is not armed
		}
		f.since, f.spent, f.scenario = sf.Since, sf.Spent, true
		s.faults = append(s.faults, f)
	}
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
