package client_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"wizard/client"
)

// counting serves answers[i] to the i-th request (the last one repeats).
func counting(t *testing.T, answers ...func(http.ResponseWriter, *http.Request)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(hits.Add(1))
		answers[min(n, len(answers))-1](w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func status(code int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}
}

const unavailable = `{"error":{"code":"unavailable","message":"try later"}}`

func TestGETRetriedThenSucceeds(t *testing.T) {
	srv, hits := counting(t, status(503, unavailable), status(200, `{"id":"acc_1","email":"a@b.kz","verified":true}`))
	c := client.New(client.Config{PartnerURL: srv.URL})
	a, err := c.Partner.GetAccount(t.Context(), "acc_1")
	if err != nil || !a.Verified || hits.Load() != 2 {
		t.Fatalf("account %+v, err %v, hits %d", a, err, hits.Load())
	}
}

func TestGETGivesUpAfterThreeAttempts(t *testing.T) {
	srv, hits := counting(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "0")
		status(429, `{"error":{"code":"rate_limited","message":"slow down"}}`)(w, r)
	})
	c := client.New(client.Config{PartnerURL: srv.URL})
	_, err := c.Partner.GetActivation(t.Context(), "1")
	if ae, ok := errors.AsType[*client.APIError](err); !ok || ae.HTTPStatus != 429 || hits.Load() != 3 {
		t.Fatalf("err %v, hits %d", err, hits.Load())
	}
}

func TestPOSTNotRetried(t *testing.T) {
	srv, hits := counting(t, status(503, unavailable), status(201, `{"id":"acc_1"}`))
	c := client.New(client.Config{PartnerURL: srv.URL})
	_, err := c.Partner.CreateAccount(t.Context(), "a@b.kz", strongPassword)
	ae, ok := errors.AsType[*client.APIError](err)
	if !ok || ae.HTTPStatus != 503 || ae.Code != "unavailable" || hits.Load() != 1 {
		t.Fatalf("err %v, hits %d", err, hits.Load())
	}
	if !client.IsRetryable(err) {
		t.Error("503 must be retryable (by the caller)")
	}
}

func TestNoRetryOnClientError(t *testing.T) {
	srv, hits := counting(t, status(404, `{"error":{"code":"signup_not_found","message":"no"}}`))
	c := client.New(client.Config{PartnerURL: srv.URL})
	if _, err := c.Partner.GetSignup(t.Context(), "su_x"); apiCode(err) != "signup_not_found" || hits.Load() != 1 {
		t.Fatalf("err %v, hits %d", err, hits.Load())
	}
}

func TestTimeout(t *testing.T) {
	srv, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // so the server notices the client leaving
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	})
	c := client.New(client.Config{OCMURL: srv.URL, Timeout: 30 * time.Millisecond})
	_, _, err := c.OCM.SaveAlphaName(t.Context(), "Acme", "KZ")
	ne, ok := errors.AsType[*client.NetError](err)
	if !ok || !ne.Timeout || ne.Op != http.MethodPost || ne.URL != srv.URL+"/v1/alpha-names" {
		t.Fatalf("want timeout NetError, got %#v", err)
	}
	if !client.IsRetryable(err) {
		t.Error("a timeout must be retryable")
	}
}

func TestMalformedJSON(t *testing.T) {
	srv, _ := counting(t, status(200, `<html>proxy login</html>`))
	c := client.New(client.Config{PartnerURL: srv.URL, OperatorToken: "t"})
	err := c.Partner.VerifyNumberCode(t.Context(), "su_1", "1", "123456")
	ne, ok := errors.AsType[*client.NetError](err)
	if !ok || ne.Timeout || ne.Unwrap() == nil {
		t.Fatalf("want NetError, got %#v", err)
	}
}

func TestHTMLErrorPage(t *testing.T) {
	srv, _ := counting(t, status(502, `<html><body>Bad gateway</body></html>`))
	c := client.New(client.Config{OCMURL: srv.URL})
	_, _, err := c.OCM.SaveAlphaName(t.Context(), "Acme", "KZ")
	if ae, ok := errors.AsType[*client.APIError](err); !ok || ae.Code != "http_502" || !client.IsRetryable(err) {
		t.Fatalf("got %#v", err)
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := client.New(client.Config{PartnerURL: "http://" + addr})
	_, err = c.Partner.GetAccount(t.Context(), "acc_1")
	if ne, ok := errors.AsType[*client.NetError](err); !ok || ne.Timeout || !client.IsRetryable(err) {
		t.Fatalf("got %#v", err)
	}
}

func TestRequestShape(t *testing.T) {
	var got *http.Request
	srv, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(r.Context())
		status(200, `{"success":true}`)(w, r)
	})
	c := client.New(client.Config{PartnerURL: srv.URL + "/", OperatorToken: "tok"})
	if err := c.Partner.VerifyNumberCode(t.Context(), "su_1", "106", "123456"); err != nil {
		t.Fatal(err)
	}
	if got.URL.Path != "/v1/signups/su_1/numbers/106/verify-code" || got.Header.Get("Authorization") != "Bearer tok" ||
		got.Method != http.MethodPost || got.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("request %s %s %v", got.Method, got.URL, got.Header)
	}
}

func TestIsRetryable(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("x"), false},
		{&client.GraphError{HTTPStatus: 400, Code: 4}, true},
		{&client.GraphError{HTTPStatus: 400, Code: 80007}, true},
		{&client.GraphError{HTTPStatus: 503, Code: 133004}, true},
		{&client.GraphError{HTTPStatus: 500, Code: 131000}, true},
		{&client.GraphError{HTTPStatus: 400, Code: 136025}, false},
		{&client.GraphError{HTTPStatus: 400, Code: 1005}, false},
		{&client.APIError{HTTPStatus: 429}, true},
		{&client.APIError{HTTPStatus: 422}, false},
		{fmt.Errorf("wrapped: %w", &client.NetError{Err: errors.New("reset")}), true},
	} {
		if got := client.IsRetryable(tc.err); got != tc.want {
			t.Errorf("IsRetryable(%v) = %v", tc.err, got)
		}
	}
}
