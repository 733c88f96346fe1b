// Command wizard walks a regional office through putting a company phone number on
// the WhatsApp Business Platform through a Business Solution Provider.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"charm.land/fang/v2"
	"github.com/spf13/cobra"

	"wizard/assets"
	"wizard/termsafe"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run runs the wizard with args and returns the exit status: that of an
// exitError, else 1 for any error.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(newFactory(stdin, stdout, stderr))
	root.SetArgs(args)
	err := execute(ctx, root, stderr)
	if err == nil {
		return 0
	}
	if ex, ok := errors.AsType[exitError](err); ok {
		return ex.code
	}
	return 1
}

// execute runs root under fang (styled help, --version, completions) and
// prints the error of a command itself, at once. Left to fang, an error is
// printed only after fang has asked the terminal for its background colour,
// on standard input and then on standard output, waiting up to 2 s for each
// answer: in a terminal that never answers, every error came ~5 s late. fang
// v2.0.1 has no option that skips the question (its colour scheme and error
// handler are called only after it), so the commands' errors never reach
// fang: each command hands its error to execute and returns nil.
func execute(ctx context.Context, root *cobra.Command, stderr io.Writer) error {
	var failed error
	keep := func(err error) error {
		if failed == nil {
			failed = err
		}
		return nil
	}
	keepErrors(root, keep)
	err := fang.Execute(ctx, root, fang.WithVersion(version), fang.WithoutManpage(), fang.WithErrorHandler(errorHandler))
	if err != nil { // an error from cobra's own commands (help, completion): fang has printed it
		return err
	}
	if failed != nil {
		printError(stderr, failed)
	}
	return failed
}

// keepErrors makes every command under root (root too) give the error of its
// flags, its arguments or its run to keep instead of returning it. (Cobra
// returns the errors of pre-run hooks, required flags and flag groups itself,
// which would go to fang: the wizard has none.)
func keepErrors(root *cobra.Command, keep func(error) error) {
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return keep(err) })
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		if c.RunE == nil && c.Run == nil {
			return
		}
		validate, runE, runPlain := c.Args, c.RunE, c.Run
		// The arguments are checked in the run, where an error can be kept:
		// an error returned from Args would go to fang.
		c.Args = cobra.ArbitraryArgs
		c.Run = nil
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if validate != nil {
				if err := validate(cmd, args); err != nil {
					return keep(err)
				}
			}
			if runE == nil {
				runPlain(cmd, args)
				return nil
			}
			if err := runE(cmd, args); err != nil {
				return keep(err)
			}
			return nil
		}
	}
	walk(root)
}

// errorHandler prints an error as fang does, except an exitError without a
// message: its command has said everything already.
func errorHandler(w io.Writer, styles fang.Styles, err error) {
	if ex, ok := errors.AsType[exitError](err); ok && ex.msg == "" {
		return
	}
	// An error names ids, paths and answers that came from files and users.
	fang.DefaultErrorHandler(w, styles, errors.New(termsafe.Text(err.Error())))
}

// exitError ends the program with a given exit code, its message already printed.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

func fail(code int, format string, args ...any) error {
	return exitError{code: code, msg: fmt.Sprintf(format, args...)}
}

// failT ends the command with code and the catalog text of key.
func failT(w *assets.Words, code int, key string, args ...any) error {
	return fail(code, "%s", w.T(key, args...))
}
