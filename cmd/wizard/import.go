package main

import (
	"errors"
	"io"
	"os"

	"github.com/spf13/cobra"

	"wizard/store"
)

// maxBundle is the largest bundle import reads: far above any real signup.
const maxBundle = 64 << 20

func newImportCmd(g *globals) *cobra.Command {
	replace := false
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Add a signup exported with 'wizard export' (from another machine) to the data file",
		Long: `Reads a file written by 'wizard export' (- for standard input) and stores the signup and
its whole history in the data file, in one step, with a note in the history saying who
imported it. A signup with the same id already here is left alone unless --replace is
given; a file from a newer wizard is refused. Then carry on with 'wizard resume ID'.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImport(g, args[0], replace)
		},
	}
	cmd.Flags().BoolVar(&replace, "replace", false, "replace a signup with the same id, and its history")
	return cmd
}

func runImport(g *globals, file string, replace bool) error {
	data, err := readBundleFile(g, file)
	if err != nil {
		return g.fail(1, "cli.import.read_failed", file, err)
	}
	b, err := store.DecodeBundle(data)
	if ve, ok := errors.AsType[*store.BundleVersionError](err); ok {
		return g.fail(1, "cli.import.newer", file, ve.Have, ve.Want)
	}
	if err != nil {
		return g.fail(1, "cli.import.not_bundle", file, err)
	}

	st, err := g.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	sess := b.Session
	// The import is this file's latest change to the signup: it lists first and
	// is what 'wizard' offers to resume.
	now, by := g.clock(), who()
	sess.UpdatedAt, sess.UpdatedBy = now, by
	note := store.Event{At: now, By: by, Kind: "imported",
		Detail: "imported from " + file + " (exported by " + dash(b.ExportedBy) + " at " +
			b.ExportedAt.UTC().Format("2006-01-02 15:04 MST") + ")"}
	stored, err := st.Import(sess, append(b.Events, note), replace)
	switch {
	case errors.Is(err, store.ErrExists):
		old, _ := st.Load(sess.ID)
		return g.fail(1, "cli.import.exists", store.NormaliseID(sess.ID), st.Path(),
			old.UpdatedAt.Local().Format("2006-01-02 15:04"), dash(old.UpdatedBy))
	case err != nil:
		return g.fail(1, "cli.save_failed", sess.ID, st.Path(), err)
	}
	printf(g.stdout, "%s\n", g.words().T("cli.import.done", stored.ID, describe(stored), len(b.Events), st.Path()))
	return nil
}

func readBundleFile(g *globals, file string) ([]byte, error) {
	var r io.Reader = g.stdin
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
		err = errors.New("file too large for a signup bundle")
	}
	return data, err
}
