package assets

import (
	"strconv"
	"testing"
	"time"
)

func TestDatesInEveryLanguage(t *testing.T) {
	at := time.Date(2026, time.December, 1, 13, 20, 5, 0, time.FixedZone("ALMT", 5*3600))
	may := time.Date(2027, time.May, 21, 9, 5, 0, 0, time.UTC)
	for _, c := range []struct {
		lang                                 string
		date, dateTime, dateTimeSeconds, may string
	}{
		{"en", "1 December 2026", "1 December 2026, 13:20", "1 December 2026, 13:20:05", "21 May 2027, 09:05"},
		{"ru", "1 декабря 2026", "1 декабря 2026, 13:20", "1 декабря 2026, 13:20:05", "21 мая 2027, 09:05"},
		{"kk", "2026 жылғы 1 желтоқсан", "2026 жылғы 1 желтоқсан, 13:20", "2026 жылғы 1 желтоқсан, 13:20:05", "2027 жылғы 21 мамыр, 09:05"},
	} {
		w := NewWords(c.lang)
		if got := w.Date(at); got != c.date {
			t.Errorf("%s: Date = %q, want %q", c.lang, got, c.date)
		}
		if got := w.DateTime(at); got != c.dateTime {
			t.Errorf("%s: DateTime = %q, want %q", c.lang, got, c.dateTime)
		}
		if got := w.DateTimeSeconds(at); got != c.dateTimeSeconds {
			t.Errorf("%s: DateTimeSeconds = %q, want %q", c.lang, got, c.dateTimeSeconds)
		}
		if got := w.DateTime(may); got != c.may {
			t.Errorf("%s: DateTime = %q, want %q", c.lang, got, c.may)
		}
		if got := w.Time(at); got != "13:20" {
			t.Errorf("%s: Time = %q", c.lang, got)
		}
	}
}

// Date builds the month's key from the month: every language has all twelve.
func TestEveryMonthHasAName(t *testing.T) {
	for _, tag := range Languages() {
		w := NewWords(tag.String())
		seen := map[string]bool{}
		for m := 1; m <= 12; m++ {
			k := "date.month." + strconv.Itoa(m)
			if !w.Has(k) {
				t.Errorf("%s lacks %s", tag, k)
			}
			if seen[w.T(k)] {
				t.Errorf("%s: %s has the name of another month: %q", tag, k, w.T(k))
			}
			seen[w.T(k)] = true
		}
	}
}
