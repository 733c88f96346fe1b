package client

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// This file is compiled into the client's tests only: the wizard never calls
// Meta's Graph API (the provider does, server to server). The tests use this
// small Graph client to look at the sandbox's Graph half directly, as the
// provider sees it.

// Graph is a test client of the sandbox's Graph half.
type Graph struct{ t *transport }

// NewGraph is a Graph client of base (…/graph/vNN.0) with a bearer token.
func NewGraph(base, token string, hc *http.Client) *Graph {
	if hc == nil {
		hc = &http.Client{}
	}
	return &Graph{&transport{service: "graph", hc: hc, base: strings.TrimRight(base, "/"), timeout: 15 * time.Second,
		token: token, parse: func(status int, _ http.Header, body []byte) error { return parseGraphError(status, body) }}}
}

// PhoneNumber is GET /{phone_id}?fields=… .
type PhoneNumber struct {
	ID                     string `json:"id"`
	VerifiedName           string `json:"verified_name,omitempty"`
	DisplayPhoneNumber     string `json:"display_phone_number,omitempty"`
	CodeVerificationStatus string `json:"code_verification_status,omitempty"`
	NameStatus             string `json:"name_status,omitempty"`
	QualityRating          string `json:"quality_rating,omitempty"`
	PlatformType           string `json:"platform_type,omitempty"`
	Status                 string `json:"status,omitempty"`
}

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
