// Package store keeps onboarding sessions in one bbolt file: the local
// engine of the store contract (Engine; see contract.go).
//
// Buckets:
//
//	meta        schema_version → decimal string;
//	            last_write → JSON LastWrite of the latest session save;
//	            change → JSON counter of writes and the last one (Watch polls it)
//	sessions    id → session JSON
//	events      id → nested bucket: 8-byte big-endian seq → event JSON
//	by_updated  8-byte big-endian unix nanos of UpdatedAt + id → empty
//	by_updater  uvarint length of UpdatedBy + UpdatedBy + 8-byte big-endian
//	            unix nanos of UpdatedAt + id → empty (schema 2: "latest
//	            for me" reads only that user's signups)
//	holds       id → JSON Hold (created by the first Acquire)
//
// The file is open only for the length of one transaction: every call opens
// it (read-only with bbolt's shared lock, or writable with its exclusive
// lock), runs one transaction and closes it, so several processes share it.
// Every Save is one write transaction (one fsync), made only on the revision
// the writer loaded. History is append-only: no save overwrites an event.
package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
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
	bucketByUpdater = []byte("by_updater")

	keySchemaVersion = []byte("schema_version")
)

// Options configures Open.
type Options struct {
	// Timeout is how long one transaction waits for the file lock (held
	// only for the length of a transaction); 0 means DefaultTimeout. A
	// transaction that cannot get it in time is a *LockedError.
	Timeout  time.Duration
	ReadOnly bool // every transaction opens with bbolt's ReadOnly: no writes, no file created (see OpenReadOnly)

	// Now is the clock of holds (their expiry) and of defaults (an
	// UpdatedAt left zero, import checks); nil means time.Now.
	Now func() time.Time

	// WatchInterval is how often Watch looks at the file; 0 means
	// DefaultWatchInterval.
	WatchInterval time.Duration

	// Verify makes Open read every page of the file (bbolt's full check,
	// as doctor's Check does) and report damage anywhere as a
	// *CorruptError: what --repair needs before it decides to move a file
	// aside. Without it Open reads only the header and the bucket roots.
	Verify bool

	// SyncDelay is for tests only: every Save and Import waits this long
	// inside its write transaction, after its changes are made and before
	// bbolt writes and fsyncs them, as if the disk were slow to sync. The
	// file lock is held meanwhile, so other writers (and readers) wait too.
	// A process killed during the wait loses exactly that save (nothing of
	// it reached the file) and nothing else. Zero, the default, means no wait.
	SyncDelay time.Duration
}

// DefaultWatchInterval is how often Watch reads the file's change record.
const DefaultWatchInterval = 250 * time.Millisecond

// Store is a sessions file. It keeps nothing open between calls: every call
// opens the file for one bbolt transaction — read-only calls with bbolt's
// shared lock, writing ones with its exclusive lock — and closes it again,
// so other processes (list, show, export, other wizards on other signups)
// use the file at the same time. Its methods are safe for concurrent use.
type Store struct {
	path      string
	readOnly  bool
	timeout   time.Duration
	syncDelay time.Duration
	now       func() time.Time
	poll      time.Duration
	noSync    bool        // tests only: no fsync (see fuzz_test.go)
	inited    bool        // Open has made the file
	damage    *MetaDamage // found by Open, before anything was written

	// mu keeps this process's own transactions apart: bbolt's flock is per
	// open file, so two of them would otherwise wait on each other by
	// polling the lock. Readers share it; a writer has it alone.
	mu sync.RWMutex

	logMu   sync.Mutex
	log     io.Writer // the support log, if any (see SetLog)
	logFile *os.File  // set when the store opened the log itself
	logPath string    // OpenLog's file, opened at the first line if it did not exist
}

var _ Engine = (*Store)(nil)

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

// Open checks the file at path (creating it if needed, unless read-only)
// and brings its schema up to SchemaVersion, in one transaction; the file is
// not kept open. Errors worth showing a person are *LockedError,
// *CorruptError, *SchemaError and, read-only, *NoFileError. A damaged file is
// never written to. A file one of whose two meta pages is damaged opens
// (bbolt reads it at the other one); MetaDamage then says so.
//
// Open reads the file's header pages, the roots of its buckets and (for a
// file last written without a freelist, once) every page; it does not read
// the whole file. Damage further in is reported by the first call that meets
// it, as a *CorruptError, and by Check.
func Open(path string, opt Options) (*Store, error) {
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.WatchInterval <= 0 {
		opt.WatchInterval = DefaultWatchInterval
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
	s := &Store{path: path, readOnly: opt.ReadOnly, timeout: opt.Timeout, syncDelay: opt.SyncDelay,
		now: opt.Now, poll: opt.WatchInterval}
	if err := s.init(context.Background()); err != nil {
		return nil, err
	}
	s.inited = true
	if opt.Verify {
		if err := s.verify(context.Background()); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// OpenReadOnly opens the file at path for reading only (bbolt's ReadOnly: a
// shared lock, a read-only descriptor and mapping), for commands that only
// read. It works on a file and directory that are not writable (a read-only
// mount) and never creates anything: a missing or empty file is a
// *NoFileError ("no data file at PATH yet"). A file of a schema older than
// MinReadSchema is a *SchemaError, as it is not migrated; one from
// MinReadSchema up is read as it is (List then walks the index that schema
// has), and migrated by the next writable Open.
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

// view runs fn in a read-only transaction of its own (see run).
func (s *Store) view(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	return s.run(ctx, false, fn)
}

// update runs fn in a write transaction of its own (see run).
func (s *Store) update(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	return s.run(ctx, true, fn)
}

// run opens the file for one transaction, runs fn in it and closes the file:
// read-only with bbolt's shared lock, or writable with its exclusive lock.
// The lock wait is the store's Timeout (or less, if ctx ends sooner). bbolt
// panics on some damage it meets, and a page past the end of a cut file
// faults: both become a *CorruptError, and the file is released.
func (s *Store) run(ctx context.Context, write bool, fn func(tx *bolt.Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	if write && s.readOnly {
		return berrors.ErrDatabaseReadOnly
	}
	if write {
		s.mu.Lock()
		defer s.mu.Unlock()
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	if _, err := os.Stat(s.path); errors.Is(err, fs.ErrNotExist) && (!write || s.inited) {
		return &NoFileError{Path: s.path} // moved aside, say, since Open: do not start a file without its buckets
	}
	if write {
		if err := s.beforeWrite(); err != nil {
			return err
		}
	}
	timeout := s.timeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = max(min(timeout, time.Until(dl)), time.Millisecond)
	}

	var db *bolt.DB
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if db != nil {
				_ = db.Close() // the transaction rolled back as it unwound
			}
			// (A panic inside bolt.Open leaves its mapping, and so the lock,
			// in place until the process ends; the header checks above are
			// there to keep bbolt from meeting that damage there.)
			err = &CorruptError{Path: s.path, Err: fmt.Errorf("%v", r)}
		}
	}()
	db, err = bolt.Open(s.path, 0o600, &bolt.Options{
		Timeout:  timeout,
		ReadOnly: !write,
		NoSync:   s.noSync,
	})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) && ctx.Err() != nil {
			return ctx.Err()
		}
		if !write && errors.Is(err, fs.ErrNotExist) {
			return &NoFileError{Path: s.path}
		}
		return openError(s.path, err)
	}
	tx := db.View
	if write {
		tx = db.Update
	}
	err = tx(fn)
	if cerr := db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("store: close %s: %w", s.path, cerr)
	}
	return err
}

// verify reads every page of the file: a damaged one is a *CorruptError.
func (s *Store) verify(ctx context.Context) error {
	if err := walkFile(s.path, s.timeout); err != nil {
		return err
	}
	return s.view(ctx, func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			return &CorruptError{Path: s.path, Err: errors.Join(errs...)}
		}
		return nil
	})
}

// beforeWrite looks, before a writable open, at what bbolt reads while
// opening a file for writing, where a panic would keep the file locked (see
// header.checkPages), or crash the process: a file without a freelist, which
// bbolt rebuilds by walking every page in a goroutine of its own. The first
// look is taken without the lock (a writer elsewhere may be half-way through
// a commit); what it finds is looked at again under the shared lock before
// it counts.
func (s *Store) beforeWrite() error {
	if h, ok := readHeader(s.path); !ok || (h.bad == nil && !h.noFreelist) {
		return nil // bbolt reports a file it cannot read at all
	}
	db, err := bolt.Open(s.path, 0o600, &bolt.Options{Timeout: s.timeout, ReadOnly: true})
	if err != nil {
		return openError(s.path, err)
	}
	defer db.Close()
	h, ok := readHeader(s.path)
	switch {
	case !ok:
		return nil
	case h.bad != nil:
		return &CorruptError{Path: s.path, Err: h.bad}
	case h.noFreelist:
		return walkDB(s.path, db)
	}
	return nil
}

// walkFile reads every page reachable in the file at path, read-only and in
// this goroutine: a damaged page becomes a *CorruptError instead of a panic
// elsewhere. It is the expensive check, for doctor, --repair and a file
// whose freelist bbolt would otherwise rebuild by the same walk.
func walkFile(path string, timeout time.Duration) (err error) {
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		return nil // nothing to read yet; Open reports any other problem
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: true})
	if err != nil {
		return openError(path, err)
	}
	defer db.Close()
	return walkDB(path, db)
}

// walkDB reads every page reachable in db, in this goroutine.
func walkDB(path string, db *bolt.DB) (err error) {
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

// init makes the file private, looks at it once (its meta pages, with the
// lock held and before anything is written: the next commit rewrites a
// damaged page and the trace is gone; the roots of its buckets) and runs
// pending migrations.
func (s *Store) init(ctx context.Context) error {
	look := func(tx *bolt.Tx) error {
		if s.damage = inspectMeta(s.path); s.damage != nil {
			s.damage.Last = readLastWrite(tx)
		}
		if h, ok := readHeader(s.path); ok && h.bad != nil { // a cut file, a damaged freelist or root
			return &CorruptError{Path: s.path, Err: h.bad}
		}
		return checkRoots(tx)
	}
	// A file at the current schema is only read (no freelist to load, no
	// exclusive lock); one that needs migrating, or a new one, is written.
	var have int
	err := s.view(ctx, func(tx *bolt.Tx) (err error) {
		if err := look(tx); err != nil {
			return err
		}
		if have, err = readVersion(tx); err != nil {
			return &CorruptError{Path: s.path, Err: err}
		}
		return nil
	})
	switch {
	case s.readOnly && err == nil && (have > SchemaVersion || have < MinReadSchema):
		return &SchemaError{Path: s.path, Have: have, Want: SchemaVersion}
	case s.readOnly || (err == nil && have == SchemaVersion):
		if err == nil && !s.readOnly {
			err = s.tighten()
		}
		return err
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		if fi, serr := os.Stat(s.path); !(serr == nil && fi.Size() == 0) {
			return err // (an empty file is a new one: bbolt initialises it)
		}
	}

	err = s.update(ctx, func(tx *bolt.Tx) error {
		if err := look(tx); err != nil {
			return err
		}
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
		err = nil
	}
	var se *SchemaError
	var ce *CorruptError
	var le *LockedError
	if err != nil && !errors.As(err, &se) && !errors.As(err, &ce) && !errors.As(err, &le) {
		return fmt.Errorf("store: %s: %w", s.path, err)
	}
	if err != nil {
		return err
	}
	return s.tighten()
}

// tighten makes the file private (mode 0600) if someone loosened it.
func (s *Store) tighten() error {
	if fi, err := os.Stat(s.path); err != nil {
		return fmt.Errorf("store: %w", err)
	} else if fi.Mode().Perm() != 0o600 {
		if err := os.Chmod(s.path, 0o600); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	return nil
}

// checkRoots reads the header of the root page of every bucket the store
// keeps (a few small reads, not through the mapping): the pages every call
// starts from, so that damage there is found when the file is opened.
func checkRoots(tx *bolt.Tx) error {
	f, err := os.Open(tx.DB().Path())
	if err != nil {
		return nil // Open reports what matters about that
	}
	defer f.Close()
	h := header{pageSize: uint32(tx.DB().Info().PageSize), pgid: uint64(tx.Size()) / uint64(tx.DB().Info().PageSize)}
	for _, name := range [][]byte{bucketMeta, bucketSessions, bucketEvents, bucketByUpdated, bucketByUpdater, bucketHolds} {
		b := tx.Bucket(name)
		if b == nil || b.Root() == 0 { // missing, or inline in its parent's page
			continue
		}
		flags, _, _, err := h.page(f, uint64(b.Root()))
		if err == nil && flags != pageBranch && flags != pageLeaf {
			err = fmt.Errorf("page %d is not a branch or leaf page (flags %#x)", b.Root(), flags)
		}
		if err != nil {
			return &CorruptError{Path: tx.DB().Path(), Err: fmt.Errorf("the root of bucket %s: %w", name, err)}
		}
	}
	return nil
}

// MetaDamage reports, as found when the store was opened, that one of the
// file's two meta pages was damaged; nil if both read. When
// MetaDamage().MayHaveLost(), the last save may be gone: say so, and which
// signup (Last) may need its last step done again, before saving anything —
// the next save rewrites the damaged page.
func (s *Store) MetaDamage() *MetaDamage { return s.damage }

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Where is the file the store was opened from (for messages).
func (s *Store) Where() string { return s.path }

// Close closes a log opened with OpenLog. The file itself is open only
// during a call. It does not release holds.
func (s *Store) Close() error {
	s.SetLog(nil)
	return nil
}

// SchemaVersion is the schema version recorded in the file.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.view(ctx, func(tx *bolt.Tx) (err error) {
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

// updaterPrefix is the start of every by_updater key of user by: the
// uvarint length of by, then by. It is prefix-free (no user's prefix starts
// another's), so a user's keys are exactly those that start with it, and any
// byte, even 0x00, may be in a name.
func updaterPrefix(by string) []byte {
	return append(binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(by)+8+9), uint64(len(by))), by...)
}

// updaterKey is the by_updater key: updaterPrefix(by), then the by_updated
// key (indexKey) of the session.
func updaterKey(by string, t time.Time, id string) []byte {
	return append(updaterPrefix(by), indexKey(t, id)...)
}

// splitUpdaterKey returns the by_updated key (time and id) inside a
// by_updater key, and the user; ok is false for a key not made by updaterKey.
func splitUpdaterKey(k []byte) (by string, rest []byte, ok bool) {
	n, w := binary.Uvarint(k)
	if w <= 0 || n > uint64(len(k)-w) || len(k)-w-int(n) <= 8 {
		return "", nil, false
	}
	return string(k[w : w+int(n)]), k[w+int(n):], true
}

func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, seq)
}

// Save writes sess and appends ev to its history in one transaction, if the
// stored revision is sess.Rev and the hold allows it (see Engine.Save).
//
// It sets sess.ID to its canonical form (see NormaliseID), sess.Rev to one more
// than the stored revision, and sess.Schema to SessionSchema. A zero
// sess.UpdatedAt becomes ev.At (and a zero ev.At becomes sess.UpdatedAt; if
// both are zero, the store's clock); a zero sess.CreatedAt is kept from the
// stored session, or else becomes UpdatedAt. An empty ev.Step becomes
// sess.Step; ev.Seq is set to the next number in the session's history.
// sess is changed only if the save succeeds.
func (s *Store) Save(ctx context.Context, sess *Session, ev Event, hold *Hold) error {
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
	err := s.update(ctx, func(tx *bolt.Tx) (err error) {
		now := s.now()
		if err := fence(tx, next.ID, hold, now); err != nil {
			return err
		}
		if ev, err = saveTx(tx, &next, ev, now); err != nil {
			return err
		}
		s.slowSync()
		return nil
	})
	if err != nil {
		return saveError("save", next.ID, err)
	}
	*sess = next
	s.logEvents(next.ID, ev)
	return nil
}

// saveError is err as Save and Import return it: the store's own errors,
// which say everything, as they are; others with what failed.
func saveError(what, id string, err error) error {
	var (
		ce *ConflictError
		he *HeldError
		ee *ExistsError
		co *CorruptError
		le *LockedError
	)
	if errors.As(err, &ce) || errors.As(err, &he) || errors.As(err, &ee) || errors.As(err, &co) || errors.As(err, &le) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("store: %s %s: %w", what, id, err)
}

// putSession writes sess (as revision prevRev+1, in this schema) and its
// keys in both indexes; the caller has removed the old ones.
func putSession(sessions, index, byUpdater *bolt.Bucket, sess *Session, prevRev uint64) error {
	if sess.CreatedAt.IsZero() {
		sess.CreatedAt = sess.UpdatedAt
	}
	sess.Rev = prevRev + 1
	sess.Schema = SessionSchema
	data, err := json.Marshal(sess)
	if err != nil {
		return err
	}
	if err := sessions.Put([]byte(sess.ID), data); err != nil {
		return err
	}
	if err := index.Put(indexKey(sess.UpdatedAt, sess.ID), nil); err != nil {
		return err
	}
	return byUpdater.Put(updaterKey(sess.UpdatedBy, sess.UpdatedAt, sess.ID), nil)
}

// decodeSession reads a stored session record; one that does not decode is
// a *CorruptError naming it.
func decodeSession(path string, id, v []byte) (Session, error) {
	var sess Session
	if err := json.Unmarshal(v, &sess); err != nil {
		return sess, &CorruptError{Path: path, Err: fmt.Errorf("session %s does not read: %w", quote(string(id)), err)}
	}
	return sess, nil
}

// saveTx does the work of Save inside tx and returns the event as saved;
// sess.ID must already be canonical. now stands in for times left zero.
func saveTx(tx *bolt.Tx, sess *Session, ev Event, now time.Time) (Event, error) {
	sessions := tx.Bucket(bucketSessions)
	index, byUpdater := tx.Bucket(bucketByUpdated), tx.Bucket(bucketByUpdater)
	key := []byte(sess.ID)

	if sess.UpdatedAt.IsZero() {
		sess.UpdatedAt = ev.At
	}
	if sess.UpdatedAt.IsZero() {
		sess.UpdatedAt = now
	}
	if ev.At.IsZero() {
		ev.At = sess.UpdatedAt
	}

	var prevRev uint64
	if v := sessions.Get(key); v != nil {
		prev, err := decodeSession(tx.DB().Path(), key, v)
		if err != nil {
			return ev, err
		}
		if prev.Rev != sess.Rev {
			return ev, &ConflictError{ID: sess.ID, Loaded: sess.Rev, Stored: prev.Rev, Current: prev}
		}
		if err := index.Delete(indexKey(prev.UpdatedAt, sess.ID)); err != nil {
			return ev, err
		}
		if err := byUpdater.Delete(updaterKey(prev.UpdatedBy, prev.UpdatedAt, sess.ID)); err != nil {
			return ev, err
		}
		prevRev = prev.Rev
		if sess.CreatedAt.IsZero() {
			sess.CreatedAt = prev.CreatedAt
		}
	} else if sess.Rev != 0 {
		return ev, &ConflictError{ID: sess.ID, Loaded: sess.Rev}
	}
	if err := putSession(sessions, index, byUpdater, sess, prevRev); err != nil {
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
	if err := putLastWrite(tx, sess, ev); err != nil {
		return ev, err
	}
	return ev, putChange(tx, sess.ID, sess.Rev)
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
func (s *Store) Load(ctx context.Context, id string) (Session, error) {
	id = NormaliseID(id)
	var sess Session
	err := s.view(ctx, func(tx *bolt.Tx) (err error) {
		sess, err = loadTx(tx, id)
		return err
	})
	return sess, err
}

// loadTx reads the session with canonical id inside tx.
func loadTx(tx *bolt.Tx, id string) (Session, error) {
	v := tx.Bucket(bucketSessions).Get([]byte(id))
	if v == nil {
		return Session{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return decodeSession(tx.DB().Path(), []byte(id), v)
}

// Events returns a session's history in order. A missing session is an error
// wrapping ErrNotFound.
func (s *Store) Events(ctx context.Context, id string) ([]Event, error) {
	id = NormaliseID(id)
	var out []Event
	err := s.view(ctx, func(tx *bolt.Tx) (err error) {
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
			return &CorruptError{Path: tx.DB().Path(), Err: fmt.Errorf("session %s event %x does not read: %w", id, k, err)}
		}
		out = append(out, ev)
		return nil
	})
	return out, err
}
