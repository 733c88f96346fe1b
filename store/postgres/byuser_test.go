package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"wizard/store"
)

// The resume offer's query (List with Statuses and By, as List writes it) can
// be answered from wizard_sessions_by_updater, newest first, without reading
// other users' rows; a database of layout 1 gets the index when a wizard of
// this build connects.
func TestByUserIndex(t *testing.T) {
	ctx := context.Background()
	e, url := open(t)
	for i, by := range []string{"aigerim", "bob", "aigerim", "carol"} {
		s := newSession("Company " + by)
		s.UpdatedBy = by
		s.UpdatedAt = t0.Add(-time.Duration(i) * time.Minute)
		save(t, e, &s, "created")
	}
	plan := func(e *Engine) string {
		t.Helper()
		var lines []string
		err := pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
			// Few rows: without this the planner rightly prefers reading the table.
			if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, `EXPLAIN SELECT id, updated_ns, data FROM wizard_sessions
				WHERE status = ANY($1::text[]) AND updated_by = $2 ORDER BY updated_ns DESC, id DESC LIMIT $3`,
				[]string{"active", "waiting"}, "aigerim", 21)
			if err != nil {
				return err
			}
			lines, err = pgx.CollectRows(rows, pgx.RowTo[string])
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(lines, "\n")
	}
	if p := plan(e); !strings.Contains(p, "wizard_sessions_by_updater") || strings.Contains(p, "Sort") {
		t.Errorf("the resume query does not walk wizard_sessions_by_updater in order:\n%s", p)
	}
	page, err := e.List(ctx, store.Query{Statuses: store.Resumable, By: "aigerim", Limit: 20})
	if err != nil || len(page.Sessions) != 2 || page.Sessions[0].UpdatedAt.Before(page.Sessions[1].UpdatedAt) {
		t.Fatalf("aigerim's: %+v %v", page.Sessions, err)
	}

	// Back to layout 1, as a wizard before this one left it; the next
	// connection migrates.
	if _, err := e.pool.Exec(ctx, `DROP INDEX wizard_sessions_by_updater; UPDATE wizard_schema SET version = 1`); err != nil {
		t.Fatal(err)
	}
	e2 := openURL(t, url)
	var version int
	if err := e2.pool.QueryRow(ctx, `SELECT version FROM wizard_schema`).Scan(&version); err != nil || version != LayoutVersion {
		t.Fatalf("layout after connecting: %d %v", version, err)
	}
	if p := plan(e2); !strings.Contains(p, "wizard_sessions_by_updater") {
		t.Errorf("after migrating from layout 1:\n%s", p)
	}
	if r, err := e2.Check(ctx, t0); err != nil || len(r.Problems) > 0 {
		t.Errorf("Check: %v %v", r.Problems, err)
	}
}
