package client

import (
	"context"
	"net/http"
	"net/url"
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
