package store

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// List returns the sessions q selects, newest UpdatedAt first, walking an
// index backwards from q.Cursor: with q.By, the keys of that user in
// by_updater, so that the cost is that user's signups and not the file's
// (a schema-1 file, read-only, has only by_updated); else by_updated. Each
// record is first filtered on its raw JSON bytes (status, by, search) and
// decoded only if it may match; the decoded session then decides. A cursor
// is a by_updated key (time and id) either way.
func (s *Store) List(ctx context.Context, q Query) (Page, error) {
	var from []byte
	if q.Cursor != "" {
		var err error
		if from, err = base64.RawURLEncoding.DecodeString(q.Cursor); err != nil || len(from) <= 8 {
			return Page{}, fmt.Errorf("store: list: %q is not a cursor this store gave", q.Cursor)
		}
	}
	m := newMatcher(q)
	var page Page
	err := s.view(ctx, func(tx *bolt.Tx) error {
		sessions := tx.Bucket(bucketSessions)
		w := indexWalk{c: tx.Bucket(bucketByUpdated).Cursor()}
		if b := tx.Bucket(bucketByUpdater); q.By != "" && b != nil {
			w = indexWalk{c: b.Cursor(), prefix: updaterPrefix(q.By)}
		}
		var k []byte
		if from == nil {
			k = w.last()
		} else {
			k = w.before(from)
		}
		var last []byte
		for ; k != nil; k = w.prev() {
			if len(k) <= 8 {
				continue
			}
			id := k[8:]
			v := sessions.Get(id)
			if v == nil || !m.maybe(id, v) {
				continue // (an index key without its session: nothing to show)
			}
			sess, err := decodeSession(tx.DB().Path(), id, v)
			if err != nil {
				return err
			}
			if !m.match(sess) {
				continue
			}
			if q.Limit > 0 && len(page.Sessions) == q.Limit {
				page.Next = base64.RawURLEncoding.EncodeToString(last) // there is one more
				return nil
			}
			page.Sessions = append(page.Sessions, sess)
			last = bytes.Clone(k)
		}
		return nil
	})
	if err != nil {
		return Page{}, err
	}
	return page, nil
}

// indexWalk walks, backwards, the keys of an index that start with prefix
// (all of them if it is empty) and gives each without the prefix: a
// by_updated key (time and id).
type indexWalk struct {
	c      *bolt.Cursor
	prefix []byte
}

// trim is k without the prefix; nil if k is nil or has another prefix.
func (w indexWalk) trim(k []byte) []byte {
	if k == nil || !bytes.HasPrefix(k, w.prefix) {
		return nil
	}
	return k[len(w.prefix):]
}

// last is the greatest key with the prefix.
func (w indexWalk) last() []byte {
	end := prefixEnd(w.prefix)
	if end == nil {
		k, _ := w.c.Last()
		return w.trim(k)
	}
	k, _ := w.c.Seek(end)
	if k == nil {
		k, _ = w.c.Last()
	} else {
		k, _ = w.c.Prev()
	}
	return w.trim(k)
}

// before is the greatest key with the prefix below prefix+from.
func (w indexWalk) before(from []byte) []byte {
	target := append(bytes.Clone(w.prefix), from...)
	k, _ := w.c.Seek(target)
	if k == nil {
		k, _ = w.c.Last()
	}
	for k != nil && bytes.Compare(k, target) >= 0 {
		k, _ = w.c.Prev()
	}
	return w.trim(k)
}

// prev is the key before the current one, if it has the prefix.
func (w indexWalk) prev() []byte {
	k, _ := w.c.Prev()
	return w.trim(k)
}

// prefixEnd is the least key above every key that starts with p; nil if
// there is none (p empty, or all 0xff).
func prefixEnd(p []byte) []byte {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] != 0xff {
			end := bytes.Clone(p[:i+1])
			end[i]++
			return end
		}
	}
	return nil
}

// Latest returns the most recently updated session q selects (its Limit and
// Cursor are ignored); ok is false if there is none.
func (s *Store) Latest(ctx context.Context, q Query) (sess Session, ok bool, err error) {
	q.Limit, q.Cursor = 1, ""
	page, err := s.List(ctx, q)
	if err != nil || len(page.Sessions) == 0 {
		return Session{}, false, err
	}
	return page.Sessions[0], true, nil
}

// MatchSearch reports whether sess matches the search text q as Query.Search
// defines it: q, in any case, inside the company name or the e-mail; inside
// the id with or without its dash; or, when q looks like (part of) a phone
// number ("+7 701 123-45"), its digits inside the number's E.164 form. An
// empty q matches everything.
func MatchSearch(sess Session, q string) bool {
	return newSearch(q).match(sess)
}

type search struct {
	empty      bool
	lower      string // q in lower case
	compact    string // q in upper case without dashes and spaces, for the id
	digits     string // q's digits if q looks like a phone number
	digitBytes []byte
	raw        bool // lower appears as it is in a record's JSON, if it is in a field
}

func newSearch(q string) search {
	q = strings.TrimSpace(q)
	if q == "" {
		return search{empty: true}
	}
	lower := strings.ToLower(q)
	return search{
		lower:      lower,
		compact:    strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(q)),
		digits:     SearchDigits(q),
		digitBytes: []byte(SearchDigits(q)),
		// encoding/json writes these escaped: a field holding them does not
		// hold them verbatim in the record.
		raw: utf8.ValidString(q) && !strings.ContainsFunc(q, func(r rune) bool {
			return r < 0x20 || strings.ContainsRune("\"\\<>&\u2028\u2029", r)
		}),
	}
}

func (s search) match(sess Session) bool {
	return s.empty ||
		strings.Contains(strings.ToLower(sess.Company.CompanyName), s.lower) ||
		strings.Contains(strings.ToLower(sess.Account.Email), s.lower) ||
		(s.compact != "" && strings.Contains(strings.ReplaceAll(sess.ID, "-", ""), s.compact)) ||
		(s.digits != "" && strings.Contains(sess.Phone.E164, s.digits))
}

// maybe reports whether a record with key id and JSON v may match: false
// only if it cannot (every field the search looks at is in v verbatim).
func (s search) maybe(id, v []byte) bool {
	switch {
	case s.empty || !s.raw:
		return true
	case s.compact != "" && idContains(id, s.compact):
		return true
	case s.digits != "" && bytes.Contains(v, s.digitBytes):
		return true
	}
	return containsFold(v, s.lower)
}

// idContains reports whether id, without its dashes, contains compact.
func idContains(id []byte, compact string) bool {
	var buf [32]byte
	b := buf[:0]
	for _, c := range id {
		if c != '-' {
			b = append(b, c)
		}
	}
	return strings.Contains(string(b), compact) // (the conversion does not escape: no copy)
}

// containsFold reports whether lower-cased b contains lower (already lower case).
func containsFold(b []byte, lower string) bool {
	ascii := true
	for i := 0; i < len(lower); i++ {
		if lower[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		return bytes.Contains(bytes.ToLower(b), []byte(lower))
	}
	// ASCII: compare byte by byte, folding A–Z, without a copy.
	n := len(lower)
	for i := 0; i+n <= len(b); i++ {
		j := 0
		for ; j < n; j++ {
			c := b[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lower[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}

// SearchDigits is the digits of q if q looks like (part of) a phone number,
// such as "+7 701 123-45" or "(701) 123"; else "". A search matches a number
// by these digits (see MatchSearch), on every engine.
func SearchDigits(q string) string {
	var b strings.Builder
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune("+-(). ", r):
		default:
			return ""
		}
	}
	return b.String()
}

// matcher is a Query's filter: maybe on the raw record, match on the session.
type matcher struct {
	q        Query
	search   search
	statuses [][]byte // `"status":"active"` and so on
	by       []byte   // `"updated_by":"alice"`
}

func newMatcher(q Query) matcher {
	m := matcher{q: q, search: newSearch(q.Search)}
	for _, st := range q.Statuses {
		v, _ := json.Marshal(st)
		m.statuses = append(m.statuses, append([]byte(`"status":`), v...))
	}
	if q.By != "" {
		v, _ := json.Marshal(q.By)
		m.by = append([]byte(`"updated_by":`), v...)
	}
	return m
}

func (m matcher) maybe(id, v []byte) bool {
	if len(m.statuses) > 0 && !slices.ContainsFunc(m.statuses, func(p []byte) bool { return bytes.Contains(v, p) }) {
		return false
	}
	if m.by != nil && !bytes.Contains(v, m.by) {
		return false
	}
	return m.search.maybe(id, v)
}

func (m matcher) match(sess Session) bool {
	return (len(m.q.Statuses) == 0 || slices.Contains(m.q.Statuses, sess.Status)) &&
		(m.q.By == "" || sess.UpdatedBy == m.q.By) &&
		m.search.match(sess)
}
