package client

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
	"strings"
	"time"
)

// Retries: only GETs are sent again, because only they are safe to repeat
// blindly (a POST may have been carried out even though its answer was lost:
// the caller, who knows the request, decides and asks the user). A GET is tried
// at most maxAttempts times when the failure is retryable (see IsRetryable):
// after baseBackoff, then twice that, or after the service's Retry-After. A
// Retry-After longer than maxBackoff ends the retries at once: the error
// carries it (RetryAfter) for the caller to wait that long or to say so.
const (
	maxAttempts = 3                      // GETs only; POSTs are sent once
	maxBackoff  = 2 * time.Second        // longest wait between attempts
	maxBody     = 1 << 20                // answers larger than this are cut
	baseBackoff = 100 * time.Millisecond // first wait when the service does not say
)

// Retry is one more attempt at a read, reported (see WithRetryReport) before
// the client waits to send it.
type Retry struct {
	Attempt int           // the attempt about to be made: 2, then 3
	Of      int           // attempts in all (maxAttempts)
	Err     error         // why the last attempt failed
	Wait    time.Duration // how long the client waits before it
}

type retryKey struct{}

// WithRetryReport returns a context whose calls report each retry to report,
// on the calling goroutine, before the wait: a screen can show "trying again
// (2 of 3)" while it happens. report must not block.
func WithRetryReport(ctx context.Context, report func(Retry)) context.Context {
	return context.WithValue(ctx, retryKey{}, report)
}

// errorParser turns a non-2xx answer into the service's typed error.
type errorParser func(status int, h http.Header, body []byte) error

// transport is the one JSON-over-HTTP helper all three clients share. It never
// logs request bodies: they carry passwords and verification codes.
type transport struct {
	service string // "partner", "graph" or "ocm": named in a NetError
	hc      *http.Client
	base    string // service base URL, no trailing slash
	timeout time.Duration
	token   string // bearer token: graph's, or the partner's operator token
	parse   errorParser
}

// call sends in (if not nil) as JSON and decodes the answer into out (if not
// nil). It returns the HTTP status of the last answer. GET requests are retried
// on retryable errors, at most maxAttempts in all; other methods never are.
func (t *transport) call(ctx context.Context, method, path string, query url.Values, in, out any) (int, error) {
	return t.callWith(ctx, method, path, query, nil, in, out)
}

// callWith is call with extra request headers (e.g. an Idempotency-Key).
func (t *transport) callWith(ctx context.Context, method, path string, query url.Values, header http.Header, in, out any) (int, error) {
	if t.base == "" {
		return 0, fmt.Errorf("client: no service URL configured for %s", path)
	}
	u := t.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return 0, fmt.Errorf("client: encode request: %w", err)
		}
	}
	attempts := 1
	if method == http.MethodGet {
		attempts = maxAttempts
	}
	for i := 0; ; i++ {
		status, wait, err := t.once(ctx, method, u, header, body, out)
		if err == nil || i+1 >= attempts || !IsRetryable(err) || ctx.Err() != nil {
			return status, err
		}
		switch {
		case wait > maxBackoff:
			return status, err
		case wait <= 0:
			wait = baseBackoff << i
		}
		if report, ok := ctx.Value(retryKey{}).(func(Retry)); ok {
			report(Retry{Attempt: i + 2, Of: attempts, Err: err, Wait: wait})
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return status, err
		case <-timer.C:
		}
	}
}

// once makes one attempt. wait is the service's Retry-After, if it gave one.
func (t *transport) once(ctx context.Context, method, u string, header http.Header, body []byte, out any) (status int, wait time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, 0, fmt.Errorf("client: build request: %w", err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "wizard")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if t.token != "" {
		req.Header.Set("Authorization", "Bearer "+t.token)
	}
	resp, err := t.hc.Do(req)
	if err != nil {
		return 0, 0, t.netErr(method, u, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return resp.StatusCode, 0, t.netErr(method, u, err)
	}
	status = resp.StatusCode
	if status < 200 || status > 299 {
		wait = parseRetryAfter(resp.Header, time.Now())
		err := t.parse(status, resp.Header, data)
		if ge, ok := err.(*GraphError); ok && ge.RetryAfter == 0 {
			ge.RetryAfter = wait
		}
		if ae, ok := err.(*APIError); ok {
			ae.Service = t.service
		}
		return status, wait, err
	}
	if out == nil {
		return status, 0, nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return status, 0, &NetError{Op: method, URL: stripQuery(u), Service: t.service, Malformed: true,
			Err: fmt.Errorf("malformed JSON answer (HTTP %d): %w", status, err)}
	}
	return status, 0, nil
}

func (t *transport) netErr(method, u string, err error) *NetError {
	// url.Error repeats method and URL: keep only its cause.
	if ue, ok := errors.AsType[*url.Error](err); ok {
		err = ue.Err
	}
	timeout := errors.Is(err, context.DeadlineExceeded)
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		timeout = true
	}
	return &NetError{Op: method, URL: stripQuery(u), Service: t.service, Err: err, Timeout: timeout}
}

func stripQuery(u string) string {
	u, _, _ = strings.Cut(u, "?")
	return u
}
