// Command wizard walks a regional office through putting a company phone number on
// the WhatsApp Business Platform through a Business Solution Provider.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"wizard/assets"
	"wizard/termsafe"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run runs the wizard with args and returns the exit status (see
// exitcodes.go): that of an exitError, else codeError for any error.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	f := newFactory(stdin, stdout, stderr)
	root := newRootCmd(f)
	root.SetArgs(args)
	w := wordsFor(f, root, args)
	prepare(root, f, w)
	return exitStatus(execute(ctx, root, w, stderr))
}

// exitStatus is the exit status of a command that ended with err.
func exitStatus(err error) int {
	if err == nil {
		return codeOK
	}
	if ex, ok := errors.AsType[exitError](err); ok {
		return ex.code
	}
	return codeError
}

// wordsFor is the words of the command line args, picked before cobra reads
// it, so that the help, the usage errors and cobra's own commands speak the
// user's language too: --lang is read from args with the root's own flag
// (every other flag passed over; cobra reads it again, to the same value),
// then factory.Words makes the choice, as for every command.
func wordsFor(f *factory, root *cobra.Command, args []string) *assets.Words {
	if lang := root.PersistentFlags().Lookup("lang"); lang != nil {
		pre := pflag.NewFlagSet("lang", pflag.ContinueOnError)
		pre.SetOutput(io.Discard)
		pre.Usage = func() {}
		pre.ParseErrorsAllowlist.UnknownFlags = true
		pre.AddFlag(lang)
		pre.BoolP("help", "h", false, "") // or pflag would stop at --help
		_ = pre.Parse(args)               // cobra reports what is wrong
	}
	return f.Words()
}

// prepare adds to root what every program of the wizard has besides its own
// commands, in the words of w: --version, the help (help.go) and `wizard
// help`, `wizard man`, `wizard completion` and the completion of signup ids
// (completion.go); then every text from the catalog.
func prepare(root *cobra.Command, f *factory, w *assets.Words) {
	root.SilenceUsage, root.SilenceErrors = true, true
	root.Version = versionLine(f.Version)
	root.SetVersionTemplate("{{.Version}}\n")
	root.InitDefaultVersionFlag()
	root.SetHelpFunc(func(c *cobra.Command, _ []string) { renderHelp(c, w, c.OutOrStdout()) })
	root.SetHelpCommand(newHelpCmd(w))
	root.AddCommand(newManCmd(f, w))
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	addCompletions(root, f)
	localize(root, w)
}

// newHelpCmd is `wizard help [command]`: the help of a command, or of the wizard.
func newHelpCmd(w *assets.Words) *cobra.Command {
	return &cobra.Command{
		Use: "help [command]",
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || target == nil || len(rest) > 0 {
				return failT(w, codeUsage, "cli.usage.help_topic", termsafe.Line(strings.Join(args, " ")))
			}
			target.InitDefaultHelpFlag()
			return target.Help()
		},
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			target, _, err := c.Root().Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []cobra.Completion
			for _, sub := range target.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	}
}

// execute runs root and prints the error it ends with, at once, in the
// style of fang's errors (see printError). Every command hands its error to
// execute rather than to cobra: the errors of flags and arguments become
// usage errors (codeUsage) in the user's words.
func execute(ctx context.Context, root *cobra.Command, w *assets.Words, stderr io.Writer) error {
	var failed error
	keep := func(err error) error {
		if failed == nil {
			failed = err
		}
		return nil
	}
	keepErrors(root, w, keep)
	if _, err := root.ExecuteContextC(ctx); err != nil && failed == nil {
		// cobra's own: a command it could not find, or a hook's error
		failed = failT(w, codeUsage, "cli.usage.other", termsafe.Line(err.Error()), root.CommandPath())
	}
	if failed != nil {
		printError(stderr, w, failed)
	}
	return failed
}

// keepErrors makes every command under root (root too) give the error of its
// flags, its arguments or its run to keep instead of returning it. (Cobra
// returns the errors of pre-run hooks, required flags and flag groups itself:
// the wizard has none.)
func keepErrors(root *cobra.Command, w *assets.Words, keep func(error) error) {
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return keep(flagError(w, c, err)) })
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
		// an error returned from Args would go back to cobra.
		c.Args = cobra.ArbitraryArgs
		c.Run = nil
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if validate != nil {
				if err := validate(cmd, args); err != nil {
					return keep(argsError(w, cmd, args))
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

// argsError says what is wrong with the arguments args of c: an unknown
// command (and the ones it may be meant for), or arguments c does not take.
func argsError(w *assets.Words, c *cobra.Command, args []string) error {
	path := c.CommandPath()
	if c.HasAvailableSubCommands() && len(args) > 0 {
		name := termsafe.Line(args[0])
		if c.SuggestionsMinimumDistance <= 0 {
			c.SuggestionsMinimumDistance = 2 // cobra's default, which only its own message sets
		}
		if like := c.SuggestionsFor(args[0]); len(like) > 0 {
			return failT(w, codeUsage, "cli.usage.unknown_command_like", name, path, strings.Join(like, ", "))
		}
		return failT(w, codeUsage, "cli.usage.unknown_command", name, path)
	}
	return failT(w, codeUsage, "cli.usage.args", path, usageLine(c))
}

// flagError says what is wrong with a flag of c on the command line.
func flagError(w *assets.Words, c *cobra.Command, err error) error {
	path := c.CommandPath()
	var missing *pflag.NotExistError
	var needs *pflag.ValueRequiredError
	var invalid *pflag.InvalidValueError
	var syntax *pflag.InvalidSyntaxError
	switch {
	case errors.As(err, &missing):
		name := "--" + missing.GetSpecifiedName()
		if missing.GetSpecifiedShortnames() != "" {
			name = "-" + missing.GetSpecifiedName()
		}
		return failT(w, codeUsage, "cli.usage.unknown_flag", termsafe.Line(name), path)
	case errors.As(err, &needs):
		return failT(w, codeUsage, "cli.usage.flag_needs_value", "--"+needs.GetFlag().Name, path)
	case errors.As(err, &invalid):
		return failT(w, codeUsage, "cli.usage.bad_value", termsafe.Line(invalid.GetValue()), "--"+invalid.GetFlag().Name,
			valueHint(w, invalid.GetFlag()), path)
	case errors.As(err, &syntax):
		return failT(w, codeUsage, "cli.usage.bad_syntax", termsafe.Line(syntax.GetSpecifiedFlag()), path)
	}
	return failT(w, codeUsage, "cli.usage.other", termsafe.Line(err.Error()), path)
}

// valueHint says what kind of value flag fl takes.
func valueHint(w *assets.Words, fl *pflag.Flag) string {
	switch fl.Value.Type() {
	case "int":
		return w.T("cli.usage.hint_number")
	case "duration":
		return w.T("cli.usage.hint_duration")
	case "bool":
		return w.T("cli.usage.hint_bool")
	}
	return w.T("cli.usage.hint_other")
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
