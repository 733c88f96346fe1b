package rules

import (
	"slices"
	"strings"
	"testing"
)

// metaVerticals is the list in api-facts.md, without the retired UNDEFINED and NOT_A_BIZ.
var metaVerticals = []string{
	"ALCOHOL", "APPAREL", "AUTO", "BEAUTY", "EDU", "ENTERTAIN", "EVENT_PLAN", "FINANCE", "GOVT",
	"GROCERY", "HEALTH", "HOTEL", "NONPROFIT", "ONLINE_GAMBLING", "OTC_DRUGS", "OTHER",
	"PHYSICAL_GAMBLING", "PROF_SERVICES", "RESTAURANT", "RETAIL", "TRAVEL",
}

func TestVerticals(t *testing.T) {
	vs := Verticals()
	var codes []string
	labels := map[string]bool{}
	for _, v := range vs {
		codes = append(codes, v.Code)
		if v.Label == "" || labels[v.Label] {
			t.Errorf("%s: empty or repeated label %q", v.Code, v.Label)
		}
		labels[v.Label] = true
		if !IsVertical(v.Code) {
			t.Errorf("IsVertical(%q) = false", v.Code)
		}
		if l, ok := VerticalLabel(v.Code); !ok || l != v.Label {
			t.Errorf("VerticalLabel(%q) = %q, %v", v.Code, l, ok)
		}
	}
	sorted := slices.Clone(codes)
	slices.Sort(sorted)
	if !slices.Equal(sorted, metaVerticals) {
		t.Errorf("codes = %v, want exactly %v", sorted, metaVerticals)
	}
	// display order: by label, Other last
	if vs[len(vs)-1].Code != DefaultVertical || !IsVertical(DefaultVertical) {
		t.Errorf("last vertical = %q, want the default %q", vs[len(vs)-1].Code, DefaultVertical)
	}
	if !slices.IsSortedFunc(vs[:len(vs)-1], func(a, b Vertical) int {
		return strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label))
	}) {
		t.Errorf("verticals are not in label order: %v", vs)
	}
	for _, c := range []string{"", "other", "UNDEFINED", "NOT_A_BIZ", "HEALTH ", "MEDICAL"} {
		if IsVertical(c) {
			t.Errorf("IsVertical(%q) = true", c)
		}
	}
	// callers get their own copy
	vs[0].Code = "CHANGED"
	if Verticals()[0].Code == "CHANGED" {
		t.Error("Verticals shares its backing array")
	}
}
