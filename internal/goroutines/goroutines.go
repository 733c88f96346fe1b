// Package goroutines reads what the runtime says each goroutine is doing, for
// the test harnesses that drive Bubble Tea models: whether a command still
// runs or only waits for a timer or a channel, without guessing from time.
package goroutines

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
)

// G is one goroutine of a stack dump.
type G struct {
	ID    int64
	State string // "chan receive", "running", "select, 2 minutes" …
	Stack string
}

// ID is the id of the calling goroutine.
func ID() int64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	id, _, ok := parseHeader(buf)
	if !ok {
		panic("cannot read the goroutine id from " + string(buf))
	}
	return id
}

// All is every goroutine, by id, from a stack dump.
func All() map[int64]G {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	all := map[int64]G{}
	for _, block := range bytes.Split(buf, []byte("\n\n")) {
		if id, state, ok := parseHeader(block); ok {
			all[id] = G{ID: id, State: state, Stack: string(block)}
		}
	}
	return all
}

// parseHeader reads "goroutine 42 [chan receive]:" at the start of block.
func parseHeader(block []byte) (int64, string, bool) {
	line, _, _ := bytes.Cut(block, []byte("\n"))
	rest, ok := bytes.CutPrefix(line, []byte("goroutine "))
	if !ok {
		return 0, "", false
	}
	num, rest, ok := bytes.Cut(rest, []byte(" ["))
	if !ok {
		return 0, "", false
	}
	state, _, ok := bytes.Cut(rest, []byte("]"))
	if !ok {
		return 0, "", false
	}
	id, err := strconv.ParseInt(string(num), 10, 64)
	return id, string(state), err == nil
}

// Waiting says whether a goroutine in state waits for something outside
// itself (a timer, a channel, the network) rather than running or taking a lock.
func Waiting(state string) bool {
	state, _, _ = strings.Cut(state, ",") // "select, 2 minutes"
	switch strings.TrimSpace(state) {
	case "select", "select (no cases)", "chan receive", "chan receive (nil chan)", "chan send",
		"chan send (nil chan)", "sleep", "IO wait", "sync.Cond.Wait":
		return true
	}
	return false
}
