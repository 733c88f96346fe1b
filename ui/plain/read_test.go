package plain

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"wizard/assets"
)

// How the front reads a field as drawn (huh's Charm theme, the bar of the
// focus removed) and what it sends for a line.

func TestOptionsAreReadWithTheCursor(t *testing.T) {
	head, opts, cur := options([]string{"Type of organisation", "The kind of body.", "  Company", "> Government body", ""})
	if !slices.Equal(head, []string{"Type of organisation", "The kind of body."}) ||
		!slices.Equal(opts, []string{"Company", "Government body"}) || cur != 1 {
		t.Fatalf("head %q options %q cursor %d", head, opts, cur)
	}
}

func TestButtonsAreReadWithTheChosenOne(t *testing.T) {
	for _, c := range []struct {
		line    string
		yes, no string
		chosen  int
	}{
		{"    [ Allow All ]   Not now", "Allow All", "Not now", 1},
		{"     Allow All   [ Not now ]", "Allow All", "Not now", 2},
	} {
		yes, no, chosen := buttons([]string{"Do you accept?", "", c.line})
		if yes != c.yes || no != c.no || chosen != c.chosen {
			t.Errorf("%q: %q / %q, chosen %d", c.line, yes, no, chosen)
		}
	}
}

// A wait is said once: its clock and spinner change every second, its words do not.
func TestNormaliseIgnoresClocksAndSpinners(t *testing.T) {
	a, b := normalise("⣾  Waiting for the address to be confirmed  0:07"), normalise("⣽  Waiting for the address to be confirmed  1:12")
	if a != b || a == "" {
		t.Fatalf("%q vs %q", a, b)
	}
	if normalise("0:07") != "" || normalise("  ██████░░░░  ") != "" {
		t.Fatalf("a clock or a bar alone is said")
	}
	if normalise("+7 778 755 5035") == "" {
		t.Fatalf("a phone number is not said")
	}
	if got := clean("│ ← A Aksu Pharma │"); got != "← A Aksu Pharma" {
		t.Fatalf("clean: %q", got)
	}
}

func TestMovesAreCountedFromTheCursor(t *testing.T) {
	names := func(keys []tea.KeyPressMsg) []string {
		var s []string
		for _, k := range keys {
			s = append(s, k.String())
		}
		return s
	}
	if got := names(moveTo(3, 1)); !slices.Equal(got, []string{"down", "down", "enter"}) {
		t.Errorf("3 from 1: %q", got)
	}
	if got := names(moveTo(0, 2)); !slices.Equal(got, []string{"up", "up", "enter"}) {
		t.Errorf("0 from 2: %q", got)
	}
	if got := names([]tea.KeyPressMsg{named("ctrl+u"), named("shift+tab"), named("y"), named("esc")}); !slices.Equal(got, []string{"ctrl+u", "shift+tab", "y", "esc"}) {
		t.Errorf("named: %q", got)
	}
}

// A checklist (huh's MultiSelect in the wizard's theme) is read item by item,
// ticked or not, with the cursor; a label that wrapped stays one item.
func TestChecksAreReadWithTheirTicks(t *testing.T) {
	head, items, ticked, cur := checks([]string{
		"Moving a number: confirm each item",
		"Select each item that is true.",
		"  ✓ The business is verified",
		"> • Two-step verification is off",
		"    for the number",
		"  [•] Not a test number",
		"  [ ] The name is approved",
	})
	if !slices.Equal(head, []string{"Moving a number: confirm each item", "Select each item that is true."}) ||
		!slices.Equal(items, []string{"The business is verified", "Two-step verification is off for the number", "Not a test number", "The name is approved"}) ||
		!slices.Equal(ticked, []bool{true, false, true, false}) || cur != 1 {
		t.Fatalf("head %q items %q ticked %v cursor %d", head, items, ticked, cur)
	}
}

// What a line does to a checklist: numbers tick or untick those items (the
// moves counted from the cursor), "all" ticks the rest, an empty line submits
// and says what is left, anything else is refused with how to answer.
func TestChecklistLines(t *testing.T) {
	f := &Front{words: assets.NewWords("en")}
	s := screen{block: []string{"Confirm each item", "  ✓ One", "> • Two", "  • Three", "  ✓ Four"}}
	names := func(r reply) []string {
		var out []string
		for _, k := range r.keys {
			out = append(out, k.String())
		}
		return out
	}
	for _, c := range []struct {
		line string
		keys []string
		then then
		say  string
	}{
		{"3 1", []string{"down", "x", "up", "up", "x"}, again, ""},
		{"2,2", []string{"x", "x"}, again, ""},
		{"all", []string{"x", "down", "x"}, again, ""},
		{"", []string{"enter"}, answers, "Not ticked yet: 2. Two; 3. Three."},
		{"5", nil, answers, "Type item numbers from 1 to 4, separated by spaces, or \"all\"; an empty line submits the list."},
		{"one", nil, answers, "Type item numbers from 1 to 4, separated by spaces, or \"all\"; an empty line submits the list."},
	} {
		r := f.ticksFor(s, c.line)
		if !slices.Equal(names(r), c.keys) || r.then != c.then || strings.Join(r.say, "\n") != c.say {
			t.Errorf("%q: keys %q then %d, says %q", c.line, names(r), r.then, r.say)
		}
	}
	all := screen{block: []string{"Confirm each item", "> ✓ One", "  ✓ Two"}}
	if r := f.ticksFor(all, "all"); r.keys != nil || strings.Join(r.say, "") != "Every item is ticked already." {
		t.Errorf("all, when every item is ticked: keys %q, says %q", names(r), r.say)
	}
}
