package main

import (
	"io"
	"os"
	"strings"
	"unicode"

	"charm.land/fang/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// printError prints err to w as fang prints an error — through errorHandler,
// with fang's default colour scheme, in the colours the terminal supports —
// without asking the terminal anything. fang asks for the background colour
// only to choose between the light and the dark variant of its scheme, and the
// error's colours (the ERROR badge, the text) are the same in both; the dark
// variant is the one fang takes when a terminal does not answer.
func printError(w io.Writer, err error) {
	errorHandler(colorprofile.NewWriter(w, os.Environ()), errorStyles(true), err)
}

// errorStyles are the styles fang.DefaultErrorHandler uses, as fang builds
// them from its default colour scheme (fang v2.0.1 does not export how).
// TestErrorLooksAsFangPrintsIt compares the result with fang's own.
func errorStyles(isDark bool) fang.Styles {
	cs := fang.DefaultColorScheme(lipgloss.LightDark(isDark))
	return fang.Styles{
		ErrorHeader: lipgloss.NewStyle().
			Foreground(cs.ErrorHeader[0]).
			Background(cs.ErrorHeader[1]).
			Bold(true).
			Padding(0, 1).
			Margin(1).
			MarginLeft(2).
			SetString("ERROR"),
		ErrorText: lipgloss.NewStyle().
			MarginLeft(2).
			Width(errorWidth() - 4).
			Transform(titleFirstWord),
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

// titleFirstWord capitalises the first word of s, as fang does to an error.
func titleFirstWord(s string) string {
	start := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsSpace(r) })
	if start < 0 {
		return s
	}
	end := strings.IndexFunc(s[start:], unicode.IsSpace)
	if end < 0 {
		end = len(s)
	} else {
		end += start
	}
	return s[:start] + cases.Title(language.AmericanEnglish).String(s[start:end]) + s[end:]
}
