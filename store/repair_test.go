package store

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestMoveAside(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wizard.db")
	if err := os.WriteFile(path, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, Options{}); !errors.As(err, new(*CorruptError)) {
		t.Fatalf("open: %v", err)
	}
	moved, err := MoveAside(path, t0)
	if err != nil {
		t.Fatal(err)
	}
	if moved != path+".corrupt-20250314T092653Z" {
		t.Fatalf("moved to %s", moved)
	}
	if data, err := os.ReadFile(moved); err != nil || string(data) != "not a database" {
		t.Fatalf("moved file: %q %v", data, err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("fresh open: %v", err)
	}
	s.Close()

	// The same second again: the first copy is kept, the second gets a counter.
	if err := os.WriteFile(path, []byte("again"), 0o600); err != nil {
		t.Fatal(err)
	}
	second, err := MoveAside(path, t0)
	if err != nil || second != moved+"-2" {
		t.Fatalf("second move: %s %v", second, err)
	}
	if data, _ := os.ReadFile(moved); string(data) != "not a database" {
		t.Fatal("the first copy was overwritten")
	}
}
