package assets

import (
	"regexp"
	"testing"
	"time"
)

// nbsp puts a non-breaking space between a number and its unit, as the
// catalog does, so that a wrapped line never parts them.
func nbsp(s string) string { return regexp.MustCompile(`(\d) `).ReplaceAllString(s, "$1\u00a0") }

// Durations in words in each language, never in Go's syntax.
func TestDurationsInWords(t *testing.T) {
	for _, tc := range []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"en", 20 * time.Second, "20 seconds"},
		{"en", time.Second, "1 second"},
		{"en", 2 * time.Minute, "2 minutes"},
		{"en", 90 * time.Second, "1 minute 30 seconds"},
		{"en", time.Hour + 5*time.Second, "1 hour 5 seconds"},
		{"en", 250 * time.Millisecond, "250 milliseconds"},
		{"en", 0, "0 seconds"},
		{"en", 1500 * time.Millisecond, "2 seconds"},
		{"ru", 20 * time.Second, "20 с"},
		{"ru", 2 * time.Minute, "2 мин"},
		{"ru", 90 * time.Second, "1 мин 30 с"},
		{"ru", 2 * time.Hour, "2 ч"},
		{"ru", 250 * time.Millisecond, "250 мс"},
		{"kk", 20 * time.Second, "20 с"},
		{"kk", 2 * time.Minute, "2 мин"},
		{"kk", 3*time.Hour + 10*time.Minute, "3 сағ 10 мин"},
		{"kk", 0, "0 с"},
	} {
		if got := NewWords(tc.lang).Duration(tc.d); got != nbsp(tc.want) {
			t.Errorf("%s: %v is %q, want %q", tc.lang, tc.d, got, tc.want)
		}
	}
	for lang, want := range map[string]string{"en": "5 seconds; typed e.g. as 5s", "ru": "5 с; вводится, например, как 5s",
		"kk": "5 с; мысалы, 5s түрінде жазылады"} {
		if got := NewWords(lang).TypedDuration(5*time.Second, "5s"); got != nbsp(want) {
			t.Errorf("%s: a flag's 5s is %q, want %q", lang, got, want)
		}
	}
}
