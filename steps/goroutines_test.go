package steps

import (
	"strings"

	"wizard/internal/goroutines"
)

// goroutineStack is the state ("chan receive", "running", …) and the stack of
// goroutine id; ok is false once it has ended.
func goroutineStack(id int64) (state, stack string, ok bool) {
	g, ok := goroutines.All()[id]
	return g.State, g.Stack, ok
}

// inServiceCall says whether a stack is inside a call to a service: the
// client, its HTTP transport, or a network connection.
func inServiceCall(stack string) bool {
	return strings.Contains(stack, "wizard/client.") || strings.Contains(stack, "wizard/client/") ||
		strings.Contains(stack, "net/http.") || strings.Contains(stack, "\nnet.")
}
