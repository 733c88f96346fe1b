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

const (
	maxAttempts = 3                      // GETs only; POSTs are sent once
	maxBackoff  = 2 * time.Second        // cap of each wait between attempts
	maxBody     = 1 << 20                // answers larger than this are cut
	baseBackoff = 100 * time.Millisecond // first wait when the service does not say
)

// errorParser turns a non-2xx answer into the service's typed error.
type errorParser func(status int, h http.Header, body []byte) error

// transport is the one JSON-over-HTTP helper all three clients share. It never
// logs request bodies: they carry passwords and verification codes.
type transport struct {
	hc      *http.Client
	base    string // service base URL, no trailing slash
	timeout time.Duration
	token   string // bearer token, graph only
	parse   errorParser
}

// call sends in (if not nil) as JSON and decodes the answer into out (if not
// nil). It returns the HTTP status of the last answer. GET requests are retried
// on retryable errors, at most maxAttempts in all; other methods never are.
func (t *transport) call(ctx context.Context, method, path string, query url.Values, in, out any) (int, error) {
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
		status, wait, err := t.once(ctx, method, u, body, out)
		if err == nil || i+1 >= attempts || !IsRetryable(err) || ctx.Err() != nil {
			return status, err
		}
		if wait <= 0 {
			wait = baseBackoff << i
		}
		timer := time.NewTimer(min(wait, maxBackoff))
		select {
		case <-ctx.Done():
			timer.Stop()
			return status, err
		case <-timer.C:
		}
	}
}

// once makes one attempt. wait is the service's Retry-After, if it gave one.
func (t *transport) once(ctx context.Context, method, u string, body []byte, out any) (status int, wait time.Duration, err error) {
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
		return status, parseRetryAfter(resp.Header, time.Now()), t.parse(status, resp.Header, data)
	}
	if out == nil {
		return status, 0, nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return status, 0, &NetError{Op: method, URL: stripQuery(u),
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
	return &NetError{Op: method, URL: stripQuery(u), Err: err, Timeout: timeout}
}

func stripQuery(u string) string {
	u, _, _ = strings.Cut(u, "?")
	return u
}
