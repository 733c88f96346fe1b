package assets

import (
	"strconv"
	"time"
)

// Dates and times are written as people write them in the language, from the
// catalog (x/text formats no dates, and no well-kept Go library writes them
// for Russian and Kazakh): a day is date.day with the day of the month, the
// month's name (date.month.1 … date.month.12, in the form it takes after a
// number: Russian «1 декабря», Kazakh «1 желтоқсан») and the year, in the order
// the language puts them; a time of day is date.time, a Go time layout
// ("15:04"). The clock of the place is the caller's: t is written in its own
// location.

// Date is t's day: "1 December 2026", «1 декабря 2026», «2026 жылғы 1 желтоқсан».
func (w *Words) Date(t time.Time) string {
	// The year is a string: the printer would group its digits («2 026»).
	return w.T("date.day", t.Day(), w.T("date.month."+strconv.Itoa(int(t.Month()))), strconv.Itoa(t.Year()))
}

// Time is t's time of day: "13:20".
func (w *Words) Time(t time.Time) string { return t.Format(w.T("date.time")) }

// TimeSeconds is t's time of day to the second: "13:20:05".
func (w *Words) TimeSeconds(t time.Time) string { return t.Format(w.T("date.time_seconds")) }

// DateTime is t's day and time: "1 December 2026, 13:20", «1 декабря 2026, 13:20».
func (w *Words) DateTime(t time.Time) string { return w.T("date.day_time", w.Date(t), w.Time(t)) }

// DateTimeSeconds is DateTime to the second, for a history: «1 декабря 2026, 13:20:05».
func (w *Words) DateTimeSeconds(t time.Time) string {
	return w.T("date.day_time", w.Date(t), w.TimeSeconds(t))
}
