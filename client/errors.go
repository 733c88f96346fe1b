package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// GraphError is an error of Meta's Graph API passed through by the provider
// unchanged from the Graph call it made for the wizard (Meta's envelope), or of
// the old On-Premises API, which the wizard may still meet in an old provider
// setup. Branch on Code first, then on Details.
type GraphError struct {
	HTTPStatus int
	Code       int    // e.g. 136025; 1005 for the closed On-Premises registration
	Subcode    int    // error_subcode (deprecated by Meta, kept for support)
	Type       string // e.g. "OAuthException"
	Message    string // technical; on On-Premises answers the "title"
	Details    string // error_data.details, or the On-Premises "details"
	UserTitle  string // error_user_title: text meant for the end user, if any
	UserMsg    string // error_user_msg: text meant for the end user, if any
	FBTraceID  string
	RetryAfter time.Duration // from the Retry-After header, if any
}

func (e *GraphError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "graph: code %d", e.Code)
	if e.Subcode != 0 {
		fmt.Fprintf(&b, "/%d", e.Subcode)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Details != "" && e.Details != e.Message {
		b.WriteString(" (" + e.Details + ")")
	}
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, " [HTTP %d]", e.HTTPStatus)
	}
	return b.String()
}

// APIError is an error answer of the partner or the OCM service, whose body is
// {"error":{"code":"weak_password","message":"…","field":"password"}}.
type APIError struct {
	HTTPStatus int
	Service    string        // ServicePartner or ServiceOCM: who answered
	Code       string        // machine-readable, e.g. "weak_password"
	Message    string        // a sentence from the service
	Field      string        // the request field at fault, if any
	RetryAfter time.Duration // from the Retry-After header, if any
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("api: %s", e.Code)
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	return s + fmt.Sprintf(" [HTTP %d]", e.HTTPStatus)
}

// NetError is a failure to get a usable answer at all: the connection was
// refused, reset or timed out, or the answer was not the JSON it should be.
type NetError struct {
	Op        string // HTTP method
	URL       string // without query string
	Service   string // ServicePartner or ServiceOCM
	Err       error
	Timeout   bool // no answer in time
	Malformed bool // an answer came, but not the JSON it should be
}

func (e *NetError) Error() string {
	s := fmt.Sprintf("%s %s: %v", e.Op, e.URL, e.Err)
	if e.Timeout {
		s += " (timeout)"
	}
	return s
}

func (e *NetError) Unwrap() error { return e.Err }

// The services, as a NetError names them.
const (
	ServicePartner = "partner"
	ServiceOCM     = "ocm"
)

// Graph error codes that mean "back off and retry".
var graphRetryCodes = map[int]bool{4: true, 80007: true, 130429: true, 133004: true, 131000: true}

// IsRetryable reports whether the same request may succeed if sent again later:
// transport failures, 5xx and 429 answers, and Graph's rate-limit and
// temporary-failure codes. A cancelled context is not retryable.
func IsRetryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if _, ok := errors.AsType[*NetError](err); ok {
		return true
	}
	if ge, ok := errors.AsType[*GraphError](err); ok {
		return retryableStatus(ge.HTTPStatus) || graphRetryCodes[ge.Code]
	}
	if ae, ok := errors.AsType[*APIError](err); ok {
		return retryableStatus(ae.HTTPStatus)
	}
	return false
}

func retryableStatus(s int) bool {
	return s == http.StatusTooManyRequests || s >= 500
}

// RetryAfter returns how long the service asked to wait before trying again,
// or 0 when it did not say.
func RetryAfter(err error) time.Duration {
	if ae, ok := errors.AsType[*APIError](err); ok {
		return ae.RetryAfter
	}
	if ge, ok := errors.AsType[*GraphError](err); ok {
		return ge.RetryAfter
	}
	return 0
}

// parseGraphError reads Meta's envelope {"error":{…}}, the On-Premises shape
// {"errors":[{code,title,details}]} or a bare {code,title,details}.
func parseGraphError(status int, body []byte) error {
	var env struct {
		Error  json.RawMessage `json:"error"`
		Errors []onPremError   `json:"errors"`
		onPremError
	}
	ge := &GraphError{HTTPStatus: status}
	if json.Unmarshal(body, &env) == nil {
		var meta struct {
			Message   string `json:"message"`
			Type      string `json:"type"`
			Code      int    `json:"code"`
			Subcode   int    `json:"error_subcode"`
			UserTitle string `json:"error_user_title"`
			UserMsg   string `json:"error_user_msg"`
			Data      struct {
				Details string `json:"details"`
			} `json:"error_data"`
			FBTraceID string `json:"fbtrace_id"`
		}
		switch {
		case len(env.Error) > 0 && json.Unmarshal(env.Error, &meta) == nil:
			ge.Code, ge.Subcode, ge.Type, ge.Message = meta.Code, meta.Subcode, meta.Type, meta.Message
			ge.Details, ge.UserTitle, ge.UserMsg, ge.FBTraceID = meta.Data.Details, meta.UserTitle, meta.UserMsg, meta.FBTraceID
			return ge
		case len(env.Errors) > 0:
			env.Errors[0].fill(ge)
			return ge
		case env.Code != 0:
			env.onPremError.fill(ge)
			return ge
		}
	}
	ge.Message = unexpectedBody(status, body)
	return ge
}

type onPremError struct {
	Code    int    `json:"code"`
	Title   string `json:"title"`
	Details string `json:"details"`
}

func (o onPremError) fill(ge *GraphError) {
	ge.Code, ge.Message, ge.Details = o.Code, o.Title, o.Details
}

// parsePartnerError reads a partner error answer: Meta's envelope, which the
// partner passes through unchanged from its Graph calls for a number (its
// error.code is a number), becomes a *GraphError; the partner's own body
// (error.code a string) and anything else an *APIError.
func parsePartnerError(status int, h http.Header, body []byte) error {
	if isGraphEnvelope(body) {
		ge, _ := parseGraphError(status, body).(*GraphError)
		ge.RetryAfter = parseRetryAfter(h, time.Now())
		return ge
	}
	return parseAPIError(status, h, body)
}

// isGraphEnvelope says whether body is one of Meta's error shapes: a numeric
// error.code, or the On-Premises {"errors":[{"code":N,…}]}.
func isGraphEnvelope(body []byte) bool {
	var env struct {
		Error *struct {
			Code json.RawMessage `json:"code"`
		} `json:"error"`
		Errors []struct {
			Code json.RawMessage `json:"code"`
		} `json:"errors"`
		Code  json.RawMessage `json:"code"`
		Title string          `json:"title"`
	}
	if json.Unmarshal(body, &env) != nil {
		return false
	}
	numeric := func(r json.RawMessage) bool {
		var n json.Number
		return len(r) > 0 && r[0] != '"' && string(r) != "null" && json.Unmarshal(r, &n) == nil
	}
	return (env.Error != nil && numeric(env.Error.Code)) || (len(env.Errors) > 0 && numeric(env.Errors[0].Code)) ||
		(numeric(env.Code) && env.Title != "")
}

// parseAPIError reads the partner/OCM body {"error":{"code","message","field"}}.
func parseAPIError(status int, h http.Header, body []byte) error {
	var env struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"error"`
	}
	ae := &APIError{HTTPStatus: status, RetryAfter: parseRetryAfter(h, time.Now())}
	if json.Unmarshal(body, &env) == nil && env.Error.Code != "" {
		ae.Code, ae.Message, ae.Field = env.Error.Code, env.Error.Message, env.Error.Field
		return ae
	}
	ae.Code = fmt.Sprintf("http_%d", status)
	ae.Message = unexpectedBody(status, body)
	return ae
}

// unexpectedBody describes an error answer that is not in the expected shape
// (e.g. a proxy's HTML page) without dumping all of it.
func unexpectedBody(status int, body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	if s == "" {
		return http.StatusText(status)
	}
	return http.StatusText(status) + ": " + s
}

// parseRetryAfter reads a Retry-After header given in seconds or as an HTTP date.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		return max(time.Duration(secs)*time.Second, 0)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}
