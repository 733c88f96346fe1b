// Package sandbox is a real HTTP server that implements the three services of
// package client (partner, graph, ocm) in memory, plus the Embedded Signup page
// the browser opens and an outbox of the e-mails and SMS it "sent". It is the
// wizard's default for demos and first tries, and what the tests talk to.
//
// The contracts it implements are written down in assets/contract.
package sandbox

import (
	crand "crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"wizard/assets"
	"wizard/client"
)

// Options tune the sandbox.
type Options struct {
	AutoVerifyEmail time.Duration    // >0: a new account's e-mail counts as verified this long after creation (demo convenience); 0: only the link verifies
	ActivationDelay time.Duration    // how long an activation stays pending before active; default 2s
	Latency         time.Duration    // added before every answer; default 0
	Now             func() time.Time // clock; default time.Now

	// AllowRemote lets Start listen on an address other than loopback (e.g.
	// 0.0.0.0:8790, for a classroom). Without it Start refuses such an address
	// with ErrNotLoopback: every computer that can reach the port would see the
	// outbox (verification codes and links) and could change the faults.
	AllowRemote bool
	// Token, when set, is required by the outbox (page and JSON) and the
	// faults controls: header "Authorization: Bearer TOKEN", or ?token=TOKEN on
	// a GET (the page in a browser). Start sets a fresh random one when it
	// listens off loopback and none is given; on loopback it stays empty unless
	// given, and those endpoints are open as before.
	Token string

	// OperatorToken is the token the partner half accepts as
	// "Authorization: Bearer TOKEN" (partner.md, "Authentication"); empty: a
	// fresh random one. The outbox shows it.
	OperatorToken string
	// RequireOperatorToken refuses partner calls without an Authorization
	// header (401 missing_token). Off, they are let through as before; a call
	// that does carry one must carry the operator token either way.
	RequireOperatorToken bool

	// StatePath, when set, is the bbolt file the sandbox keeps its state in
	// (state.go): New and Start load what it holds (a missing file is a fresh
	// state), and every request that changes the state writes it before its
	// answer is sent. Empty: the state lives in memory only.
	StatePath string
}

// DefaultActivationDelay is used when Options.ActivationDelay is 0.
const DefaultActivationDelay = 2 * time.Second

const maxRequestBody = 64 << 10

// Server serves all three services from one in-memory state, so that the
// partner's activation can see a number's registration in graph.
type Server struct {
	opts  Options
	mux   *http.ServeMux
	pages *template.Template

	mu           sync.Mutex
	accounts     map[string]*account // by id
	byEmail      map[string]string   // lower-case e-mail → account id
	createKeys   map[string]string   // Idempotency-Key of an account creation → account id
	verifyTokens map[string]string   // token → account id
	signups      map[string]*signup
	activations  map[string]*activation // by phone-number id
	businesses   []*business
	wabas        map[string]*waba
	wabaOrder    []string
	phones       map[string]*phone
	phoneByE164  map[string]string // cc+national → phone-number id
	alphaNames   []client.AlphaName
	outbox       Outbox
	faults       []Fault
	oauthCodes   map[string]*oauthCode // graph: Embedded Signup codes by value
	creditLineID string                // graph: the provider's credit line
	selfClient   *http.Client          // the provider half's client for its calls to the graph half

	// The classroom scenario armed (scenarios.go), "" if none, and its code
	// times: how long a code request's answer says the code may be typed, and
	// how long it is good (at the provider and at Meta); 0: CodeEntryWindow
	// seconds and CodeTTL. Saved with the state, with its faults.
	scenario            string
	codeEntry, codeLife time.Duration

	// The state on disk (state.go), when Options.StatePath is set.
	baseURLs []string   // the addresses it has been reached at, latest last (saved)
	base     string     // the current one (Start's URL)
	stateful bool       // the state is on disk: answers wait for its write (set in New, never changed)
	db       *bolt.DB   // the state file; nil once closed. Guarded by saveMu
	saveMu   sync.Mutex // one write of the state at a time; taken before mu
	saved    []byte     // the snapshot last written
	notice   string     // what Notice says

	// The trainer's controls (classroom.go).
	paceSet bool     // a pace was set: opts' two delays are it, and it is saved
	showing *Showing // what the demo's wizard said it shows
}

// New builds a sandbox with an empty state, except for the sandbox Facebook
// user's one existing business portfolio and WhatsApp Business account; or,
// with Options.StatePath, with the state saved there (see Notice when that
// file could not be used).
func New(opts Options) *Server {
	if opts.ActivationDelay <= 0 {
		opts.ActivationDelay = DefaultActivationDelay
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.OperatorToken == "" {
		opts.OperatorToken = operatorTokenPrefix + token()
	}
	s := &Server{
		opts:         opts,
		mux:          http.NewServeMux(),
		pages:        template.Must(template.ParseFS(assets.SandboxFS, "sandbox/*.html")),
		accounts:     map[string]*account{},
		byEmail:      map[string]string{},
		createKeys:   map[string]string{},
		verifyTokens: map[string]string{},
		signups:      map[string]*signup{},
		activations:  map[string]*activation{},
		wabas:        map[string]*waba{},
		phones:       map[string]*phone{},
		phoneByE164:  map[string]string{},
		oauthCodes:   map[string]*oauthCode{},
		selfClient:   newSelfClient(),
	}
	s.seed()
	if opts.StatePath != "" {
		s.openState(opts.StatePath)
	}
	s.routes()
	return s
}

func (s *Server) routes() {
	s.partnerRoutes()
	s.graphRoutes()
	s.ocmRoutes()
	s.signupRoutes()
	s.outboxRoutes()
	s.faultRoutes()
	s.classroomRoutes()
}

// ServeHTTP answers one request, after the configured latency and any
// failure injected with AddFault or FailNext (see faults.go).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if d := s.opts.Latency; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	// The trainer's controls and pages (/sandbox/…) are never spoiled by the
	// faults they arm: a room shown an outage still sees the outbox.
	if !strings.HasPrefix(r.URL.Path, "/sandbox/") && s.injectFault(w, r) {
		return
	}
	if !s.stateful {
		s.mux.ServeHTTP(w, r)
		return
	}
	// With the state on disk, the answer waits until what the request changed
	// is written: a client never holds an answer the sandbox would forget.
	b := &bufferedAnswer{header: http.Header{}}
	s.mux.ServeHTTP(b, r)
	if err := s.persist(); err != nil {
		apiError(w, http.StatusServiceUnavailable, "state_not_saved",
			"The sandbox could not save its state ("+err.Error()+"). Free some disk space or check the file, then try again.", "")
		return
	}
	b.send(w)
}

func (s *Server) now() time.Time { return s.opts.Now().UTC() }

// Running is a sandbox listening on a port.
type Running struct {
	// URL is where a wizard on this computer reaches the sandbox, no trailing
	// slash: http://127.0.0.1:PORT when it listens on loopback or on every
	// interface, else http://ADDRESS:PORT. ListenAddr says where it really listens.
	URL    string
	Server *Server

	listen *net.TCPAddr
	srv    *http.Server
	done   chan struct{}
}

// ErrNotLoopback is why Start refuses an address other than loopback when
// Options.AllowRemote is not set.
var ErrNotLoopback = errors.New("the sandbox listens only on loopback unless remote access is allowed: " +
	"off loopback, every computer that reaches it sees the outbox (codes, links) and can change the faults")

// Start listens on addr (e.g. "127.0.0.1:0") and serves a new sandbox in a
// goroutine until Close. An address other than loopback (0.0.0.0:N, :N, [::]:N,
// a network interface's address, a name that resolves to one) is refused with
// an error wrapping ErrNotLoopback unless opts.AllowRemote is set; then the
// outbox and the faults controls require opts.Token, or a fresh random token
// when it is empty (see Running.Token).
func Start(addr string, opts Options) (*Running, error) {
	if !opts.AllowRemote && !maybeLoopback(addr) {
		return nil, fmt.Errorf("sandbox: %s: %w", addr, ErrNotLoopback) // refused before anything listens
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	tcp, _ := ln.Addr().(*net.TCPAddr)
	if tcp == nil {
		_ = ln.Close()
		return nil, fmt.Errorf("sandbox: %s is not a TCP address", ln.Addr())
	}
	if !tcp.IP.IsLoopback() {
		if !opts.AllowRemote {
			_ = ln.Close() // a name that resolved off loopback
			return nil, fmt.Errorf("sandbox: %s (%s): %w", addr, tcp, ErrNotLoopback)
		}
		if opts.Token == "" {
			opts.Token = token()
		}
	}
	s := New(opts)
	r := &Running{
		URL:    "http://" + loopbackAddr(tcp),
		Server: s,
		listen: tcp,
		srv:    &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second},
		done:   make(chan struct{}),
	}
	s.listening(r.URL)
	go func() {
		defer close(r.done)
		_ = r.srv.Serve(ln)
	}()
	return r, nil
}

// maybeLoopback says whether addr's host may be loopback: "localhost", a
// loopback IP, or a name only listening can resolve. An empty host or a
// literal address off loopback certainly is not.
func maybeLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return true // net.Listen reports the error
	}
	if host == "" {
		return false // every interface
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	return true // a name: checked once it has been resolved and listens
}

// ListenAddr is the address the sandbox really listens on, e.g. "127.0.0.1:8790"
// or, for every interface, "[::]:8790" (what Go reports for 0.0.0.0 too when
// the system has IPv6: it then listens on both) or "0.0.0.0:8790".
func (r *Running) ListenAddr() string { return r.listen.String() }

// Exposed says whether the sandbox listens on more than loopback, so that
// other computers may reach it.
func (r *Running) Exposed() bool { return !r.listen.IP.IsLoopback() }

// EveryInterface says whether it listens on every interface (0.0.0.0, ::).
func (r *Running) EveryInterface() bool { return r.listen.IP.IsUnspecified() }

// Token is what the outbox and the faults controls require, "" when they are
// open (loopback without Options.Token).
func (r *Running) Token() string { return r.Server.opts.Token }

// Close stops the server, closes its connections and its state file.
func (r *Running) Close() error {
	err := r.srv.Close()
	<-r.done
	if cerr := r.Server.Close(); err == nil {
		err = cerr
	}
	return err
}

// loopbackAddr turns a wildcard listen address into one a browser on this
// computer can open.
func loopbackAddr(tcp *net.TCPAddr) string {
	if !tcp.IP.IsUnspecified() {
		return tcp.String()
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
}

// authorized says whether r may use the outbox or the faults controls, and
// answers 401 when it may not: with a token set, r must carry it in an
// "Authorization: Bearer" header or, on a GET, as ?token=.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request, page bool) bool {
	want := s.opts.Token
	if want == "" {
		return true
	}
	got, ok := "", false
	if scheme, cred, found := strings.Cut(r.Header.Get("Authorization"), " "); found && strings.EqualFold(scheme, "Bearer") {
		got, ok = strings.TrimSpace(cred), true
	} else if r.Method == http.MethodGet && r.URL.Query().Has("token") {
		got, ok = r.URL.Query().Get("token"), true
	}
	if ok && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1 {
		return true
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="sandbox"`)
	if page {
		s.message(w, http.StatusUnauthorized, "This page needs the sandbox's token",
			"Add ?token=… to this address: the token the sandbox printed when it started (or was given).")
	} else {
		apiError(w, http.StatusUnauthorized, "unauthorized",
			"The outbox and the faults controls need the sandbox's token: Authorization: Bearer <the token it printed when it started, or was given>.", "")
	}
	return false
}

// --- answers -------------------------------------------------------------

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// apiError writes the partner/OCM error body.
func apiError(w http.ResponseWriter, status int, code, message, field string) {
	type body struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	}
	writeJSON(w, status, map[string]body{"error": {code, message, field}})
}

// decodeJSON reads a JSON request body into v.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err == nil {
		err = json.Unmarshal(data, v)
	}
	if err != nil {
		apiError(w, http.StatusBadRequest, "invalid_json", "The request body must be a JSON object: "+err.Error(), "")
		return false
	}
	return true
}

// page renders one of the HTML templates.
func (s *Server) page(w http.ResponseWriter, status int, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = s.pages.ExecuteTemplate(w, name, data)
}

// message renders the small page with one heading and one sentence.
func (s *Server) message(w http.ResponseWriter, status int, title, text string) {
	s.page(w, status, "message.html", struct{ Title, Text string }{title, text})
}

// baseURL is the sandbox's own address as the client reached it.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// --- ids -----------------------------------------------------------------

// numericID returns n digits without a leading zero, like Meta's object ids.
func numericID(n int) string {
	b := make([]byte, n)
	b[0] = byte('1' + rand.IntN(9))
	for i := 1; i < n; i++ {
		b[i] = byte('0' + rand.IntN(10))
	}
	return string(b)
}

// prefixedID returns e.g. "acc_k3n5q2w7x9z4" for the services we define.
func prefixedID(prefix string) string {
	return prefix + "_" + strings.ToLower(crand.Text()[:12])
}

func token() string { return crand.Text() }
