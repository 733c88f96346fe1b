package store

import (
	"errors"
	"fmt"
	"io/fs"
)

// ErrNotFound is returned (wrapped with the id) when a session does not exist.
var ErrNotFound = errors.New("session not found")

// LockedError means one transaction could not get the file's lock within
// Options.Timeout: another process has been inside a transaction on it for
// that long (the file is locked only for the length of a transaction).
type LockedError struct {
	Path string
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("another wizard is using %s; close it first (or wait for it to finish)", e.Path)
}

// CorruptError means the file is not a readable bbolt file. The file is left
// exactly as it was found.
type CorruptError struct {
	Path string
	Err  error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("the saved-sessions file %s is damaged and can't be read (%v); "+
		"run the wizard with --repair to move it aside", e.Path, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// SchemaError means the file's schema version is not one this wizard can use:
// newer than SchemaVersion, or older and opened read-only (so not migrated).
type SchemaError struct {
	Path string
	Have int // version stored in the file
	Want int // SchemaVersion of this build
}

func (e *SchemaError) Error() string {
	if e.Have > e.Want {
		return fmt.Sprintf("%s was made by a newer wizard (schema %d; this one knows up to %d); update the wizard",
			e.Path, e.Have, e.Want)
	}
	return fmt.Sprintf("%s was made by an older wizard (schema %d; this one needs %d); "+
		"open it once without read-only to upgrade it", e.Path, e.Have, e.Want)
}

// ErrExists is returned (wrapped with the id) by Import when a session with the
// same id is already stored and replacing it was not asked for.
var ErrExists = errors.New("session already exists")

// ErrNotBundle means a file is not a signup bundle written by Export.
var ErrNotBundle = errors.New("not a wizard signup bundle")

// BundleVersionError means a bundle was written by a newer wizard: its format
// version, or the schema of the session in it, is newer than this build reads.
type BundleVersionError struct {
	Schema bool // the session's schema is too new, not the bundle's format
	Have   int
	Want   int // the newest this build reads
}

func (e *BundleVersionError) Error() string {
	what := "bundle format"
	if e.Schema {
		what = "session schema"
	}
	return fmt.Sprintf("the bundle was made by a newer wizard (%s %d; this one reads up to %d); update the wizard",
		what, e.Have, e.Want)
}

// NoFileError means a read-only open found no data file at Path, or an empty
// one: nothing has been saved there yet. Nothing is created. It matches
// fs.ErrNotExist with errors.Is.
type NoFileError struct {
	Path  string
	Empty bool // the file exists but holds nothing (size 0)
}

func (e *NoFileError) Error() string {
	if e.Empty {
		return fmt.Sprintf("the data file %s is empty: nothing has been saved in it yet", e.Path)
	}
	return fmt.Sprintf("no data file at %s yet: nothing has been saved there", e.Path)
}

func (e *NoFileError) Unwrap() error { return fs.ErrNotExist }
