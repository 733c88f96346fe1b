package postgres

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"wizard/store"
)

// BenchmarkSaveVsBareInsert measures a Save (revision check, hold check,
// session row, event row, notification, in one statement) against a bare
// INSERT of the same bytes (the session's and the event's JSON) into a table
// without indexes, in the same database, alternating the two so that both
// see the same load. It reports both times and their ratio.
//
//	go test -run '^$' -bench SaveVsBareInsert -benchtime 2000x ./store/postgres/
//	PGTEST_DURABLE=1 go test -run '^$' -bench SaveVsBareInsert -benchtime 2000x ./store/postgres/
func BenchmarkSaveVsBareInsert(b *testing.B) {
	ctx := context.Background()
	e, _ := open(b)
	if _, err := e.pool.Exec(ctx, `CREATE TABLE bench_bare (session jsonb NOT NULL, event jsonb NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	s := newSession("Acme Ltd")
	s.Account.Email, s.Phone.E164 = "boss@acme.kz", "+77011234567"
	s.Profile.Description = "A company that makes everything, at a length a real description has."
	save(b, e, &s, "created")
	ev := store.Event{Kind: "step.done", By: "aigerim", Step: "company", Detail: "saved the company's details"}

	var saveTime, bareTime time.Duration
	b.ResetTimer()
	for i := range b.N {
		s.UpdatedAt = s.UpdatedAt.Add(time.Millisecond)
		ev.At = s.UpdatedAt
		start := time.Now()
		if err := e.Save(ctx, &s, ev, nil); err != nil {
			b.Fatal(err)
		}
		saveTime += time.Since(start)

		// The same bytes the save wrote: its session and its event.
		sd, _ := json.Marshal(&s)
		ed, _ := json.Marshal(store.Event{Seq: uint64(i + 2), At: ev.At, By: ev.By, Step: ev.Step, Kind: ev.Kind, Detail: ev.Detail})
		start = time.Now()
		if _, err := e.pool.Exec(ctx, `INSERT INTO bench_bare (session, event) VALUES ($1::jsonb, $2::jsonb)`, sd, ed); err != nil {
			b.Fatal(err)
		}
		bareTime += time.Since(start)
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(saveTime.Microseconds())/n, "µs/save")
	b.ReportMetric(float64(bareTime.Microseconds())/n, "µs/insert")
	b.ReportMetric(float64(saveTime)/float64(bareTime), "save/insert")
	b.ReportMetric(0, "ns/op")
}
