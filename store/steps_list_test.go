package store_test

import (
	"slices"
	"testing"

	"wizard/steps"
	"wizard/store"
)

// store keeps its own list of step ids (it cannot import steps); this keeps
// it equal to the flow's.
func TestKnownStepsMatchFlow(t *testing.T) {
	var flow []string
	for _, id := range steps.Order {
		flow = append(flow, string(id))
	}
	if !slices.Equal(store.KnownSteps, flow) {
		t.Fatalf("store.KnownSteps %v\nsteps.Order      %v", store.KnownSteps, flow)
	}
}
