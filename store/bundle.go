package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A Bundle is one session and its whole history, as a portable JSON document
// that hands a signup to someone on another machine. It holds what the data
// file holds for that session, so no secrets.
type Bundle struct {
	Format     string    `json:"format"`  // always BundleFormat
	Version    int       `json:"version"` // BundleVersion when written
	ExportedAt time.Time `json:"exported_at"`
	ExportedBy string    `json:"exported_by,omitempty"`
	Session    Session   `json:"session"`
	Events     []Event   `json:"events"`
}

// Bundle format identifiers. Bump BundleVersion when a change would make an
// older wizard misread a bundle; a reader refuses versions newer than its own.
const (
	BundleFormat  = "wizard-signup"
	BundleVersion = 1
)

// Export returns the session with the given id and its history, read in one
// transaction, as a bundle stamped with at and by. A missing session is an
// error wrapping ErrNotFound.
func (s *Store) Export(ctx context.Context, id string, at time.Time, by string) (Bundle, error) {
	id = NormaliseID(id)
	b := Bundle{Format: BundleFormat, Version: BundleVersion, ExportedAt: at.UTC(), ExportedBy: by, Events: []Event{}}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		if b.Session, err = loadTx(tx, id); err != nil {
			return err
		}
		b.Events, err = eventsTx(tx, id)
		return err
	})
	if err != nil {
		return Bundle{}, err
	}
	if b.Events == nil {
		b.Events = []Event{}
	}
	return b, nil
}

// DecodeBundle reads a bundle written by Export. It returns an error wrapping
// ErrNotBundle for anything else, and *BundleVersionError for a bundle or a
// session newer than this build reads.
func DecodeBundle(data []byte) (Bundle, error) {
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return Bundle{}, fmt.Errorf("%w: %v", ErrNotBundle, err)
	}
	switch {
	case head.Format != BundleFormat:
		return Bundle{}, fmt.Errorf("%w: format %q", ErrNotBundle, head.Format)
	case head.Version > BundleVersion:
		return Bundle{}, &BundleVersionError{Have: head.Version, Want: BundleVersion}
	case head.Version < 1:
		return Bundle{}, fmt.Errorf("%w: version %d", ErrNotBundle, head.Version)
	}
	var b Bundle
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&b); err != nil {
		return Bundle{}, fmt.Errorf("%w: %v", ErrNotBundle, err)
	}
	switch {
	case b.Session.Schema > SessionSchema:
		return Bundle{}, &BundleVersionError{Schema: true, Have: b.Session.Schema, Want: SessionSchema}
	case NormaliseID(b.Session.ID) == "":
		return Bundle{}, fmt.Errorf("%w: the session has no id", ErrNotBundle)
	}
	return b, nil
}

// Import writes sess and its history in one transaction, as they are: events
// keep their sequence numbers, and an event with Seq 0 (such as a note that
// the session was imported) gets the next number after them. A stored session
// with the same id is an *ExistsError (errors.Is ErrExists), unless replace
// is true: then it and its history are replaced — but not if the stored
// revision is newer than sess.Rev (a *ConflictError with the stored
// session), and never while someone holds the signup (a *HeldError). It
// returns the session as stored (canonical id, schema, and the revision one
// above both the bundle's and the replaced one's).
//
// First it checks sess and events with ValidateSession (times against the
// store's clock) and refuses the first problem: an error wrapping a
// *ValidationError (errors.Is(err, ErrInvalidData)), whose message is safe to
// print and does not repeat an invalid id.
func (s *Store) Import(ctx context.Context, sess Session, events []Event, replace bool) (Session, error) {
	if err := validateImport(sess, events, s.now()); err != nil {
		return Session{}, fmt.Errorf("store: import: %w", err)
	}
	sess.ID = NormaliseID(sess.ID)
	var added []Event
	err := s.update(ctx, func(tx *bolt.Tx) (err error) {
		if added, err = importTx(tx, &sess, events, replace, s.now()); err != nil {
			return err
		}
		s.slowSync()
		return nil
	})
	if err != nil {
		return Session{}, saveError("import", sess.ID, err)
	}
	s.logEvents(sess.ID, added...)
	return sess, nil
}

// importTx does the work of Import and returns the events it numbered; the
// events have passed validateSeqs.
func importTx(tx *bolt.Tx, sess *Session, events []Event, replace bool, now time.Time) ([]Event, error) {
	sessions, history := tx.Bucket(bucketSessions), tx.Bucket(bucketEvents)
	index, byUpdater := tx.Bucket(bucketByUpdated), tx.Bucket(bucketByUpdater)
	key := []byte(sess.ID)

	var prevRev uint64
	if v := sessions.Get(key); v != nil {
		var prev Session
		damaged := json.Unmarshal(v, &prev) != nil
		if !replace {
			return nil, &ExistsError{ID: sess.ID, Rev: prev.Rev}
		}
		if !damaged && prev.Rev > sess.Rev {
			return nil, &ConflictError{ID: sess.ID, Loaded: sess.Rev, Stored: prev.Rev, Current: prev}
		}
		prevRev = prev.Rev
	} else if !replace && history.Bucket(key) != nil {
		// A history without its session (doctor reports it): history is
		// append-only, so only an explicit replace may drop it.
		return nil, &ExistsError{ID: sess.ID}
	}
	if h, ok, err := readHold(tx, sess.ID); err != nil {
		return nil, err
	} else if ok && live(h, now) {
		return nil, &HeldError{Hold: h.public()}
	}
	// Drop every index key of this id (even one a damaged record left behind)
	// and the old history.
	if err := dropIndexKeys(index, sess.ID, indexKeyID); err != nil {
		return nil, err
	}
	if err := dropIndexKeys(byUpdater, sess.ID, updaterKeyID); err != nil {
		return nil, err
	}
	if history.Bucket(key) != nil {
		if err := history.DeleteBucket(key); err != nil {
			return nil, err
		}
	}

	if sess.UpdatedAt.IsZero() {
		sess.UpdatedAt = now
	}
	if err := putSession(sessions, index, byUpdater, sess, max(prevRev, sess.Rev)); err != nil {
		return nil, err
	}
	b, err := history.CreateBucket(key)
	if err != nil {
		return nil, err
	}
	var top uint64
	for _, ev := range events {
		top = max(top, ev.Seq)
	}
	if err := b.SetSequence(top); err != nil {
		return nil, err
	}
	var added []Event
	var last Event
	for _, ev := range slices.SortedStableFunc(slices.Values(events), BySeqZeroLast) {
		if ev.Seq == 0 {
			if ev.Seq, err = nextSeq(b); err != nil {
				return nil, err
			}
			if ev.At.IsZero() {
				ev.At = sess.UpdatedAt
			}
			if ev.Step == "" {
				ev.Step = sess.Step
			}
			added = append(added, ev)
		}
		data, err := json.Marshal(ev)
		if err != nil {
			return nil, err
		}
		if b.Get(seqKey(ev.Seq)) != nil { // validateSeqs refused duplicates; checked all the same
			return nil, fmt.Errorf("two events numbered %d", ev.Seq)
		}
		if err := b.Put(seqKey(ev.Seq), data); err != nil {
			return nil, err
		}
		last = ev
	}
	if err := putLastWrite(tx, sess, last); err != nil {
		return nil, err
	}
	return added, putChange(tx, sess.ID, sess.Rev)
}

// BySeqZeroLast orders numbered events by number, then the unnumbered ones
// (an import's own notes), as every engine numbers an imported history.
func BySeqZeroLast(a, b Event) int {
	switch {
	case a.Seq == b.Seq:
		return 0
	case a.Seq == 0:
		return 1
	case b.Seq == 0:
		return -1
	case a.Seq < b.Seq:
		return -1
	}
	return 1
}

// indexKeyID is the id in a by_updated key; "" if none.
func indexKeyID(k []byte) string {
	if len(k) <= 8 {
		return ""
	}
	return string(k[8:])
}

// updaterKeyID is the id in a by_updater key; "" if none.
func updaterKeyID(k []byte) string {
	if _, rest, ok := splitUpdaterKey(k); ok {
		return indexKeyID(rest)
	}
	return ""
}

// dropIndexKeys deletes every key of index that belongs to id (as keyID reads it).
func dropIndexKeys(index *bolt.Bucket, id string, keyID func([]byte) string) error {
	var stale [][]byte
	err := index.ForEach(func(k, _ []byte) error {
		if keyID(k) == id {
			stale = append(stale, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range stale {
		if err := index.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
