package store_test

import (
	"path/filepath"
	"testing"
	"time"

	"wizard/store"
	"wizard/store/storetest"
)

// The store contract's suite on the bbolt file, with the clock moved by the
// suite for the holds.
func TestContract(t *testing.T) {
	storetest.Suite{
		Clocked: true,
		Open: func(t *testing.T, now func() time.Time) store.Engine {
			s, err := store.Open(filepath.Join(t.TempDir(), "wizard.db"), store.Options{Now: now, WatchInterval: 20 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}.Run(t)
}

// The suite on real time (short TTLs, waits on conditions), as an engine
// without a clock of its own would run it.
func TestContractRealTime(t *testing.T) {
	if testing.Short() {
		t.Skip("the clocked run covers the same; this one waits for holds to expire")
	}
	storetest.Run(t, func(t *testing.T) store.Engine {
		s, err := store.Open(filepath.Join(t.TempDir(), "wizard.db"), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
