package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// stuck describes a program that did not show what a test waited for, so
// that a failure on a loaded CI machine says where the program was: each
// thread's state and kernel wait (Linux /proc), its open files, whether a
// lost XOFF held its output back (an XON is sent and any output that follows
// is counted), and then its goroutines (SIGQUIT makes the Go runtime print
// them on the terminal before it exits). It ends the program; the caller
// fails the test right after.
func (p *ptyTerm) stuck() string {
	if p.Exited() || p.cmd.Process == nil {
		return ""
	}
	var b strings.Builder
	pid := p.cmd.Process.Pid
	fmt.Fprintf(&b, "\n--- where pid %d was ---\n", pid)
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*", pid))
	for _, task := range tasks {
		stat, _ := os.ReadFile(filepath.Join(task, "stat"))
		wchan, _ := os.ReadFile(filepath.Join(task, "wchan"))
		state := ""
		if i := strings.LastIndexByte(string(stat), ')'); i >= 0 && i+2 < len(stat) {
			state = string(stat[i+2 : i+3])
		}
		fmt.Fprintf(&b, "thread %s: state %s, waits in %s\n", filepath.Base(task), state, wchan)
	}
	fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
	for _, fd := range fds {
		target, _ := os.Readlink(fd)
		fmt.Fprintf(&b, "fd %s → %s\n", filepath.Base(fd), target)
	}
	before := len(p.Output())
	_, _ = p.ptmx.Write([]byte{0x11}) // XON: output stopped by a stray XOFF would start again
	p.settle(2 * time.Second)
	fmt.Fprintf(&b, "after an XON the program wrote %d more bytes\n", len(p.Output())-before)
	_ = p.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-p.exited:
		<-p.readDone
	case <-time.After(5 * time.Second):
		fmt.Fprintf(&b, "SIGQUIT did not end it within 5 s\n")
	}
	out := p.Output()
	if len(out) > 20000 {
		out = out[len(out)-20000:]
	}
	fmt.Fprintf(&b, "--- the last of what it wrote ---\n%s\n--- end", out)
	return b.String()
}

// settle waits until the program has written nothing for 200 ms, at most d.
func (p *ptyTerm) settle(d time.Duration) {
	deadline := time.Now().Add(d)
	last := len(p.Output())
	quiet := time.Now()
	for time.Now().Before(deadline) && time.Since(quiet) < 200*time.Millisecond {
		time.Sleep(20 * time.Millisecond)
		if n := len(p.Output()); n != last {
			last, quiet = n, time.Now()
		}
	}
}
