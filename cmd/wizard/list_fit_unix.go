//go:build unix

package main

import (
	"os"
	"os/signal"
	"syscall"
)

// terminalResizes are the times the terminal is resized (SIGWINCH), for
// `wizard list --watch` to lay its list out again, until stop is called.
func terminalResizes() (resized <-chan os.Signal, stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGWINCH)
	return ch, func() { signal.Stop(ch) }
}
