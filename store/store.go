// Package store keeps onboarding sessions in one bbolt file.
//
// Buckets:
//
//	meta        schema_version → decimal string;
//	            last_write → JSON LastWrite of the latest session save
//	sessions    id → session JSON
//	events      id → nested bucket: 8-byte big-endian seq → event JSON
//	by_updated  8-byte big-endian unix nanos of UpdatedAt + id → empty
//
// Every Save is one write transaction (one fsync). History is append-only:
// no save overwrites an event.
package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// DefaultTimeout is how long Open waits for the file lock when Options.Timeout is zero.
const DefaultTimeout = time.Second

var (
	bucketMeta      = []byte("meta")
	bucketSessions  = []byte("sessions")
	bucketEvents    = []byte("events")
	bucketByUpdated = []byte("by_updated")

	keySchemaVersion = []byte("schema_version")
)

// Options configures Open.
type Options struct {
	Timeout  time.Duration // file-lock wait; 0 means DefaultTimeout
	ReadOnly bool          // open with bbolt's ReadOnly: no writes, no file created (see OpenReadOnly)

	// SyncDelay is for tests only: every Save and Import waits this long
	// inside its write transaction, after its changes are made and before
	// bbolt writes and fsyncs them, as if the disk were slow to sync. The
	// file lock is held meanwhile, so other writers wait too. A process
	// killed during the wait loses exactly that save (nothing of it reached
	// the file) and nothing else. Zero, the default, means no wait.
	SyncDelay time.Duration
}

// Store is an open sessions file. Its methods are safe for concurrent use.
type Store struct {
	db        *bolt.DB
	path      string
	syncDelay time.Duration
	damage    *MetaDamage // found by Open, before anything was written

	logMu   sync.Mutex
	log     io.Writer // the support log, if any (see SetLog)
	logFile *os.File  // set when the store opened the log itself
	logPath string    // OpenLog's file, opened at the first line if it did not exist
}

// DefaultPath is $XDG_DATA_HOME/wizard/wizard.db, else ~/.local/share/wizard/wizard.db.
func DefaultPath() (string, error) {
	if dir := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(dir) { // the spec says ignore relative values
		return filepath.Join(dir, "wizard", "wizard.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("store: no data directory: %w", err)
	}
	return filepath.Join(home, ".local", "share", "wizard", "wizard.db"), nil
}

// Open opens (creating if needed, unless read-only) the file at path and
// brings its schema up to SchemaVersion. Errors worth showing a person are
// *LockedError, *CorruptError, *SchemaError and, read-only, *NoFileError. A
// damaged file is never written to. A file one of whose two meta pages is
// damaged opens (bbolt reads it at the other one); MetaDamage then says so.
func Open(path string, opt Options) (st *Store, err error) {
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.ReadOnly {
		// bbolt would try to initialise an empty file, and fail on the read-only descriptor.
		if fi, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, &NoFileError{Path: path}
		} else if err == nil && fi.Size() == 0 {
			return nil, &NoFileError{Path: path, Empty: true}
		}
	} else {
		if err := mkdirPrivate(filepath.Dir(path)); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
	}

	if err := preflight(path, opt.Timeout); err != nil {
		return nil, err
	}

	// bbolt panics on some kinds of damage it finds while loading the file.
	// Report that as a damaged file rather than crash the wizard.
	var db *bolt.DB
	defer func() {
		if r := recover(); r != nil {
			if db != nil {
				db.Close()
			}
			st, err = nil, &CorruptError{Path: path, Err: fmt.Errorf("%v", r)}
		}
	}()

	db, err = bolt.Open(path, 0o600, &bolt.Options{
		Timeout:        opt.Timeout,
		NoFreelistSync: true,
		ReadOnly:       opt.ReadOnly,
	})
	if err != nil {
		if opt.ReadOnly && errors.Is(err, fs.ErrNotExist) {
			return nil, &NoFileError{Path: path}
		}
		return nil, openError(path, err)
	}
	s := &Store{db: db, path: path, syncDelay: opt.SyncDelay}
	// Look at the meta pages now, with the lock held and before init may
	// write: the next commit rewrites the damaged page and the trace is gone.
	if s.damage = inspectMeta(path); s.damage != nil {
		_ = db.View(func(tx *bolt.Tx) error {
			s.damage.Last = readLastWrite(tx)
			return nil
		})
	}
	if err := s.init(opt.ReadOnly); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// OpenReadOnly opens the file at path for reading only (bbolt's ReadOnly: a
// shared lock, a read-only descriptor and mapping), for commands that only
// read. It works on a file and directory that are not writable (a read-only
// mount) and never creates anything: a missing or empty file is a
// *NoFileError ("no data file at PATH yet"). A file of an older schema is a
// *SchemaError, as it is not migrated.
func OpenReadOnly(path string, timeout time.Duration) (*Store, error) {
	return Open(path, Options{Timeout: timeout, ReadOnly: true})
}

func openError(path string, err error) error {
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return &LockedError{Path: path}
	case errors.Is(err, berrors.ErrInvalid),
		errors.Is(err, berrors.ErrChecksum),
		errors.Is(err, berrors.ErrVersionMismatch),
		// A file cut below two pages: bbolt's mmap says only this, untyped
		// (db.go, fileSize: "file size too small %d").
		strings.HasPrefix(err.Error(), "file size too small"):
		return &CorruptError{Path: path, Err: err}
	}
	return fmt.Errorf("store: open %s: %w", path, err)
}

// preflight reads every page reachable in an existing file, read-only and in
// this goroutine, before the real open. Opening read-write with NoFreelistSync
// makes bbolt walk the file in a goroutine of its own, where a damaged page
// panics and kills the process; here that damage becomes a *CorruptError.
func preflight(path string, timeout time.Duration) (err error) {
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		return nil // nothing to read yet; Open reports any other problem
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: true})
	if err != nil {
		return openError(path, err)
	}
	defer db.Close()

	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true)) // in case a page lies past the end of the file
	defer func() {
		if r := recover(); r != nil {
			err = &CorruptError{Path: path, Err: fmt.Errorf("%v", r)}
		}
	}()
	return db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walk(b) })
	})
}

// walk visits every key of b and of the buckets nested in it.
func walk(b *bolt.Bucket) error {
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			if nb := b.Bucket(k); nb != nil {
				return walk(nb)
			}
		}
		return nil
	})
}

// mkdirPrivate creates dir with mode 0700 if it does not exist.
func mkdirPrivate(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(dir, 0o700) // in case the umask took bits away
}

var errCurrent = errors.New("schema is current")

// init makes the file private and runs pending migrations.
func (s *Store) init(readOnly bool) error {
	if readOnly {
		var have int
		err := s.db.View(func(tx *bolt.Tx) (err error) {
			have, err = readVersion(tx)
			return err
		})
		if err != nil {
			return &CorruptError{Path: s.path, Err: err}
		}
		if have != SchemaVersion {
			return &SchemaError{Path: s.path, Have: have, Want: SchemaVersion}
		}
		return nil
	}

	if fi, err := os.Stat(s.path); err != nil {
		return fmt.Errorf("store: %w", err)
	} else if fi.Mode().Perm() != 0o600 {
		if err := os.Chmod(s.path, 0o600); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}

	err := s.db.Update(func(tx *bolt.Tx) error {
		have, err := readVersion(tx)
		switch {
		case err != nil:
			return &CorruptError{Path: s.path, Err: err}
		case have > SchemaVersion:
			return &SchemaError{Path: s.path, Have: have, Want: SchemaVersion}
		case have == SchemaVersion:
			return errCurrent // roll back: committing an empty transaction still writes and syncs
		}
		return migrate(tx, migrations)
	})
	if errors.Is(err, errCurrent) {
		return nil
	}
	var se *SchemaError
	var ce *CorruptError
	if err != nil && !errors.As(err, &se) && !errors.As(err, &ce) {
		return fmt.Errorf("store: %s: %w", s.path, err)
	}
	return err
}

// MetaDamage reports, as found when the store was opened, that one of the
// file's two meta pages was damaged; nil if both read. When
// MetaDamage().MayHaveLost(), the last save may be gone: say so, and which
// signup (Last) may need its last step done again, before saving anything —
// the next save rewrites the damaged page.
func (s *Store) MetaDamage() *MetaDamage { return s.damage }

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Close releases the file and its lock, and closes a log opened with OpenLog.
func (s *Store) Close() error {
	s.SetLog(nil)
	return s.db.Close()
}

// SchemaVersion is the schema version recorded in the file.
func (s *Store) SchemaVersion() (int, error) {
	var v int
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		v, err = readVersion(tx)
		return err
	})
	return v, err
}

// indexKey is the by_updated key: 8-byte big-endian unix nanos, then the id.
func indexKey(t time.Time, id string) []byte {
	n := t.UnixNano()
	if n < 0 || t.IsZero() {
		n = 0
	}
	k := make([]byte, 8, 8+len(id))
	binary.BigEndian.PutUint64(k, uint64(n))
	return append(k, id...)
}

func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, seq)
}

// Save writes sess and appends ev to its history in one transaction.
//
// It sets sess.ID to its canonical form (see NormaliseID), sess.Rev to one more
// than the stored revision, and sess.Schema to SchemaVersion. A zero
// sess.UpdatedAt becomes ev.At (and a zero ev.At becomes sess.UpdatedAt; if
// both are zero, the current time); a zero sess.CreatedAt is kept from the
// stored session, or else becomes UpdatedAt. An empty ev.Step becomes
// sess.Step; ev.Seq is set to the next number in the session's history.
// sess is changed only if the save succeeds.
func (s *Store) Save(sess *Session, ev Event) error {
	if sess == nil {
		return errors.New("store: save: nil session")
	}
	next := *sess
	next.ID = NormaliseID(next.ID)
	if next.ID == "" {
		return errors.New("store: save: session has no id")
	}
	if !isID(next.ID) {
		return fmt.Errorf("store: save: id %s is not a signup id (like K7MQ-4XPD)", quote(next.ID))
	}
	err := s.db.Update(func(tx *bolt.Tx) (err error) {
		if ev, err = saveTx(tx, &next, ev); err != nil {
			return err
		}
		s.slowSync()
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save %s: %w", next.ID, err)
	}
	*sess = next
	s.logEvents(next.ID, ev)
	return nil
}

// putSession writes sess (as the next revision after prevRev, in this schema)
// and its index key; the caller has removed the old index key.
func putSession(sessions, index *bolt.Bucket, sess *Session, prevRev uint64) error {
	if sess.CreatedAt.IsZero() {
		sess.CreatedAt = sess.UpdatedAt
	}
	sess.Rev = max(prevRev, sess.Rev) + 1
	sess.Schema = SchemaVersion
	data, err := json.Marshal(sess)
	if err != nil {
		return err
	}
	if err := sessions.Put([]byte(sess.ID), data); err != nil {
		return err
	}
	return index.Put(indexKey(sess.UpdatedAt, sess.ID), nil)
}

// saveTx does the work of Save inside tx and returns the event as saved;
// sess.ID must already be canonical.
func saveTx(tx *bolt.Tx, sess *Session, ev Event) (Event, error) {
	sessions := tx.Bucket(bucketSessions)
	index := tx.Bucket(bucketByUpdated)
	key := []byte(sess.ID)

	if sess.UpdatedAt.IsZero() {
		sess.UpdatedAt = ev.At
	}
	if sess.UpdatedAt.IsZero() {
		sess.UpdatedAt = time.Now()
	}
	if ev.At.IsZero() {
		ev.At = sess.UpdatedAt
	}

	var prevRev uint64
	if v := sessions.Get(key); v != nil {
		var prev Session
		if err := json.Unmarshal(v, &prev); err != nil {
			return ev, fmt.Errorf("stored session: %w", err)
		}
		if err := index.Delete(indexKey(prev.UpdatedAt, sess.ID)); err != nil {
			return ev, err
		}
		prevRev = prev.Rev
		if sess.CreatedAt.IsZero() {
			sess.CreatedAt = prev.CreatedAt
		}
	}
	if err := putSession(sessions, index, sess, prevRev); err != nil {
		return ev, err
	}

	events, err := tx.Bucket(bucketEvents).CreateBucketIfNotExists(key)
	if err != nil {
		return ev, err
	}
	if ev.Seq, err = nextSeq(events); err != nil {
		return ev, err
	}
	if ev.Step == "" {
		ev.Step = sess.Step
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return ev, err
	}
	if err := events.Put(seqKey(ev.Seq), data); err != nil {
		return ev, err
	}
	return ev, putLastWrite(tx, sess, ev)
}

// nextSeq numbers a new event of history b: one above both the bucket's
// sequence and its last key, so it never lands on an event already there
// (history is append-only), and never above MaxSeq, so it cannot wrap.
func nextSeq(b *bolt.Bucket) (uint64, error) {
	top := b.Sequence()
	if k, _ := b.Cursor().Last(); len(k) == 8 {
		top = max(top, binary.BigEndian.Uint64(k))
	}
	if top >= MaxSeq {
		return 0, fmt.Errorf("the history is full: it is numbered up to %d, the limit is %d", top, uint64(MaxSeq))
	}
	next := top + 1
	if b.Get(seqKey(next)) != nil { // cannot happen after the above; checked all the same
		return 0, fmt.Errorf("event %d already exists; history is append-only", next)
	}
	return next, b.SetSequence(next)
}

// slowSync waits Options.SyncDelay (tests only).
func (s *Store) slowSync() {
	if s.syncDelay > 0 {
		time.Sleep(s.syncDelay)
	}
}

// Load returns the session with the given id, which may be in any case and
// with or without its dash. A missing session is an error wrapping ErrNotFound.
func (s *Store) Load(id string) (Session, error) {
	id = NormaliseID(id)
	var sess Session
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		sess, err = loadTx(tx, id)
		return err
	})
	return sess, err
}

// loadTx reads the session with canonical id inside tx.
func loadTx(tx *bolt.Tx, id string) (Session, error) {
	var sess Session
	v := tx.Bucket(bucketSessions).Get([]byte(id))
	if v == nil {
		return sess, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err := json.Unmarshal(v, &sess); err != nil {
		return sess, fmt.Errorf("store: session %s: %w", id, err)
	}
	return sess, nil
}

// ListOptions selects sessions for List.
type ListOptions struct {
	Limit    int                // at most this many; 0 means all
	Statuses []Status           // only these statuses; empty means any
	Match    func(Session) bool // optional extra filter
}

// List returns sessions newest UpdatedAt first.
func (s *Store) List(opt ListOptions) ([]Session, error) {
	var out []Session
	err := s.db.View(func(tx *bolt.Tx) error {
		sessions := tx.Bucket(bucketSessions)
		c := tx.Bucket(bucketByUpdated).Cursor()
		for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
			if len(k) <= 8 {
				continue
			}
			id := k[8:]
			v := sessions.Get(id)
			if v == nil {
				continue // an index key without its session: nothing to show
			}
			var sess Session
			if err := json.Unmarshal(v, &sess); err != nil {
				return fmt.Errorf("store: session %s: %w", id, err)
			}
			if len(opt.Statuses) > 0 && !slices.Contains(opt.Statuses, sess.Status) {
				continue
			}
			if opt.Match != nil && !opt.Match(sess) {
				continue
			}
			out = append(out, sess)
			if opt.Limit > 0 && len(out) >= opt.Limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// Latest returns the most recently updated session; with resumable, the most
// recent one whose status is active or waiting. ok is false if there is none.
func (s *Store) Latest(resumable bool) (sess Session, ok bool, err error) {
	opt := ListOptions{Limit: 1}
	if resumable {
		opt.Statuses = []Status{StatusActive, StatusWaiting}
	}
	list, err := s.List(opt)
	if err != nil || len(list) == 0 {
		return Session{}, false, err
	}
	return list[0], true, nil
}

// Events returns a session's history in order. A missing session is an error
// wrapping ErrNotFound.
func (s *Store) Events(id string) ([]Event, error) {
	id = NormaliseID(id)
	var out []Event
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		if tx.Bucket(bucketSessions).Get([]byte(id)) == nil {
			return fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		out, err = eventsTx(tx, id)
		return err
	})
	return out, err
}

// eventsTx reads the history of canonical id inside tx, in order.
func eventsTx(tx *bolt.Tx, id string) ([]Event, error) {
	var out []Event
	b := tx.Bucket(bucketEvents).Bucket([]byte(id))
	if b == nil {
		return nil, nil
	}
	err := b.ForEach(func(k, v []byte) error {
		var ev Event
		if err := json.Unmarshal(v, &ev); err != nil {
			return fmt.Errorf("store: session %s event %x: %w", id, k, err)
		}
		out = append(out, ev)
		return nil
	})
	return out, err
}
