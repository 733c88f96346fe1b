//go:build !linux

package plain

import "errors"

// noEcho is not done here: a secret is read with term.ReadPassword, which
// turns the echo off itself (the question is said just before).
func noEcho(uintptr) (func(), error) { return nil, errors.ErrUnsupported }
