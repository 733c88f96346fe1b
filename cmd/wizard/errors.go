package main

import (
	"errors"
	"io"
	"os"
	"strings"

	"charm.land/fang/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

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
//
// The error is wrapped at words to the width of w's terminal (80 columns when
// w is no terminal; see helpWidth), never inside a word: a flag, a path or an
// id stays whole, on a line of its own when it is wider than the room.
func printError(w io.Writer, words *assets.Words, err error) {
	errorHandler(colorprofile.NewWriter(w, os.Environ()), errorStyles(words, true, helpWidth(w)), err)
}

// errorStyles are the styles fang.DefaultErrorHandler uses, as fang builds
// them from its default colour scheme (fang v2.0.1 does not export how),
// but for two things: the label is the catalog's, and only the first letter
// of the text is raised (fang title-cases its whole first word, which turns
// a value such as K7MQ-4XPD into K7mq-4xpd). TestErrorLooksAsFangPrintsIt
// compares the result with fang's own. The text is wrapped at words to width
// columns, less fang's margins (fang's own wrapping breaks after any hyphen,
// "-" / "-accessible", and cuts a word longer than the room).
func errorStyles(words *assets.Words, isDark bool, width int) fang.Styles {
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
			Width(errorRoom(width)).
			Transform(func(s string) string { return wrapWords(capitalize(s), errorRoom(width)) }),
		Program: fang.Program{Flag: lipgloss.NewStyle().Foreground(cs.Flag)},
	}
}

// errorRoom is the width of an error's text in a terminal width columns
// wide: less fang's margins (2 on the left, and 2 to spare on the right).
func errorRoom(width int) int { return max(width-4, 1) }

// wrapWords wraps s at spaces to width columns, keeping its line breaks; a
// word wider than that (a long path) is left whole on a line of its own.
// Hyphens are passed to ansi.Wordwrap as non-breaking ones, and put back, as
// in the help (see wrap): it breaks after every hyphen otherwise.
func wrapWords(s string, width int) string { return wrapWith(ansi.Wordwrap, s, width) }

// widestWord is the width of the widest word of s.
func widestWord(s string) int {
	n := 0
	for _, word := range strings.Fields(s) {
		n = max(n, ansi.StringWidth(word))
	}
	return n
}

// errorHandler prints an error as fang does, except an exitError without a
// message: its command has said everything already.
func errorHandler(w io.Writer, styles fang.Styles, err error) {
	if ex, ok := errors.AsType[exitError](err); ok && ex.msg == "" {
		return
	}
	// An error names ids, paths and answers that came from files and users.
	text := termsafe.Text(err.Error())
	widest := widestWord(text + ".") // fang adds the full stop
	if widest <= styles.ErrorText.GetWidth() {
		fang.DefaultErrorHandler(w, styles, errors.New(text))
		return
	}
	// A word wider than the room (a long path): lipgloss would cut it at the
	// width, and pads every line to it, so the width is the word's, and the
	// padding is taken off again (the terminal would wrap it onto lines of
	// spaces).
	styles.ErrorText = styles.ErrorText.Width(widest)
	var b strings.Builder
	fang.DefaultErrorHandler(&b, styles, errors.New(text))
	for line := range strings.Lines(b.String()) {
		_, _ = io.WriteString(w, strings.TrimRight(line, " \n")+"\n")
	}
}
