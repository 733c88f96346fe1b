package steps

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
)

// What the runtime says a goroutine is doing, for the test harnesses: whether a
// command still runs or only waits for a timer, without guessing from time.

// goroutineID is the id of the calling goroutine.
func goroutineID() int64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	id, _, ok := parseGoroutineHeader(buf)
	if !ok {
		panic("cannot read the goroutine id from " + string(buf))
	}
	return id
}

// goroutineStack is the state ("chan receive", "running", …) and the stack of
// goroutine id; ok is false once it has ended.
func goroutineStack(id int64) (state, stack string, ok bool) {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	for _, block := range bytes.Split(buf, []byte("\n\n")) {
		if gid, st, found := parseGoroutineHeader(block); found && gid == id {
			return st, string(block), true
		}
	}
	return "", "", false
}

// parseGoroutineHeader reads "goroutine 42 [chan receive]:" at the start of block.
func parseGoroutineHeader(block []byte) (int64, string, bool) {
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

// waitingState says whether a goroutine in state waits for something outside
// itself (a timer, a channel, the network) rather than running or taking a lock.
func waitingState(state string) bool {
	state, _, _ = strings.Cut(state, ",") // "select, 2 minutes"
	switch strings.TrimSpace(state) {
	case "select", "select (no cases)", "chan receive", "chan receive (nil chan)", "chan send",
		"chan send (nil chan)", "sleep", "IO wait", "sync.Cond.Wait":
		return true
	}
	return false
}

// inServiceCall says whether a stack is inside a call to a service: the
// client, its HTTP transport, or a network connection.
func inServiceCall(stack string) bool {
	return strings.Contains(stack, "wizard/client.") || strings.Contains(stack, "wizard/client/") ||
		strings.Contains(stack, "net/http.") || strings.Contains(stack, "\nnet.")
}
