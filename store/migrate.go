package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout of the data file this build writes (its
// buckets and indexes). It must equal the version of the last entry in
// migrations.
//
//	1  meta, sessions, events, by_updated (holds come with the first Acquire)
//	2  by_updater: the sessions by who last updated them
const SchemaVersion = 2

// MinReadSchema is the oldest file layout a read-only open reads as it is,
// without migrating it: a schema-1 file lacks only by_updater, and List walks
// by_updated instead.
const MinReadSchema = 1

// SessionSchema is the version of the session record (its JSON fields) this
// build writes into Session.Schema, in the file, the team store and bundles.
// It is not SchemaVersion: a change of the file's layout alone (such as a new
// index) leaves the records, and so bundles, as they are, and an older wizard
// still imports them. Bump it when a change would make an older wizard
// misread a record.
const SessionSchema = 1

// migration upgrades a file from version-1 to version. up runs inside the
// write transaction that opens the file, so a failed migration changes nothing.
type migration struct {
	version int
	name    string
	up      func(tx *bolt.Tx) error
}

// migrations is ordered by version, starting at 1, without gaps. To change the
// layout, append an entry and bump SchemaVersion; never edit a released entry.
var migrations = []migration{
	{1, "create buckets and index existing sessions", migrate1},
	{2, "index the sessions by who last updated them", migrate2},
}

// migrate1 creates the buckets. A version-0 file (written before versioning)
// may already hold sessions: index them so List finds them.
func migrate1(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketMeta, bucketSessions, bucketEvents, bucketByUpdated} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	idx := tx.Bucket(bucketByUpdated)
	return tx.Bucket(bucketSessions).ForEach(func(k, v []byte) error {
		var s struct {
			UpdatedAt time.Time `json:"updated_at"`
		}
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("session %s: %w", k, err)
		}
		return idx.Put(indexKey(s.UpdatedAt, string(k)), nil)
	})
}

// migrate2 creates by_updater and puts every session in it. The keys are
// put in order: bbolt inserts into a node's slice, so 100,000 keys in the
// sessions' (random) id order cost seconds, in order a tenth of that.
func migrate2(tx *bolt.Tx) error {
	idx, err := tx.CreateBucketIfNotExists(bucketByUpdater)
	if err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketByUpdater, err)
	}
	var keys [][]byte
	err = tx.Bucket(bucketSessions).ForEach(func(k, v []byte) error {
		var s struct {
			UpdatedAt time.Time `json:"updated_at"`
			UpdatedBy string    `json:"updated_by"`
		}
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("session %s: %w", k, err)
		}
		keys = append(keys, updaterKey(s.UpdatedBy, s.UpdatedAt, string(k)))
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(keys, bytes.Compare)
	idx.FillPercent = 1 // appended in order: fill each page
	for _, k := range keys {
		if err := idx.Put(k, nil); err != nil {
			return err
		}
	}
	return nil
}

// readVersion returns the schema version stored in the file; 0 if none.
func readVersion(tx *bolt.Tx) (int, error) {
	b := tx.Bucket(bucketMeta)
	if b == nil {
		return 0, nil
	}
	v := b.Get(keySchemaVersion)
	if v == nil {
		return 0, nil
	}
	n, err := strconv.Atoi(string(v))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad schema version %q", v)
	}
	return n, nil
}

// migrate runs, in tx, every migration in list above the stored version and
// records the new version after each one.
func migrate(tx *bolt.Tx, list []migration) error {
	have, err := readVersion(tx)
	if err != nil {
		return err
	}
	for _, m := range list {
		if m.version <= have {
			continue
		}
		if err := m.up(tx); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if err := meta.Put(keySchemaVersion, []byte(strconv.Itoa(m.version))); err != nil {
			return err
		}
	}
	return nil
}
