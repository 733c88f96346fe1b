//go:build unix

package store

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestFileMode(t *testing.T) {
	// A umask that takes away the owner's write bit: Open must still end with
	// a 0700 directory and a 0600 file. (Not parallel: the umask is per process.)
	// TempDir first: made under that umask it would be 0500, and a non-root
	// user could not create anything in it.
	path := filepath.Join(t.TempDir(), "data", "wizard.db")
	old := syscall.Umask(0o277)
	s, err := Open(path, Options{})
	syscall.Umask(old)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	checkMode(t, filepath.Dir(path), os.ModeDir|0o700)
	checkMode(t, path, 0o600)

	// An existing file someone loosened is tightened again.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	checkMode(t, path, 0o600)
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode(); got != want {
		t.Errorf("%s: mode %v, want %v", path, got, want)
	}
}
