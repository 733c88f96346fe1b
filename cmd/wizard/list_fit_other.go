//go:build !unix

package main

import "os"

// terminalResizes: no resize signal here; `wizard list --watch` lays its
// list out again at the next change.
func terminalResizes() (resized <-chan os.Signal, stop func()) { return nil, func() {} }
