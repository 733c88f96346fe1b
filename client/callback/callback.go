// Package callback is the loopback server that receives the result of Meta's
// Embedded Signup: the partner redirects the user's browser to
// http://127.0.0.1:<port>/callback?state=…&event=…&waba_id=…, and the wizard
// learns the result at once, without polling.
//
// The server listens on 127.0.0.1 only, on a port the system picks, and accepts
// one result: a request without the state the signup was started with is
// refused (400) and changes nothing; after the first result the browser tab says
// "you can return to the terminal" and the server shuts down. It logs nothing.
package callback

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Path is where the server takes the result.
const Path = "/callback"

// DefaultTimeout is how long a server waits for its result before it closes.
const DefaultTimeout = 30 * time.Minute

// Errors that Wait returns when the server stopped without a result.
var (
	ErrTimeout = errors.New("the browser did not send the signup's result in time")
	ErrClosed  = errors.New("the callback server was closed")
)

// Result is what the signup page reported, as the partner passed it on.
type Result struct {
	SignupID      string `json:"signup_id,omitempty"`
	Status        string `json:"status,omitempty"` // the partner's status: finished, cancelled, error
	Event         string `json:"event"`            // FINISH, FINISH_ONLY_WABA, …, CANCEL
	WABAID        string `json:"waba_id,omitempty"`
	BusinessID    string `json:"business_id,omitempty"`
	PhoneNumberID string `json:"phone_number_id,omitempty"`
	CurrentStep   string `json:"current_step,omitempty"`  // where a CANCEL stopped
	ErrorMessage  string `json:"error_message,omitempty"` // an error the user reported
	ErrorCode     string `json:"error_code,omitempty"`
	ErrorID       string `json:"error_id,omitempty"`   // Meta's id of a reported error
	SessionID     string `json:"session_id,omitempty"` // the pop-up's session, with a reported error
	Timestamp     string `json:"timestamp,omitempty"`  // when the error was reported
}

// ResultFromQuery reads a result from the callback's query parameters.
func ResultFromQuery(q url.Values) Result {
	return Result{SignupID: q.Get("signup_id"), Status: q.Get("status"), Event: q.Get("event"),
		WABAID: q.Get("waba_id"), BusinessID: q.Get("business_id"), PhoneNumberID: q.Get("phone_number_id"),
		CurrentStep: q.Get("current_step"), ErrorMessage: q.Get("error_message"), ErrorCode: q.Get("error_code"),
		ErrorID: q.Get("error_id"), SessionID: q.Get("session_id"), Timestamp: q.Get("timestamp")}
}

// NewState returns a fresh random state (128 bits from crypto/rand).
func NewState() string { return rand.Text() }

// StateMatches compares a received state with the expected one in constant time.
// An empty expected state matches nothing.
func StateMatches(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// Server is a running callback server. Its methods are safe for concurrent use.
type Server struct {
	state   string
	timeout time.Duration
	texts   Texts
	http    *http.Server
	port    int
	url     string

	mu   sync.Mutex
	res  *Result
	err  error         // why it stopped without a result
	got  chan struct{} // closed with the first result
	done chan struct{} // closed once the server has stopped

	stopOnce sync.Once
	timer    *time.Timer // guarded by mu
}

// Option changes how Start sets up a server.
type Option func(*Server)

// WithTimeout sets how long the server waits for its result (DefaultTimeout if not given).
func WithTimeout(d time.Duration) Option { return func(s *Server) { s.timeout = d } }

// WithTexts sets the words of the pages the browser shows (English if not given).
func WithTexts(t Texts) Option { return func(s *Server) { s.texts = t.orDefaults() } }

// Start listens on 127.0.0.1 on a free port for one result carrying state.
func Start(state string, opts ...Option) (*Server, error) {
	if state == "" {
		return nil, errors.New("callback: a state is required")
	}
	s := &Server{state: state, timeout: DefaultTimeout, texts: defaultTexts,
		got: make(chan struct{}), done: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.port = ln.Addr().(*net.TCPAddr).Port
	s.url = "http://" + ln.Addr().String() + Path
	s.http = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: log.New(io.Discard, "", 0)}
	go func() { _ = s.http.Serve(ln) }()
	s.mu.Lock()
	s.timer = time.AfterFunc(s.timeout, func() { s.stop(ErrTimeout) })
	s.mu.Unlock()
	return s, nil
}

// URL is the callback URL to give the partner, e.g. http://127.0.0.1:41234/callback.
func (s *Server) URL() string { return s.url }

// Port is the port the server listens on.
func (s *Server) Port() int { return s.port }

// Done is closed once the server has stopped: after its result, its timeout or Close.
func (s *Server) Done() <-chan struct{} { return s.done }

// Wait returns the result once it arrives. It fails with ErrTimeout or ErrClosed
// when the server stopped without one, or with ctx's error.
func (s *Server) Wait(ctx context.Context) (Result, error) {
	select {
	case <-s.got:
	case <-s.done:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.res != nil {
		return *s.res, nil
	}
	return Result{}, s.err
}

// Close stops the server (if it still runs) and waits until it has.
func (s *Server) Close() error {
	s.stop(ErrClosed)
	<-s.done
	return nil
}

// stop shuts the server down once; err is what Wait reports if no result came.
func (s *Server) stop(err error) {
	s.stopOnce.Do(func() {
		s.mu.Lock()
		s.timer.Stop()
		if s.res == nil {
			s.err = err
		}
		s.mu.Unlock()
		go func() {
			// Shutdown lets the page being sent finish, then closes the connections.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if s.http.Shutdown(ctx) != nil {
				_ = s.http.Close()
			}
			close(s.done)
		}()
	})
}

// accept keeps the first result; it reports false if one was already kept.
func (s *Server) accept(r Result) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.res != nil || s.err != nil {
		return false
	}
	s.res = &r
	close(s.got)
	return true
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path != Path:
		http.NotFound(w, r)
		return
	case r.Method != http.MethodGet:
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	case !s.ownHost(r.Host):
		// Only a browser that was sent here by URL: not a page of another site
		// that resolved its own name to 127.0.0.1.
		s.page(w, http.StatusBadRequest, s.texts.Rejected)
		return
	}
	q := r.URL.Query()
	if !StateMatches(s.state, q.Get("state")) {
		s.page(w, http.StatusBadRequest, s.texts.Rejected)
		return
	}
	res := ResultFromQuery(q)
	if res.Event == "" {
		s.page(w, http.StatusBadRequest, s.texts.Incomplete)
		return
	}
	if !s.accept(res) {
		s.page(w, http.StatusConflict, s.texts.Already)
		return
	}
	w.Header().Set("Connection", "close")
	if isFinish(res.Event) {
		s.page(w, http.StatusOK, s.texts.Finished)
	} else {
		s.page(w, http.StatusOK, s.texts.NotFinished)
	}
	go s.stop(nil)
}

func (s *Server) ownHost(host string) bool {
	port := strconv.Itoa(s.port)
	return host == "127.0.0.1:"+port || host == "localhost:"+port
}

func isFinish(event string) bool { return strings.HasPrefix(event, "FINISH") }
