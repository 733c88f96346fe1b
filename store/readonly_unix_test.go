//go:build unix

package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	berrors "go.etcd.io/bbolt/errors"
)

// Read-only opens never create anything; this holds for root too.
func TestOpenReadOnlyCreatesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "wizard.db")
	for _, open := range []func() (*Store, error){
		func() (*Store, error) { return OpenReadOnly(path, 0) },
		func() (*Store, error) { return Open(path, Options{ReadOnly: true}) },
	} {
		_, err := open()
		nf, ok := errors.AsType[*NoFileError](err)
		if !ok || nf.Path != path || nf.Empty || !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("missing file: %T %v", err, err)
		}
		if want := "no data file at " + path + " yet: nothing has been saved there"; err.Error() != want {
			t.Fatalf("message %q\nwant    %q", err, want)
		}
		if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
			t.Fatal("the read-only open created the directory")
		}
	}

	// The directory without the file.
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenReadOnly(path, 0); !errors.As(err, new(*NoFileError)) {
		t.Fatalf("missing file in an existing directory: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("the read-only open created the file")
	}

	// An empty file (say, a crash right after creating it) stays empty.
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := OpenReadOnly(path, 0)
	if nf, ok := errors.AsType[*NoFileError](err); !ok || !nf.Empty || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("empty file: %T %v", err, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != 0 {
		t.Fatalf("the read-only open wrote to an empty file: %v %v", fi, err)
	}
}

// A file and directory nobody may write to (as on a read-only mount) open
// read-only, and every reading call works.
func TestOpenReadOnlyUnwritable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "wizard.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	history(t, s, "K7MQ-4XPD", 3)
	s.Close()
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) }) // so TempDir can remove it

	ro, err := OpenReadOnly(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	if page, err := ro.List(ctx, Query{}); err != nil || len(page.Sessions) != 1 {
		list := page.Sessions
		t.Fatalf("List: %v %v", list, err)
	}
	if _, err := ro.Load(ctx, "k7mq4xpd"); err != nil {
		t.Fatalf("Load: %v", err)
	}
	if _, ok, err := ro.Latest(ctx, Query{Statuses: Resumable}); !ok || err != nil {
		t.Fatalf("Latest: %v %v", ok, err)
	}
	if b, err := ro.Export(ctx, "K7MQ-4XPD", at(10), "alice"); err != nil || len(b.Events) != 3 {
		t.Fatalf("Export: %v", err)
	}
	if r, err := ro.Check(ctx, vNow); err != nil || !r.OK() {
		t.Fatalf("Inspect: %+v %v", r, err)
	}
	sess, _ := ro.Load(ctx, "K7MQ-4XPD")
	if err := ro.Save(ctx, &sess, Event{Kind: "x"}, nil); !errors.Is(err, berrors.ErrDatabaseReadOnly) {
		t.Fatalf("Save on a read-only store: %v", err)
	}
	checkMode(t, path, 0o400)

	ro.Close()

	t.Run("not writable for real", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root: file modes do not stop root, so the modes above did not make " +
				"the file unwritable; the read-only open was checked, the refused write open is not")
		}
		if s, err := Open(path, Options{}); !errors.Is(err, fs.ErrPermission) {
			if s != nil {
				s.Close()
			}
			t.Fatalf("read-write open of a 0400 file: %v", err)
		}
	})
}
