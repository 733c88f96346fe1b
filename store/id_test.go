package store

import (
	"regexp"
	"strings"
	"testing"
)

var idShape = regexp.MustCompile(`^[` + idAlphabet + `]{4}-[` + idAlphabet + `]{4}$`)

func TestNewID(t *testing.T) {
	seen := make(map[string]bool)
	counts := make(map[rune]int)
	for range 10_000 {
		id := NewID()
		if !idShape.MatchString(id) {
			t.Fatalf("NewID() = %q", id)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
		for _, r := range strings.ReplaceAll(id, "-", "") {
			counts[r]++
		}
	}
	if len(counts) != len(idAlphabet) {
		t.Errorf("%d distinct characters used, want %d", len(counts), len(idAlphabet))
	}
	for _, c := range "0O1ILU" {
		if strings.ContainsRune(idAlphabet, c) {
			t.Errorf("alphabet has ambiguous %q", c)
		}
	}
}

func TestNormaliseID(t *testing.T) {
	cases := map[string]string{
		"K7MQ-4XPD":     "K7MQ-4XPD",
		"k7mq-4xpd":     "K7MQ-4XPD",
		"K7MQ4XPD":      "K7MQ-4XPD",
		"k7mq 4xpd":     "K7MQ-4XPD",
		"  K7-MQ-4X-PD": "K7MQ-4XPD",
		"\tk7mq4xpd\n":  "K7MQ-4XPD",
		"K7MQ-4XP":      "K7MQ-4XP",   // too short
		"K7MQ-4XPDA":    "K7MQ-4XPDA", // too long
		"K0MQ-4XPD":     "K0MQ-4XPD",  // 0 is not in the alphabet
		"session-1":     "session-1",
		" spaced ":      "spaced",
		"":              "",
	}
	for in, want := range cases {
		if got := NormaliseID(in); got != want {
			t.Errorf("NormaliseID(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzNormaliseID(f *testing.F) {
	for _, s := range []string{"K7MQ-4XPD", "k7mq4xpd", " k7mq 4xpd ", "K0MQ-4XPD", "", "-", "ü7MQ-4XPD", NewID()} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormaliseID(s)
		if again := NormaliseID(n); again != n {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, n, again)
		}
		if idShape.MatchString(n) {
			if lower := NormaliseID(strings.ToLower(s)); lower != n {
				t.Fatalf("case matters: %q -> %q, lower-case -> %q", s, n, lower)
			}
		} else if n != strings.TrimSpace(s) {
			t.Fatalf("%q is not an id but became %q", s, n)
		}
	})
}

func TestValidID(t *testing.T) {
	for _, id := range []string{"K7MQ-4XPD", "k7mq4xpd", " k7mq 4xpd ", "K7MQ4-XPD-", NewID()} {
		if !ValidID(id) {
			t.Errorf("ValidID(%q) = false", id)
		}
	}
	for _, id := range []string{"", "K7MQ-4XP", "K7MQ-4XPO", "K7MQ-4XPDD", "../../etc/passwd", "\x1b[31mID", "K7MQ_4XPD"} {
		if ValidID(id) {
			t.Errorf("ValidID(%q) = true", id)
		}
	}
}
