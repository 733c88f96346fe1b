// Package postgres keeps signups in a PostgreSQL database shared by a team:
// an implementation of store.Engine with pgx.
//
// Tables (created and migrated on first connect, see schema.go):
//
//	wizard_schema    the layout version (one row)
//	wizard_sessions  id, rev, last_seq, updated_ns/updated_at, status, updated_by,
//	                 search columns (company, email, phone), data (the session's JSON)
//	wizard_events    (id, seq) → data (the event's JSON)
//	wizard_holds     id → token, who, machine, pid, since, expires, ttl_ms
//
// Each save is one statement: the revision check (UPDATE … WHERE id AND rev,
// or INSERT … ON CONFLICT DO NOTHING for a new signup), the hold check, and
// the event's INSERT, so a save either happens whole or not at all and two
// writers can never both succeed from the same revision. Holds expire by the
// database's clock (now()), never a client's. Triggers NOTIFY every change,
// which Watch LISTENs to.
package postgres

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"wizard/store"
)

// Options configures Open.
type Options struct {
	// MaxConns caps the connection pool; 0 means pgxpool's default (the
	// larger of 4 and the number of CPUs). Watch uses a connection of its
	// own besides.
	MaxConns int32

	// Now is the clock of defaults (an UpdatedAt left zero) and of import
	// checks; nil means time.Now. Holds expire by the database's clock,
	// whatever this says: every wizard of a team must agree on it.
	Now func() time.Time
}

// Engine is a store.Engine on a PostgreSQL database. Its methods are safe for
// concurrent use.
type Engine struct {
	pool  *pgxpool.Pool
	where string
	now   func() time.Time

	logMu   sync.Mutex
	log     io.Writer // the support log, if any (see SetLog)
	logFile *os.File  // set when the engine opened the log itself
	logPath string    // OpenLog's file, opened at the first line if it did not exist

	mu      sync.Mutex
	closed  bool
	watches map[*watch]struct{}
	wg      sync.WaitGroup
}

var _ store.Engine = (*Engine)(nil)

// Open connects to the database at url (postgres://user:password@host:port/db?…
// or the key=value form; the PG* environment variables fill in what it
// leaves out, as for psql), creates or migrates the tables, and returns the
// engine. An unreachable database is an error naming it without its
// password; a database laid out by a newer wizard is a *store.SchemaError.
func Open(ctx context.Context, url string, opt Options) (*Engine, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err) // pgconn's message hides the password
	}
	if opt.MaxConns > 0 {
		cfg.MaxConns = opt.MaxConns
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "wizard"
	}
	e := &Engine{where: where(url, cfg.ConnConfig), now: opt.Now, watches: map[*watch]struct{}{}}
	if e.now == nil {
		e.now = time.Now
	}
	if e.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, fmt.Errorf("store: %s: %w", e.where, err)
	}
	if err := e.pool.Ping(ctx); err != nil {
		e.pool.Close()
		return nil, e.wrap(ctx, "cannot reach the database", err)
	}
	if err := e.migrate(ctx); err != nil {
		e.pool.Close()
		var se *store.SchemaError
		if errors.As(err, &se) {
			return nil, se
		}
		return nil, e.wrap(ctx, "cannot set up the tables", err)
	}
	return e, nil
}

// where is the database's address for messages: the URL without its
// password, or, for the key=value form, one built from the parsed config.
func where(raw string, cc *pgx.ConnConfig) string {
	if u, err := url.Parse(raw); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		if u.User != nil {
			u.User = url.User(u.User.Username())
		}
		q := u.Query()
		if q.Has("password") {
			q.Del("password")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	u := url.URL{Scheme: "postgres", User: url.User(cc.User), Host: cc.Host, Path: "/" + cc.Database}
	if !strings.HasPrefix(cc.Host, "/") {
		u.Host += ":" + strconv.Itoa(int(cc.Port))
	} else {
		u.Host = ""
		u.RawQuery = url.Values{"host": {cc.Host}}.Encode()
	}
	return u.String()
}

// Where is the database's address without its password.
func (e *Engine) Where() string { return e.where }

// wrap names the operation and the database; a cancelled or expired context
// is reported as ctx.Err().
func (e *Engine) wrap(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		return fmt.Errorf("store: %s (%s): %w: %v", op, e.where, ctx.Err(), err)
	}
	return fmt.Errorf("store: %s (%s): %w", op, e.where, err)
}

// Close stops the watches, closes the connections and a log opened with
// OpenLog. Holds stay until released or expired.
func (e *Engine) Close() error {
	e.mu.Lock()
	e.closed = true
	for w := range e.watches {
		w.cancel()
	}
	e.mu.Unlock()
	e.wg.Wait()
	e.pool.Close()
	e.SetLog(nil)
	return nil
}

// searchColumns are what List's search looks in besides the id, as the
// wizard's `list --search` matches them: company name and e-mail folded to
// lower case here (so the search does not depend on the database's locale),
// the number as E.164.
func searchColumns(s *store.Session) (company, email, phone string) {
	return strings.ToLower(s.Company.CompanyName), strings.ToLower(s.Account.Email), s.Phone.E164
}

// updatedNS is the List order key: UpdatedAt in unix nanoseconds, 0 for none
// (as the file's index orders them).
func updatedNS(t time.Time) int64 {
	n := t.UnixNano()
	if t.IsZero() || n < 0 {
		return 0
	}
	return n
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func canonicalID(op, id string) (string, error) {
	id = store.NormaliseID(id)
	if id == "" {
		return "", fmt.Errorf("store: %s: no signup id", op)
	}
	if !store.ValidID(id) {
		return "", fmt.Errorf("store: %s: %s is not a signup id (like K7MQ-4XPD)", op, strconv.QuoteToGraphic(trim(id)))
	}
	return id, nil
}

func trim(s string) string {
	if r := []rune(s); len(r) > 32 {
		return string(r[:32]) + "…"
	}
	return s
}

func decodeSession(id string, data []byte) (store.Session, error) {
	var s store.Session
	if err := json.Unmarshal(data, &s); err != nil {
		return s, fmt.Errorf("store: session %s does not read: %w", id, err)
	}
	return s, nil
}

// Load returns the signup with the given id.
func (e *Engine) Load(ctx context.Context, id string) (store.Session, error) {
	id = store.NormaliseID(id)
	var data []byte
	err := e.pool.QueryRow(ctx, `SELECT data FROM wizard_sessions WHERE id = $1`, id).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Session{}, fmt.Errorf("%w: %s", store.ErrNotFound, id)
	}
	if err != nil {
		return store.Session{}, e.wrap(ctx, "load "+id, err)
	}
	return decodeSession(id, data)
}

// The save statements: the session's UPDATE (or INSERT, for revision 0) and
// the event's INSERT in one statement, so in one implicit transaction and one
// round trip. $1 id, $2 the revision the writer loaded, $3… the columns, $11
// the event, $12 the hold's token. The hold condition is checked in the
// same statement: with a hold, it must be the live hold of the signup (FOR
// SHARE: a takeover of the hold waits for this save, and this save sees a
// takeover that committed first); without, no live hold may exist.
const (
	saveUpdate = `
WITH s AS (
	UPDATE wizard_sessions SET rev = $2 + 1, last_seq = last_seq + 1,
		updated_ns = $3, updated_at = $4, status = $5, updated_by = $6,
		company = $7, email = $8, phone = $9, data = $10::jsonb
	WHERE id = $1 AND rev = $2 AND %s
	RETURNING last_seq
)
INSERT INTO wizard_events (id, seq, data)
SELECT $1, s.last_seq, jsonb_set($11::jsonb, '{seq}', to_jsonb(s.last_seq)) FROM s
RETURNING seq`
	saveInsert = `
WITH s AS (
	INSERT INTO wizard_sessions (id, rev, last_seq, updated_ns, updated_at, status, updated_by, company, email, phone, data)
	SELECT $1, $2::bigint + 1, 1, $3, $4, $5, $6, $7, $8, $9, $10::jsonb
	WHERE $2::bigint = 0 AND %s
	ON CONFLICT (id) DO NOTHING
	RETURNING last_seq
)
INSERT INTO wizard_events (id, seq, data)
SELECT $1, s.last_seq, jsonb_set($11::jsonb, '{seq}', to_jsonb(s.last_seq)) FROM s
RETURNING seq`
	withHold = `EXISTS (SELECT 1 FROM wizard_holds h WHERE h.id = $1 AND h.token = $12 AND h.expires > now() FOR SHARE)`
	// ($12 is '' here: named only so that the four statements take the same arguments.)
	noHold = `NOT EXISTS (SELECT 1 FROM wizard_holds h WHERE h.id = $1 AND h.expires > now() AND $12 = '')`
)

var (
	saveUpdateHold   = fmt.Sprintf(saveUpdate, withHold)
	saveUpdateNoHold = fmt.Sprintf(saveUpdate, noHold)
	saveInsertHold   = fmt.Sprintf(saveInsert, withHold)
	saveInsertNoHold = fmt.Sprintf(saveInsert, noHold)
)

// Save writes sess as its next revision and appends ev, if the stored
// revision is sess.Rev and the hold allows it (see store.Engine).
func (e *Engine) Save(ctx context.Context, sess *store.Session, ev store.Event, hold *store.Hold) error {
	if sess == nil {
		return errors.New("store: save: nil session")
	}
	next := *sess
	id, err := canonicalID("save", next.ID)
	if err != nil {
		return err
	}
	next.ID = id
	if hold != nil && store.NormaliseID(hold.ID) != id {
		return fmt.Errorf("store: save %s: %w: the hold given is on %s, not this signup", id, store.ErrHoldLost, store.NormaliseID(hold.ID))
	}
	if next.UpdatedAt.IsZero() {
		next.UpdatedAt = ev.At
	}
	if next.UpdatedAt.IsZero() {
		next.UpdatedAt = e.now()
	}
	if ev.At.IsZero() {
		ev.At = next.UpdatedAt
	}
	if ev.Step == "" {
		ev.Step = next.Step
	}
	if next.CreatedAt.IsZero() && next.Rev > 0 {
		// Kept from the stored revision. If that is not sess.Rev the save
		// below is refused, so what is read here is what it replaces.
		if stored, err := e.Load(ctx, id); err == nil && stored.Rev == next.Rev {
			next.CreatedAt = stored.CreatedAt
		}
	}
	if next.CreatedAt.IsZero() {
		next.CreatedAt = next.UpdatedAt
	}
	loaded := next.Rev
	next.Rev = loaded + 1
	next.Schema = store.SessionSchema

	data, err := json.Marshal(&next)
	if err != nil {
		return fmt.Errorf("store: save %s: %w", id, err)
	}
	ev.Seq = 0 // numbered by the database
	evData, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("store: save %s: %w", id, err)
	}
	sql, token := saveUpdateNoHold, ""
	switch {
	case loaded == 0 && hold != nil:
		sql = saveInsertHold
	case loaded == 0:
		sql = saveInsertNoHold
	case hold != nil:
		sql = saveUpdateHold
	}
	if hold != nil {
		token = hold.Token
	}
	company, email, phone := searchColumns(&next)

	// A refused save is explained by reading what is stored now. If what is
	// read allows the save after all (the hold lapsed, or the signup changed,
	// between the two statements), it is tried again.
	for attempt := 0; ; attempt++ {
		var seq uint64
		err = e.pool.QueryRow(ctx, sql, id, int64(loaded),
			updatedNS(next.UpdatedAt), nullTime(next.UpdatedAt), string(next.Status), next.UpdatedBy,
			company, email, phone, data, evData, token).Scan(&seq)
		if err == nil {
			*sess = next
			ev.Seq = seq
			e.logEvents(id, ev)
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return e.wrap(ctx, "save "+id, err)
		}
		if err := e.refused(ctx, id, loaded, hold); err != nil || attempt == 5 {
			if err == nil {
				err = fmt.Errorf("store: save %s: refused, and nothing stored explains why", id)
			}
			return err
		}
	}
}

// refused explains a save of id from revision loaded that changed nothing:
// ErrHoldLost, a *HeldError or a *ConflictError; nil if what is stored now
// would allow it.
func (e *Engine) refused(ctx context.Context, id string, loaded uint64, hold *store.Hold) error {
	var (
		data []byte
		h    *store.Hold
	)
	row := e.pool.QueryRow(ctx, `
SELECT (SELECT data FROM wizard_sessions WHERE id = $1),
	h.token, h.who, h.machine, h.pid, h.since, h.expires, h.ttl_ms
FROM (SELECT 1) one LEFT JOIN wizard_holds h ON h.id = $1 AND h.expires > now()`, id)
	var (
		token, who, machine *string
		pid                 *int32
		since, expires      *time.Time
		ttl                 *int64
	)
	if err := row.Scan(&data, &token, &who, &machine, &pid, &since, &expires, &ttl); err != nil {
		return e.wrap(ctx, "save "+id, err)
	}
	if token != nil {
		h = &store.Hold{ID: id, Token: *token, Holder: store.Holder{Who: *who, Machine: *machine, PID: int(*pid)},
			Since: *since, Expires: *expires, TTL: time.Duration(*ttl) * time.Millisecond}
	}
	switch {
	case hold != nil && (h == nil || h.Token != hold.Token):
		return fmt.Errorf("store: save %s: %w", id, store.ErrHoldLost)
	case hold == nil && h != nil:
		h.Token = ""
		return &store.HeldError{Hold: *h}
	}
	var cur store.Session
	if data != nil {
		var err error
		if cur, err = decodeSession(id, data); err != nil {
			return err
		}
	}
	if cur.Rev != loaded {
		return &store.ConflictError{ID: id, Loaded: loaded, Stored: cur.Rev, Current: cur}
	}
	return nil
}

// Events returns a signup's history in order.
func (e *Engine) Events(ctx context.Context, id string) ([]store.Event, error) {
	id = store.NormaliseID(id)
	_, events, err := e.sessionAndEvents(ctx, id, false)
	return events, err
}

// sessionAndEvents reads a signup (if withSession) and its history in one
// statement, so from one snapshot.
func (e *Engine) sessionAndEvents(ctx context.Context, id string, withSession bool) (store.Session, []store.Event, error) {
	var data, evData []byte
	err := e.pool.QueryRow(ctx, `
SELECT CASE WHEN $2 THEN s.data END,
	COALESCE((SELECT jsonb_agg(e.data ORDER BY e.seq) FROM wizard_events e WHERE e.id = s.id), '[]'::jsonb)
FROM wizard_sessions s WHERE s.id = $1`, id, withSession).Scan(&data, &evData)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Session{}, nil, fmt.Errorf("%w: %s", store.ErrNotFound, id)
	}
	if err != nil {
		return store.Session{}, nil, e.wrap(ctx, "read "+id, err)
	}
	var sess store.Session
	if withSession {
		if sess, err = decodeSession(id, data); err != nil {
			return sess, nil, err
		}
	}
	var events []store.Event
	if err := json.Unmarshal(evData, &events); err != nil {
		return sess, nil, fmt.Errorf("store: history of %s does not read: %w", id, err)
	}
	if len(events) == 0 {
		events = nil
	}
	return sess, events, nil
}

// List returns the signups q selects, newest first, filtered and searched in
// the database, with a keyset cursor ("UPDATED_NS~ID" of the last row).
func (e *Engine) List(ctx context.Context, q store.Query) (store.Page, error) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(q.Statuses) > 0 {
		ss := make([]string, len(q.Statuses))
		for i, s := range q.Statuses {
			ss[i] = string(s)
		}
		where = append(where, "status = ANY("+arg(ss)+"::text[])")
	}
	if q.By != "" {
		where = append(where, "updated_by = "+arg(q.By))
	}
	if cond := searchCondition(q.Search, arg); cond != "" {
		where = append(where, cond)
	}
	if q.Cursor != "" {
		ns, id, ok := parseCursor(q.Cursor)
		if !ok {
			return store.Page{}, fmt.Errorf("store: list: %s is not a cursor from this store", strconv.QuoteToGraphic(trim(q.Cursor)))
		}
		where = append(where, "(updated_ns, id) < ("+arg(ns)+", "+arg(id)+")")
	}
	sql := "SELECT id, updated_ns, data FROM wizard_sessions"
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	sql += " ORDER BY updated_ns DESC, id DESC"
	if q.Limit > 0 {
		sql += " LIMIT " + arg(q.Limit+1) // one more, to know whether there is a next page
	}
	rows, err := e.pool.Query(ctx, sql, args...)
	if err != nil {
		return store.Page{}, e.wrap(ctx, "list", err)
	}
	defer rows.Close()
	var (
		page   store.Page
		lastNS int64
		lastID string
	)
	for rows.Next() {
		var (
			id   string
			ns   int64
			data []byte
		)
		if err := rows.Scan(&id, &ns, &data); err != nil {
			return store.Page{}, e.wrap(ctx, "list", err)
		}
		if q.Limit > 0 && len(page.Sessions) == q.Limit {
			page.Next = strconv.FormatInt(lastNS, 10) + "~" + lastID
			break
		}
		s, err := decodeSession(id, data)
		if err != nil {
			return store.Page{}, err
		}
		page.Sessions = append(page.Sessions, s)
		lastNS, lastID = ns, id
	}
	if err := rows.Err(); err != nil {
		return store.Page{}, e.wrap(ctx, "list", err)
	}
	return page, nil
}

func parseCursor(c string) (ns int64, id string, ok bool) {
	n, id, ok := strings.Cut(c, "~")
	if !ok {
		return 0, "", false
	}
	ns, err := strconv.ParseInt(n, 10, 64)
	return ns, id, err == nil && ns >= 0 && id != ""
}

// searchCondition is the SQL for Query.Search, as the wizard's list matches
// it: company or e-mail containing it in any case, the id containing it
// without dashes or spaces in any case, or the number containing its digits
// (when it is written like part of a phone number). "" for no search.
func searchCondition(q string, arg func(any) string) string {
	q = strings.TrimSpace(q)
	if q == "" {
		return ""
	}
	like := func(s string) string {
		return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
	}
	lower := arg(like(strings.ToLower(q)))
	compact := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(q))
	conds := []string{"company LIKE " + lower, "email LIKE " + lower}
	if compact != "" {
		conds = append(conds, "replace(id, '-', '') LIKE "+arg(like(compact)))
	}
	if d := store.SearchDigits(q); d != "" {
		conds = append(conds, "phone LIKE "+arg(like(d)))
	}
	return "(" + strings.Join(conds, " OR ") + ")"
}

// Latest returns the most recently updated signup q selects.
func (e *Engine) Latest(ctx context.Context, q store.Query) (store.Session, bool, error) {
	q.Limit, q.Cursor = 1, ""
	p, err := e.List(ctx, q)
	if err != nil || len(p.Sessions) == 0 {
		return store.Session{}, false, err
	}
	return p.Sessions[0], true, nil
}

const holdColumns = `id, token, who, machine, pid, since, expires, ttl_ms`

func scanHold(row pgx.Row) (store.Hold, error) {
	var (
		h   store.Hold
		pid int32
		ttl int64
	)
	err := row.Scan(&h.ID, &h.Token, &h.Holder.Who, &h.Holder.Machine, &pid, &h.Since, &h.Expires, &ttl)
	h.Holder.PID, h.TTL = int(pid), time.Duration(ttl)*time.Millisecond
	return h, err
}

// Acquire takes a hold on id for holder, for ttl (store.DefaultHoldTTL if
// not positive): a new lease row, or the row of a lease that expired, by the
// database's clock.
func (e *Engine) Acquire(ctx context.Context, id string, holder store.Holder, ttl time.Duration) (*store.Hold, error) {
	id, err := canonicalID("hold", id)
	if err != nil {
		return nil, err
	}
	if ttl <= 0 {
		ttl = store.DefaultHoldTTL
	}
	ms := max(ttl.Milliseconds(), 1)
	h := &store.Hold{ID: id, Token: rand.Text(), Holder: holder, TTL: time.Duration(ms) * time.Millisecond}
	for attempt := 0; ; attempt++ {
		err := e.pool.QueryRow(ctx, `
INSERT INTO wizard_holds AS h (id, token, who, machine, pid, since, expires, ttl_ms)
VALUES ($1, $2, $3, $4, $5, now(), now() + $6::float8 * interval '1 millisecond', $6)
ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token, who = EXCLUDED.who, machine = EXCLUDED.machine,
	pid = EXCLUDED.pid, since = EXCLUDED.since, expires = EXCLUDED.expires, ttl_ms = EXCLUDED.ttl_ms
	WHERE h.expires <= now()
RETURNING since, expires`, id, h.Token, holder.Who, holder.Machine, int32(holder.PID), ms).Scan(&h.Since, &h.Expires)
		if err == nil {
			return h, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return nil, e.wrap(ctx, "hold "+id, err)
		}
		other, err := scanHold(e.pool.QueryRow(ctx,
			`SELECT `+holdColumns+` FROM wizard_holds WHERE id = $1 AND expires > now()`, id))
		if err == nil {
			other.Token = "" // the other holder's, not for this one to fence with
			return nil, &store.HeldError{Hold: other}
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return nil, e.wrap(ctx, "hold "+id, err)
		}
		if attempt == 5 { // it keeps lapsing between the two statements
			return nil, fmt.Errorf("store: hold %s: taken and released too fast to tell by whom", id)
		}
	}
}

// Renew extends h by its TTL from now (the database's now).
func (e *Engine) Renew(ctx context.Context, h *store.Hold) error {
	if h == nil {
		return store.ErrHoldLost
	}
	ttl := h.TTL
	if ttl <= 0 {
		ttl = store.DefaultHoldTTL
	}
	ms := max(ttl.Milliseconds(), 1)
	var expires time.Time
	err := e.pool.QueryRow(ctx, `
UPDATE wizard_holds SET expires = now() + $3::float8 * interval '1 millisecond', ttl_ms = $3
WHERE id = $1 AND token = $2 AND expires > now()
RETURNING expires`, store.NormaliseID(h.ID), h.Token, ms).Scan(&expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("store: renew the hold on %s: %w", store.NormaliseID(h.ID), store.ErrHoldLost)
	}
	if err != nil {
		return e.wrap(ctx, "renew the hold on "+h.ID, err)
	}
	h.Expires = expires
	return nil
}

// Release gives h up.
func (e *Engine) Release(ctx context.Context, h *store.Hold) error {
	if h == nil {
		return nil
	}
	_, err := e.pool.Exec(ctx, `DELETE FROM wizard_holds WHERE id = $1 AND token = $2`, store.NormaliseID(h.ID), h.Token)
	if err != nil {
		return e.wrap(ctx, "release the hold on "+h.ID, err)
	}
	return nil
}

// Break removes the hold on h.ID if it is still h (same holder, same since).
func (e *Engine) Break(ctx context.Context, h store.Hold) error {
	_, err := e.pool.Exec(ctx, `DELETE FROM wizard_holds WHERE id = $1 AND who = $2 AND machine = $3 AND pid = $4 AND since = $5`,
		store.NormaliseID(h.ID), h.Holder.Who, h.Holder.Machine, h.Holder.PID, h.Since)
	if err != nil {
		return e.wrap(ctx, "break the hold on "+h.ID, err)
	}
	return nil
}

// Holds returns the live holds, by signup id (as the file engine orders
// them). Their tokens are left out: they are their holders' to fence with.
func (e *Engine) Holds(ctx context.Context) ([]store.Hold, error) {
	rows, err := e.pool.Query(ctx, `SELECT `+holdColumns+` FROM wizard_holds WHERE expires > now() ORDER BY id`)
	if err != nil {
		return nil, e.wrap(ctx, "read the holds", err)
	}
	defer rows.Close()
	var out []store.Hold
	for rows.Next() {
		h, err := scanHold(rows)
		if err != nil {
			return nil, e.wrap(ctx, "read the holds", err)
		}
		h.Token = ""
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, e.wrap(ctx, "read the holds", err)
	}
	return out, nil
}

// Export returns the signup and its history, read in one statement.
func (e *Engine) Export(ctx context.Context, id string, at time.Time, by string) (store.Bundle, error) {
	id = store.NormaliseID(id)
	sess, events, err := e.sessionAndEvents(ctx, id, true)
	if err != nil {
		return store.Bundle{}, err
	}
	if events == nil {
		events = []store.Event{}
	}
	return store.Bundle{Format: store.BundleFormat, Version: store.BundleVersion, ExportedAt: at.UTC(), ExportedBy: by,
		Session: sess, Events: events}, nil
}

// Import adds sess and its history, in one transaction (see store.Engine).
// It checks them with store.ValidateSession first.
func (e *Engine) Import(ctx context.Context, sess store.Session, events []store.Event, replace bool) (store.Session, error) {
	if err := store.ValidateSession(sess, events, e.now()); err != nil {
		return store.Session{}, fmt.Errorf("store: import: %w", err)
	}
	sess.ID = store.NormaliseID(sess.ID)
	if sess.UpdatedAt.IsZero() {
		sess.UpdatedAt = e.now()
	}
	if sess.CreatedAt.IsZero() {
		sess.CreatedAt = sess.UpdatedAt
	}
	sess.Schema = store.SessionSchema
	events, added := numberEvents(sess, events)
	for attempt := 0; ; attempt++ {
		out, err := e.importTx(ctx, sess, events, replace)
		var pgErr *pgconn.PgError
		if attempt < 3 && errors.As(err, &pgErr) && (pgErr.Code == "23505" || pgErr.Code == "40P01") {
			continue // a save of the same new signup came first: look again
		}
		if err == nil {
			e.logEvents(out.ID, added...)
		}
		return out, err
	}
}

// numberEvents orders the numbered events by seq and numbers the unnumbered
// ones (such as a note that the signup was imported) after them; added are
// those it numbered.
func numberEvents(sess store.Session, events []store.Event) (out, added []store.Event) {
	out = slices.Clone(events)
	slices.SortStableFunc(out, store.BySeqZeroLast)
	var top uint64
	for i := range out {
		if out[i].Seq == 0 {
			top++
			out[i].Seq = top
			if out[i].At.IsZero() {
				out[i].At = sess.UpdatedAt
			}
			if out[i].Step == "" {
				out[i].Step = sess.Step
			}
			added = append(added, out[i])
		}
		top = out[i].Seq
	}
	return out, added
}

func (e *Engine) importTx(ctx context.Context, sess store.Session, events []store.Event, replace bool) (store.Session, error) {
	id := sess.ID
	tx, err := e.pool.Begin(ctx)
	if err != nil {
		return store.Session{}, e.wrap(ctx, "import "+id, err)
	}
	defer tx.Rollback(context.Background())

	var (
		stored []byte
		exists = true
	)
	err = tx.QueryRow(ctx, `SELECT data FROM wizard_sessions WHERE id = $1 FOR UPDATE`, id).Scan(&stored)
	if errors.Is(err, pgx.ErrNoRows) {
		exists = false
	} else if err != nil {
		return store.Session{}, e.wrap(ctx, "import "+id, err)
	}
	var cur store.Session
	if exists {
		if cur, err = decodeSession(id, stored); err != nil && replace {
			cur = store.Session{} // a record that does not read is replaced
		}
		if !replace {
			return store.Session{}, &store.ExistsError{ID: id, Rev: cur.Rev}
		}
	}
	if exists && cur.Rev > sess.Rev {
		return store.Session{}, &store.ConflictError{ID: id, Loaded: sess.Rev, Stored: cur.Rev, Current: cur}
	}
	h, err := scanHold(tx.QueryRow(ctx, `SELECT `+holdColumns+` FROM wizard_holds WHERE id = $1 AND expires > now() FOR SHARE`, id))
	if err == nil {
		h.Token = ""
		return store.Session{}, &store.HeldError{Hold: h}
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return store.Session{}, e.wrap(ctx, "import "+id, err)
	}
	sess.Rev = max(cur.Rev, sess.Rev) + 1

	data, err := json.Marshal(&sess)
	if err != nil {
		return store.Session{}, fmt.Errorf("store: import %s: %w", id, err)
	}
	var lastSeq uint64
	seqs := make([]int64, len(events))
	evData := make([]string, len(events))
	for i, ev := range events {
		b, err := json.Marshal(ev)
		if err != nil {
			return store.Session{}, fmt.Errorf("store: import %s: %w", id, err)
		}
		seqs[i], evData[i], lastSeq = int64(ev.Seq), string(b), ev.Seq
	}
	company, email, phone := searchColumns(&sess)
	cols := []any{id, int64(sess.Rev), int64(lastSeq), updatedNS(sess.UpdatedAt), nullTime(sess.UpdatedAt),
		string(sess.Status), sess.UpdatedBy, company, email, phone, data}
	if exists {
		if _, err := tx.Exec(ctx, `DELETE FROM wizard_events WHERE id = $1`, id); err != nil {
			return store.Session{}, e.wrap(ctx, "import "+id, err)
		}
		_, err = tx.Exec(ctx, `
UPDATE wizard_sessions SET rev = $2, last_seq = $3, updated_ns = $4, updated_at = $5, status = $6,
	updated_by = $7, company = $8, email = $9, phone = $10, data = $11::jsonb
WHERE id = $1`, cols...)
	} else {
		_, err = tx.Exec(ctx, `
INSERT INTO wizard_sessions (id, rev, last_seq, updated_ns, updated_at, status, updated_by, company, email, phone, data)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)`, cols...)
	}
	if err != nil {
		return store.Session{}, e.wrapImport(ctx, id, err)
	}
	if len(events) > 0 {
		_, err := tx.Exec(ctx, `
INSERT INTO wizard_events (id, seq, data)
SELECT $1, t.seq, t.data::jsonb FROM unnest($2::bigint[], $3::text[]) AS t(seq, data)`, id, seqs, evData)
		if err != nil {
			return store.Session{}, e.wrapImport(ctx, id, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return store.Session{}, e.wrapImport(ctx, id, err)
	}
	return sess, nil
}

// wrapImport keeps a unique violation or deadlock visible to Import's retry.
func (e *Engine) wrapImport(ctx context.Context, id string, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == "23505" || pgErr.Code == "40P01") {
		return err
	}
	return e.wrap(ctx, "import "+id, err)
}
