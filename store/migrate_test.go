package store

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestMigrationsList(t *testing.T) {
	for i, m := range migrations {
		if m.version != i+1 || m.name == "" || m.up == nil {
			t.Errorf("migrations[%d] = {%d %q}: want version %d, a name and a func", i, m.version, m.name, i+1)
		}
	}
	if last := migrations[len(migrations)-1].version; last != SchemaVersion {
		t.Errorf("last migration is %d, SchemaVersion is %d", last, SchemaVersion)
	}
}

// rawFile writes a bbolt file directly, as an older wizard (or a test) might.
func rawFile(t *testing.T, fn func(tx *bolt.Tx) error) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wizard.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMigrateFromZero(t *testing.T) {
	// Version 0: no meta bucket, a session without a schema field, no index.
	path := rawFile(t, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(bucketSessions)
		if err != nil {
			return err
		}
		return b.Put([]byte("K7MQ-4XPD"), []byte(`{"id":"K7MQ-4XPD","rev":3,"status":"active","step":"company",`+
			`"created_at":"2025-03-14T09:00:00Z","updated_at":"2025-03-14T09:30:00Z","company":{"full_name":"Old Record"}}`))
	})

	ro, err := Open(path, Options{ReadOnly: true})
	var se *SchemaError
	if !errors.As(err, &se) || se.Have != 0 || se.Want != SchemaVersion || !strings.Contains(err.Error(), "older wizard") {
		t.Fatalf("read-only Open of a version-0 file: %v", err)
	}
	if ro != nil {
		ro.Close()
	}

	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.SchemaVersion(ctx); err != nil || v != SchemaVersion {
		t.Fatalf("SchemaVersion after migration: %d %v", v, err)
	}
	sess, err := s.Load(ctx, "k7mq4xpd")
	if err != nil {
		t.Fatal(err)
	}
	if sess.Schema != 0 || sess.Company.FullName != "Old Record" || sess.Rev != 3 {
		t.Fatalf("migrated session: %+v", sess)
	}
	if latest, ok, err := s.Latest(ctx, Query{Statuses: Resumable}); err != nil || !ok || latest.ID != sess.ID {
		t.Fatalf("Latest after migration: %+v %v %v", latest, ok, err)
	}

	sess.UpdatedAt = sess.UpdatedAt.Add(time.Minute)
	mustSave(t, s, &sess, Event{Kind: "resumed"})
	if sess.Rev != 4 || sess.Schema != SessionSchema {
		t.Fatalf("after save: rev %d schema %d", sess.Rev, sess.Schema)
	}
	if n := countKeys(t, s, bucketByUpdated); n != 1 {
		t.Fatalf("%d index keys, want 1", n)
	}
	if evs, err := s.Events(ctx, sess.ID); err != nil || len(evs) != 1 || evs[0].Seq != 1 {
		t.Fatalf("events: %+v %v", evs, err)
	}
	mustCheck(t, s)
}

func TestNewerSchemaRefused(t *testing.T) {
	path := rawFile(t, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		return b.Put(keySchemaVersion, []byte(strconv.Itoa(SchemaVersion+1)))
	})
	for _, ro := range []bool{false, true} {
		s, err := Open(path, Options{ReadOnly: ro})
		if err == nil {
			s.Close()
			t.Fatalf("ReadOnly=%v: Open succeeded", ro)
		}
		var se *SchemaError
		if !errors.As(err, &se) || se.Have != SchemaVersion+1 || se.Want != SchemaVersion {
			t.Fatalf("ReadOnly=%v: got %T %v, want *SchemaError", ro, err, err)
		}
		if msg := err.Error(); !strings.Contains(msg, "newer wizard") || !strings.Contains(msg, "update the wizard") ||
			!strings.Contains(msg, path) {
			t.Errorf("message %q", msg)
		}
	}
}

func TestFailedMigrationChangesNothing(t *testing.T) {
	path := rawFile(t, func(tx *bolt.Tx) error { return nil })
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	boom := errors.New("boom")
	list := append(migrations[:len(migrations):len(migrations)], migration{
		version: SchemaVersion + 1,
		name:    "fails",
		up:      func(tx *bolt.Tx) error { return boom },
	})
	if err := db.Update(func(tx *bolt.Tx) error { return migrate(tx, list) }); !errors.Is(err, boom) ||
		!strings.Contains(err.Error(), "fails") {
		t.Fatalf("migrate: %v", err)
	}
	err = db.View(func(tx *bolt.Tx) error {
		if v, err := readVersion(tx); err != nil || v != 0 {
			t.Errorf("version after a failed migration: %d %v", v, err)
		}
		if tx.Bucket(bucketSessions) != nil {
			t.Error("earlier migration in the same transaction was not rolled back")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
