package sandbox

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"wizard/client"
)

// ResendInterval is how long after the last verification e-mail another may be sent.
const ResendInterval = 30 * time.Second

type account struct {
	client.Account
	emailSetAt time.Time // when the current address was given (AutoVerifyEmail counts from it)
	lastMail   time.Time
}

type activation struct {
	accountID string
	phoneID   string
	startedAt time.Time
	alphaCode string
	fails     bool
	// readyAt is when the activation ended: fixed once reached (or set by
	// a trainer's "now"), so that a later change of pace never undoes it.
	readyAt time.Time
}

// partnerRoute is one route of the provider half, as partner.md and
// partner.openapi.yaml name it: the pattern is under /partner.
type partnerRoute struct {
	method, path string // e.g. "GET", "/v1/accounts/{id}"
	h            http.HandlerFunc
	operator     bool // needs the operator token (see operatorAuth)
}

func (s *Server) partnerTable() []partnerRoute {
	return []partnerRoute{
		{"POST", "/v1/accounts", s.createAccount, true},
		{"GET", "/v1/accounts/{id}", s.getAccount, true},
		{"PATCH", "/v1/accounts/{id}", s.updateEmail, true},
		{"POST", "/v1/accounts/{id}/verification-email", s.resendVerification, true},
		{"PATCH", "/v1/accounts/{id}/company", s.updateCompany, true},
		{"POST", "/v1/accounts/{id}/signups", s.startSignup, true},
		{"GET", "/v1/signups/{id}", s.getSignup, true},
		{"GET", "/v1/signups/{id}/numbers", s.listSignupNumbers, true},
		{"POST", "/v1/signups/{id}/numbers", s.addNumber, true},
		{"GET", "/v1/signups/{id}/numbers/{phone}", s.getNumber, true},
		{"POST", "/v1/signups/{id}/numbers/{phone}/profile", s.setNumberProfile, true},
		{"POST", "/v1/signups/{id}/numbers/{phone}/request-code", s.requestNumberCode, true},
		{"POST", "/v1/signups/{id}/numbers/{phone}/verify-code", s.verifyNumberCode, true},
		{"POST", "/v1/signups/{id}/numbers/{phone}/register", s.registerNumber, true},
		{"POST", "/v1/signups/{id}/numbers/{phone}/display-name", s.changeDisplayName, true},
		{"POST", "/v1/accounts/{id}/activations", s.startActivation, true},
		{"GET", "/v1/activations/{phone}", s.getActivation, true},
		{"GET", "/verify", s.verifyLink, false}, // the e-mail's link, opened in a browser
	}
}

// PartnerRoutes lists the routes the sandbox's provider half serves, as
// "METHOD /path" under the partner base URL (e.g. "GET /v1/signups/{id}"), in
// the order partner.md describes them: what the contract test compares with
// partner.openapi.yaml.
func PartnerRoutes() []string {
	var out []string
	for _, rt := range (&Server{}).partnerTable() {
		out = append(out, rt.method+" "+rt.path)
	}
	return out
}

func (s *Server) partnerRoutes() {
	m := s.mux
	for _, rt := range s.partnerTable() {
		h := rt.h
		if rt.operator {
			h = s.operatorAuth(h)
		}
		m.HandleFunc(rt.method+" /partner"+rt.path, h)
	}
	m.HandleFunc("/partner/", func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, "not_found", "No such route: "+r.Method+" "+r.URL.Path, "")
	})
}

func (s *Server) createAccount(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	email, ok := checkEmail(w, in.Email)
	if !ok {
		return
	}
	if chars, kinds := passwordStrength(in.Password); chars < passwordMinChars || kinds < passwordMinKinds {
		apiError(w, http.StatusUnprocessableEntity, "weak_password", weakPasswordMessage(chars, kinds), "password")
		return
	}
	// The password is checked, then forgotten: the sandbox has no log-in.
	s.mu.Lock()
	defer s.mu.Unlock()
	key := r.Header.Get("Idempotency-Key")
	if a := s.accounts[s.createKeys[key]]; key != "" && a != nil {
		writeJSON(w, http.StatusOK, a.Account) // the same request again: the account it made
		return
	}
	if _, taken := s.byEmail[strings.ToLower(email)]; taken {
		apiError(w, http.StatusConflict, "email_taken", "An account with this e-mail address already exists.", "email")
		return
	}
	now := s.now()
	a := &account{Account: client.Account{ID: prefixedID("acc"), Email: email}, emailSetAt: now}
	s.accounts[a.ID] = a
	s.byEmail[strings.ToLower(email)] = a.ID
	if key != "" {
		s.createKeys[key] = a.ID
	}
	s.sendVerification(r, a, now)
	writeJSON(w, http.StatusCreated, a.Account)
}

func weakPasswordMessage(chars, kinds int) string {
	short := ""
	if chars < passwordMinChars {
		short = " and is too short"
	}
	return fmt.Sprintf("The password is too weak: it needs at least %d characters and at least %d of "+
		"lowercase letters, uppercase letters, digits and special characters (it has %d of those kinds%s).",
		passwordMinChars, passwordMinKinds, kinds, short)
}

// checkEmail trims an address and refuses (422 invalid_email) one that breaks
// the contract's rule (partner.md, "Accepted e-mail addresses").
func checkEmail(w http.ResponseWriter, raw string) (string, bool) {
	email := strings.TrimSpace(raw)
	if !validEmail(email) {
		apiError(w, http.StatusUnprocessableEntity, "invalid_email", "This is not a valid e-mail address.", "email")
		return "", false
	}
	return email, true
}

// updateEmail changes an account's e-mail address: the new one must be verified
// again, so a fresh link is sent to it.
func (s *Server) updateEmail(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email string `json:"email"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	email, ok := checkEmail(w, in.Email)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.lookupAccount(w, r.PathValue("id"))
	if a == nil {
		return
	}
	if strings.EqualFold(a.Email, email) {
		writeJSON(w, http.StatusOK, a.Account)
		return
	}
	if other, taken := s.byEmail[strings.ToLower(email)]; taken && other != a.ID {
		apiError(w, http.StatusConflict, "email_taken", "An account with this e-mail address already exists.", "email")
		return
	}
	delete(s.byEmail, strings.ToLower(a.Email))
	s.byEmail[strings.ToLower(email)] = a.ID
	now := s.now()
	a.Email, a.Verified, a.VerifiedAt, a.emailSetAt = email, false, time.Time{}, now
	s.sendVerification(r, a, now)
	writeJSON(w, http.StatusOK, a.Account)
}

// sendVerification puts a verification mail with a fresh link in the outbox.
// Called with s.mu held.
func (s *Server) sendVerification(r *http.Request, a *account, now time.Time) {
	t := token()
	s.verifyTokens[t] = a.ID
	a.lastMail = now
	s.outbox.Mails = append(s.outbox.Mails, Mail{
		To:      a.Email,
		Subject: "Confirm your e-mail address",
		Link:    baseURL(r) + "/partner/verify?token=" + url.QueryEscape(t),
		SentAt:  now,
	})
}

// lookupAccount finds an account and applies AutoVerifyEmail. Called with s.mu held.
func (s *Server) lookupAccount(w http.ResponseWriter, id string) *account {
	a := s.accounts[id]
	if a == nil {
		apiError(w, http.StatusNotFound, "account_not_found", "No account with this id.", "")
		return nil
	}
	if d := s.opts.AutoVerifyEmail; d > 0 && !a.Verified && !s.now().Before(a.emailSetAt.Add(d)) {
		a.Verified, a.VerifiedAt = true, a.emailSetAt.Add(d)
	}
	return a
}

func (s *Server) getAccount(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.lookupAccount(w, r.PathValue("id")); a != nil {
		writeJSON(w, http.StatusOK, a.Account)
	}
}

func (s *Server) resendVerification(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.lookupAccount(w, r.PathValue("id"))
	if a == nil {
		return
	}
	if a.Verified {
		apiError(w, http.StatusConflict, "already_verified", "This e-mail address is already verified.", "")
		return
	}
	now := s.now()
	if next := a.lastMail.Add(ResendInterval); now.Before(next) {
		wait := int(math.Ceil(next.Sub(now).Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		apiError(w, http.StatusTooManyRequests, "resend_too_soon",
			fmt.Sprintf("An e-mail was sent moments ago. Another can be sent in %d s.", wait), "")
		return
	}
	s.sendVerification(r, a, now)
	writeJSON(w, http.StatusOK, client.Resend{SentAt: now, NextAllowedAt: now.Add(ResendInterval)})
}

func (s *Server) verifyLink(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	a := s.accounts[s.verifyTokens[r.URL.Query().Get("token")]]
	var email string
	if a != nil {
		if !a.Verified {
			a.Verified, a.VerifiedAt = true, s.now()
		}
		email = a.Email
	}
	s.mu.Unlock()
	if a == nil {
		s.message(w, http.StatusNotFound, "This link is not valid",
			"Check that you opened the whole link from the latest e-mail, or ask for a new one in the terminal.")
		return
	}
	s.message(w, http.StatusOK, "Address verified",
		email+" is verified. You can close this page and return to the terminal.")
}

var orgTypes = map[string]bool{"company": true, "government": true}

func (s *Server) updateCompany(w http.ResponseWriter, r *http.Request) {
	var c client.Company
	if !decodeJSON(w, r, &c) {
		return
	}
	c.OrgType = strings.ToLower(strings.TrimSpace(c.OrgType))
	c.FullName = strings.TrimSpace(c.FullName)
	c.CompanyName = strings.TrimSpace(c.CompanyName)
	c.Country = strings.ToUpper(strings.TrimSpace(c.Country))
	for _, f := range []struct{ name, value string }{
		{"org_type", c.OrgType}, {"full_name", c.FullName}, {"company_name", c.CompanyName}, {"country", c.Country},
	} {
		if f.value == "" {
			apiError(w, http.StatusUnprocessableEntity, "missing_field", "The field "+f.name+" is required.", f.name)
			return
		}
	}
	if !orgTypes[c.OrgType] {
		apiError(w, http.StatusUnprocessableEntity, "invalid_org_type", `The organisation type must be "company" or "government".`, "org_type")
		return
	}
	if !validCountry(c.Country) {
		apiError(w, http.StatusUnprocessableEntity, "invalid_country", "The country must be an ISO 3166-1 alpha-2 code such as KZ.", "country")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.lookupAccount(w, r.PathValue("id"))
	if a == nil {
		return
	}
	a.OrgType, a.FullName, a.CompanyName, a.Country = c.OrgType, c.FullName, c.CompanyName, c.Country
	writeJSON(w, http.StatusOK, a.Account)
}

func (s *Server) startActivation(w http.ResponseWriter, r *http.Request) {
	var in struct {
		PhoneNumberID string `json:"phone_number_id"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	if in.PhoneNumberID == "" {
		apiError(w, http.StatusUnprocessableEntity, "missing_field", "The field phone_number_id is required.", "phone_number_id")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.lookupAccount(w, r.PathValue("id"))
	if a == nil {
		return
	}
	if act := s.activations[in.PhoneNumberID]; act != nil {
		// Starting again answers the activation under way, unless it failed on a
		// declined name and another name has been asked for since: then it starts anew.
		if ph := s.phones[in.PhoneNumberID]; !act.fails || ph == nil || ph.newName == "" {
			writeJSON(w, http.StatusOK, s.activationView(act))
			return
		}
	}
	p := s.phones[in.PhoneNumberID]
	switch {
	case p == nil:
		apiError(w, http.StatusConflict, "number_not_registered", "No number with this id is known to WhatsApp.", "phone_number_id")
		return
	case !p.registered:
		apiError(w, http.StatusConflict, "number_not_registered",
			"The number is not registered for the Cloud API yet: verify it and register it first.", "phone_number_id")
		return
	}
	act := &activation{
		accountID: a.ID,
		phoneID:   p.id,
		startedAt: s.now(),
		alphaCode: fmt.Sprintf("AN-%04d", 1000+rand.IntN(9000)),
		// The magic number's name is declined, until another name was asked for.
		fails: strings.HasSuffix(p.national, MagicActivationFails) && p.newName == "",
	}
	s.activations[p.id] = act
	writeJSON(w, http.StatusCreated, s.activationView(act))
}

func (s *Server) getActivation(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	act := s.activations[r.PathValue("phone")]
	if act == nil {
		apiError(w, http.StatusNotFound, "activation_not_found", "No activation was started for this number.", "")
		return
	}
	writeJSON(w, http.StatusOK, s.activationView(act))
}

// activationView is the activation as of now. Called with s.mu held.
func (s *Server) activationView(act *activation) client.Activation {
	v := client.Activation{PhoneNumberID: act.phoneID, StartedAt: act.startedAt}
	done := act.startedAt.Add(s.opts.ActivationDelay)
	if !act.readyAt.IsZero() {
		done = act.readyAt
	} else if !s.now().Before(done) {
		act.readyAt = done
	}
	switch {
	case s.now().Before(done):
		v.Status = client.ActivationPending
		v.StatusText = "The provider is activating the number. This usually takes a few minutes; you may close the wizard and come back."
	case act.fails:
		v.Status, v.Reason = client.ActivationFailed, client.ActivationNameDeclined
		v.StatusText = "The provider could not activate the number: the display name was declined in review. Choose another display name, or contact support with this number."
	default:
		v.Status, v.AlphaCode, v.ActivatedAt = client.ActivationActive, act.alphaCode, done
		v.StatusText = "The number is active. Its alpha-name code is " + act.alphaCode + "."
	}
	return v
}
