package main

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"wizard/assets"
	"wizard/store"
	"wizard/termsafe"
)

// exportOptions are the options of `wizard export`.
type exportOptions struct {
	IO        ioStreams
	Words     *assets.Words
	OpenStore func() (dataStore, error)
	Now       func() time.Time // when the bundle says it was exported
	Who       func() string    // who it says exported it

	ID     string
	Output string // -o: the file; "-" for IO.Out; "" for signup-ID.json
	Force  bool   // --force: overwrite Output
}

func newExportCmd(f *factory, runF func(*exportOptions) error) *cobra.Command {
	opts := &exportOptions{IO: f.IO, OpenStore: f.OpenStoreReadOnly, Now: f.Now, Who: f.Who}
	cmd := &cobra.Command{
		Use:  "export ID [-o FILE]",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID, opts.Words = args[0], f.Words()
			if runF != nil {
				return runF(opts)
			}
			return runExport(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "")
	return cmd
}

// runExport is `wizard export ID`.
func runExport(opts *exportOptions) error {
	w, id, out := opts.Words, opts.ID, opts.Output
	st, err := opts.OpenStore()
	if nf, none := errors.AsType[*store.NoFileError](err); none {
		return failT(w, 1, "cli.not_found", termsafe.Line(id), nf.Path)
	}
	if err != nil {
		return err
	}
	defer st.Close()
	b, err := st.Export(context.Background(), id, opts.Now(), opts.Who())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return failT(w, 1, "cli.not_found", id, st.Where())
	case err != nil:
		return failT(w, 1, "cli.load_failed", id, err)
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if out == "-" {
		_, err := opts.IO.Out.Write(termsafe.JSON(data))
		return err
	}
	if out == "" {
		if !store.ValidID(b.Session.ID) { // a file name is never built from an odd id
			return failT(w, 2, "cli.export.name_needed", termsafe.Line(b.Session.ID))
		}
		out = "signup-" + b.Session.ID + ".json"
	}
	if err := writePrivate(out, data, opts.Force); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return failT(w, 1, "cli.export.exists", out)
		}
		return failT(w, 1, "cli.export.write_failed", out, err)
	}
	printf(termsafe.NewWriter(opts.IO.Out), "%s\n", w.T("cli.export.done", b.Session.ID, len(b.Events), out, filepath.Base(out)))
	return nil
}

// writePrivate writes data to path with mode 0600, all or nothing: a temporary
// file in the same directory, renamed over path at the end. Without force an
// existing path is an error wrapping fs.ErrExist.
func writePrivate(path string, data []byte, force bool) error {
	if !force {
		if _, err := os.Lstat(path); err == nil {
			return fs.ErrExist
		}
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after a successful rename there is nothing to remove
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o600); err != nil { // CreateTemp makes 0600; this keeps it so whatever the umask
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
