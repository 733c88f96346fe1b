// Command wizard walks a regional office through putting a company phone number on
// the WhatsApp Business Platform through a Business Solution Provider.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"charm.land/fang/v2"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	root := newRootCmd(&globals{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin})
	if err := fang.Execute(context.Background(), root, fang.WithVersion(version), fang.WithoutManpage()); err != nil {
		var ex exitError
		if errors.As(err, &ex) {
			os.Exit(ex.code)
		}
		os.Exit(1)
	}
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
