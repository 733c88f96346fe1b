package store

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the schema this build writes. It must equal the version of
// the last entry in migrations.
const SchemaVersion = 1

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
