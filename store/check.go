package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A Report is what Check finds in the store, for doctor.
type Report struct {
	// Problems is what Check finds: bbolt's check of the pages, then the
	// sessions against the index and the histories.
	Problems []error
	// Invalid lists the stored sessions that break the rules an import
	// checks (ValidateSession), one error per session, each naming the
	// session and wrapping its *ValidationError. Save does not enforce them
	// all, so such a session works here but would not import elsewhere.
	Invalid []error
	// Meta is the meta-page damage Open found (see Store.MetaDamage); nil if none.
	Meta *MetaDamage
}

// OK reports whether the report found nothing at all.
func (r Report) OK() bool { return len(r.Problems) == 0 && len(r.Invalid) == 0 && r.Meta == nil }

// Check verifies the file — bbolt's own consistency check of every page
// (after a walk of every page in this goroutine, so that a damaged page is a
// *CorruptError rather than a crash), then that every session reads, that
// each index holds exactly one key per session (by_updated at its UpdatedAt,
// by_updater at its UpdatedBy and UpdatedAt) and nothing else, and that every history belongs to a session — and each stored
// session and its history against the import rules (times against now),
// and adds what Open found on the meta pages. It reads only, and is the one
// call that reads the whole file (doctor). The error is for a file it could
// not read at all.
func (s *Store) Check(ctx context.Context, now time.Time) (Report, error) {
	r := Report{Meta: s.damage}
	if err := walkFile(s.path, s.timeout); err != nil {
		var ce *CorruptError
		if errors.As(err, &ce) {
			r.Problems = append(r.Problems, ce.Err)
			return r, nil
		}
		return r, err
	}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			r.Problems = append(r.Problems, err)
		}
		if len(r.Problems) > 0 {
			return nil // the records may not read; say what bbolt found first
		}
		r.Problems = append(r.Problems, checkRecords(tx)...)
		return tx.Bucket(bucketSessions).ForEach(func(k, v []byte) error {
			var sess Session
			if json.Unmarshal(v, &sess) != nil {
				return nil // a problem checkRecords reported
			}
			events, err := eventsTx(tx, string(k))
			if err != nil {
				r.Invalid = append(r.Invalid, fmt.Errorf("session %s: %w", quote(string(k)), err))
				return nil
			}
			if string(k) != sess.ID {
				r.Invalid = append(r.Invalid, fmt.Errorf("session stored as %s has id %s", quote(string(k)), quote(sess.ID)))
			} else if err := validateImport(sess, events, now); err != nil {
				r.Invalid = append(r.Invalid, fmt.Errorf("session %s: %w", quote(string(k)), err))
			}
			return nil
		})
	})
	return r, err
}

// checkRecords compares the sessions with both indexes and the histories.
func checkRecords(tx *bolt.Tx) []error {
	var errs []error
	want := map[string]bool{}   // by_updated keys the sessions call for
	wantBy := map[string]bool{} // by_updater keys
	err := tx.Bucket(bucketSessions).ForEach(func(k, v []byte) error {
		var sess Session
		if err := json.Unmarshal(v, &sess); err != nil {
			errs = append(errs, fmt.Errorf("session %s does not read: %v", k, err))
			return nil
		}
		want[string(indexKey(sess.UpdatedAt, string(k)))] = true
		wantBy[string(updaterKey(sess.UpdatedBy, sess.UpdatedAt, string(k)))] = true
		return nil
	})
	if err != nil {
		return append(errs, err)
	}
	errs = append(errs, checkIndex(tx.Bucket(bucketByUpdated), "index", want, indexKeyID)...)

	byUpdater := tx.Bucket(bucketByUpdater)
	v, verr := readVersion(tx)
	switch {
	case byUpdater != nil:
		errs = append(errs, checkIndex(byUpdater, "index by user", wantBy, updaterKeyID)...)
	case verr != nil || v >= 2: // (a schema-1 file, opened read-only, has none yet)
		errs = append(errs, fmt.Errorf("the index by user (bucket %s) is missing", bucketByUpdater))
	}

	sessions := tx.Bucket(bucketSessions)
	err = tx.Bucket(bucketEvents).ForEach(func(k, v []byte) error {
		if v != nil || sessions.Get(k) == nil {
			errs = append(errs, fmt.Errorf("history %s has no session", bytes.Clone(k)))
		}
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	return errs
}

// checkIndex reports every key of index that is not in want (which it
// empties as it goes) and every key of want not in index, naming the
// session by keyID.
func checkIndex(index *bolt.Bucket, name string, want map[string]bool, keyID func([]byte) string) []error {
	var errs []error
	err := index.ForEach(func(k, _ []byte) error {
		if !want[string(k)] {
			errs = append(errs, fmt.Errorf("%s key %x has no session", name, k))
		}
		delete(want, string(k))
		return nil
	})
	if err != nil {
		return append(errs, err)
	}
	var missing []string
	for k := range want {
		missing = append(missing, keyID([]byte(k)))
	}
	slices.Sort(missing)
	for _, id := range missing {
		errs = append(errs, fmt.Errorf("session %s is missing from the %s", id, name))
	}
	return errs
}

// Stats counts what the file holds.
type Stats struct {
	Sessions int
	Events   int
	ByStatus map[Status]int
}

// Stats counts the sessions (by status) and their events. It reads every
// record (doctor).
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	st := Stats{ByStatus: map[Status]int{}}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		err := tx.Bucket(bucketSessions).ForEach(func(k, v []byte) error {
			var sess struct {
				Status Status `json:"status"`
			}
			if err := json.Unmarshal(v, &sess); err != nil {
				return fmt.Errorf("store: session %s: %w", k, err)
			}
			st.Sessions++
			st.ByStatus[sess.Status]++
			return nil
		})
		if err != nil {
			return err
		}
		return tx.Bucket(bucketEvents).ForEach(func(k, v []byte) error {
			if b := tx.Bucket(bucketEvents).Bucket(k); v == nil && b != nil {
				st.Events += b.Stats().KeyN
			}
			return nil
		})
	})
	return st, err
}
