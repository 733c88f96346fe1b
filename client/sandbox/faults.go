package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FaultKind is how an injected fault spoils a request.
type FaultKind string

const (
	// FaultStatus answers Status (e.g. 500, 503, 429) in the service's error shape.
	FaultStatus FaultKind = "status"
	// FaultTimeout holds the answer back for Delay (default DefaultFaultDelay,
	// longer than the wizard's per-request timeout), then answers normally; a
	// client that gives up first sees a timeout.
	FaultTimeout FaultKind = "timeout"
	// FaultMalformed answers 200 with a JSON content type and a cut-off body.
	FaultMalformed FaultKind = "malformed"
	// FaultReset closes the connection without an answer (a TCP reset).
	FaultReset FaultKind = "reset"
)

// DefaultFaultDelay is a timeout fault's delay when it gives none.
const DefaultFaultDelay = 30 * time.Second

// malformedBody is what a malformed fault answers: JSON cut off midway.
const malformedBody = `{"id":"106540352242922","status":"PEND`

// Fault makes requests fail on purpose, for tests and for trainers showing
// what the wizard does when a service misbehaves. The control endpoint
// /sandbox/faults and the requests it matches are described in
// assets/contract/sandbox.md.
type Fault struct {
	// PathPrefix: requests whose path starts with this, e.g. "/graph/",
	// "/partner/v1/accounts"; a segment "*" stands for any one segment, e.g.
	// "/partner/v1/accounts/*/signups" (an Embedded Signup start of any account).
	PathPrefix string
	Method     string    // only this method (e.g. "GET"); empty: any
	Kind       FaultKind // how they fail
	Status     int       // FaultStatus: the HTTP status, 400–599 (default 503)
	// Code is, for a status fault on /graph/, the Graph error code to answer
	// (e.g. 133016, 136024); 1005 answers the old On-Premises refusal. 0: a code
	// that fits the status.
	Code int
	// Count is how many more requests fail; 0 means every matching one until
	// the faults are cleared.
	Count int
	// RetryAfter is sent (rounded up to whole seconds) with a status fault. 0
	// sends "1" with 429 and 503 and nothing otherwise; below 0 sends nothing.
	RetryAfter time.Duration
	Delay      time.Duration // FaultTimeout: how long the answer is held back
	// Lasts, when set, makes the fault an outage of that length: it spoils
	// every matching request from the first one it meets until Lasts has
	// passed on the sandbox's clock, then it is gone (Count still limits it).
	// A RetryAfter longer than what is left of the outage sends what is left.
	Lasts time.Duration
	// Cooldown makes a status fault with a RetryAfter hold to it, as a real
	// rate limiter does: a matching request made before RetryAfter has passed
	// since the last refusal is refused again, told the time left, and does
	// not use up Count; once Count is used up and the wait is over, the fault
	// is gone.
	Cooldown bool

	since    time.Time // when a Lasts fault met its first request; when a Cooldown fault last refused
	spent    bool      // a Cooldown fault whose Count is used up: it only waits out its RetryAfter
	scenario bool      // armed by a classroom scenario: saved with the state (scenarios.go)
}

// faultJSON is Fault on the wire, with durations such as "1s".
type faultJSON struct {
	PathPrefix string    `json:"path_prefix"`
	Method     string    `json:"method,omitempty"`
	Kind       FaultKind `json:"kind"`
	Status     int       `json:"status,omitempty"`
	Code       int       `json:"code,omitempty"`
	Count      int       `json:"count"`
	RetryAfter string    `json:"retry_after,omitempty"`
	Delay      string    `json:"delay,omitempty"`
	Lasts      string    `json:"lasts,omitempty"`
	Cooldown   bool      `json:"cooldown,omitempty"`
	// RefusedUntil is, for a Cooldown fault that has refused, when its
	// Retry-After is over (shown on the outbox page; never read back).
	RefusedUntil time.Time `json:"refused_until,omitzero"`
}

// MarshalJSON writes durations as Go duration strings ("1s").
func (f Fault) MarshalJSON() ([]byte, error) {
	j := faultJSON{PathPrefix: f.PathPrefix, Method: f.Method, Kind: f.Kind, Status: f.Status, Code: f.Code, Count: f.Count,
		Cooldown: f.Cooldown}
	if f.RetryAfter != 0 {
		j.RetryAfter = f.RetryAfter.String()
	}
	if f.Delay != 0 {
		j.Delay = f.Delay.String()
	}
	if f.Lasts != 0 {
		j.Lasts = f.Lasts.String()
	}
	if f.Cooldown && !f.since.IsZero() {
		j.RefusedUntil = f.since.Add(f.RetryAfter).UTC()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads durations as Go duration strings ("1s", "1500ms") or
// numbers of seconds; retry_after may also be "none".
func (f *Fault) UnmarshalJSON(data []byte) error {
	var j struct {
		faultJSON
		RetryAfter json.RawMessage `json:"retry_after"`
		Delay      json.RawMessage `json:"delay"`
		Lasts      json.RawMessage `json:"lasts"`
	}
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	ra, err := rawDuration("retry_after", j.RetryAfter)
	if err != nil {
		return err
	}
	delay, err := rawDuration("delay", j.Delay)
	if err != nil {
		return err
	}
	lasts, err := rawDuration("lasts", j.Lasts)
	if err != nil {
		return err
	}
	*f = Fault{PathPrefix: j.PathPrefix, Method: j.Method, Kind: j.Kind, Status: j.Status, Code: j.Code, Count: j.Count,
		RetryAfter: ra, Delay: delay, Lasts: lasts, Cooldown: j.Cooldown}
	return nil
}

func rawDuration(name string, raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var secs float64
	if json.Unmarshal(raw, &secs) == nil {
		return time.Duration(secs * float64(time.Second)), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, fmt.Errorf("%s: want a duration such as \"1s\"", name)
	}
	return parseDuration(name, s)
}

func parseDuration(name, s string) (time.Duration, error) {
	if s == "none" {
		return -1, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%s: want a duration such as \"1s\", not %q", name, s)
	}
	return d, nil
}

// ParseFault reads a fault written as comma-separated key=value pairs, the
// form of `wizard sandbox --fault`:
//
//	prefix=/graph/,kind=status,status=503,count=2,retry_after=1s
//	prefix=/partner/,method=GET,kind=timeout,delay=20s
//	prefix=/partner/,kind=status,status=503,lasts=30s
//
// Keys: prefix (or path_prefix), method, kind, status, count, retry_after, delay, lasts.
func ParseFault(spec string) (Fault, error) {
	var f Fault
	for part := range strings.SplitSeq(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return Fault{}, fmt.Errorf("fault %q: %q is not key=value", spec, part)
		}
		var err error
		switch strings.TrimSpace(k) {
		case "prefix", "path_prefix":
			f.PathPrefix = v
		case "method":
			f.Method = v
		case "kind":
			f.Kind = FaultKind(v)
		case "status":
			f.Status, err = strconv.Atoi(v)
		case "code":
			f.Code, err = strconv.Atoi(v)
		case "count":
			f.Count, err = strconv.Atoi(v)
		case "retry_after":
			f.RetryAfter, err = parseDuration(k, v)
		case "delay":
			f.Delay, err = parseDuration(k, v)
		case "lasts":
			f.Lasts, err = parseDuration(k, v)
		case "cooldown":
			f.Cooldown, err = strconv.ParseBool(v)
		default:
			err = errors.New("unknown key (use prefix, method, kind, status, code, count, retry_after, delay, lasts, cooldown)")
		}
		if err != nil {
			return Fault{}, fmt.Errorf("fault %q: %s: %v", spec, k, err)
		}
	}
	return f, f.check()
}

// check fills in defaults and refuses a fault that cannot work.
func (f *Fault) check() error {
	if f.Kind == "" {
		f.Kind = FaultStatus
	}
	switch {
	case !strings.HasPrefix(f.PathPrefix, "/"):
		return fmt.Errorf("fault: path prefix %q must start with /", f.PathPrefix)
	case f.Count < 0:
		return fmt.Errorf("fault: count %d is negative", f.Count)
	case f.Lasts < 0:
		return fmt.Errorf("fault: lasts %v is negative", f.Lasts)
	case f.Cooldown && (f.Kind != FaultStatus || f.RetryAfter <= 0):
		return errors.New("fault: cooldown needs a status fault with a retry_after")
	case f.Cooldown && f.Lasts > 0:
		return errors.New("fault: cooldown and lasts do not go together (an outage refuses every request already)")
	}
	switch f.Kind {
	case FaultStatus:
		if f.Status == 0 {
			f.Status = http.StatusServiceUnavailable
		}
		if f.Status < 400 || f.Status > 599 {
			return fmt.Errorf("fault: status %d is not an error status (400–599)", f.Status)
		}
	case FaultTimeout:
		if f.Delay <= 0 {
			f.Delay = DefaultFaultDelay
		}
	case FaultMalformed, FaultReset:
	default:
		return fmt.Errorf("fault: unknown kind %q (use status, timeout, malformed or reset)", f.Kind)
	}
	f.Method = strings.ToUpper(f.Method)
	return nil
}

func (f Fault) String() string {
	s := string(f.Kind)
	if f.Kind == FaultStatus {
		s += " " + strconv.Itoa(f.Status)
	}
	if f.Kind == FaultTimeout {
		s += " after " + f.Delay.String()
	}
	target := f.PathPrefix + "*"
	if f.Method != "" {
		target = f.Method + " " + target
	}
	n := "every request"
	if f.Count > 0 {
		n = fmt.Sprintf("next %d requests", f.Count)
	}
	if f.Lasts > 0 {
		n += " for " + f.Lasts.String() + " from the first"
	}
	switch {
	case f.spent:
		n = "waiting out its Retry-After " + f.RetryAfter.String()
	case f.Cooldown:
		n += ", each refusal held for its Retry-After " + f.RetryAfter.String()
	}
	return fmt.Sprintf("%s on %s (%s)", s, target, n)
}

// AddFault makes requests matching f fail as f says, after the faults added
// before it have had their turn.
func (s *Server) AddFault(f Fault) error {
	if err := f.check(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
	return nil
}

// FailNext makes the next n requests whose path starts with prefix (e.g.
// "/graph/", "/partner/v1/accounts") fail with status (e.g. 503, 429, 500),
// answered in that service's error shape, with Retry-After: 1 for 429 and 503.
func (s *Server) FailNext(prefix string, status, n int) {
	if n <= 0 {
		return
	}
	if err := s.AddFault(Fault{PathPrefix: prefix, Kind: FaultStatus, Status: status, Count: n}); err != nil {
		panic(err) // a mistake in a test
	}
}

// Faults returns the faults still active, in the order they apply (a
// Cooldown fault used up and past its Retry-After is not).
func (s *Server) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	return slices.DeleteFunc(append([]Fault{}, s.faults...), func(f Fault) bool {
		return f.spent && now.Sub(f.since) >= f.RetryAfter
	})
}

// ClearFaults removes every fault (a scenario's too: with a state file, that
// is written).
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
	_ = s.persist() // on a failed write, the next change writes it
}

// takeFault returns the first fault matching r, using up one of its count.
func (s *Server) takeFault(r *http.Request) (Fault, bool) {
	if strings.HasPrefix(r.URL.Path, "/sandbox/faults") {
		return Fault{}, false // the controls themselves always work
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < len(s.faults); i++ {
		f := s.faults[i]
		if !pathHasPrefix(r.URL.Path, f.PathPrefix) || (f.Method != "" && f.Method != r.Method) {
			continue
		}
		now := s.now()
		if f.Cooldown && !f.since.IsZero() {
			if left := f.RetryAfter - now.Sub(f.since); left > 0 {
				f.RetryAfter = left // refused again, told the time left
				return f, true
			}
			if f.spent {
				s.faults = slices.Delete(s.faults, i, i+1) // its wait is over
				i--
				continue
			}
		}
		if f.Lasts > 0 {
			if f.since.IsZero() {
				s.faults[i].since, f.since = now, now
			} else if now.Sub(f.since) >= f.Lasts {
				s.faults = slices.Delete(s.faults, i, i+1) // the outage is over
				i--
				continue
			}
			if left := f.Lasts - now.Sub(f.since); f.RetryAfter > left {
				f.RetryAfter = left
			}
		}
		if f.Cooldown {
			s.faults[i].since = now
		}
		if f.Count > 0 {
			s.faults[i].Count--
			if s.faults[i].Count == 0 {
				if f.Cooldown {
					s.faults[i].spent = true
				} else {
					s.faults = slices.Delete(s.faults, i, i+1)
				}
			}
		}
		return f, true
	}
	return Fault{}, false
}

// pathHasPrefix says whether path starts with prefix, a "*" segment of the
// prefix matching any one non-empty segment of the path.
func pathHasPrefix(path, prefix string) bool {
	if !strings.Contains(prefix, "*") {
		return strings.HasPrefix(path, prefix)
	}
	want, got := strings.Split(prefix, "/"), strings.Split(path, "/")
	if len(got) < len(want) {
		return false
	}
	last := len(want) - 1
	for i, w := range want {
		switch {
		case w == "*":
			if got[i] == "" {
				return false
			}
		case i == last:
			if !strings.HasPrefix(got[i], w) {
				return false
			}
		case got[i] != w:
			return false
		}
	}
	return true
}

// injectFault spoils r if a fault matches it. It reports whether the request
// has been dealt with; a timeout fault that runs its delay out lets the
// request through.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request) bool {
	f, ok := s.takeFault(r)
	if !ok {
		return false
	}
	if f.scenario {
		// What a scenario's fault still has to do (its count, an outage's
		// start) is saved before it shows (scenarios.go).
		if err := s.persist(); err != nil {
			apiError(w, http.StatusServiceUnavailable, "state_not_saved",
				"The sandbox could not save its state ("+err.Error()+"). Free some disk space or check the file, then try again.", "")
			return true
		}
	}
	switch f.Kind {
	case FaultTimeout:
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
			return false
		case <-r.Context().Done():
			return true
		}
	case FaultMalformed:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(malformedBody))
	case FaultReset:
		resetConn(w)
	default:
		statusFault(w, r, f)
	}
	return true
}

// resetConn closes the request's connection with a TCP reset, no answer sent.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // the server drops the connection
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// statusFault answers f.Status in the error shape of the service r is for.
func statusFault(w http.ResponseWriter, r *http.Request, f Fault) {
	ra := f.RetryAfter
	if ra == 0 && (f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable) {
		ra = time.Second
	}
	if ra > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((ra+time.Second-1)/time.Second), 10))
	}
	if strings.HasPrefix(r.URL.Path, "/graph/") {
		code, msg := 131000, "Something went wrong"
		switch f.Status {
		case http.StatusTooManyRequests:
			code, msg = 4, "Application request limit reached"
		case http.StatusServiceUnavailable:
			code, msg = 133004, "Server temporarily unavailable"
		}
		if f.Code == 1005 { // the On-Premises API's refusal, in its own shape
			writeJSON(w, f.Status, map[string]any{"errors": []map[string]any{{"code": 1005, "title": "Access denied",
				"details": "Unknown error: biz_link_on_prem_reg_blocked"}}})
			return
		}
		if f.Code != 0 {
			code, msg = f.Code, "Error injected by the sandbox"
		}
		graphError(w, graphErr{status: f.Status, code: code, message: msg, details: "injected by the sandbox"})
		return
	}
	code := "internal"
	switch f.Status {
	case http.StatusTooManyRequests:
		code = "rate_limited"
	case http.StatusServiceUnavailable:
		code = "unavailable"
	}
	apiError(w, f.Status, code, "Failure injected by the sandbox.", "")
}

// faultRoutes serves the controls: POST adds a fault, GET lists the active
// ones, DELETE clears them all.
func (s *Server) faultRoutes() {
	list := func(w http.ResponseWriter, status int) {
		writeJSON(w, status, map[string][]Fault{"faults": s.Faults()})
	}
	s.mux.HandleFunc("GET /sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		if s.authorized(w, r, false) {
			list(w, http.StatusOK)
		}
	})
	s.mux.HandleFunc("DELETE /sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		if s.authorized(w, r, false) {
			s.ClearFaults()
			list(w, http.StatusOK)
		}
	})
	s.mux.HandleFunc("POST /sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(w, r, false) {
			return
		}
		var f Fault
		if !decodeJSON(w, r, &f) {
			return
		}
		if err := s.AddFault(f); err != nil {
			apiError(w, http.StatusBadRequest, "invalid_fault", err.Error(), "")
			return
		}
		list(w, http.StatusCreated)
	})
}

// InjectFault adds a fault to the sandbox at baseURL over HTTP.
func InjectFault(ctx context.Context, baseURL string, f Fault) error {
	return Hints{BaseURL: baseURL}.control(ctx, http.MethodPost, "/sandbox/faults", f, nil)
}

// ClearFaults removes every fault of the sandbox at baseURL over HTTP.
func ClearFaults(ctx context.Context, baseURL string) error {
	return Hints{BaseURL: baseURL}.control(ctx, http.MethodDelete, "/sandbox/faults", nil, nil)
}
