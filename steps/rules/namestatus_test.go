package rules

import "testing"

func TestNameStatus(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"APPROVED", "APPROVED", true},
		{" pending_review ", "PENDING_REVIEW", true},
		{"AVAILABLE_WITHOUT_REVIEW", "AVAILABLE_WITHOUT_REVIEW", true},
		{"A_STATE_META_ADDS_LATER", "A_STATE_META_ADDS_LATER", true},
		{"", "", false},
		{"APPROVED2", "", false},
		{"PENDING REVIEW", "", false},
		{"ÄPPROVED", "", false},
		{"\x1b[31mAPPROVED", "", false},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG", "", false}, // 33
	} {
		got, ok := NameStatus(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("NameStatus(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	if !NameUsable(NameApproved) || !NameUsable(NameAvailableWithoutReview) || NameUsable(NamePendingReview) || NameUsable("") {
		t.Error("NameUsable")
	}
}
