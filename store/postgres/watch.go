package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"wizard/store"
)

type watch struct{ cancel context.CancelFunc }

// Watch LISTENs on a connection of its own and sends a Change for every
// notification the triggers send: a signup saved or imported, a hold taken or
// given up. A hold that expires writes nothing, so nothing notifies it: Watch
// also looks at the holds when the first of them is due to expire, and
// sends a Change for each one that lapsed. It returns once it listens, so
// every change committed after it returns is seen. If the connection is lost
// it reconnects (retrying, at most every 2 s, until ctx ends) and then sends
// a Change with an empty ID: what happened meanwhile was not seen. The
// channel is closed when ctx ends or the engine is closed.
func (e *Engine) Watch(ctx context.Context) (<-chan store.Change, error) {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil, errors.New("store: watch: the store is closed")
	}
	ctx, cancel := context.WithCancel(ctx)
	w := &watch{cancel: cancel}
	e.watches[w] = struct{}{}
	e.wg.Add(1)
	e.mu.Unlock()

	conn, err := e.listen(ctx)
	if err != nil {
		e.endWatch(w)
		return nil, e.wrap(ctx, "watch", err)
	}
	out := make(chan store.Change, 16)
	kick := make(chan struct{}, 1) // the holds changed: look at them again
	var both sync.WaitGroup
	both.Go(func() { e.watchLoop(ctx, conn, out, kick) })
	both.Go(func() { e.watchExpiry(ctx, out, kick) })
	go func() {
		both.Wait()
		close(out)
		e.endWatch(w)
	}()
	return out, nil
}

func (e *Engine) endWatch(w *watch) {
	w.cancel()
	e.mu.Lock()
	delete(e.watches, w)
	e.mu.Unlock()
	e.wg.Done()
}

// listen opens a connection outside the pool and LISTENs on it.
func (e *Engine) listen(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, e.pool.Config().ConnConfig)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

// send passes c on unless ctx ends first.
func send(ctx context.Context, out chan<- store.Change, c store.Change) bool {
	select {
	case out <- c:
		return true
	case <-ctx.Done():
		return false
	}
}

func poke(kick chan<- struct{}) {
	select {
	case kick <- struct{}{}:
	default: // a look is due already
	}
}

func (e *Engine) watchLoop(ctx context.Context, conn *pgx.Conn, out chan<- store.Change, kick chan<- struct{}) {
	defer func() {
		if conn != nil {
			conn.Close(context.Background())
		}
	}()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err == nil {
			c := parseChange(n.Payload)
			if c.Rev == 0 {
				poke(kick)
			}
			if !send(ctx, out, c) {
				return
			}
			continue
		}
		if ctx.Err() != nil {
			return
		}
		// The connection is gone (the server restarted, the network
		// dropped): connect again, then say that anything may have changed.
		conn.Close(context.Background())
		conn = nil
		pause := 50 * time.Millisecond
		for conn == nil {
			select {
			case <-ctx.Done():
				return
			case <-time.After(pause):
			}
			pause = min(2*pause, 2*time.Second)
			conn, _ = e.listen(ctx)
		}
		poke(kick)
		if !send(ctx, out, store.Change{}) {
			return
		}
	}
}

// watchExpiry looks at the holds at the start, whenever kicked, and when the
// first live one is due to expire (by the database's clock: a renewal
// pushes that back, and then it only looks again), and sends a Change for
// each hold that was live at the last look and has expired since.
func (e *Engine) watchExpiry(ctx context.Context, out chan<- store.Change, kick <-chan struct{}) {
	type seen struct{ token string }
	live := map[string]seen{}
	for first := true; ; first = false {
		rows, err := e.pool.Query(ctx, `SELECT id, token, expires > now(), extract(epoch FROM expires - now())::float8 FROM wizard_holds`)
		var (
			next    time.Duration = -1 // until the first live hold expires; -1: none
			expired []string
			now     = map[string]seen{}
		)
		if err == nil {
			for rows.Next() {
				var (
					id, token string
					isLive    bool
					secs      float64
				)
				if err = rows.Scan(&id, &token, &isLive, &secs); err != nil {
					break
				}
				left := time.Duration(secs * float64(time.Second))
				if isLive {
					now[id] = seen{token}
					if next < 0 || left < next {
						next = left
					}
				} else if was, ok := live[id]; ok && was.token == token {
					expired = append(expired, id)
				}
			}
			rows.Close()
			if err == nil {
				err = rows.Err()
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			next = 2 * time.Second // the database is away: look again later
		} else {
			live = now
		}
		if !first {
			for _, id := range expired {
				if !send(ctx, out, store.Change{ID: id}) {
					return
				}
			}
		}
		var (
			due   <-chan time.Time
			timer *time.Timer
		)
		if next >= 0 {
			timer = time.NewTimer(next + 5*time.Millisecond)
			due = timer.C
		}
		select {
		case <-ctx.Done():
		case <-kick:
		case <-due:
		}
		if timer != nil {
			timer.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// parseChange reads a notification: "ID REV" or "ID".
func parseChange(p string) store.Change {
	id, rev, _ := strings.Cut(p, " ")
	c := store.Change{ID: id}
	c.Rev, _ = strconv.ParseUint(rev, 10, 64)
	return c
}

// Check verifies every stored signup and its history, in one statement (one
// snapshot): that the session reads, is stored under its own id, and agrees
// with its row (revision, search and order columns); that its events read,
// are numbered 1, 2, 3… without gaps as the rows are, and the row's last_seq
// is the last of them; and the rules of an import (store.ValidateSession,
// times against now). Consistency problems go to Problems, rule breaks to
// Invalid.
func (e *Engine) Check(ctx context.Context, now time.Time) (store.Report, error) {
	var r store.Report
	var version int
	if err := e.pool.QueryRow(ctx, `SELECT version FROM wizard_schema`).Scan(&version); err != nil {
		return r, e.wrap(ctx, "check", err)
	} else if version != LayoutVersion {
		r.Problems = append(r.Problems, fmt.Errorf("the database's layout is version %d; this wizard uses %d", version, LayoutVersion))
	}
	rows, err := e.pool.Query(ctx, `
SELECT s.id, s.rev, s.last_seq, s.updated_ns, s.status, s.updated_by, s.company, s.email, s.phone, s.data,
	COALESCE(array_agg(e.seq ORDER BY e.seq) FILTER (WHERE e.seq IS NOT NULL), '{}'),
	COALESCE(jsonb_agg(e.data ORDER BY e.seq) FILTER (WHERE e.seq IS NOT NULL), '[]')
FROM wizard_sessions s LEFT JOIN wizard_events e ON e.id = s.id
GROUP BY s.id ORDER BY s.id`)
	if err != nil {
		return r, e.wrap(ctx, "check", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id, status, by, company, email, phone string
			rev, lastSeq, ns                      int64
			data, evData                          []byte
			seqs                                  []int64
		)
		if err := rows.Scan(&id, &rev, &lastSeq, &ns, &status, &by, &company, &email, &phone, &data, &seqs, &evData); err != nil {
			return r, e.wrap(ctx, "check", err)
		}
		name := strconv.QuoteToGraphic(trim(id))
		problem := func(format string, args ...any) {
			r.Problems = append(r.Problems, fmt.Errorf("session %s: %s", name, fmt.Sprintf(format, args...)))
		}
		var sess store.Session
		if err := json.Unmarshal(data, &sess); err != nil {
			problem("does not read: %v", err)
			continue
		}
		var events []store.Event
		if err := json.Unmarshal(evData, &events); err != nil {
			problem("its history does not read: %v", err)
			continue
		}
		c, m, p := searchColumns(&sess)
		switch {
		case sess.ID != id:
			problem("holds the signup %s", strconv.QuoteToGraphic(trim(sess.ID)))
		case uint64(rev) != sess.Rev:
			problem("the row says revision %d, the signup %d", rev, sess.Rev)
		case ns != updatedNS(sess.UpdatedAt) || status != string(sess.Status) || by != sess.UpdatedBy:
			problem("the row's order or filter columns disagree with the signup")
		case company != c || email != m || phone != p:
			problem("the row's search columns disagree with the signup")
		}
		gap := false
		for i, seq := range seqs {
			if want := int64(i + 1); seq != want && !gap {
				gap = true
				if i == 0 {
					problem("its history starts at event %d, not 1", seq)
				} else {
					problem("its history has a gap: event %d follows %d", seq, seqs[i-1])
				}
			}
			if events[i].Seq != uint64(seq) {
				problem("event %d says it is event %d", seq, events[i].Seq)
			}
		}
		var end int64
		if len(seqs) > 0 {
			end = seqs[len(seqs)-1]
		}
		if end != lastSeq {
			problem("the row says the last event is %d, the history ends at %d", lastSeq, end)
		}
		if err := store.ValidateSession(sess, events, now); err != nil {
			r.Invalid = append(r.Invalid, fmt.Errorf("session %s: %w", name, err))
		}
	}
	if err := rows.Err(); err != nil {
		return r, e.wrap(ctx, "check", err)
	}
	return r, nil
}

// Stats counts the signups (by status) and their events, for doctor.
func (e *Engine) Stats(ctx context.Context) (store.Stats, error) {
	st := store.Stats{ByStatus: map[store.Status]int{}}
	rows, err := e.pool.Query(ctx, `SELECT status, count(*) FROM wizard_sessions GROUP BY status`)
	if err != nil {
		return st, e.wrap(ctx, "count the signups", err)
	}
	for rows.Next() {
		var (
			status string
			n      int
		)
		if err := rows.Scan(&status, &n); err != nil {
			rows.Close()
			return st, e.wrap(ctx, "count the signups", err)
		}
		st.ByStatus[store.Status(status)] = n
		st.Sessions += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, e.wrap(ctx, "count the signups", err)
	}
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM wizard_events`).Scan(&st.Events); err != nil {
		return st, e.wrap(ctx, "count the events", err)
	}
	return st, nil
}
