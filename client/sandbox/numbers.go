package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"wizard/client"
)

// The number operations of the provider half (partner.md, "Numbers"): each is
// a Graph call the provider makes over HTTP with the signup's business token.
// Meta's errors come back to the wizard as Meta gave them (passGraph).

// CodeEntryWindow is the guide's time for typing a code, in seconds: what a
// code request's answer says as enter_within_seconds.
const CodeEntryWindow = 60

// numberFields are what the provider reads of a number for a NumberState.
const numberFields = "verified_name,code_verification_status,display_phone_number,name_status,new_name_status"

// graphNumber is a number as Graph answers GET /{phone_id}?fields=numberFields.
type graphNumber struct {
	ID                     string `json:"id"`
	VerifiedName           string `json:"verified_name"`
	DisplayPhoneNumber     string `json:"display_phone_number"`
	CodeVerificationStatus string `json:"code_verification_status"`
	NameStatus             string `json:"name_status"`
	NewNameStatus          string `json:"new_name_status"`
}

func (g graphNumber) state() client.NumberState {
	return client.NumberState{PhoneNumberID: g.ID, DisplayPhoneNumber: g.DisplayPhoneNumber, VerifiedName: g.VerifiedName,
		CodeVerificationStatus: g.CodeVerificationStatus, NameStatus: g.NameStatus, NewNameStatus: g.NewNameStatus}
}

func graphUnexpected(w http.ResponseWriter) {
	apiError(w, http.StatusBadGateway, "graph_unexpected",
		"Meta's answer to the provider could not be read. Try again; if it persists, contact the provider.", "")
}

// graphDo makes a Graph call for the wizard. On success it returns the
// answer; otherwise it has answered the wizard (Meta's error unchanged, or the
// provider's 502) and returns false.
func (s *Server) graphDo(w http.ResponseWriter, r *http.Request, method, path string, q url.Values, bearer string, in any) (graphReply, bool) {
	g, err := s.callGraph(r.Context(), selfURL(r), method, path, q, bearer, in)
	switch {
	case err != nil:
		graphUnreachable(w, err)
	case !g.ok():
		passGraph(w, g)
	default:
		return g, true
	}
	return g, false
}

// graphSuccess is graphDo for a call that answers {"success":true}.
func (s *Server) graphSuccess(w http.ResponseWriter, r *http.Request, method, path string, q url.Values, bearer string, in any) bool {
	g, ok := s.graphDo(w, r, method, path, q, bearer, in)
	if !ok {
		return false
	}
	var b struct {
		Success bool `json:"success"`
	}
	if json.Unmarshal(g.body, &b) != nil || !b.Success {
		graphUnexpected(w)
		return false
	}
	return true
}

// listNumbers reads the numbers of a WABA from Graph.
func (s *Server) listNumbers(w http.ResponseWriter, r *http.Request, bearer, wabaID string) ([]graphNumber, bool) {
	g, ok := s.graphDo(w, r, http.MethodGet, "/"+url.PathEscape(wabaID)+"/phone_numbers", url.Values{"fields": {numberFields}}, bearer, nil)
	if !ok {
		return nil, false
	}
	var out struct {
		Data []graphNumber `json:"data"`
	}
	if json.Unmarshal(g.body, &out) != nil {
		graphUnexpected(w)
		return nil, false
	}
	return out.Data, true
}

// numberFor is signupFor plus the number of the path, which must be on the
// signup's WhatsApp Business account.
func (s *Server) numberFor(w http.ResponseWriter, r *http.Request) (bearer, phoneID string, ok bool) {
	bearer, wabaID, ok := s.signupFor(w, r)
	if !ok {
		return "", "", false
	}
	phoneID = r.PathValue("phone")
	nums, ok := s.listNumbers(w, r, bearer, wabaID)
	if !ok {
		return "", "", false
	}
	if !slices.ContainsFunc(nums, func(n graphNumber) bool { return n.ID == phoneID }) {
		apiError(w, http.StatusNotFound, "number_not_found",
			"No number with this id is on the signup's WhatsApp Business account.", "")
		return "", "", false
	}
	return bearer, phoneID, true
}

// answerState reads the number from Graph and answers its NumberState.
func (s *Server) answerState(w http.ResponseWriter, r *http.Request, status int, bearer, phoneID string) {
	g, ok := s.graphDo(w, r, http.MethodGet, "/"+url.PathEscape(phoneID), url.Values{"fields": {numberFields}}, bearer, nil)
	if !ok {
		return
	}
	var n graphNumber
	if json.Unmarshal(g.body, &n) != nil || n.ID == "" {
		graphUnexpected(w)
		return
	}
	writeJSON(w, status, n.state())
}

// listSignupNumbers is GET /v1/signups/{id}/numbers.
func (s *Server) listSignupNumbers(w http.ResponseWriter, r *http.Request) {
	bearer, wabaID, ok := s.signupFor(w, r)
	if !ok {
		return
	}
	nums, ok := s.listNumbers(w, r, bearer, wabaID)
	if !ok {
		return
	}
	out := []client.NumberState{}
	for _, n := range nums {
		out = append(out, n.state())
	}
	writeJSON(w, http.StatusOK, map[string][]client.NumberState{"numbers": out})
}

// addNumber is POST /v1/signups/{id}/numbers.
func (s *Server) addNumber(w http.ResponseWriter, r *http.Request) {
	var in client.NewNumber
	if !decodeJSON(w, r, &in) {
		return
	}
	bearer, wabaID, ok := s.signupFor(w, r)
	if !ok {
		return
	}
	g, ok := s.graphDo(w, r, http.MethodPost, "/"+url.PathEscape(wabaID)+"/phone_numbers", nil, bearer, in)
	if !ok {
		return
	}
	var added struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(g.body, &added) != nil || added.ID == "" {
		graphUnexpected(w)
		return
	}
	s.answerState(w, r, http.StatusCreated, bearer, added.ID)
}

// getNumber is GET /v1/signups/{id}/numbers/{phone}.
func (s *Server) getNumber(w http.ResponseWriter, r *http.Request) {
	if bearer, phoneID, ok := s.numberFor(w, r); ok {
		s.answerState(w, r, http.StatusOK, bearer, phoneID)
	}
}

// setNumberProfile is POST /v1/signups/{id}/numbers/{phone}/profile.
func (s *Server) setNumberProfile(w http.ResponseWriter, r *http.Request) {
	var in client.BusinessProfile
	if !decodeJSON(w, r, &in) {
		return
	}
	bearer, phoneID, ok := s.numberFor(w, r)
	if !ok {
		return
	}
	body := struct {
		MessagingProduct string `json:"messaging_product"`
		client.BusinessProfile
	}{"whatsapp", in}
	if s.graphSuccess(w, r, http.MethodPost, "/"+url.PathEscape(phoneID)+"/whatsapp_business_profile", nil, bearer, body) {
		writeJSON(w, http.StatusOK, map[string]bool{"success": true})
	}
}

// requestNumberCode is POST /v1/signups/{id}/numbers/{phone}/request-code.
func (s *Server) requestNumberCode(w http.ResponseWriter, r *http.Request) {
	var in struct {
		CodeMethod string `json:"code_method"`
		Language   string `json:"language"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	in.CodeMethod = strings.ToUpper(strings.TrimSpace(in.CodeMethod))
	if in.Language = strings.TrimSpace(in.Language); in.Language == "" {
		in.Language = "en_US"
	}
	bearer, phoneID, ok := s.numberFor(w, r)
	if !ok {
		return
	}
	if !s.graphSuccess(w, r, http.MethodPost, "/"+url.PathEscape(phoneID)+"/request_code", nil, bearer, in) {
		return
	}
	now := s.now()
	s.mu.Lock()
	entry, life := s.codeEntry, s.codeLifeLocked()
	s.mu.Unlock()
	if entry <= 0 {
		entry = CodeEntryWindow * time.Second
	}
	writeJSON(w, http.StatusOK, client.CodeRequest{PhoneNumberID: phoneID, CodeMethod: in.CodeMethod, Language: in.Language,
		RequestedAt: now, EnterWithinSeconds: int(entry / time.Second), ExpiresAt: now.Add(life)})
}

// verifyNumberCode is POST /v1/signups/{id}/numbers/{phone}/verify-code.
func (s *Server) verifyNumberCode(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Code string `json:"code"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	bearer, phoneID, ok := s.numberFor(w, r)
	if ok && s.graphSuccess(w, r, http.MethodPost, "/"+url.PathEscape(phoneID)+"/verify_code", nil, bearer, in) {
		writeJSON(w, http.StatusOK, map[string]bool{"success": true})
	}
}

// registerNumber is POST /v1/signups/{id}/numbers/{phone}/register.
func (s *Server) registerNumber(w http.ResponseWriter, r *http.Request) {
	var in struct {
		PIN string `json:"pin"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	bearer, phoneID, ok := s.numberFor(w, r)
	body := struct {
		MessagingProduct string `json:"messaging_product"`
		PIN              string `json:"pin"`
	}{"whatsapp", in.PIN}
	if ok && s.graphSuccess(w, r, http.MethodPost, "/"+url.PathEscape(phoneID)+"/register", nil, bearer, body) {
		writeJSON(w, http.StatusOK, map[string]bool{"success": true})
	}
}

// changeDisplayName is POST /v1/signups/{id}/numbers/{phone}/display-name.
func (s *Server) changeDisplayName(w http.ResponseWriter, r *http.Request) {
	var in struct {
		NewDisplayName string `json:"new_display_name"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	bearer, phoneID, ok := s.numberFor(w, r)
	if !ok {
		return
	}
	// Meta takes it in the query string: POST /{phone_id}?new_display_name=…
	if s.graphSuccess(w, r, http.MethodPost, "/"+url.PathEscape(phoneID), url.Values{"new_display_name": {in.NewDisplayName}}, bearer, nil) {
		s.answerState(w, r, http.StatusOK, bearer, phoneID)
	}
}
