package sandbox

import (
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"wizard/client"
)

// The pop-up's own calls. In Meta's Embedded Signup v4 the pop-up adds the
// number and verifies it by SMS or voice itself, before the partner hears of
// the signup (api-facts.md, "Embedded Signup v4"). These routes are that part
// of Meta: the sandbox's signup page calls them from the browser, and they act
// on the Graph half's state directly, as Meta's pop-up acts on Meta's. They are
// not the provider's: the wizard never calls them.

// Kinds of number the pop-up's number screen adds.
const (
	popupNewNumber = "new" // a number on no WhatsApp product: verified by SMS or voice in the pop-up
	popupAppNumber = "app" // a number on the WhatsApp Business app (coexistence): verified in the app
)

// popupNumberInput is what the number screen posts: the screens before it
// (portfolio, account, business profile) and the number.
type popupNumberInput struct {
	BusinessID   string `json:"business_id"`
	BusinessName string `json:"business_name"`
	WABAID       string `json:"waba_id"`
	WABAName     string `json:"waba_name"`
	DisplayName  string `json:"display_name"`
	Category     string `json:"category"`
	CC           string `json:"cc"`
	PhoneNumber  string `json:"phone_number"`
	Kind         string `json:"kind"` // new or app
}

// popupNumberAnswer is the number as Meta created it.
type popupNumberAnswer struct {
	PhoneNumberID          string `json:"phone_number_id"`
	BusinessID             string `json:"business_id"`
	WABAID                 string `json:"waba_id"`
	CodeVerificationStatus string `json:"code_verification_status"`
}

// popupSignup is the pending signup a pop-up call is for. Called with s.mu held;
// it answers the error itself.
func (s *Server) popupSignup(w http.ResponseWriter, r *http.Request) *signup {
	su := s.signups[r.PathValue("id")]
	switch {
	case su == nil:
		apiError(w, http.StatusNotFound, "signup_not_found", "This signup link is not valid: start the signup again from the terminal.", "")
	case su.result.Status != client.SignupPending:
		apiError(w, http.StatusConflict, "signup_closed", "This signup already has a result: return to the terminal.", "")
	default:
		return su
	}
	return nil
}

// popupNumber is POST /signup/{id}/number: the number screen adds the number
// to the account chosen before (created now if it is new), with the business
// profile's display name and category.
func (s *Server) popupNumber(w http.ResponseWriter, r *http.Request) {
	var in popupNumberInput
	if !decodeJSON(w, r, &in) {
		return
	}
	in.CC = strings.TrimPrefix(strings.TrimSpace(in.CC), "+")
	in.PhoneNumber = phoneSeparators.Replace(strings.TrimSpace(in.PhoneNumber))
	in.DisplayName, in.Category = strings.TrimSpace(in.DisplayName), strings.TrimSpace(in.Category)
	if in.Kind == "" {
		in.Kind = popupNewNumber
	}
	switch {
	case in.Kind != popupNewNumber && in.Kind != popupAppNumber:
		apiError(w, http.StatusBadRequest, "invalid_kind", `kind must be "new" or "app".`, "kind")
		return
	case utf8.RuneCountInString(in.DisplayName) < 3:
		apiError(w, http.StatusUnprocessableEntity, "invalid_display_name", "Enter the business's display name (at least 3 characters) on the profile screen.", "display_name")
		return
	case in.Category != "" && !slices.Contains(verticals, in.Category):
		apiError(w, http.StatusUnprocessableEntity, "invalid_category", "Choose a category from the list.", "category")
		return
	case !validPhoneShape(in.CC, in.PhoneNumber):
		apiError(w, http.StatusUnprocessableEntity, "invalid_phone_number",
			"Check the country code (1 to 3 digits) and the number (4 to 14 digits, without the country code).", "phone_number")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	su := s.popupSignup(w, r)
	if su == nil {
		return
	}
	if in.Kind == popupNewNumber && su.mode == ModeNew && strings.HasSuffix(in.PhoneNumber, MagicAlreadyOnWhatsApp) {
		apiError(w, http.StatusUnprocessableEntity, "number_on_whatsapp",
			"This number is already used with WhatsApp or WhatsApp Business. Delete that account first, or choose the WhatsApp Business app option.", "phone_number")
		return
	}
	id, dup := s.phoneByE164[in.CC+in.PhoneNumber]
	if dup && id != su.draft.phoneID && s.phoneTaken(id, su.accountID) {
		apiError(w, http.StatusConflict, "number_taken", "This number was already added to a WhatsApp Business account.", "phone_number")
		return
	}
	bid := s.ensureBusiness(in.BusinessID, in.BusinessName)
	wid := s.ensureWABA(in.WABAID, in.WABAName, bid)
	ph := s.phones[su.draft.phoneID]
	if dup && id != su.draft.phoneID { // added in a pop-up that never finished: it is offered again
		ph = s.phones[id]
		ph.wabaID = wid
	}
	if ph == nil || ph.cc+ph.national != in.CC+in.PhoneNumber || ph.wabaID != wid {
		switch {
		case su.mode == ModeMigration: // the number moves in with its name approved and its code verified
			ph = s.migratedPhone(wid, in.CC, in.PhoneNumber, in.DisplayName)
		default:
			ph = s.newPhone(wid, in.CC, in.PhoneNumber, in.DisplayName)
		}
	}
	ph.verifiedName, ph.fromPopup = in.DisplayName, true
	if in.Category != "" {
		ph.profile = map[string]any{"vertical": in.Category}
	}
	if in.Kind == popupAppNumber { // verified in the app, and already connected through it
		ph.verified, ph.registered, ph.nameStatus = true, true, "APPROVED"
	}
	su.draft = popupDraft{businessID: bid, wabaID: wid, phoneID: ph.id, displayName: in.DisplayName, category: in.Category}
	writeJSON(w, http.StatusOK, popupNumberAnswer{PhoneNumberID: ph.id, BusinessID: bid, WABAID: wid,
		CodeVerificationStatus: ph.codeStatus(s.now(), s.codeLifeLocked())})
}

// popupPhone is the number the pop-up added, named in the request. Called
// with s.mu held; it answers the error itself.
func (s *Server) popupPhone(w http.ResponseWriter, r *http.Request, id string) *phone {
	su := s.popupSignup(w, r)
	if su == nil {
		return nil
	}
	ph := s.phones[id]
	if ph == nil || id != su.draft.phoneID {
		apiError(w, http.StatusNotFound, "number_not_found", "Add the number on the number screen first.", "phone_number_id")
		return nil
	}
	return ph
}

// popupCode is POST /signup/{id}/number/code {phone_number_id, method}: Meta
// sends the code to the number (the sandbox phone in the outbox).
func (s *Server) popupCode(w http.ResponseWriter, r *http.Request) {
	var in struct {
		PhoneNumberID string `json:"phone_number_id"`
		Method        string `json:"method"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	method := strings.ToUpper(strings.TrimSpace(in.Method))
	if method != "SMS" && method != "VOICE" {
		apiError(w, http.StatusBadRequest, "invalid_method", "Choose SMS or a voice call.", "method")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ph := s.popupPhone(w, r, in.PhoneNumberID)
	if ph == nil {
		return
	}
	if e := s.sendCode(ph, method, "en_US"); e != nil {
		apiError(w, http.StatusTooManyRequests, "too_many_codes", e.userMsg, "method")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"phone_number_id": ph.id, "method": method})
}

// popupVerify is POST /signup/{id}/number/verify {phone_number_id, code}.
func (s *Server) popupVerify(w http.ResponseWriter, r *http.Request) {
	var in struct {
		PhoneNumberID string `json:"phone_number_id"`
		Code          string `json:"code"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	code := strings.NewReplacer("-", "", " ", "").Replace(in.Code)
	s.mu.Lock()
	defer s.mu.Unlock()
	ph := s.popupPhone(w, r, in.PhoneNumberID)
	if ph == nil {
		return
	}
	if why := s.checkCode(ph, code); why != "" {
		msg := "This code is not right. Check it, or send a new one."
		switch why {
		case "expired":
			msg = "This code has expired. Send a new one."
		case "no code was requested for this number":
			msg = "Send a code first, by SMS or a voice call."
		}
		apiError(w, http.StatusUnprocessableEntity, "code_not_verified", msg, "code")
		return
	}
	writeJSON(w, http.StatusOK, popupNumberAnswer{PhoneNumberID: ph.id, BusinessID: s.wabas[ph.wabaID].businessID,
		WABAID: ph.wabaID, CodeVerificationStatus: ph.codeStatus(s.now(), s.codeLifeLocked())})
}

// phoneTaken says whether a number belongs to something that happened: it is
// registered, was added through the API, or another provider account's signup
// finished with it. A number added in a pop-up that was cancelled, or closed
// without a word, is not taken: the next pop-up may add it again, as the user
// tries once more; nor is one a signup of the same account finished with and
// never registered (the user opens the pop-up again for the same number).
// Called with s.mu held.
func (s *Server) phoneTaken(id, accountID string) bool {
	ph := s.phones[id]
	if ph == nil || ph.registered || !ph.fromPopup {
		return ph != nil
	}
	for _, su := range s.signups {
		if su.result.PhoneNumberID == id && su.result.Status == client.SignupFinished && su.accountID != accountID {
			return true
		}
	}
	return false
}
