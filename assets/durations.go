package assets

import "time"

// Durations are written in words, as people read them in the language
// ("1 minute 30 seconds", «1 мин 30 с»), from the catalog's duration.* texts
// (assets/messages/*/durations.json); Go's own syntax ("1m30s") only where a
// person types a value, as a flag takes it.

// Duration is d in hours, minutes and seconds, the parts that are not zero;
// under a second, in milliseconds; "0 seconds" for none (or less).
func (w *Words) Duration(d time.Duration) string {
	if d <= 0 {
		return w.T("duration.seconds", 0)
	}
	if d < time.Second {
		return w.T("duration.milliseconds", int(d.Round(time.Millisecond)/time.Millisecond))
	}
	d = d.Round(time.Second)
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	out := ""
	add := func(key string, n int) {
		if n == 0 {
			return
		}
		if part := w.T(key, n); out == "" {
			out = part
		} else {
			out = w.T("duration.join", out, part)
		}
	}
	add("duration.hours", h)
	add("duration.minutes", m)
	add("duration.seconds", s)
	return out
}

// TypedDuration is d as a person reads it and, for a flag's value, as it is
// typed: "5 seconds, e.g. 5s".
func (w *Words) TypedDuration(d time.Duration, typed string) string {
	return w.T("duration.typed", w.Duration(d), typed)
}
