//go:build unix

package main

import (
	"errors"
	"syscall"
)

// processAlive reports whether a process with this pid runs on this machine
// (one of another user counts too).
func processAlive(pid int) bool {
	if pid <= 0 {
		return true // unknown: assume it runs, and let its hold expire by itself
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
