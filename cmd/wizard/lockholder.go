package main

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"wizard/assets"
)

// lockHolders lists the processes that have the file at path open, found by
// reading /proc/*/fd: best effort, Linux only (elsewhere, or where /proc hides
// other users' processes, it finds nothing).
func lockHolders(path string) []int {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil
	}
	want, err := os.Stat(abs)
	if err != nil {
		return nil
	}
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		dir := filepath.Join("/proc", p.Name(), "fd")
		fds, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			fi, err := os.Stat(filepath.Join(dir, fd.Name())) // follows the link to the open file
			if err == nil && os.SameFile(fi, want) {
				pids = append(pids, pid)
				break
			}
		}
	}
	slices.Sort(pids)
	return pids
}

// describeProcess names a process for people: "process 1234: wizard resume K7MQ-4XPD".
func describeProcess(w *assets.Words, pid int) string {
	s := w.T("cli.process", strconv.Itoa(pid)) // a pid names a process: ungrouped
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if err != nil || len(data) == 0 {
		return s
	}
	args := strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
	args[0] = filepath.Base(args[0])
	cmd := strings.Join(strings.Fields(strings.Join(args, " ")), " ")
	if r := []rune(cmd); len(r) > 60 {
		cmd = string(r[:60]) + "…"
	}
	return s + ": " + cmd
}
