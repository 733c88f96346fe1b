package client

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// Paths of the partner API under Config.PartnerURL (see assets/contract/partner.md).
const partnerPrefix = "/v1"

func accountPath(id string, rest ...string) string {
	p := partnerPrefix + "/accounts/" + url.PathEscape(id)
	for _, r := range rest {
		p += "/" + r
	}
	return p
}

// CreateAccount opens an account at the partner. The partner e-mails a
// verification link; the password is sent once and never kept by the wizard.
func (p *Partner) CreateAccount(ctx context.Context, email, password string) (Account, error) {
	return p.CreateAccountOnce(ctx, "", email, password)
}

// CreateAccountOnce is CreateAccount with an idempotency key: sent again with the
// same key (say after the answer was lost to a crash), it returns the account the
// first request made instead of refusing the address as taken.
func (p *Partner) CreateAccountOnce(ctx context.Context, key, email, password string) (Account, error) {
	var a Account
	in := struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}{email, password}
	var h http.Header
	if key != "" {
		h = http.Header{"Idempotency-Key": {key}}
	}
	_, err := p.t.callWith(ctx, http.MethodPost, partnerPrefix+"/accounts", nil, h, in, &a)
	return a, err
}

// GetAccount reads an account, e.g. to see whether its e-mail is verified yet.
func (p *Partner) GetAccount(ctx context.Context, accountID string) (Account, error) {
	var a Account
	_, err := p.t.call(ctx, http.MethodGet, accountPath(accountID), nil, nil, &a)
	return a, err
}

// UpdateEmail changes the account's e-mail address. The partner sends a new
// verification link: the account is unverified until it is clicked.
func (p *Partner) UpdateEmail(ctx context.Context, accountID, email string) (Account, error) {
	var a Account
	in := struct {
		Email string `json:"email"`
	}{email}
	_, err := p.t.call(ctx, http.MethodPatch, accountPath(accountID), nil, in, &a)
	return a, err
}

// ResendVerification asks the partner to send the verification e-mail again.
// Too soon after the last one it fails with an *APIError "resend_too_soon"
// whose RetryAfter says how long to wait.
func (p *Partner) ResendVerification(ctx context.Context, accountID string) (Resend, error) {
	var r Resend
	_, err := p.t.call(ctx, http.MethodPost, accountPath(accountID, "verification-email"), nil, struct{}{}, &r)
	return r, err
}

// UpdateCompany sends the company details of the account.
func (p *Partner) UpdateCompany(ctx context.Context, accountID string, c Company) (Account, error) {
	var a Account
	_, err := p.t.call(ctx, http.MethodPatch, accountPath(accountID, "company"), nil, c, &a)
	return a, err
}

// StartSignup opens an Embedded Signup session: the page to open in a browser.
func (p *Partner) StartSignup(ctx context.Context, accountID string, req SignupRequest) (SignupSession, error) {
	var s SignupSession
	_, err := p.t.call(ctx, http.MethodPost, accountPath(accountID, "signups"), nil, req, &s)
	return s, err
}

// GetSignup reads the state of a signup session (pending until the page reports).
func (p *Partner) GetSignup(ctx context.Context, signupID string) (SignupResult, error) {
	var r SignupResult
	_, err := p.t.call(ctx, http.MethodGet, partnerPrefix+"/signups/"+url.PathEscape(signupID), nil, nil, &r)
	return r, err
}

// StartActivation asks the partner to activate a registered number. Starting
// it again returns the activation already under way.
func (p *Partner) StartActivation(ctx context.Context, accountID, phoneNumberID string) (Activation, error) {
	var a Activation
	in := struct {
		PhoneNumberID string `json:"phone_number_id"`
	}{phoneNumberID}
	_, err := p.t.call(ctx, http.MethodPost, accountPath(accountID, "activations"), nil, in, &a)
	return a, err
}

// GetActivation reads the progress of a number's activation.
func (p *Partner) GetActivation(ctx context.Context, phoneNumberID string) (Activation, error) {
	var a Activation
	_, err := p.t.call(ctx, http.MethodGet, partnerPrefix+"/activations/"+url.PathEscape(phoneNumberID), nil, nil, &a)
	return a, err
}

// --- the signup's numbers: the provider makes the Graph calls -------------
//
// Meta requires the Graph calls for a number to be made server to server by
// the provider, with the business token it got for the signup: these methods
// ask the provider to make them. Meta's errors come back unchanged as a
// *GraphError (branch on Code, then Details, as with Graph); the provider's
// own (the signup is unknown or not ready, the number is not the signup's …)
// as an *APIError.

func numberPath(signupID, phoneNumberID string, rest ...string) string {
	p := partnerPrefix + "/signups/" + url.PathEscape(signupID) + "/numbers"
	if phoneNumberID != "" {
		p += "/" + url.PathEscape(phoneNumberID)
	}
	for _, r := range rest {
		p += "/" + r
	}
	return p
}

// success posts in and expects {"success":true}.
func (p *Partner) success(ctx context.Context, path string, in any) error {
	var out struct {
		Success bool `json:"success"`
	}
	status, err := p.t.call(ctx, http.MethodPost, path, nil, in, &out)
	if err == nil && !out.Success {
		err = &APIError{HTTPStatus: status, Code: "unexpected_answer", Message: "the answer did not report success"}
	}
	return err
}

// Numbers lists the numbers on the signup's WhatsApp Business account: how a
// number added just before a crash (its answer lost) is found again.
func (p *Partner) Numbers(ctx context.Context, signupID string) ([]NumberState, error) {
	var out struct {
		Numbers []NumberState `json:"numbers"`
	}
	_, err := p.t.call(ctx, http.MethodGet, numberPath(signupID, ""), nil, nil, &out)
	return out.Numbers, err
}

// AddNumber adds a number to the signup's WhatsApp Business account.
func (p *Partner) AddNumber(ctx context.Context, signupID string, n NewNumber) (NumberState, error) {
	var st NumberState
	_, err := p.t.call(ctx, http.MethodPost, numberPath(signupID, ""), nil, n, &st)
	return st, err
}

// Number reads a number's state as Meta reports it to the provider: code
// verification, display name and its review, a pending name change.
func (p *Partner) Number(ctx context.Context, signupID, phoneNumberID string) (NumberState, error) {
	var st NumberState
	_, err := p.t.call(ctx, http.MethodGet, numberPath(signupID, phoneNumberID), nil, nil, &st)
	return st, err
}

// SetNumberProfile sets the number's business profile.
func (p *Partner) SetNumberProfile(ctx context.Context, signupID, phoneNumberID string, bp BusinessProfile) error {
	return p.success(ctx, numberPath(signupID, phoneNumberID, "profile"), bp)
}

// RequestNumberCode asks for a verification code by "SMS" or "VOICE" in the
// given language (e.g. "en_US"; empty: en_US). The answer says how long the
// code may be typed (EnterWithinSeconds) and when Meta stops taking it (ExpiresAt).
func (p *Partner) RequestNumberCode(ctx context.Context, signupID, phoneNumberID, method, language string) (CodeRequest, error) {
	var cr CodeRequest
	in := struct {
		CodeMethod string `json:"code_method"`
		Language   string `json:"language,omitempty"`
	}{strings.ToUpper(method), language}
	_, err := p.t.call(ctx, http.MethodPost, numberPath(signupID, phoneNumberID, "request-code"), nil, in, &cr)
	return cr, err
}

// VerifyNumberCode sends the code the number received.
func (p *Partner) VerifyNumberCode(ctx context.Context, signupID, phoneNumberID, code string) error {
	in := struct {
		Code string `json:"code"`
	}{code}
	return p.success(ctx, numberPath(signupID, phoneNumberID, "verify-code"), in)
}

// RegisterNumber registers a verified number for the Cloud API with the
// two-step verification PIN (6 digits; it becomes the PIN if none is set).
func (p *Partner) RegisterNumber(ctx context.Context, signupID, phoneNumberID, pin string) error {
	in := struct {
		PIN string `json:"pin"`
	}{pin}
	return p.success(ctx, numberPath(signupID, phoneNumberID, "register"), in)
}

// ChangeDisplayName asks Meta to review a new display name for the number. The
// answer's NewNameStatus follows the review (PENDING_REVIEW at first).
func (p *Partner) ChangeDisplayName(ctx context.Context, signupID, phoneNumberID, newDisplayName string) (NumberState, error) {
	var st NumberState
	in := struct {
		NewDisplayName string `json:"new_display_name"`
	}{newDisplayName}
	_, err := p.t.call(ctx, http.MethodPost, numberPath(signupID, phoneNumberID, "display-name"), nil, in, &st)
	return st, err
}
