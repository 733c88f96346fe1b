package store

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Holds are records in the file, in a bucket of their own (created by the
// first Acquire, not by a migration: a file without one is still of its schema):
//
//	holds   id → JSON Hold
//
// A hold is live while the store's clock is before its Expires. An expired
// record stays until the signup is held again or the hold released; nothing
// reads it as live.
var bucketHolds = []byte("holds")

// keyChange is the meta record every write that others may want to see
// (a save, an import, a hold taken or given up) updates: Watch polls it.
var keyChange = []byte("change")

// change is the meta record keyChange: a counter of writes, and the last one.
type change struct {
	N   uint64 `json:"n"`
	ID  string `json:"id"`
	Rev uint64 `json:"rev,omitempty"`
}

// putChange counts one more change, to signup id at revision rev.
func putChange(tx *bolt.Tx, id string, rev uint64) error {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return nil // a file before schema 1; the migration creates the bucket
	}
	c := readChange(tx)
	data, err := json.Marshal(change{N: c.N + 1, ID: id, Rev: rev})
	if err != nil {
		return err
	}
	return meta.Put(keyChange, data)
}

// readChange returns the change record in tx; zero if none (or unreadable).
func readChange(tx *bolt.Tx) change {
	var c change
	if meta := tx.Bucket(bucketMeta); meta != nil {
		if v := meta.Get(keyChange); v != nil {
			_ = json.Unmarshal(v, &c)
		}
	}
	return c
}

// newToken is 128 random bits (crypto/rand), in text: unique to one hold.
func newToken() string { return rand.Text() }

// readHold returns the hold record of id in tx; ok is false if there is none.
func readHold(tx *bolt.Tx, id string) (Hold, bool, error) {
	b := tx.Bucket(bucketHolds)
	if b == nil {
		return Hold{}, false, nil
	}
	v := b.Get([]byte(id))
	if v == nil {
		return Hold{}, false, nil
	}
	var h Hold
	if err := json.Unmarshal(v, &h); err != nil {
		return Hold{}, false, &CorruptError{Path: tx.DB().Path(), Err: fmt.Errorf("hold of %s does not read: %w", quote(id), err)}
	}
	return h, true, nil
}

// public is h as others see it: without the token that lets its holder write.
func (h Hold) public() Hold {
	h.Token = ""
	return h
}

// live reports whether h is in force at now.
func live(h Hold, now time.Time) bool { return now.Before(h.Expires) }

// fence checks, in a write transaction, that a write to signup id is
// allowed: with hold, only if it is still the live hold of id (else
// ErrHoldLost); without one, only if nobody holds id (else *HeldError).
func fence(tx *bolt.Tx, id string, hold *Hold, now time.Time) error {
	cur, ok, err := readHold(tx, id)
	if err != nil {
		return err
	}
	if hold == nil {
		if ok && live(cur, now) {
			return &HeldError{Hold: cur.public()}
		}
		return nil
	}
	if NormaliseID(hold.ID) != id {
		return fmt.Errorf("%w: the hold is on signup %s, not %s", ErrHoldLost, hold.ID, id)
	}
	if !ok || cur.Token != hold.Token || !live(cur, now) {
		return ErrHoldLost
	}
	return nil
}

// Acquire takes a hold on signup id for holder, for ttl (DefaultHoldTTL if
// zero or less). Any live hold on it — even one by the same holder — is a
// *HeldError: release a hold before taking it again.
func (s *Store) Acquire(ctx context.Context, id string, holder Holder, ttl time.Duration) (*Hold, error) {
	id = NormaliseID(id)
	if !isID(id) {
		return nil, fmt.Errorf("store: hold: id %s is not a signup id (like K7MQ-4XPD)", quote(id))
	}
	if ttl <= 0 {
		ttl = DefaultHoldTTL
	}
	token := newToken()
	var h Hold
	err := s.update(ctx, func(tx *bolt.Tx) error {
		now := s.now()
		cur, ok, err := readHold(tx, id)
		if err != nil {
			return err
		}
		if ok && live(cur, now) {
			return &HeldError{Hold: cur.public()}
		}
		h = Hold{ID: id, Token: token, Holder: holder, Since: now, Expires: now.Add(ttl), TTL: ttl}
		if err := putHold(tx, h); err != nil {
			return err
		}
		return putChange(tx, id, 0)
	})
	if err != nil {
		return nil, saveError("hold", id, err)
	}
	return &h, nil
}

func putHold(tx *bolt.Tx, h Hold) error {
	b, err := tx.CreateBucketIfNotExists(bucketHolds)
	if err != nil {
		return err
	}
	data, err := json.Marshal(h)
	if err != nil {
		return err
	}
	return b.Put([]byte(h.ID), data)
}

// Renew extends h by its TTL from now and updates h.Expires. A hold that
// lapsed (expired, or taken by another since) is ErrHoldLost.
func (s *Store) Renew(ctx context.Context, h *Hold) error {
	if h == nil {
		return ErrHoldLost
	}
	id := NormaliseID(h.ID)
	var expires time.Time
	err := s.update(ctx, func(tx *bolt.Tx) error {
		now := s.now()
		cur, ok, err := readHold(tx, id)
		if err != nil {
			return err
		}
		if !ok || cur.Token != h.Token || !live(cur, now) {
			return ErrHoldLost
		}
		ttl := cur.TTL
		if ttl <= 0 {
			ttl = DefaultHoldTTL
		}
		cur.Expires = now.Add(ttl)
		expires = cur.Expires
		return putHold(tx, cur)
	})
	if err != nil {
		if errors.Is(err, ErrHoldLost) {
			return err
		}
		return saveError("renew the hold on", id, err)
	}
	h.Expires = expires
	return nil
}

// Release gives h up at once. Releasing a lapsed hold is not an error (a
// hold taken by someone else since stays theirs).
func (s *Store) Release(ctx context.Context, h *Hold) error {
	if h == nil {
		return nil
	}
	id := NormaliseID(h.ID)
	err := s.update(ctx, func(tx *bolt.Tx) error {
		cur, ok, err := readHold(tx, id)
		if err != nil || !ok || cur.Token != h.Token {
			return err
		}
		if err := tx.Bucket(bucketHolds).Delete([]byte(id)); err != nil {
			return err
		}
		return putChange(tx, id, 0)
	})
	if err != nil {
		return saveError("release the hold on", id, err)
	}
	return nil
}

// Break removes the hold on h.ID if it is still h (same holder, same Since).
func (s *Store) Break(ctx context.Context, h Hold) error {
	id := NormaliseID(h.ID)
	err := s.update(ctx, func(tx *bolt.Tx) error {
		cur, ok, err := readHold(tx, id)
		if err != nil || !ok || cur.Holder != h.Holder || !cur.Since.Equal(h.Since) {
			return err
		}
		if err := tx.Bucket(bucketHolds).Delete([]byte(id)); err != nil {
			return err
		}
		return putChange(tx, id, 0)
	})
	if err != nil {
		return saveError("break the hold on", id, err)
	}
	return nil
}

// Holds returns the live holds, by signup id.
func (s *Store) Holds(ctx context.Context) ([]Hold, error) {
	var out []Hold
	err := s.view(ctx, func(tx *bolt.Tx) (err error) {
		out, err = holdsTx(tx, s.now())
		return err
	})
	return out, err
}

// holdsTx reads the holds live at now, by signup id.
func holdsTx(tx *bolt.Tx, now time.Time) ([]Hold, error) {
	b := tx.Bucket(bucketHolds)
	if b == nil {
		return nil, nil
	}
	var out []Hold
	err := b.ForEach(func(k, v []byte) error {
		var h Hold
		if err := json.Unmarshal(v, &h); err != nil {
			return &CorruptError{Path: tx.DB().Path(), Err: fmt.Errorf("hold of %s does not read: %w", quote(string(k)), err)}
		}
		if live(h, now) {
			out = append(out, h.public())
		}
		return nil
	})
	slices.SortFunc(out, func(a, b Hold) int { return strings.Compare(a.ID, b.ID) })
	return out, err
}

// Watch polls the file every WatchInterval, in a read-only transaction that
// reads the change record and the holds, and sends a Change for each write
// it finds (one with the signup when exactly one happened since the last
// look, an empty one when several did) and for each hold that expired or
// appeared. It reads the file once before it returns, so a change made after
// Watch returns is seen. A poll that fails (the file locked a while, say) is
// tried again at the next tick. The channel is closed when ctx ends.
func (s *Store) Watch(ctx context.Context) (<-chan Change, error) {
	type state struct {
		c     change
		holds map[string]string // id → which hold, of the live holds
	}
	look := func() (state, error) {
		var st state
		err := s.view(ctx, func(tx *bolt.Tx) error {
			st.c = readChange(tx)
			hs, err := holdsTx(tx, s.now())
			st.holds = map[string]string{}
			for _, h := range hs {
				st.holds[h.ID] = fmt.Sprint(h.Since.UnixNano(), h.Holder) // which hold, not how long it lives
			}
			return err
		})
		return st, err
	}
	last, err := look()
	if err != nil {
		return nil, err
	}
	ch := make(chan Change)
	go func() {
		defer close(ch)
		tick := time.NewTicker(s.poll)
		defer tick.Stop()
		send := func(c Change) bool {
			select {
			case ch <- c:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			now, err := look()
			if err != nil {
				continue
			}
			var out []Change
			switch {
			case now.c.N == last.c.N+1:
				out = append(out, Change{ID: now.c.ID, Rev: now.c.Rev})
			case now.c.N != last.c.N:
				out = append(out, Change{})
			}
			if now.c.N == last.c.N { // holds that came or went without a write: expiry
				for id, tok := range last.holds {
					if now.holds[id] != tok {
						out = append(out, Change{ID: id})
					}
				}
				for id := range now.holds {
					if _, ok := last.holds[id]; !ok {
						out = append(out, Change{ID: id})
					}
				}
			}
			last = now
			for _, c := range out {
				if !send(c) {
					return
				}
			}
		}
	}()
	return ch, nil
}
