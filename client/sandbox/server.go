// Package sandbox is a real HTTP server that implements the three services of
// package client (partner, graph, ocm) in memory, plus the Embedded Signup page
// the browser opens and an outbox of the e-mails and SMS it "sent". It is the
// wizard's default for demos and first tries, and what the tests talk to.
//
// The contracts it implements are written down in assets/contract.
package sandbox

import (
	crand "crypto/rand"
	"encoding/json"
	"html/template"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"wizard/assets"
	"wizard/client"
)

// Options tune the sandbox.
type Options struct {
	AutoVerifyEmail time.Duration    // >0: a new account's e-mail counts as verified this long after creation (demo convenience); 0: only the link verifies
	ActivationDelay time.Duration    // how long an activation stays pending before active; default 2s
	Latency         time.Duration    // added before every answer; default 0
	Now             func() time.Time // clock; default time.Now
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
}

// New builds a sandbox with an empty state, except for the sandbox Facebook
// user's one existing business portfolio and WhatsApp Business account.
func New(opts Options) *Server {
	if opts.ActivationDelay <= 0 {
		opts.ActivationDelay = DefaultActivationDelay
	}
	if opts.Now == nil {
		opts.Now = time.Now
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
	}
	s.seed()
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
	if s.injectFault(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) now() time.Time { return s.opts.Now().UTC() }

// Running is a sandbox listening on a port.
type Running struct {
	URL    string // http://127.0.0.1:PORT, no trailing slash
	Server *Server

	srv  *http.Server
	done chan struct{}
}

// Start listens on addr (e.g. "127.0.0.1:0") and serves a new sandbox in a
// goroutine until Close.
func Start(addr string, opts Options) (*Running, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := New(opts)
	r := &Running{
		URL:    "http://" + loopbackAddr(ln.Addr()),
		Server: s,
		srv:    &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second},
		done:   make(chan struct{}),
	}
	go func() {
		defer close(r.done)
		_ = r.srv.Serve(ln)
	}()
	return r, nil
}

// Close stops the server and closes its connections.
func (r *Running) Close() error {
	err := r.srv.Close()
	<-r.done
	return err
}

// loopbackAddr turns a wildcard listen address into one a browser can open.
func loopbackAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
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
