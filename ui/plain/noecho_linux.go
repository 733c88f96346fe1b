//go:build linux

package plain

import "golang.org/x/sys/unix"

// noEcho turns the terminal's echo off (line editing and ctrl+c stay), and
// returns what turns it on again.
func noEcho(fd uintptr) (func(), error) {
	t, err := unix.IoctlGetTermios(int(fd), unix.TCGETS)
	if err != nil {
		return nil, err
	}
	old := *t
	t.Lflag &^= unix.ECHO
	t.Lflag |= unix.ICANON | unix.ISIG
	if err := unix.IoctlSetTermios(int(fd), unix.TCSETS, t); err != nil {
		return nil, err
	}
	return func() { _ = unix.IoctlSetTermios(int(fd), unix.TCSETS, &old) }, nil
}
