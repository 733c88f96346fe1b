package store

import (
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkListSearch10k is `wizard list --search` over 10,000 signups where one
// matches: the worst case, every session read through the index.
func BenchmarkListSearch10k(b *testing.B) {
	s := openTemp(b)
	err := s.db.Update(func(tx *bolt.Tx) error {
		for i := range 10_000 {
			sess := Session{ID: NewID(), Status: StatusActive, Step: "company", UpdatedAt: at(i)}
			sess.Company = Company{FullName: "Someone", CompanyName: "Some Company", Country: "KZ"}
			if i == 1234 {
				sess.Company.CompanyName = "Acme Pharma"
			}
			if _, err := saveTx(tx, &sess, Event{Kind: "created"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	match := func(s Session) bool { return strings.Contains(strings.ToLower(s.Company.CompanyName), "acme") }
	for b.Loop() {
		list, err := s.List(ListOptions{Limit: 50, Match: match})
		if err != nil || len(list) != 1 {
			b.Fatal(len(list), err)
		}
	}
}
