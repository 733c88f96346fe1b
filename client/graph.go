package client

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// phoneFields are the fields PhoneNumber asks for.
var phoneFields = []string{"verified_name", "code_verification_status", "display_phone_number",
	"quality_rating", "name_status", "status", "platform_type"}

func node(id string, edge string) string {
	p := "/" + url.PathEscape(id)
	if edge != "" {
		p += "/" + edge
	}
	return p
}

// success posts in to path and expects Graph's {"success":true}.
func (g *Graph) success(ctx context.Context, path string, in any) error {
	var out struct {
		Success bool `json:"success"`
	}
	status, err := g.t.call(ctx, http.MethodPost, path, nil, in, &out)
	if err != nil {
		return err
	}
	if !out.Success {
		return &GraphError{HTTPStatus: status, Message: "the answer did not report success"}
	}
	return nil
}

// AddPhoneNumber adds a number to a WhatsApp Business account and returns its
// phone-number id. cc is the country calling code, phoneNumber the national part.
func (g *Graph) AddPhoneNumber(ctx context.Context, wabaID, cc, phoneNumber, verifiedName string) (string, error) {
	in := struct {
		CC           string `json:"cc"`
		PhoneNumber  string `json:"phone_number"`
		VerifiedName string `json:"verified_name"`
	}{cc, phoneNumber, verifiedName}
	var out struct {
		ID string `json:"id"`
	}
	status, err := g.t.call(ctx, http.MethodPost, node(wabaID, "phone_numbers"), nil, in, &out)
	if err == nil && out.ID == "" {
		err = &GraphError{HTTPStatus: status, Message: "the answer carried no phone number id"}
	}
	return out.ID, err
}

// SetBusinessProfile sets the number's business profile.
func (g *Graph) SetBusinessProfile(ctx context.Context, phoneNumberID string, p BusinessProfile) error {
	in := struct {
		MessagingProduct string `json:"messaging_product"`
		BusinessProfile
	}{"whatsapp", p}
	return g.success(ctx, node(phoneNumberID, "whatsapp_business_profile"), in)
}

// RequestCode asks Meta to send a verification code by "SMS" or "VOICE" in the
// given language (e.g. "en_US").
func (g *Graph) RequestCode(ctx context.Context, phoneNumberID, method, language string) error {
	in := struct {
		CodeMethod string `json:"code_method"`
		Language   string `json:"language"`
	}{strings.ToUpper(method), language}
	return g.success(ctx, node(phoneNumberID, "request_code"), in)
}

// VerifyCode sends the 6-digit code the number received (no hyphen).
func (g *Graph) VerifyCode(ctx context.Context, phoneNumberID, code string) error {
	in := struct {
		Code string `json:"code"`
	}{code}
	return g.success(ctx, node(phoneNumberID, "verify_code"), in)
}

// Register registers a verified number for the Cloud API; pin (6 digits)
// becomes its two-step verification PIN if none is set.
func (g *Graph) Register(ctx context.Context, phoneNumberID, pin string) error {
	in := struct {
		MessagingProduct string `json:"messaging_product"`
		PIN              string `json:"pin"`
	}{"whatsapp", pin}
	return g.success(ctx, node(phoneNumberID, "register"), in)
}

// RequestDisplayNameChange asks Meta for a new display name
// (POST /{phone_id}?new_display_name=…): it goes to Meta's review, and the
// number's new_name_status says how that stands.
func (g *Graph) RequestDisplayNameChange(ctx context.Context, phoneNumberID, name string) error {
	var out struct {
		Success bool `json:"success"`
	}
	status, err := g.t.call(ctx, http.MethodPost, node(phoneNumberID, ""), url.Values{"new_display_name": {name}}, nil, &out)
	if err != nil {
		return err
	}
	if !out.Success {
		return &GraphError{HTTPStatus: status, Message: "the answer did not report success"}
	}
	return nil
}

// PhoneNumber reads a number's state: name, verification and registration status.
func (g *Graph) PhoneNumber(ctx context.Context, phoneNumberID string) (PhoneNumber, error) {
	var p PhoneNumber
	q := url.Values{"fields": {strings.Join(phoneFields, ",")}}
	_, err := g.t.call(ctx, http.MethodGet, node(phoneNumberID, ""), q, nil, &p)
	return p, err
}

// PhoneNumbers lists the numbers added to a WhatsApp Business account
// (GET /{waba_id}/phone_numbers): how a number added just before a crash is found again.
func (g *Graph) PhoneNumbers(ctx context.Context, wabaID string) ([]PhoneNumber, error) {
	var out struct {
		Data []PhoneNumber `json:"data"`
	}
	q := url.Values{"fields": {strings.Join(phoneFields, ",")}}
	_, err := g.t.call(ctx, http.MethodGet, node(wabaID, "phone_numbers"), q, nil, &out)
	return out.Data, err
}
