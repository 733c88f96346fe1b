//go:build unix

package browser

import (
	"os/exec"
	"syscall"
)

// detach starts the launcher in its own session: it cannot reach the terminal,
// and closing the terminal does not close the browser.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }
