package main

import (
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// versionOptions are the options of `wizard version`.
type versionOptions struct {
	IO      ioStreams
	Version string // set at build time; "dev" for the module's version, if any
}

func newVersionCmd(f *factory, runF func(*versionOptions) error) *cobra.Command {
	opts := &versionOptions{IO: f.IO, Version: f.Version}
	return &cobra.Command{
		Use:  "version",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runVersion(opts)
		},
	}
}

// runVersion is `wizard version`.
func runVersion(opts *versionOptions) error {
	printf(opts.IO.Out, "%s\n", versionLine(opts.Version))
	return nil
}

// versionLine is e.g. "wizard v1.2.0 (go1.26.0, linux/amd64)" for v "v1.2.0".
func versionLine(v string) string {
	if info, ok := debug.ReadBuildInfo(); ok && v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	return "wizard " + v + " (" + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + ")"
}
