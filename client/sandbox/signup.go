package sandbox

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"wizard/client"
)

// SandboxUser is the Facebook user the signup page pretends is logged in.
const SandboxUser = "Alex Sandbox"

// Signup modes.
const (
	ModeNew       = "new"
	ModeMigration = "migration"
)

// events the signup page may report (Meta's WA_EMBEDDED_SIGNUP events).
var signupEvents = []string{"FINISH", "FINISH_ONLY_WABA", "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING",
	"FINISH_OBO_MIGRATION", "FINISH_GRANT_ONLY_API_ACCESS", "CANCEL"}

type signup struct {
	result      client.SignupResult
	accountID   string
	mode        string
	callbackURL string
	state       string
	createdAt   time.Time

	// After a FINISH (setup.go): the code FB.login gave the page, the business
	// token it was exchanged for (never shown to the wizard), and whether a
	// request is carrying the setup forward right now.
	code, token string
	busy        bool

	// What the pop-up's screens chose before Finish (popupNumber): the
	// portfolio, the account and the number they created in Meta, and the
	// business profile's display name and category.
	draft popupDraft
}

// popupDraft is what a signup's pop-up set up in Meta before its result.
type popupDraft struct {
	businessID, wabaID, phoneID string
	displayName, category       string
}

func (s *Server) signupRoutes() {
	s.mux.HandleFunc("GET /signup/{id}", s.signupPage)
	s.mux.HandleFunc("POST /signup/{id}/result", s.signupResult)
	s.mux.HandleFunc("POST /signup/{id}/number", s.popupNumber)
	s.mux.HandleFunc("POST /signup/{id}/number/code", s.popupCode)
	s.mux.HandleFunc("POST /signup/{id}/number/verify", s.popupVerify)
}

// startSignup is POST /partner/v1/accounts/{id}/signups.
func (s *Server) startSignup(w http.ResponseWriter, r *http.Request) {
	var in client.SignupRequest
	if !decodeJSON(w, r, &in) {
		return
	}
	mode := strings.ToLower(strings.TrimSpace(in.Mode))
	if mode == "" {
		mode = ModeNew
	}
	if mode != ModeNew && mode != ModeMigration {
		apiError(w, http.StatusUnprocessableEntity, "invalid_mode", `The mode must be "new" or "migration".`, "mode")
		return
	}
	if in.CallbackURL != "" {
		u, err := url.Parse(in.CallbackURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			apiError(w, http.StatusUnprocessableEntity, "invalid_callback_url", "The callback URL must be an absolute http or https URL.", "callback_url")
			return
		}
		if !loopbackCallback(u) {
			apiError(w, http.StatusBadRequest, "callback_url_not_allowed", "The callback URL must be the wizard's own listener on this computer: "+
				"http://127.0.0.1:PORT/…, http://[::1]:PORT/… or http://localhost:PORT/…; the sandbox sends the browser nowhere else.", "callback_url")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.lookupAccount(w, r.PathValue("id"))
	if a == nil {
		return
	}
	if !a.Verified {
		apiError(w, http.StatusForbidden, "email_not_verified", "Verify the e-mail address before starting the signup.", "")
		return
	}
	su := &signup{
		result:    client.SignupResult{ID: prefixedID("su"), Status: client.SignupPending},
		accountID: a.ID, mode: mode, callbackURL: in.CallbackURL, state: in.State, createdAt: s.now(),
	}
	s.signups[su.result.ID] = su
	writeJSON(w, http.StatusCreated, client.SignupSession{ID: su.result.ID, URL: baseURL(r) + "/signup/" + su.result.ID})
}

// getSignup is GET /partner/v1/signups/{id}.
func (s *Server) getSignup(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	su := s.signups[r.PathValue("id")]
	s.mu.Unlock()
	if su == nil {
		apiError(w, http.StatusNotFound, "signup_not_found", "No signup session with this id.", "")
		return
	}
	s.advanceSetup(r.Context(), selfURL(r), su)
	s.mu.Lock()
	res := su.result
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, res)
}

type pageOption struct{ ID, Name, BusinessID string }

type signupPageData struct {
	ID, Mode, User, Status, ResultURL string
	Open                              bool
	Businesses, WABAs                 []pageOption
	Categories                        []string // Meta's verticals, for the business profile
	// PageSession and ErrorID are what "Report a problem" sends, as Meta's
	// pop-up does: its session's id and an id for the report.
	PageSession, ErrorID string
}

func (s *Server) signupPage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	su := s.signups[r.PathValue("id")]
	var d signupPageData
	if su != nil {
		d = signupPageData{ID: su.result.ID, Mode: su.mode, User: SandboxUser, Status: su.result.Status,
			ResultURL: "/signup/" + su.result.ID + "/result", Open: su.result.Status == client.SignupPending,
			Categories: verticals[:len(verticals)-2], PageSession: numericID(16), ErrorID: numericID(10)}
		for _, b := range s.businesses {
			d.Businesses = append(d.Businesses, pageOption{ID: b.id, Name: b.name})
		}
		for _, id := range s.wabaOrder {
			wa := s.wabas[id]
			d.WABAs = append(d.WABAs, pageOption{ID: wa.id, Name: wa.name, BusinessID: wa.businessID})
		}
	}
	s.mu.Unlock()
	if su == nil {
		s.message(w, http.StatusNotFound, "This signup link is not valid", "Start the signup again from the terminal.")
		return
	}
	s.page(w, http.StatusOK, "signup.html", d)
}

// signupInput is what the page posts, as a form or as JSON.
type signupInput struct {
	Event         string `json:"event"`
	WABAID        string `json:"waba_id"`
	WABAName      string `json:"waba_name"`
	BusinessID    string `json:"business_id"`
	BusinessName  string `json:"business_name"`
	PhoneNumberID string `json:"phone_number_id"`
	CurrentStep   string `json:"current_step"`
	ErrorMessage  string `json:"error_message"`
	ErrorCode     string `json:"error_code"`
	ErrorID       string `json:"error_id"`
	SessionID     string `json:"session_id"`
	Timestamp     string `json:"timestamp"`
}

func (s *Server) signupResult(w http.ResponseWriter, r *http.Request) {
	isJSON := strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
	var in signupInput
	if isJSON {
		if !decodeJSON(w, r, &in) {
			return
		}
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
		if err := r.ParseForm(); err != nil {
			s.message(w, http.StatusBadRequest, "The signup could not be read", err.Error())
			return
		}
		f := r.PostForm.Get
		in = signupInput{f("event"), f("waba_id"), f("waba_name"), f("business_id"), f("business_name"),
			f("phone_number_id"), f("current_step"), f("error_message"), f("error_code"),
			f("error_id"), f("session_id"), f("timestamp")}
	}
	in.Event = strings.ToUpper(strings.TrimSpace(in.Event))
	if !slices.Contains(signupEvents, in.Event) {
		msg := "event must be one of " + strings.Join(signupEvents, ", ")
		if isJSON {
			apiError(w, http.StatusBadRequest, "invalid_event", msg, "event")
		} else {
			s.message(w, http.StatusBadRequest, "The signup could not be read", msg)
		}
		return
	}
	s.mu.Lock()
	su := s.signups[r.PathValue("id")]
	var res client.SignupResult
	var callback, state string
	if su != nil && su.result.Status == client.SignupPending { // a second post changes nothing
		s.applyResult(su, in)
	}
	s.mu.Unlock()
	if su != nil {
		// The provider's backend exchanges the code at once, then carries on (setup.go).
		s.advanceSetup(r.Context(), selfURL(r), su)
		s.mu.Lock()
		res, callback, state = su.result, su.callbackURL, su.state
		s.mu.Unlock()
	}
	switch {
	case su == nil && isJSON:
		apiError(w, http.StatusNotFound, "signup_not_found", "No signup session with this id.", "")
	case su == nil:
		s.message(w, http.StatusNotFound, "This signup link is not valid", "Start the signup again from the terminal.")
	case callback != "" && loopbackCallbackString(callback): // refused at the start already; never send the browser elsewhere
		http.Redirect(w, r, callbackWith(callback, state, res), http.StatusSeeOther)
	case isJSON:
		writeJSON(w, http.StatusOK, res)
	case res.Status == client.SignupFinished:
		s.message(w, http.StatusOK, "Your business is connected", "You can return to the terminal.")
	default:
		s.message(w, http.StatusOK, "Signup not completed", "You can return to the terminal.")
	}
}

// applyResult records the page's result, filling in ids for a FINISH the way
// Meta would create them. Called with s.mu held.
func (s *Server) applyResult(su *signup, in signupInput) {
	res := &su.result
	res.Event = in.Event
	if in.Event == "CANCEL" {
		res.Status = client.SignupCancelled
		res.CurrentStep = in.CurrentStep
		if in.ErrorMessage != "" || in.ErrorCode != "" {
			res.Status = client.SignupError
			res.ErrorMessage, res.ErrorCode, res.ErrorID, res.SessionID = in.ErrorMessage, in.ErrorCode, in.ErrorID, in.SessionID
			if res.Timestamp = in.Timestamp; res.Timestamp == "" {
				res.Timestamp = strconv.FormatInt(s.now().Unix(), 10) // Meta's: seconds since 1970
			}
		}
		return
	}
	res.Status = client.SignupFinished
	d := su.draft
	if d.businessID != "" && in.BusinessID == "" {
		in.BusinessID = d.businessID
	}
	if d.wabaID != "" && in.WABAID == "" {
		in.WABAID = d.wabaID
	}
	res.BusinessID = s.ensureBusiness(in.BusinessID, in.BusinessName)
	res.WABAID = s.ensureWABA(in.WABAID, in.WABAName, res.BusinessID)
	// Only a number on the signup's account counts (one the pop-up added, or
	// one already there); FINISH_ONLY_WABA carries none.
	if ph := s.phones[in.PhoneNumberID]; ph != nil && ph.wabaID == res.WABAID && in.Event != "FINISH_ONLY_WABA" {
		res.PhoneNumberID = ph.id
	}
	if su.mode == ModeMigration && res.PhoneNumberID == "" && in.Event != "FINISH_ONLY_WABA" {
		res.PhoneNumberID = s.migratedPhone(res.WABAID, "7", "", d.displayName).id
	}
	s.startSetup(su)
}

func (s *Server) ensureBusiness(id, name string) string {
	if id != "" && slices.ContainsFunc(s.businesses, func(b *business) bool { return b.id == id }) {
		return id
	}
	if id == "" {
		id = numericID(16)
	}
	if name = strings.TrimSpace(name); name == "" {
		name = "New business " + id[len(id)-4:]
	}
	s.businesses = append(s.businesses, &business{id: id, name: name})
	return id
}

func (s *Server) ensureWABA(id, name, businessID string) string {
	if id != "" && s.wabas[id] != nil {
		return id
	}
	if id == "" {
		id = numericID(15)
	}
	if name = strings.TrimSpace(name); name == "" {
		name = "WhatsApp Business account " + id[len(id)-4:]
	}
	s.addWABA(&waba{id: id, businessID: businessID, name: name})
	return id
}

// migratedPhone adds a number that moved in from another provider: its code
// is already verified and its name approved, so it can be registered at once.
// An empty national part picks a free one; an empty name is the account's.
// Called with s.mu held.
func (s *Server) migratedPhone(wabaID, cc, national, name string) *phone {
	for national == "" || s.phoneByE164[cc+national] != "" {
		national = fmt.Sprintf("701%07d", rand.IntN(9_000_000)+1)
	}
	if name == "" {
		name = s.wabas[wabaID].name
	}
	ph := s.newPhone(wabaID, cc, national, name)
	ph.verified, ph.nameStatus = true, "APPROVED"
	return ph
}

// loopbackCallback says whether u is a callback URL the sandbox redirects to:
// plain http to this computer (a host in 127.0.0.0/8, ::1 or "localhost"),
// any port, no user name or password. A real provider redirects only to the
// URLs registered for the app; the sandbox's registered ones are the wizard's
// loopback listeners, so it can never be used to send a browser elsewhere.
func loopbackCallback(u *url.URL) bool {
	if u.Scheme != "http" || u.User != nil || u.Opaque != "" {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func loopbackCallbackString(s string) bool {
	u, err := url.Parse(s)
	return err == nil && loopbackCallback(u)
}

// callbackWith adds the signup's result to the callback URL's query.
func callbackWith(callback, state string, res client.SignupResult) string {
	u, err := url.Parse(callback)
	if err != nil {
		return callback
	}
	q := u.Query()
	for _, kv := range [][2]string{
		{"state", state}, {"signup_id", res.ID}, {"status", res.Status}, {"event", res.Event},
		{"waba_id", res.WABAID}, {"business_id", res.BusinessID}, {"phone_number_id", res.PhoneNumberID},
		{"current_step", res.CurrentStep}, {"error_message", res.ErrorMessage}, {"error_code", res.ErrorCode},
		{"error_id", res.ErrorID}, {"session_id", res.SessionID}, {"timestamp", res.Timestamp},
	} {
		if kv[1] != "" {
			q.Set(kv[0], kv[1])
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
