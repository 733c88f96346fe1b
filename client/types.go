package client

import "time"

// Account is the partner's (BSP's) account of the person signing up.
type Account struct {
	ID         string    `json:"id"`
	Email      string    `json:"email"`
	Verified   bool      `json:"verified"`
	VerifiedAt time.Time `json:"verified_at,omitzero"`
	// Company details, once sent.
	OrgType     string `json:"org_type,omitempty"`
	FullName    string `json:"full_name,omitempty"`
	CompanyName string `json:"company_name,omitempty"`
	Country     string `json:"country,omitempty"`
}

// Company is what the company step sends to the partner.
type Company struct {
	OrgType     string `json:"org_type"` // "company" or "government"
	FullName    string `json:"full_name"`
	CompanyName string `json:"company_name"`
	Country     string `json:"country"` // ISO 3166-1 alpha-2
}

// Resend is the partner's answer to "send the verification e-mail again".
type Resend struct {
	SentAt        time.Time `json:"sent_at"`
	NextAllowedAt time.Time `json:"next_allowed_at"`
}

// SignupRequest opens an Embedded Signup session at the partner.
type SignupRequest struct {
	Mode        string `json:"mode"`                   // "new" or "migration"
	CallbackURL string `json:"callback_url,omitempty"` // loopback URL the page redirects to
	State       string `json:"state,omitempty"`        // echoed to the callback
}

// SignupSession is a started Embedded Signup: the page to open in a browser.
type SignupSession struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

// Signup statuses.
const (
	SignupPending   = "pending"
	SignupFinished  = "finished"
	SignupCancelled = "cancelled"
	SignupError     = "error"
)

// SignupResult is the state of a signup session, as the signup's result event left it.
type SignupResult struct {
	ID            string `json:"id"`
	Status        string `json:"status"` // pending, finished, cancelled, error
	Event         string `json:"event,omitempty"`
	WABAID        string `json:"waba_id,omitempty"`
	BusinessID    string `json:"business_id,omitempty"`
	PhoneNumberID string `json:"phone_number_id,omitempty"`
	CurrentStep   string `json:"current_step,omitempty"`  // where a CANCEL stopped
	ErrorMessage  string `json:"error_message,omitempty"` // an error reported by the user
	ErrorCode     string `json:"error_code,omitempty"`
	// What Meta's pop-up gives with an error the user reported, and Meta's
	// support asks for: the error's id, the pop-up's session id and when it happened.
	ErrorID   string `json:"error_id,omitempty"`
	SessionID string `json:"session_id,omitempty"`
	Timestamp string `json:"timestamp,omitempty"`
	// Stage is how far the provider's own work after a FINISH has come (the
	// Stage… constants); empty while pending, cancelled or in error.
	Stage  string `json:"stage,omitempty"`
	Reason string `json:"reason,omitempty"` // a sentence from the provider about Stage
}

// Stages of a finished signup: the provider's work after the pop-up's FINISH,
// in Meta's order (partner.md, "After the pop-up").
const (
	StageCodeReceived       = "code_received"       // the 30-second code is being exchanged
	StageCodeExchanged      = "code_exchanged"      // the provider holds the business token
	StageExchangeFailed     = "exchange_failed"     // the code could not be exchanged (expired): start the pop-up again
	StageWebhooksSubscribed = "webhooks_subscribed" // the provider's app is subscribed to the WABA's webhooks
	StageCreditShared       = "credit_shared"       // the provider's credit line is shared with the WABA
	StageReady              = "ready"               // the number operations may be used
)

// NewNumber adds a number to a finished signup's WhatsApp Business account
// (POST /v1/signups/{id}/numbers). The names are Meta's.
type NewNumber struct {
	CC           string `json:"cc"`            // country calling code, digits, no +
	PhoneNumber  string `json:"phone_number"`  // the national part
	VerifiedName string `json:"verified_name"` // the display name
}

// NumberState is a number's state as the provider read it from Meta
// (GET /v1/signups/{id}/numbers/{phone_number_id}).
type NumberState struct {
	PhoneNumberID          string `json:"phone_number_id"`
	DisplayPhoneNumber     string `json:"display_phone_number"`
	VerifiedName           string `json:"verified_name"`
	CodeVerificationStatus string `json:"code_verification_status"`  // NOT_VERIFIED, VERIFIED, EXPIRED
	NameStatus             string `json:"name_status"`               // e.g. PENDING_REVIEW, APPROVED
	NewNameStatus          string `json:"new_name_status,omitempty"` // when a display-name change is pending
}

// CodeRequest is the provider's answer to "send a verification code".
type CodeRequest struct {
	PhoneNumberID string    `json:"phone_number_id"`
	CodeMethod    string    `json:"code_method"` // SMS or VOICE
	Language      string    `json:"language"`
	RequestedAt   time.Time `json:"requested_at"`
	// EnterWithinSeconds is the guide's window for typing the code (60): what
	// the wizard counts down.
	EnterWithinSeconds int `json:"enter_within_seconds"`
	// ExpiresAt is when Meta stops accepting the code (about 10 minutes after
	// the request): a code typed after the countdown is still sent until then.
	ExpiresAt time.Time `json:"expires_at"`
}

// Activation statuses.
const (
	ActivationPending = "pending"
	ActivationActive  = "active"
	ActivationFailed  = "failed"

	// ActivationNameDeclined is the Reason of an activation that failed because
	// Meta declined the display name in review: a new name is the way on.
	ActivationNameDeclined = "display_name_declined"
)

// Activation is the partner's progress in activating a registered number.
type Activation struct {
	PhoneNumberID string    `json:"phone_number_id"`
	Status        string    `json:"status"`      // pending, active, failed
	StatusText    string    `json:"status_text"` // a human sentence from the partner
	AlphaCode     string    `json:"alpha_code,omitempty"`
	Reason        string    `json:"reason,omitempty"` // why it failed, for the wizard to offer a way on
	StartedAt     time.Time `json:"started_at"`
	ActivatedAt   time.Time `json:"activated_at,omitzero"`
}

// BusinessProfile is the body of POST /v1/signups/{id}/numbers/{phone_number_id}/profile
// (Meta's whatsapp_business_profile fields).
type BusinessProfile struct {
	About       string   `json:"about,omitempty"`
	Description string   `json:"description,omitempty"`
	Vertical    string   `json:"vertical,omitempty"`
	Websites    []string `json:"websites,omitempty"`
}

// AlphaName is a display name kept in the campaign database (OCM), per country.
type AlphaName struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Country   string    `json:"country"`
	CreatedAt time.Time `json:"created_at"`
	// NameStatus is Meta's review of the name (APPROVED, PENDING_REVIEW …) as
	// last saved; empty when never given.
	NameStatus string `json:"name_status,omitempty"`
	// StatusAt is when NameStatus was last saved.
	StatusAt time.Time `json:"name_status_at,omitzero"`
}
