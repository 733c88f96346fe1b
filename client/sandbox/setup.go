package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"wizard/client"
)

// What happens after the pop-up's FINISH, in Meta's order (api-facts.md,
// "Embedded Signup v4"): the provider exchanges the login code (valid 30 s)
// for a business token, subscribes its app to the WABA's webhooks, shares its
// credit line with it, and from then on makes every Graph call for the signup's
// numbers itself, server to server, with that token. The provider half does
// all of it over HTTP against the sandbox's own Graph half, never by calling
// the Graph half's Go functions.

// Graph half ---------------------------------------------------------------

// ESCodeLifetime is how long the Graph half accepts an Embedded Signup code
// for an exchange.
const ESCodeLifetime = 30 * time.Second

// The sandbox provider's Meta app.
const (
	sandboxAppID     = "1800000000000001"
	sandboxAppSecret = "sandbox-app-secret"
)

// GraphVersion is the Graph API version the provider half calls its Graph half with.
const GraphVersion = "v21.0"

const graphVersion = GraphVersion

type oauthCode struct {
	issuedAt   time.Time
	used       bool
	wabaID     string
	businessID string
}

func (s *Server) signupGraphRoutes() {
	m := s.mux
	m.HandleFunc("GET /graph/{version}/oauth/access_token", s.exchangeCode)
	m.HandleFunc("POST /graph/{version}/{node}/subscribed_apps", s.graphAuth(s.subscribeApp))
	m.HandleFunc("POST /graph/{version}/{node}/whatsapp_credit_sharing_and_attach", s.graphAuth(s.shareCredit))
}

// issueCode is the code FB.login hands the page with a FINISH. Called with s.mu held.
func (s *Server) issueCode(wabaID, businessID string) string {
	c := token()
	s.oauthCodes[c] = &oauthCode{issuedAt: s.now(), wabaID: wabaID, businessID: businessID}
	return c
}

// exchangeCode is GET /oauth/access_token?client_id&client_secret&code.
func (s *Server) exchangeCode(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != sandboxAppID || q.Get("client_secret") != sandboxAppSecret {
		graphError(w, graphErr{code: 101, message: "Error validating application. Invalid application ID or secret."})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.oauthCodes[q.Get("code")]
	switch {
	case c == nil:
		graphError(w, graphErr{code: 100, message: "Invalid verification code format."})
	case c.used:
		graphError(w, graphErr{code: 100, message: "This authorization code has been used."})
	case s.now().Sub(c.issuedAt) > ESCodeLifetime:
		graphError(w, graphErr{code: 100, message: "This authorization code has expired."})
	default:
		c.used = true
		writeJSON(w, http.StatusOK, map[string]string{"access_token": "EAAB" + token(), "token_type": "bearer"})
	}
}

// subscribeApp is POST /{waba_id}/subscribed_apps.
func (s *Server) subscribeApp(w http.ResponseWriter, r *http.Request, _ url.Values) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id := r.PathValue("node"); s.wabas[id] == nil {
		noObject(w, r, id)
		return
	}
	ok(w)
}

// shareCredit is POST /{credit_line_id}/whatsapp_credit_sharing_and_attach?waba_id&waba_currency.
func (s *Server) shareCredit(w http.ResponseWriter, r *http.Request, p url.Values) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id := r.PathValue("node"); id != s.creditLineID {
		noObject(w, r, id)
		return
	}
	wabaID := p.Get("waba_id")
	if wabaID == "" {
		missing(w, "waba_id")
		return
	}
	if s.wabas[wabaID] == nil {
		graphError(w, graphErr{code: 100, message: "Invalid parameter", details: "no WhatsApp Business account " + wabaID})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"allocation_config_id": numericID(15), "waba_id": wabaID})
}

// Provider half: calls to the Graph half -----------------------------------

func newSelfClient() *http.Client {
	return &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 4, IdleConnTimeout: 30 * time.Second},
		// Graph never redirects these calls; a redirect would be a surprise.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// selfURL is the sandbox's own address as the request arrived at it (the
// listener's, not the Host header, which a client may set to anything).
func selfURL(r *http.Request) string {
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok && a != nil {
		return "http://" + a.String()
	}
	return ""
}

// graphReply is one answer of the Graph half.
type graphReply struct {
	status int
	header http.Header
	body   []byte
}

func (g graphReply) ok() bool { return g.status >= 200 && g.status <= 299 }

// envelope says whether the body is one of Meta's error shapes, to be passed
// to the wizard unchanged: {"error":{"code":N,…}}, or the On-Premises
// {"errors":[{"code":N,…}]} / {"code":N,"title":…}.
func (g graphReply) envelope() bool {
	var b struct {
		Error *struct {
			Code *json.Number `json:"code"`
		} `json:"error"`
		Errors []struct {
			Code *json.Number `json:"code"`
		} `json:"errors"`
		Code  *json.Number `json:"code"`
		Title string       `json:"title"`
	}
	if json.Unmarshal(g.body, &b) != nil {
		return false
	}
	return (b.Error != nil && b.Error.Code != nil) || (len(b.Errors) > 0 && b.Errors[0].Code != nil) ||
		(b.Code != nil && b.Title != "")
}

// refusesCode says whether Meta refused an exchange for good: the code is
// expired, used or unknown (100), or the app is not the code's (101).
func (g graphReply) refusesCode() bool {
	var b struct {
		Error struct {
			Code int `json:"code"`
		} `json:"error"`
	}
	return g.status == http.StatusBadRequest && json.Unmarshal(g.body, &b) == nil && (b.Error.Code == 100 || b.Error.Code == 101)
}

// message is the Meta error's message, for a stage's reason.
func (g graphReply) message() string {
	var b struct {
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(g.body, &b) == nil && b.Error.Message != "" {
		return b.Error.Message
	}
	return fmt.Sprintf("HTTP %d", g.status)
}

// callGraph makes one Graph call from the provider's backend: to self (the
// sandbox's address) + /graph/vNN.0 + path, with the business token when given,
// in as a JSON body when not nil.
func (s *Server) callGraph(ctx context.Context, self, method, path string, q url.Values, bearer string, in any) (graphReply, error) {
	if self == "" {
		return graphReply{}, errors.New("the provider does not know its own address")
	}
	u := self + "/graph/" + graphVersion + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return graphReply{}, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return graphReply{}, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "sandbox-provider")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := s.selfClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return graphReply{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return graphReply{}, err
	}
	return graphReply{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// passGraph answers the wizard with Meta's error as Meta gave it: the same
// status, the same body byte for byte, and its Retry-After. An answer that is
// not Meta's envelope (a cut-off body, a proxy's page) becomes the provider's
// 502 graph_unexpected.
func passGraph(w http.ResponseWriter, g graphReply) {
	if !g.envelope() {
		apiError(w, http.StatusBadGateway, "graph_unexpected",
			fmt.Sprintf("Meta's answer to the provider could not be read (HTTP %d). Try again; if it persists, contact the provider.", g.status), "")
		return
	}
	if ra := g.header.Get("Retry-After"); ra != "" {
		w.Header().Set("Retry-After", ra)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(g.status)
	_, _ = w.Write(g.body)
}

// graphUnreachable is the provider's 502 when its call to Meta got no answer.
func graphUnreachable(w http.ResponseWriter, err error) {
	apiError(w, http.StatusBadGateway, "graph_unreachable",
		"The provider could not reach Meta just now ("+err.Error()+"). Try again in a moment.", "")
}

// Provider half: the stages after FINISH -------------------------------------

// Reasons of the stages (partner.md, "After the pop-up").
const (
	reasonCodeReceived = "The provider received the signup's code and is exchanging it with Meta for a business token."
	reasonExchanged    = "The provider exchanged the signup's code for a business token, which it keeps on its side."
	reasonSubscribed   = "The provider's app is subscribed to the WhatsApp Business account's webhooks."
	reasonCreditShared = "The provider shared its credit line with the WhatsApp Business account: messages are billed through the provider."
	reasonReady        = "The WhatsApp Business account is ready: its numbers can be added, verified and registered through the provider."
)

// startSetup records a FINISH's code. Called with s.mu held.
func (s *Server) startSetup(su *signup) {
	su.code = s.issueCode(su.result.WABAID, su.result.BusinessID)
	su.result.Stage, su.result.Reason = client.StageCodeReceived, reasonCodeReceived
}

// advanceSetup carries a finished signup's setup as far as it goes now: each
// step is a Graph call over HTTP; a step that fails for a passing reason (Meta
// unavailable, rate-limited) is tried again the next time the signup is used.
// The code's 30 seconds are Meta's to enforce: an exchange tried too late is
// refused, and the signup ends exchange_failed.
func (s *Server) advanceSetup(ctx context.Context, self string, su *signup) {
	// The provider's backend finishes what it started even when the request
	// that set it going is given up (a browser moving on after the FINISH).
	ctx = context.WithoutCancel(ctx)
	s.mu.Lock()
	if su.busy || su.result.Status != client.SignupFinished {
		s.mu.Unlock()
		return
	}
	su.busy = true
	stage, reason, bearer, wabaID, code := su.result.Stage, su.result.Reason, su.token, su.result.WABAID, su.code
	credit := s.creditLineID
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		su.result.Stage, su.result.Reason, su.token, su.busy = stage, reason, bearer, false
		s.mu.Unlock()
	}()
	retry := func(what string, g graphReply, err error) {
		why := ""
		if err != nil {
			why = err.Error()
		} else {
			why = g.message()
		}
		reason = fmt.Sprintf("The provider could not %s just now (%s); it tries again the next time the signup is read.", what, why)
	}
	// Each stage reached is kept at once (and written, with a state file), so
	// that a sandbox stopped midway goes on from there: the code, once
	// exchanged, cannot be exchanged again.
	reached := func() {
		s.mu.Lock()
		su.result.Stage, su.result.Reason, su.token = stage, reason, bearer
		s.mu.Unlock()
		_ = s.persist()
	}
	for {
		switch stage {
		case client.StageCodeReceived:
			g, err := s.callGraph(ctx, self, http.MethodGet, "/oauth/access_token",
				url.Values{"client_id": {sandboxAppID}, "client_secret": {sandboxAppSecret}, "code": {code}}, "", nil)
			var tok struct {
				AccessToken string `json:"access_token"`
			}
			switch {
			case err == nil && g.ok() && json.Unmarshal(g.body, &tok) == nil && tok.AccessToken != "":
				bearer, stage, reason = tok.AccessToken, client.StageCodeExchanged, reasonExchanged
				reached()
				continue
			case err == nil && g.refusesCode():
				stage = client.StageExchangeFailed
				reason = "Meta refused the signup's code: " + g.message() + " The code is good for 30 seconds after the pop-up; start the signup again (open the pop-up again)."
			default:
				retry("exchange the signup's code with Meta", g, err)
			}
		case client.StageCodeExchanged:
			g, err := s.callGraph(ctx, self, http.MethodPost, "/"+url.PathEscape(wabaID)+"/subscribed_apps", nil, bearer, struct{}{})
			if err == nil && g.ok() {
				stage, reason = client.StageWebhooksSubscribed, reasonSubscribed
				reached()
				continue
			}
			retry("subscribe its app to the WhatsApp Business account's webhooks", g, err)
		case client.StageWebhooksSubscribed:
			g, err := s.callGraph(ctx, self, http.MethodPost, "/"+url.PathEscape(credit)+"/whatsapp_credit_sharing_and_attach",
				url.Values{"waba_id": {wabaID}, "waba_currency": {"USD"}}, bearer, nil)
			if err == nil && g.ok() {
				stage, reason = client.StageCreditShared, reasonCreditShared
				reached()
				continue
			}
			retry("share its credit line with the WhatsApp Business account", g, err)
		case client.StageCreditShared:
			g, err := s.callGraph(ctx, self, http.MethodGet, "/"+url.PathEscape(wabaID), nil, bearer, nil)
			if err == nil && g.ok() {
				stage, reason = client.StageReady, reasonReady
				reached()
				continue
			}
			retry("read the WhatsApp Business account", g, err)
		}
		return
	}
}

// signupFor finds a signup for the number operations and brings its setup up
// to date. It answers the provider's error itself when the signup cannot be
// used (yet). The business token and the WABA id come back.
func (s *Server) signupFor(w http.ResponseWriter, r *http.Request) (bearer, wabaID string, ok bool) {
	s.mu.Lock()
	su := s.signups[r.PathValue("id")]
	s.mu.Unlock()
	if su == nil {
		apiError(w, http.StatusNotFound, "signup_not_found", "No signup session with this id.", "")
		return "", "", false
	}
	s.advanceSetup(r.Context(), selfURL(r), su)
	s.mu.Lock()
	res, bearer := su.result, su.token
	s.mu.Unlock()
	switch {
	case res.Status != client.SignupFinished:
		apiError(w, http.StatusConflict, "signup_not_finished",
			"The signup is "+res.Status+": a number can be handled only once the pop-up has finished.", "")
	case res.Stage == client.StageExchangeFailed:
		apiError(w, http.StatusConflict, "code_exchange_failed", res.Reason, "")
	case bearer == "":
		w.Header().Set("Retry-After", "1")
		apiError(w, http.StatusServiceUnavailable, "signup_not_ready", res.Reason, "")
	default:
		return bearer, res.WABAID, true
	}
	return "", "", false
}
