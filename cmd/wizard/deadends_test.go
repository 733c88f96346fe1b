package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"wizard/store"
)

// failedActivation is a signup whose activation the provider refused: the
// session is still active (nothing parked it), but it cannot go on by itself.
func failedActivation() store.Session {
	return store.Session{ID: "FAWR-2345", Status: store.StatusActive, Step: "activation", CreatedAt: mins(5), UpdatedAt: mins(50),
		UpdatedBy: "erin", Company: store.Company{CompanyName: "Altyn Foods", Country: "KZ"},
		Phone: store.Phone{Country: "KZ", E164: "+77019999999", CC: "7", Number: "7019999999", ID: "1065"},
		Activation: store.Activation{StartedAt: mins(40), Status: "failed",
			StatusText: "The provider could not activate the number: the display name was declined in review."}}
}

func TestListShowsAFailedActivationAsNeedingAttention(t *testing.T) {
	path := tempData(t)
	seed(t, path, append(fixture(), failedActivation())...)
	r := wiz(t, "list", "--data", path)
	mustOK(t, r)
	var row, plain string
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.Contains(l, "FAWR-2345") {
			row = l
		}
		if strings.Contains(l, "K7MQ-4XPD") {
			plain = l
		}
	}
	if !strings.Contains(row, "needs attention: activation failed: The provider could not activate the number: the display name was declined") {
		t.Fatalf("the failed activation's row does not say it needs attention, and why:\n%s", r.stdout)
	}
	if strings.Contains(plain, "attention") {
		t.Errorf("an active signup that is fine is flagged: %q", plain)
	}

	r = wiz(t, "list", "--json", "--data", path, "--status", "active")
	mustOK(t, r)
	var got []listEntry
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	byID := map[string]listEntry{}
	for _, e := range got {
		byID[e.ID] = e
	}
	if e := byID["FAWR-2345"]; e.Status != "active" || !strings.Contains(e.Attention, "activation failed: ") {
		t.Errorf("json entry %+v, want status active with the attention's why", e)
	}
	if e := byID["K7MQ-4XPD"]; e.Attention != "" {
		t.Errorf("json entry %+v needs no attention", e)
	}

	r = wiz(t, "show", "FAWR-2345", "--data", path)
	mustOK(t, r)
	if !strings.Contains(r.stdout, "needs attention — activation failed: The provider could not activate") {
		t.Errorf("show does not say it needs attention:\n%s", r.stdout)
	}
}

// An error a step showed is saved with its text as the event's detail too:
// show prints it once.
func TestShowPrintsAnErrorOnce(t *testing.T) {
	path := tempData(t)
	s := fixture()[0]
	seed(t, path, s)
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s, err = st.Load(context.Background(), s.ID); err != nil { // as saved: its revision
		t.Fatal(err)
	}
	msg := "graph: code 136025 Verify code error [HTTP 400]"
	for _, ev := range []store.Event{
		{Kind: "error", Step: "verify-code", Detail: msg, Error: msg},
		{Kind: "error", Step: "phone", Detail: "adding the number", Error: "partner: timeout"},
		{Kind: "error", Step: "phone", Error: "graph: code 100"},
	} {
		if err := st.Save(context.Background(), &s, ev, nil); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	r := wiz(t, "show", s.ID, "--data", path)
	mustOK(t, r)
	if n := strings.Count(r.stdout, "136025"); n != 1 {
		t.Errorf("the error is printed %d times:\n%s", n, r.stdout)
	}
	for _, want := range []string{"error: " + msg, "adding the number — error: partner: timeout", "error: graph: code 100"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, r.stdout)
		}
	}
}
