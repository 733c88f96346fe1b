package client_test

import (
	"testing"
	"time"

	"wizard/client/sandbox"
)

// Meta's review of a name is saved with it; saved again with another state,
// the same record takes it; saved without one, the record keeps its own.
func TestAlphaNameStatusIsKeptAndUpdated(t *testing.T) {
	clk := newClock()
	_, c := startSandbox(t, sandbox.Options{Now: clk.Now})
	ctx := t.Context()
	a, created, err := c.OCM.SaveAlphaNameStatus(ctx, "Acme Pharma", "KZ", "PENDING_REVIEW")
	if err != nil || !created || a.NameStatus != "PENDING_REVIEW" || !a.StatusAt.Equal(clk.Now()) {
		t.Fatalf("save: %+v %v %v", a, created, err)
	}
	clk.Advance(time.Hour)
	b, created, err := c.OCM.SaveAlphaNameStatus(ctx, "acme pharma", "kz", "approved")
	if err != nil || created || b.ID != a.ID || b.NameStatus != "APPROVED" || !b.StatusAt.Equal(clk.Now()) {
		t.Fatalf("save with the review come through: %+v %v %v", b, created, err)
	}
	clk.Advance(time.Hour)
	same, _, err := c.OCM.SaveAlphaName(ctx, "Acme Pharma", "KZ")
	if err != nil || same.NameStatus != "APPROVED" || !same.StatusAt.Equal(b.StatusAt) {
		t.Fatalf("save without a state: %+v %v", same, err)
	}
	list, err := c.OCM.ListAlphaNames(ctx, "KZ")
	if err != nil || len(list) != 1 || list[0].NameStatus != "APPROVED" {
		t.Fatalf("list: %+v %v", list, err)
	}
	if _, _, err := c.OCM.SaveAlphaNameStatus(ctx, "Acme Pharma", "KZ", "NOT A STATE"); apiCode(err) != "invalid_name_status" {
		t.Fatalf("a bad state: %v", err)
	}
}
