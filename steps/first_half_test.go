package steps

import (
	"testing"

	"wizard/client"
	"wizard/store"
)

func TestProviderRefusalShowsOnTheAccountForm(t *testing.T) {
	h := newSHHarness(t)
	h.sess = store.Session{ID: "s_test", Status: store.StatusActive}
	h.start(Account)
	refusal := &client.APIError{HTTPStatus: 422, Code: "weak_password", Field: "password", Message: "too weak"}
	h.send(accountCreated{err: refusal})
	if len(h.records) != 1 || h.records[0].Kind != "error" || h.records[0].Err != refusal {
		t.Fatalf("the refusal was not recorded before it was shown: %+v", h.records)
	}
	h.mustSee(h.T("error.partner.weak_password"))
	h.mustSee(h.T("account.password"))
	if len(h.dones) != 0 {
		t.Fatal("a refused account finished the step")
	}
}

func TestPasswordChecklistTicksWhileTyping(t *testing.T) {
	h := newSHHarness(t)
	h.sess = store.Session{ID: "s_test"}
	h.start(Account)
	h.typeText("anna@acme.kz")
	h.enter()
	h.mustSee("· " + h.T("password.length", 8))
	h.typeText("Password1")
	h.mustSee("✓ " + h.T("password.length", 8))
	h.mustSee(h.T("password.common")) // meets the rule, but is one of the commonest
}
