package postgres

import (
	"testing"

	"wizard/store"
	"wizard/store/storetest"
)

// The store contract's suite on PostgreSQL: each test on a fresh database of
// the package's server. Holds expire by the database's clock, which the suite
// cannot move: it runs on real time (short TTLs, waits on conditions).
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Engine {
		e, _ := open(t)
		return e
	})
}
