package main

import (
	"errors"
	"io"
	"os"

	"charm.land/fang/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"

	"wizard/assets"
	"wizard/termsafe"
)

// printError prints err to w as fang prints an error — through errorHandler,
// with fang's default colour scheme, in the colours the terminal supports,
// under the label of words ("ERROR") — without asking the terminal anything.
// fang asks for the background colour only to choose between the light and
// the dark variant of its scheme, and the error's colours (the ERROR badge,
// the text) are the same in both; the dark variant is the one fang takes when
// a terminal does not answer.
func printError(w io.Writer, words *assets.Words, err error) {
	errorHandler(colorprofile.NewWriter(w, os.Environ()), errorStyles(words, true), err)
}

// errorStyles are the styles fang.DefaultErrorHandler uses, as fang builds
// them from its default colour scheme (fang v2.0.1 does not export how),
// but for two things: the label is the catalog's, and only the first letter
// of the text is raised (fang title-cases its whole first word, which turns
// a value such as K7MQ-4XPD into K7mq-4xpd). TestErrorLooksAsFangPrintsIt
// compares the result with fang's own.
func errorStyles(words *assets.Words, isDark bool) fang.Styles {
	cs := fang.DefaultColorScheme(lipgloss.LightDark(isDark))
	return fang.Styles{
		ErrorHeader: lipgloss.NewStyle().
			Foreground(cs.ErrorHeader[0]).
			Background(cs.ErrorHeader[1]).
			Bold(true).
			Padding(0, 1).
			Margin(1).
			MarginLeft(2).
			SetString(words.T("cli.error_label")),
		ErrorText: lipgloss.NewStyle().
			MarginLeft(2).
			Width(errorWidth() - 4).
			Transform(capitalize),
		Program: fang.Program{Flag: lipgloss.NewStyle().Foreground(cs.Flag)},
	}
}

// errorWidth is the width fang wraps an error to: the terminal's, at most 120.
func errorWidth() int {
	w, _, err := term.GetSize(os.Stdout.Fd())
	if err != nil {
		return 120
	}
	return min(w, 120)
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
