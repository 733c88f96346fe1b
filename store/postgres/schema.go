package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"wizard/store"
)

// LayoutVersion is the version of the database layout (tables, indexes,
// triggers) this build creates and uses. It is not store.SessionSchema, the
// version of a session's JSON, which each row's data carries, nor
// store.SchemaVersion, the layout of the local file.
//
//	1  tables, the index of List's order, triggers
//	2  wizard_sessions_by_updater: "latest for me" (Query.By) reads only
//	   that user's rows, newest first
const LayoutVersion = 2

// migrationLock is the key of the advisory lock the migration transaction
// takes, so that wizards connecting at once create the tables once.
const migrationLock int64 = 0x77697a617264 // "wizard"

// migrations[i] brings the layout from version i to i+1. Append to change the
// layout, and bump LayoutVersion; never edit a released entry.
var migrations = []string{
	// 1: sessions, their histories, holds, and the notifications Watch listens to.
	`
CREATE TABLE wizard_sessions (
	id         text PRIMARY KEY,
	rev        bigint NOT NULL CHECK (rev > 0),
	last_seq   bigint NOT NULL CHECK (last_seq >= 0), -- the highest seq of its history
	updated_ns bigint NOT NULL, -- UpdatedAt in unix nanoseconds (0 for none): the order of List
	updated_at timestamptz,     -- UpdatedAt, for people reading the table
	status     text NOT NULL,
	updated_by text NOT NULL,
	-- Search columns (see searchColumns): company name and e-mail in lower
	-- case (folded by the wizard, whatever the database's locale), the
	-- number as E.164.
	company    text NOT NULL,
	email      text NOT NULL,
	phone      text NOT NULL,
	data       jsonb NOT NULL -- the session, as the wizard's JSON
);
CREATE INDEX wizard_sessions_newest ON wizard_sessions (updated_ns DESC, id DESC);

CREATE TABLE wizard_events (
	id   text NOT NULL REFERENCES wizard_sessions (id) ON DELETE CASCADE,
	seq  bigint NOT NULL CHECK (seq > 0),
	data jsonb NOT NULL, -- the event, as the wizard's JSON (its seq included)
	PRIMARY KEY (id, seq)
);

-- A hold is a lease: live while expires > now(), by the database's clock.
CREATE TABLE wizard_holds (
	id      text PRIMARY KEY,
	token   text NOT NULL,
	who     text NOT NULL,
	machine text NOT NULL,
	pid     integer NOT NULL,
	since   timestamptz NOT NULL,
	expires timestamptz NOT NULL,
	ttl_ms  bigint NOT NULL
);

CREATE FUNCTION wizard_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_TABLE_NAME = 'wizard_sessions' THEN
		PERFORM pg_notify('wizard_changes', NEW.id || ' ' || NEW.rev);
	ELSIF TG_OP = 'DELETE' THEN
		PERFORM pg_notify('wizard_changes', OLD.id);
	ELSE
		PERFORM pg_notify('wizard_changes', NEW.id);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER wizard_sessions_changed AFTER INSERT OR UPDATE ON wizard_sessions
	FOR EACH ROW EXECUTE FUNCTION wizard_notify();
CREATE TRIGGER wizard_holds_given AFTER INSERT OR DELETE ON wizard_holds
	FOR EACH ROW EXECUTE FUNCTION wizard_notify();
-- A renewal changes only expires: not worth waking every watcher.
CREATE TRIGGER wizard_holds_taken AFTER UPDATE ON wizard_holds
	FOR EACH ROW WHEN (OLD.token IS DISTINCT FROM NEW.token) EXECUTE FUNCTION wizard_notify();
`,
	// 2: List with Query.By (the resume offer) walks this user's rows only.
	`
CREATE INDEX wizard_sessions_by_updater ON wizard_sessions (updated_by, updated_ns DESC, id DESC);
`,
}

// channel is what the triggers notify: "ID REV" for a saved or imported
// signup, "ID" for a hold taken or given up.
const channel = "wizard_changes"

func init() {
	if len(migrations) != LayoutVersion {
		panic("postgres: LayoutVersion is not the number of migrations")
	}
}

// migrate brings the database's layout up to LayoutVersion. A database at
// the current version costs one query; otherwise the migrations run in one
// transaction under an advisory lock, so that of several wizards connecting
// to a new database at once one creates the tables and the others wait and
// find them.
func (e *Engine) migrate(ctx context.Context) error {
	var have int
	err := e.pool.QueryRow(ctx, `SELECT version FROM wizard_schema`).Scan(&have)
	if err == nil && have == LayoutVersion {
		return nil
	}
	var pgErr *pgconn.PgError
	if err != nil && !(errors.As(err, &pgErr) && pgErr.Code == "42P01") && !errors.Is(err, pgx.ErrNoRows) { // 42P01: no such table
		return err
	}
	return pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS wizard_schema (version integer NOT NULL)`); err != nil {
			return err
		}
		have := 0
		err := tx.QueryRow(ctx, `SELECT version FROM wizard_schema`).Scan(&have)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			if _, err := tx.Exec(ctx, `INSERT INTO wizard_schema (version) VALUES (0)`); err != nil {
				return err
			}
		case err != nil:
			return err
		}
		if have > LayoutVersion {
			return &store.SchemaError{Path: e.where, Have: have, Want: LayoutVersion}
		}
		for v := have; v < LayoutVersion; v++ {
			if _, err := tx.Exec(ctx, migrations[v]); err != nil {
				return fmt.Errorf("migration %d: %w", v+1, err)
			}
			if _, err := tx.Exec(ctx, `UPDATE wizard_schema SET version = $1`, v+1); err != nil {
				return err
			}
		}
		return nil
	})
}
