package client_test

import (
	"errors"
	"net/http"
	"testing"

	"wizard/client"
)

// A read that is tried again reports each retry before it waits, with the
// attempt about to be made and why the last one failed; a write never does.
func TestRetryIsReported(t *testing.T) {
	srv, hits := counting(t, status(503, unavailable), status(503, unavailable),
		status(200, `{"id":"acc_1","email":"a@b.kz","verified":true}`))
	c := client.New(client.Config{PartnerURL: srv.URL})
	var got []client.Retry
	ctx := client.WithRetryReport(t.Context(), func(r client.Retry) { got = append(got, r) })
	if _, err := c.Partner.GetAccount(ctx, "acc_1"); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 3 || len(got) != 2 {
		t.Fatalf("%d requests, retries reported %+v; want 3 and 2", hits.Load(), got)
	}
	for i, r := range got {
		ae, ok := errors.AsType[*client.APIError](r.Err)
		if r.Attempt != i+2 || r.Of != 3 || !ok || ae.HTTPStatus != 503 || r.Wait <= 0 {
			t.Errorf("retry %d reported as %+v", i, r)
		}
	}

	got = nil
	post, _ := counting(t, status(503, unavailable))
	c = client.New(client.Config{PartnerURL: post.URL})
	ctx = client.WithRetryReport(t.Context(), func(r client.Retry) { got = append(got, r) })
	if _, err := c.Partner.ResendVerification(ctx, "acc_1"); err == nil || len(got) != 0 {
		t.Fatalf("a POST: err %v, retries %+v; want an error and none", err, got)
	}
}

// A NetError names the service it came from, so the wizard can say whom
// support should look at.
func TestNetErrorNamesTheService(t *testing.T) {
	garbage := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":`))
	}
	srv, _ := counting(t, garbage)
	c := client.New(client.Config{PartnerURL: srv.URL, OCMURL: srv.URL})
	_, err := c.Partner.GetAccount(t.Context(), "acc_1")
	if ne, ok := errors.AsType[*client.NetError](err); !ok || !ne.Malformed || ne.Service != client.ServicePartner {
		t.Errorf("partner: %#v", err)
	}
	_, err = c.OCM.ListAlphaNames(t.Context(), "KZ")
	if ne, ok := errors.AsType[*client.NetError](err); !ok || !ne.Malformed || ne.Service != client.ServiceOCM {
		t.Errorf("ocm: %#v", err)
	}
}
