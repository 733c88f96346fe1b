package main

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"wizard/assets"
	"wizard/steps"
	"wizard/store"
	"wizard/termsafe"
)

// maxBundle is the largest bundle import reads: far above any real signup.
const maxBundle = 64 << 20

// importOptions are the options of `wizard import`.
type importOptions struct {
	IO        ioStreams // IO.In is the bundle with File "-"
	Words     *assets.Words
	OpenStore func() (dataStore, error)
	Now       func() time.Time // when the history says it was imported
	Who       func() string    // who it says imported it

	File    string // the bundle; "-" for IO.In
	Replace bool   // --replace: replace a signup with the same id
}

func newImportCmd(f *factory, runF func(*importOptions) error) *cobra.Command {
	opts := &importOptions{IO: f.IO, OpenStore: f.OpenStore, Now: f.Now, Who: f.Who}
	cmd := &cobra.Command{
		Use:  "import FILE",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File, opts.Words = args[0], f.Words()
			if runF != nil {
				return runF(opts)
			}
			return runImport(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Replace, "replace", false, "")
	return cmd
}

// runImport is `wizard import FILE`.
func runImport(opts *importOptions) error {
	w, file := opts.Words, opts.File
	data, err := readBundleFile(opts.IO.In, file)
	if errors.Is(err, errBundleTooLarge) {
		return failT(w, codeError, "cli.import.too_large", file, maxBundle>>20)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return failT(w, 1, "cli.import.no_file", file)
	}
	if err != nil {
		return failT(w, 1, "cli.import.read_failed", file, err)
	}
	b, err := store.DecodeBundle(data)
	if ve, ok := errors.AsType[*store.BundleVersionError](err); ok {
		return failT(w, 1, "cli.import.newer", file, strconv.Itoa(ve.Have), strconv.Itoa(ve.Want))
	}
	if err != nil {
		return failT(w, 1, "cli.import.not_bundle", file, err)
	}
	// Checked as a saved signup would be, before anything is written.
	if err := store.ValidateBundle(b, opts.Now()); err != nil {
		return failT(w, 1, "cli.import.invalid", termsafe.Line(file), err)
	}

	st, err := opts.OpenStore()
	if err != nil {
		return err
	}
	defer st.Close()
	sess := b.Session
	// The import is this file's latest change to the signup: it lists first and
	// is what 'wizard' offers to resume.
	now, by := opts.Now(), opts.Who()
	sess.UpdatedAt, sess.UpdatedBy = now, by
	note := steps.Said("history.imported", file, dash(b.ExportedBy), b.ExportedAt.UTC().Format("2006-01-02 15:04 MST")).
		Event(store.Event{At: now, By: by, Kind: "imported"})
	stored, err := st.Import(context.Background(), sess, append(b.Events, note), opts.Replace)
	switch {
	case errors.Is(err, store.ErrExists):
		old, _ := st.Load(context.Background(), sess.ID)
		return failT(w, 1, "cli.import.exists", store.NormaliseID(sess.ID), st.Where(),
			w.DateTime(old.UpdatedAt.Local()), dash(old.UpdatedBy))
	case errors.As(err, new(*store.ConflictError)):
		ce, _ := errors.AsType[*store.ConflictError](err)
		return failT(w, 1, "cli.import.newer_here", store.NormaliseID(sess.ID), st.Where(), strconv.FormatUint(uint64(ce.Stored), 10), strconv.FormatUint(uint64(ce.Loaded), 10),
			w.DateTime(ce.Current.UpdatedAt.Local()), dash(ce.Current.UpdatedBy))
	case errors.As(err, new(*store.HeldError)):
		he, _ := errors.AsType[*store.HeldError](err)
		return failT(w, 1, "cli.import.held", store.NormaliseID(sess.ID), dash(he.Hold.Holder.Who), dash(he.Hold.Holder.Machine),
			w.Time(he.Hold.Since.Local()))
	case err != nil:
		return failT(w, 1, "cli.save_failed", sess.ID, st.Where(), err)
	}
	printf(termsafe.NewWriter(opts.IO.Out), "%s\n", termsafe.Line(w.T("cli.import.done", stored.ID, describe(stored), len(b.Events), st.Where())))
	return nil
}

// errBundleTooLarge is readBundleFile's error for a file larger than maxBundle.
var errBundleTooLarge = errors.New("file too large for a signup bundle")

// readBundleFile reads the bundle file, or stdin for "-".
func readBundleFile(stdin io.Reader, file string) ([]byte, error) {
	r := stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBundle+1))
	if err == nil && len(data) > maxBundle {
		err = errBundleTooLarge
	}
	return data, err
}
