package plain

import (
	"slices"
	"testing"

	tea "charm.land/bubbletea/v2"
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
