package store

import "time"

// Status is where a session stands as a whole.
type Status string

const (
	StatusActive    Status = "active"    // someone is (or was) working through it
	StatusWaiting   Status = "waiting"   // parked until something outside the wizard happens
	StatusDone      Status = "done"      // all steps finished
	StatusAbandoned Status = "abandoned" // kept for the record, hidden from the resume offer
)

// Path is the branch chosen at the number-status step.
type Path string

const (
	PathUnknown   Path = ""
	PathNew       Path = "new"       // the number is on no WhatsApp product
	PathMigration Path = "migration" // the number is already on the Business API elsewhere
	PathBlocked   Path = "blocked"   // on the Business app or a personal account: delete it first
)

// Session is everything one signup holds. It is a plain value (no maps or slices of
// pointers), so a copy is a deep copy: the UI hands copies to the goroutine that saves.
//
// Secrets (passwords, verification codes, two-step PINs, tokens) are never fields here.
type Session struct {
	ID        string    `json:"id"`
	Schema    int       `json:"schema"` // the record's version: SessionSchema when written
	Rev       uint64    `json:"rev"`    // incremented by every save
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	CreatedBy string    `json:"created_by,omitempty"`
	UpdatedBy string    `json:"updated_by,omitempty"`

	Status        Status `json:"status"`
	WaitingReason string `json:"waiting_reason,omitempty"`
	Step          string `json:"step"` // the step the session is at (steps.Next of the rest)
	Path          Path   `json:"path,omitempty"`
	// Language is the catalog the signup was worked in ("en", "ru", "kk"), so
	// that whoever resumes it sees the same words unless they choose others.
	Language string `json:"language,omitempty"`
	// Demo names the classroom scenario a trainer's demo signup was made for
	// (wizard demo); empty for a real signup.
	Demo string `json:"demo,omitempty"`

	Terms      Terms      `json:"terms"`
	Account    Account    `json:"account"`
	Company    Company    `json:"company"`
	Number     Number     `json:"number"`
	Signup     Signup     `json:"signup"`
	Profile    Profile    `json:"profile"`
	Phone      Phone      `json:"phone"`
	Code       Code       `json:"code"`
	Activation Activation `json:"activation"`
	Alpha      Alpha      `json:"alpha"`

	FinishedAt time.Time `json:"finished_at,omitzero"`
}

type Terms struct {
	AcceptedAt time.Time `json:"accepted_at,omitzero"`
}

type Account struct {
	Email      string    `json:"email,omitempty"`
	ID         string    `json:"id,omitempty"` // the partner's account id
	CreatedAt  time.Time `json:"created_at,omitzero"`
	VerifiedAt time.Time `json:"verified_at,omitzero"`
}

type Company struct {
	OrgType     string    `json:"org_type,omitempty"` // "company" or "government"
	FullName    string    `json:"full_name,omitempty"`
	CompanyName string    `json:"company_name,omitempty"`
	Country     string    `json:"country,omitempty"` // ISO 3166-1 alpha-2, e.g. "KZ"
	NotRobot    bool      `json:"not_robot,omitempty"`
	SavedAt     time.Time `json:"saved_at,omitzero"`
	// Meta's prior approval of a government body, as the user recorded it when
	// it arrived: the date Meta gave, its reference and who said it arrived.
	ApprovedAt  time.Time `json:"approved_at,omitzero"`
	ApprovalRef string    `json:"approval_ref,omitempty"`
	ApprovedBy  string    `json:"approved_by,omitempty"`
}

// Number holds the three "about your number" answers.
type Number struct {
	OnBusinessAPI bool      `json:"on_business_api"`
	OnBusinessApp bool      `json:"on_business_app"`
	OnPersonal    bool      `json:"on_personal"`
	ConfirmedAt   time.Time `json:"confirmed_at,omitzero"`
}

type Signup struct {
	SessionID     string    `json:"session_id,omitempty"` // the partner's signup session
	URL           string    `json:"url,omitempty"`
	StartedAt     time.Time `json:"started_at,omitzero"`
	Event         string    `json:"event,omitempty"` // Meta's: FINISH, FINISH_ONLY_WABA, FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING, CANCEL, …
	WABAID        string    `json:"waba_id,omitempty"`
	BusinessID    string    `json:"business_id,omitempty"`
	PhoneNumberID string    `json:"phone_number_id,omitempty"` // the number the pop-up added (or moved, or left on the Business app)
	CancelStep    string    `json:"cancel_step,omitempty"`     // Meta's current_step of a CANCEL
	ErrorMessage  string    `json:"error_message,omitempty"`
	// What Meta's support asks for about an error the user reported in the
	// pop-up: its id, the pop-up's session id and when (Meta's timestamp).
	ErrorID        string    `json:"error_id,omitempty"`
	ErrorSessionID string    `json:"error_session_id,omitempty"`
	ErrorTime      string    `json:"error_timestamp,omitempty"`
	ErrorCode      string    `json:"error_code,omitempty"`
	FinishedAt     time.Time `json:"finished_at,omitzero"`

	// After a FINISH…: the provider's stage when the signup was read, and the
	// state of the pop-up's number as the provider read it from Meta. ReadAt
	// is when both were read. ReadPending: the FINISH is saved but not read
	// yet; the flow goes on from the signup only once it is read (a session
	// saved before the reading existed has neither, and goes on).
	ReadPending  bool      `json:"read_pending,omitempty"`
	Stage        string    `json:"stage,omitempty"` // e.g. ready; exchange_failed: the pop-up must be opened again
	StageReason  string    `json:"stage_reason,omitempty"`
	NumberStatus string    `json:"code_verification_status,omitempty"` // VERIFIED, NOT_VERIFIED, EXPIRED
	VerifiedName string    `json:"verified_name,omitempty"`
	NameStatus   string    `json:"name_status,omitempty"` // e.g. PENDING_REVIEW, APPROVED
	DisplayPhone string    `json:"display_phone_number,omitempty"`
	ReadAt       time.Time `json:"read_at,omitzero"`
	// AppNoticeAt: the number is on the WhatsApp Business app (coexistence)
	// and the user has read what happens to the app, before the activation.
	AppNoticeAt time.Time `json:"app_notice_at,omitzero"`
}

type Profile struct {
	DisplayName string    `json:"display_name,omitempty"`
	Category    string    `json:"category,omitempty"` // Meta's vertical, e.g. OTHER
	Description string    `json:"description,omitempty"`
	Website     string    `json:"website,omitempty"`
	ConfirmedAt time.Time `json:"confirmed_at,omitzero"`
	SentAt      time.Time `json:"sent_at,omitzero"` // when the business profile reached Graph
	// NewNameStatus: a change of the name Meta held was asked for
	// (new_display_name); Meta's review state of it when it was sent.
	NewNameStatus string `json:"new_name_status,omitempty"`
}

type Phone struct {
	Country string    `json:"country,omitempty"` // ISO region of the number
	E164    string    `json:"e164,omitempty"`    // +77011234567
	CC      string    `json:"cc,omitempty"`      // 7
	Number  string    `json:"number,omitempty"`  // national significant number, 7011234567
	ID      string    `json:"id,omitempty"`      // Graph phone-number id
	AddedAt time.Time `json:"added_at,omitzero"`
}

type Code struct {
	Method      string    `json:"method,omitempty"` // SMS or VOICE
	RequestedAt time.Time `json:"requested_at,omitzero"`
	// ExpiresAt is the end of the countdown: the guide's 60 seconds (the
	// provider's enter_within_seconds) after RequestedAt.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// ValidUntil is when Meta stops taking the code (the provider's expires_at,
	// about 10 minutes), counted from RequestedAt; between ExpiresAt and it a
	// code already received may still be typed, and Meta decides. Zero: not known
	// (the countdown's end counts).
	ValidUntil   time.Time `json:"valid_until,omitzero"`
	Requests     int       `json:"requests,omitempty"`
	Attempts     int       `json:"attempts,omitempty"` // wrong codes entered for the current request
	VerifiedAt   time.Time `json:"verified_at,omitzero"`
	RegisteredAt time.Time `json:"registered_at,omitzero"`
}

type Activation struct {
	StartedAt   time.Time `json:"started_at,omitzero"`
	Status      string    `json:"status,omitempty"` // pending, active, failed
	StatusText  string    `json:"status_text,omitempty"`
	Reason      string    `json:"reason,omitempty"` // why it failed, when there is a way on (display_name_declined)
	AlphaCode   string    `json:"alpha_code,omitempty"`
	ActivatedAt time.Time `json:"activated_at,omitzero"`
}

type Alpha struct {
	Name    string    `json:"name,omitempty"`
	Country string    `json:"country,omitempty"`
	ID      string    `json:"id,omitempty"` // the OCM record id
	SavedAt time.Time `json:"saved_at,omitzero"`
	// NameStatus is Meta's review of the display name as the provider reported
	// it when the name was saved (or last refreshed): APPROVED,
	// AVAILABLE_WITHOUT_REVIEW, PENDING_REVIEW, DECLINED, EXPIRED, NONE; empty
	// when not known. The OCM record carries it too.
	NameStatus string `json:"name_status,omitempty"`
	// CheckedAt is when NameStatus was read from the provider.
	CheckedAt time.Time `json:"checked_at,omitzero"`
}

// Event is one line of a session's history: what happened, when, by whom.
type Event struct {
	Seq    uint64    `json:"seq"`
	At     time.Time `json:"at"`
	By     string    `json:"by,omitempty"`
	Step   string    `json:"step,omitempty"`
	Kind   string    `json:"kind"`             // e.g. "created", "step.done", "error", "parked", "resumed"
	Detail string    `json:"detail,omitempty"` // in English, as the support log and older wizards read it
	Error  string    `json:"error,omitempty"`
	// Words is what Detail says, as catalog keys with the values they name,
	// so that wizard show says it in the reader's language; empty for a
	// detail that is a service's own words, or saved by an older wizard.
	Words []Phrase `json:"words,omitempty"`
}

// Phrase is one clause of an event's detail: a catalog key ("history.…")
// and the values it names, in order.
type Phrase struct {
	Key  string   `json:"key"`
	Args []string `json:"args,omitempty"`
}
