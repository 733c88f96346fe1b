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

	"wizard/assets"
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
	err := fang.Execute(ctx, root, fang.WithVersion(version), fang.WithoutManpage(), fang.WithErrorHandler(errorHandler))
	if err == nil {
		return 0
	}
	if ex, ok := errors.AsType[exitError](err); ok {
		return ex.code
	}
	return 1
}

// errorHandler prints an error as fang does, except an exitError without a
// message: its command has said everything already.
func errorHandler(w io.Writer, styles fang.Styles, err error) {
	if ex, ok := errors.AsType[exitError](err); ok && ex.msg == "" {
		return
	}
	fang.DefaultErrorHandler(w, styles, err)
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
