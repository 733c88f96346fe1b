package main

import (
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newVersionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the wizard's version",
		Args:  cobra.NoArgs,
		Run: func(*cobra.Command, []string) {
			printf(g.stdout, "%s\n", versionLine())
		},
	}
}

// versionLine is e.g. "wizard v1.2.0 (go1.26.0, linux/amd64)".
func versionLine() string {
	v := version
	if info, ok := debug.ReadBuildInfo(); ok && v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	return "wizard " + v + " (" + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + ")"
}
