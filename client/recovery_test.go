package client_test

import (
	"errors"
	"testing"

	"wizard/client"
	"wizard/client/sandbox"
)

// A creation sent again with the same key (its answer lost to a crash) returns
// the account the first one made; without the key the address is taken.
func TestCreateAccountOnceIsIdempotent(t *testing.T) {
	_, c := startSandbox(t, sandbox.Options{})
	ctx := t.Context()
	first, err := c.Partner.CreateAccountOnce(ctx, "wizard-K7MQ-4XPD-account", "ops@acme.kz", "Str0ng!pass")
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Partner.CreateAccountOnce(ctx, "wizard-K7MQ-4XPD-account", "ops@acme.kz", "Str0ng!pass")
	if err != nil || again.ID != first.ID {
		t.Fatalf("the same key again: %+v, %v; want account %s", again, err, first.ID)
	}
	_, err = c.Partner.CreateAccountOnce(ctx, "wizard-OTHER-account", "ops@acme.kz", "Str0ng!pass")
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.Code != "email_taken" {
		t.Fatalf("another key with the same address: %v, want email_taken", err)
	}
}

func TestNumbersListsTheSignupsNumbers(t *testing.T) {
	r, c := startSandbox(t, sandbox.Options{})
	ctx := t.Context()
	su := finishedSignup(t, r, c, "recover@example.kz").ID
	added, err := c.Partner.AddNumber(ctx, su, client.NewNumber{CC: "7", PhoneNumber: "7011234567", VerifiedName: "Acme Pharma"})
	if err != nil {
		t.Fatal(err)
	}
	numbers, err := c.Partner.Numbers(ctx, su)
	if err != nil {
		t.Fatal(err)
	}
	if len(numbers) != 1 || numbers[0].PhoneNumberID != added.PhoneNumberID || numbers[0].DisplayPhoneNumber != "77011234567" ||
		numbers[0].VerifiedName != "Acme Pharma" {
		t.Fatalf("numbers of the signup: %+v", numbers)
	}
	if _, err := c.Partner.Numbers(ctx, "su_unknown"); apiCode(err) != "signup_not_found" {
		t.Fatalf("an unknown signup listed numbers: %v", err)
	}
}
