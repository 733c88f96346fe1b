package goroutines

import (
	"runtime"
	"testing"
)

func TestAWaitingGoroutineIsSeenWaiting(t *testing.T) {
	ids, block := make(chan int64), make(chan struct{})
	go func() { ids <- ID(); <-block }()
	id := <-ids
	defer close(block)
	for range 1000 { // until it has reached the receive
		runtime.Gosched()
		if g, ok := All()[id]; ok && Waiting(g.State) {
			if g.ID != id || g.Stack == "" {
				t.Fatalf("goroutine %+v", g)
			}
			return
		}
	}
	t.Fatal("the blocked goroutine is never seen waiting")
}

func TestWaiting(t *testing.T) {
	for state, want := range map[string]bool{"chan receive": true, "select, 2 minutes": true, "running": false,
		"sync.Mutex.Lock": false, "IO wait": true} {
		if Waiting(state) != want {
			t.Errorf("Waiting(%q) = %v", state, !want)
		}
	}
}
