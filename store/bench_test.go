package store

import (
	"testing"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkListSearch10k is `wizard list --search` over 10,000 signups where one
// matches: the worst case, every session read through the index.
func BenchmarkListSearch10k(b *testing.B) {
	s := openTemp(b)
	err := s.update(ctx, func(tx *bolt.Tx) error {
		for i := range 10_000 {
			sess := Session{ID: NewID(), Status: StatusActive, Step: "company", UpdatedAt: at(i)}
			sess.Company = Company{FullName: "Someone", CompanyName: "Some Company", Country: "KZ"}
			if i == 1234 {
				sess.Company.CompanyName = "Acme Pharma"
			}
			if _, err := saveTx(tx, &sess, Event{Kind: "created"}, t0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		page, err := s.List(ctx, Query{Limit: 50, Search: "acme"})
		if err != nil || len(page.Sessions) != 1 {
			b.Fatal(len(page.Sessions), err)
		}
	}
}
