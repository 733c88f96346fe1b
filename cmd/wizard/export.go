package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"wizard/store"
)

func newExportCmd(g *globals) *cobra.Command {
	out, force := "", false
	cmd := &cobra.Command{
		Use:   "export ID [-o FILE]",
		Short: "Write a signup and its history to a file, to hand it to a colleague",
		Long: `Writes one signup and its whole history to a JSON file (format "wizard-signup",
version 1) that 'wizard import FILE' reads on another machine. The file holds names and
e-mail addresses, so it is written with mode 0600; it holds no passwords, codes or tokens
(they are never saved). Default file: signup-ID.json in the current directory; -o - writes
to standard output.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExport(g, args[0], out, force)
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the file to write (- for standard output)")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite the file if it exists")
	return cmd
}

func runExport(g *globals, id, out string, force bool) error {
	st, err := g.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	b, err := st.Export(id, g.clock(), who())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return g.fail(1, "cli.not_found", id, st.Path())
	case err != nil:
		return g.fail(1, "cli.load_failed", id, err)
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if out == "-" {
		_, err := g.stdout.Write(data)
		return err
	}
	if out == "" {
		out = "signup-" + b.Session.ID + ".json"
	}
	if err := writePrivate(out, data, force); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return g.fail(1, "cli.export.exists", out)
		}
		return g.fail(1, "cli.export.write_failed", out, err)
	}
	printf(g.stdout, "%s\n", g.words().T("cli.export.done", b.Session.ID, len(b.Events), out, filepath.Base(out)))
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
