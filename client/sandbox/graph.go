package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Magic demo inputs: the national part of a phone number decides how the
// sandbox treats it.
const (
	// MagicAlreadyOnWhatsApp: adding a number whose national part ends in this
	// fails as "already registered on a WhatsApp account".
	MagicAlreadyOnWhatsApp = "0000000"
	// MagicActivationFails: the partner's activation of such a number ends as failed.
	MagicActivationFails = "9999999"
)

// SubcodeAlreadyOnWhatsApp is the error_subcode of Meta's refusal (code 100)
// to add a number that is in use on WhatsApp.
const SubcodeAlreadyOnWhatsApp = 3441030

// Limits of the sandbox's graph.
const (
	CodeTTL          = 10 * time.Minute // a verification code is good this long (unless a scenario says less)
	CodeWindow       = 10 * time.Minute // window of the request_code limit
	CodeRequestLimit = 5                // request_code calls per number and method in CodeWindow
	RegisterWindow   = 72 * time.Hour
	RegisterLimit    = 10 // register/deregister calls per number in RegisterWindow
)

type business struct{ id, name string }

type waba struct {
	id, businessID, name string
}

type phone struct {
	id, wabaID, cc, national, verifiedName string
	verified                               bool
	code                                   string // latest code sent, "" if none
	codeAt                                 time.Time
	requests                               map[string][]time.Time // by method
	registered                             bool
	pin                                    string // hashPIN's salted hash of the two-step PIN, "" if none
	registerCalls                          []time.Time
	nameStatus                             string
	newName, newNameStatus                 string // a requested display-name change, "" if none
	profile                                map[string]any
	fromPopup                              bool // added on the signup page's number screen
}

// codeStatus is code_verification_status as of now, for codes good for life
// (Server.codeLifeLocked).
func (p *phone) codeStatus(now time.Time, life time.Duration) string {
	switch {
	case p.verified:
		return "VERIFIED"
	case p.code != "" && now.Sub(p.codeAt) > life:
		return "EXPIRED"
	}
	return "NOT_VERIFIED"
}

// seed gives the sandbox Facebook user one existing portfolio and account.
func (s *Server) seed() {
	b := &business{id: numericID(16), name: "Sandbox Trading LLP"}
	s.businesses = append(s.businesses, b)
	s.addWABA(&waba{id: numericID(15), businessID: b.id, name: "Sandbox Trading"})
	s.creditLineID = numericID(16)
}

func (s *Server) addWABA(wa *waba) {
	if _, ok := s.wabas[wa.id]; !ok {
		s.wabaOrder = append(s.wabaOrder, wa.id)
	}
	s.wabas[wa.id] = wa
}

func (s *Server) graphRoutes() {
	m := s.mux
	m.HandleFunc("POST /graph/{version}/{node}/phone_numbers", s.graphAuth(s.addPhoneNumber))
	m.HandleFunc("POST /graph/{version}/{node}/whatsapp_business_profile", s.graphAuth(s.setProfile))
	m.HandleFunc("POST /graph/{version}/{node}/request_code", s.graphAuth(s.requestCode))
	m.HandleFunc("POST /graph/{version}/{node}/verify_code", s.graphAuth(s.verifyCode))
	m.HandleFunc("POST /graph/{version}/{node}/register", s.graphAuth(s.register))
	m.HandleFunc("POST /graph/{version}/{node}/deregister", s.graphAuth(s.deregister))
	m.HandleFunc("GET /graph/{version}/{node}", s.graphAuth(s.getNode))
	m.HandleFunc("GET /graph/{version}/{node}/phone_numbers", s.graphAuth(s.listPhoneNumbers))
	m.HandleFunc("POST /graph/{version}/{node}", s.graphAuth(s.postNode))
	s.signupGraphRoutes()
	m.HandleFunc("/graph/", s.graphAuth(func(w http.ResponseWriter, r *http.Request, _ url.Values) {
		graphError(w, graphErr{code: 100, message: "Unsupported " + strings.ToLower(r.Method) + " request.",
			details: "Unknown path components: " + r.URL.Path})
	}))
}

// graphErr is one error answer in Meta's envelope.
type graphErr struct {
	status             int // default 400
	code, subcode      int
	typ                string // default OAuthException
	message, details   string
	userTitle, userMsg string
}

func graphError(w http.ResponseWriter, e graphErr) {
	if e.status == 0 {
		e.status = http.StatusBadRequest
	}
	if e.typ == "" {
		e.typ = "OAuthException"
	}
	type data struct {
		MessagingProduct string `json:"messaging_product"`
		Details          string `json:"details"`
	}
	type body struct {
		Message   string `json:"message"`
		Type      string `json:"type"`
		Code      int    `json:"code"`
		Subcode   int    `json:"error_subcode,omitempty"`
		UserTitle string `json:"error_user_title,omitempty"`
		UserMsg   string `json:"error_user_msg,omitempty"`
		Data      *data  `json:"error_data,omitempty"`
		FBTraceID string `json:"fbtrace_id"`
	}
	b := body{Message: fmt.Sprintf("(#%d) %s", e.code, e.message), Type: e.typ, Code: e.code, Subcode: e.subcode,
		UserTitle: e.userTitle, UserMsg: e.userMsg, FBTraceID: "A" + token()[:22]}
	if e.details != "" {
		b.Data = &data{"whatsapp", e.details}
	}
	writeJSON(w, e.status, map[string]body{"error": b})
}

func ok(w http.ResponseWriter) { writeJSON(w, http.StatusOK, map[string]bool{"success": true}) }

// graphAuth checks the bearer token (any non-empty one will do) and reads the
// parameters, which Graph takes from the query string and a JSON or form body.
func (s *Server) graphAuth(h func(http.ResponseWriter, *http.Request, url.Values)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, isBearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if (!isBearer || strings.TrimSpace(tok) == "") && r.URL.Query().Get("access_token") == "" {
			graphError(w, graphErr{status: http.StatusUnauthorized, code: 190,
				message: "Invalid OAuth access token - Cannot parse access token",
				details: "no access token: send Authorization: Bearer <token>"})
			return
		}
		p, err := readParams(w, r)
		if err != nil {
			graphError(w, graphErr{code: 100, message: "Invalid parameter", details: "the body is not valid JSON: " + err.Error()})
			return
		}
		h(w, r, p)
	}
}

func readParams(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	v := r.URL.Query()
	v.Del("access_token")
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return v, err
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		f, err := url.ParseQuery(string(body))
		for k, vs := range f {
			v[k] = vs
		}
		return v, err
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return v, err
	}
	for k, x := range m {
		switch t := x.(type) {
		case []any:
			v.Del(k)
			for _, e := range t {
				v.Add(k, fmt.Sprint(e))
			}
		case map[string]any, nil:
		default:
			v.Set(k, fmt.Sprint(t))
		}
	}
	return v, nil
}

func noObject(w http.ResponseWriter, r *http.Request, id string) {
	graphError(w, graphErr{code: 100, subcode: 33, message: fmt.Sprintf(
		"Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation",
		strings.ToLower(r.Method), id)})
}

func missing(w http.ResponseWriter, name string) {
	graphError(w, graphErr{code: 100, message: "The parameter " + name + " is required", details: name + " is required"})
}

func (s *Server) addPhoneNumber(w http.ResponseWriter, r *http.Request, p url.Values) {
	cc, national, name := p.Get("cc"), p.Get("phone_number"), strings.TrimSpace(p.Get("verified_name"))
	national = phoneSeparators.Replace(national)
	for _, f := range []struct{ k, v string }{{"cc", cc}, {"phone_number", national}, {"verified_name", name}} {
		if f.v == "" {
			missing(w, f.k)
			return
		}
	}
	if !validPhoneShape(cc, national) {
		graphError(w, graphErr{code: 100, message: "Invalid parameter",
			details:   "cc must be 1 to 3 digits and phone_number 4 to 14 digits, without + or the country code",
			userTitle: "Invalid phone number", userMsg: "Check the country code and the number."})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	wabaID := r.PathValue("node")
	if s.wabas[wabaID] == nil {
		noObject(w, r, wabaID)
		return
	}
	if strings.HasSuffix(national, MagicAlreadyOnWhatsApp) {
		// Meta's refusal of a number in use on WhatsApp: subcode 3441030 of
		// the Embedded Signup errors page (docs/api-facts.md).
		graphError(w, graphErr{code: 100, subcode: SubcodeAlreadyOnWhatsApp, message: "Invalid parameter",
			details:   "This phone number is already registered on a WhatsApp account.",
			userTitle: "Phone number already in use",
			userMsg:   "This number is already used with WhatsApp or WhatsApp Business. Delete that account first."})
		return
	}
	if id, dup := s.phoneByE164[cc+national]; dup {
		graphError(w, graphErr{code: 100, message: "Invalid parameter",
			details:   fmt.Sprintf("This phone number is already added to a WhatsApp Business Account (phone number id %s).", id),
			userTitle: "Phone number already added",
			userMsg:   "This number was already added to a WhatsApp Business Account."})
		return
	}
	ph := s.newPhone(wabaID, cc, national, name)
	writeJSON(w, http.StatusOK, map[string]string{"id": ph.id})
}

// newPhone adds a number to graph state. Called with s.mu held.
func (s *Server) newPhone(wabaID, cc, national, name string) *phone {
	ph := &phone{id: numericID(15), wabaID: wabaID, cc: cc, national: national, verifiedName: name,
		nameStatus: "PENDING_REVIEW", requests: map[string][]time.Time{}}
	s.phones[ph.id] = ph
	s.phoneByE164[cc+national] = ph.id
	return ph
}

// lookupPhone finds the number named in the path. Called with s.mu held.
func (s *Server) lookupPhone(w http.ResponseWriter, r *http.Request) *phone {
	id := r.PathValue("node")
	ph := s.phones[id]
	if ph == nil {
		noObject(w, r, id)
	}
	return ph
}

var verticals = []string{"ALCOHOL", "APPAREL", "AUTO", "BEAUTY", "EDU", "ENTERTAIN", "EVENT_PLAN", "FINANCE",
	"GOVT", "GROCERY", "HEALTH", "HOTEL", "NONPROFIT", "ONLINE_GAMBLING", "OTC_DRUGS", "OTHER",
	"PHYSICAL_GAMBLING", "PROF_SERVICES", "RESTAURANT", "RETAIL", "TRAVEL", "UNDEFINED", "NOT_A_BIZ"}

func (s *Server) setProfile(w http.ResponseWriter, r *http.Request, p url.Values) {
	if p.Get("messaging_product") != "whatsapp" {
		graphError(w, graphErr{code: 100, message: "Invalid parameter", details: `messaging_product must be "whatsapp"`})
		return
	}
	bad := func(d string) { graphError(w, graphErr{code: 100, message: "Invalid parameter", details: d}) }
	if v := p.Get("vertical"); v != "" && !slices.Contains(verticals, v) {
		bad("vertical must be one of " + strings.Join(verticals, ", "))
		return
	}
	if utf8.RuneCountInString(p.Get("description")) > descriptionMaxChars {
		bad("description must be at most 512 characters")
		return
	}
	if utf8.RuneCountInString(p.Get("about")) > aboutMaxChars {
		bad("about must be at most 139 characters")
		return
	}
	sites := p["websites"]
	if len(sites) > websitesMax {
		bad("at most 2 websites")
		return
	}
	for _, u := range sites {
		if !validWebsite(u) {
			bad("each website must start with http:// or https:// and be at most 256 characters")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ph := s.lookupPhone(w, r)
	if ph == nil {
		return
	}
	ph.profile = map[string]any{"description": p.Get("description"), "vertical": p.Get("vertical"),
		"about": p.Get("about"), "websites": sites}
	ok(w)
}

func (s *Server) requestCode(w http.ResponseWriter, r *http.Request, p url.Values) {
	method := strings.ToUpper(p.Get("code_method"))
	if method != "SMS" && method != "VOICE" {
		graphError(w, graphErr{code: 100, message: "Invalid parameter", details: "code_method must be SMS or VOICE"})
		return
	}
	lang := p.Get("language")
	if lang == "" {
		lang = "en_US"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ph := s.lookupPhone(w, r)
	if ph == nil {
		return
	}
	if e := s.sendCode(ph, method, lang); e != nil {
		graphError(w, *e)
		return
	}
	ok(w)
}

// sendCode sends a new verification code to the sandbox phone of ph, within
// Meta's request limit; the Graph route and the pop-up's number screen both
// use it. Called with s.mu held.
func (s *Server) sendCode(ph *phone, method, lang string) *graphErr {
	now := s.now()
	recent := slices.DeleteFunc(ph.requests[method], func(t time.Time) bool { return now.Sub(t) >= CodeWindow })
	if len(recent) >= CodeRequestLimit {
		ph.requests[method] = recent
		other := map[string]string{"SMS": "a voice call", "VOICE": "an SMS"}[method]
		return &graphErr{code: 136024, message: "Request code error",
			details:   fmt.Sprintf("Too many %s code requests for this number: at most %d in %v. Wait, or try %s.", method, CodeRequestLimit, CodeWindow, other),
			userTitle: "Too many code requests",
			userMsg:   "Wait a few minutes before requesting another code, or try " + other + "."}
	}
	ph.requests[method] = append(recent, now)
	ph.code, ph.codeAt = fmt.Sprintf("%06d", rand.IntN(1_000_000)), now
	text := codeText(method, lang, ph.code)
	s.outbox.Messages = append(s.outbox.Messages, Message{PhoneNumberID: ph.id, To: "+" + ph.cc + ph.national,
		Method: method, Language: lang, Text: text, Code: ph.code, SentAt: now})
	return nil
}

// codeTexts are the words of a code's SMS and voice call, by the language
// asked for (its first part: "ru", "kk", "en" of en_US); other languages get
// English, as Meta falls back to it.
var codeTexts = map[string]struct{ sms, voice string }{
	"en": {"WhatsApp code ", "(voice call) Your WhatsApp code is "},
	"ru": {"Код WhatsApp: ", "(звонок) Ваш код WhatsApp: "},
	"kk": {"WhatsApp коды: ", "(қоңырау) Сіздің WhatsApp кодыңыз: "},
}

// codeText is what the phone shows (or hears) of code, in lang: an SMS
// "WhatsApp code 123-456", a voice call reads the digits one by one.
func codeText(method, lang, code string) string {
	base, _, _ := strings.Cut(strings.ReplaceAll(lang, "-", "_"), "_")
	t, ok := codeTexts[strings.ToLower(base)]
	if !ok {
		t = codeTexts["en"]
	}
	if method == "VOICE" {
		return t.voice + strings.Join(strings.Split(code, ""), " ")
	}
	return t.sms + code[:3] + "-" + code[3:]
}

func (s *Server) verifyCode(w http.ResponseWriter, r *http.Request, p url.Values) {
	code := strings.NewReplacer("-", "", " ", "").Replace(p.Get("code"))
	if code == "" {
		missing(w, "code")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ph := s.lookupPhone(w, r)
	if ph == nil {
		return
	}
	if why := s.checkCode(ph, code); why != "" {
		graphError(w, graphErr{code: 136025, message: "Verify code error", details: why,
			userTitle: "Code couldn't be verified", userMsg: "Check the code, or request a new one."})
		return
	}
	ok(w)
}

// checkCode verifies code for ph: "" when it is right (or the number is
// verified already), else why not. Called with s.mu held.
func (s *Server) checkCode(ph *phone, code string) string {
	switch {
	case ph.verified:
		return ""
	case ph.code == "":
		return "no code was requested for this number"
	case s.now().Sub(ph.codeAt) > s.codeLifeLocked(): // a scenario's shorter life too (code-expired)
		return "expired"
	case code != ph.code:
		return "The code you entered is incorrect."
	}
	ph.verified = true
	return ""
}

// registerAllowed counts a register/deregister call against the 72-hour limit.
// Called with s.mu held; it writes the error itself.
func (s *Server) registerAllowed(w http.ResponseWriter, ph *phone) bool {
	now := s.now()
	ph.registerCalls = slices.DeleteFunc(ph.registerCalls, func(t time.Time) bool { return now.Sub(t) >= RegisterWindow })
	if len(ph.registerCalls) >= RegisterLimit {
		graphError(w, graphErr{code: 133016, message: "Account register deregister rate limit exceeded",
			details: fmt.Sprintf("at most %d register/deregister requests in %v", RegisterLimit, RegisterWindow)})
		return false
	}
	ph.registerCalls = append(ph.registerCalls, now)
	return true
}

func (s *Server) register(w http.ResponseWriter, r *http.Request, p url.Values) {
	if p.Get("messaging_product") != "whatsapp" {
		graphError(w, graphErr{code: 100, message: "Invalid parameter", details: `messaging_product must be "whatsapp"`})
		return
	}
	pin := p.Get("pin")
	if !validPIN(pin) {
		graphError(w, graphErr{code: 100, message: "Invalid parameter", details: "pin must be 6 digits"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ph := s.lookupPhone(w, r)
	if ph == nil {
		return
	}
	switch {
	case !ph.verified:
		graphError(w, graphErr{code: 133006, message: "Phone number re-verification needed",
			details: "Phone number needs to be verified before registering: request a code and verify it first."})
	case ph.pin != "" && !pinMatches(ph.pin, pin):
		if s.registerAllowed(w, ph) {
			graphError(w, graphErr{code: 133005, message: "Two step verification PIN Mismatch",
				details: "The PIN does not match the number's two-step verification PIN."})
		}
	case s.registerAllowed(w, ph):
		if ph.pin == "" {
			ph.pin = hashPIN(pin)
		}
		ph.registered, ph.nameStatus = true, "APPROVED"
		ok(w)
	}
}

func (s *Server) deregister(w http.ResponseWriter, r *http.Request, _ url.Values) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ph := s.lookupPhone(w, r)
	if ph == nil || !s.registerAllowed(w, ph) {
		return
	}
	ph.registered = false
	ok(w)
}

func (s *Server) getNode(w http.ResponseWriter, r *http.Request, p url.Values) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("node")
	if wa := s.wabas[id]; wa != nil {
		writeJSON(w, http.StatusOK, map[string]string{"id": wa.id, "name": wa.name})
		return
	}
	ph := s.lookupPhone(w, r)
	if ph == nil {
		return
	}
	all := s.phoneFields(ph)
	fields := p.Get("fields")
	if fields == "" {
		fields = "verified_name,code_verification_status,display_phone_number,quality_rating"
	}
	out := map[string]any{"id": ph.id}
	for f := range strings.SplitSeq(fields, ",") {
		if v, ok := all[strings.TrimSpace(f)]; ok {
			out[strings.TrimSpace(f)] = v
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// postNode is POST /{phone_id}: the sandbox knows one parameter of it,
// new_display_name, which asks for a display-name change. The change waits
// for Meta's review (new_name_status PENDING_REVIEW), which the sandbox never
// finishes: a real review may take days.
func (s *Server) postNode(w http.ResponseWriter, r *http.Request, p url.Values) {
	name, asked := strings.TrimSpace(p.Get("new_display_name")), p.Has("new_display_name")
	if !asked {
		graphError(w, graphErr{code: 100, message: "Invalid parameter", details: "new_display_name is required (the only parameter the sandbox takes here)"})
		return
	}
	if name == "" {
		missing(w, "new_display_name")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ph := s.lookupPhone(w, r)
	if ph == nil {
		return
	}
	ph.newName, ph.newNameStatus = name, "PENDING_REVIEW"
	ok(w)
}

// listPhoneNumbers is GET /{waba_id}/phone_numbers: the numbers added to a
// WhatsApp Business account, as {"data":[…]}.
func (s *Server) listPhoneNumbers(w http.ResponseWriter, r *http.Request, _ url.Values) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("node")
	if s.wabas[id] == nil {
		noObject(w, r, id)
		return
	}
	data := []map[string]any{}
	for _, ph := range s.phones {
		if ph.wabaID == id {
			data = append(data, s.phoneFields(ph))
		}
	}
	sort.Slice(data, func(i, j int) bool { return data[i]["id"].(string) < data[j]["id"].(string) })
	writeJSON(w, http.StatusOK, map[string]any{"data": data})
}

// phoneFields is everything Graph tells about a number. Called with s.mu held.
func (s *Server) phoneFields(ph *phone) map[string]any {
	all := map[string]any{
		"id":                       ph.id,
		"verified_name":            ph.verifiedName,
		"display_phone_number":     ph.cc + ph.national,
		"code_verification_status": ph.codeStatus(s.now(), s.codeLifeLocked()),
		"name_status":              ph.nameStatus,
		"quality_rating":           "UNKNOWN",
		"platform_type":            "NOT_APPLICABLE",
		"status":                   "PENDING",
		"throughput":               map[string]string{"level": "STANDARD"},
	}
	if ph.registered {
		all["quality_rating"], all["platform_type"], all["status"] = "GREEN", "CLOUD_API", "CONNECTED"
	}
	if ph.newNameStatus != "" {
		all["new_name_status"] = ph.newNameStatus
	}
	return all
}

// WABAIDs lists the WhatsApp Business account ids the sandbox knows, the
// seeded one first: handy for demos and tests that skip the signup.
func (s *Server) WABAIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.wabaOrder)
}
