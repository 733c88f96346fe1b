package main

// An error wraps at words to the terminal's width (80 columns where standard
// error is no terminal): a flag, a path or an id is never split.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"

	"wizard/assets"
)

// errorInTerminal runs the wizard with standard output and error on a
// pseudo-terminal cols columns wide, and standard input not a terminal, as
// `echo | wizard` has it; it returns what the terminal showed, without colours.
func errorInTerminal(t *testing.T, cols int, env []string, args ...string) string {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: uint16(cols)}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(ptyBinary(t), args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = tty, tty // standard input: /dev/null
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	var out bytes.Buffer
	read := make(chan error, 1)
	go func() {
		_, err := io.Copy(&out, ptmx)
		read <- err
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatalf("wizard %v succeeded, want an error", args)
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("wizard %v did not end", args)
	}
	select {
	case err := <-read:
		if err != nil && !errors.Is(err, syscall.EIO) {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("wizard %v: its output did not end", args)
	}
	return ansi.Strip(strings.ReplaceAll(out.String(), "\r\n", "\n"))
}

// checkErrorWraps fails unless shown is the error text want under the label,
// every word of it whole and in order, every line within width columns but
// for a word wider than the room on a line of its own, and every one of whole
// (a flag, a path, an id) on one line.
func checkErrorWraps(t *testing.T, what, shown string, w *assets.Words, want string, width int, whole ...string) {
	t.Helper()
	label := w.T("cli.error_label")
	body, ok := strings.CutPrefix(strings.TrimSpace(shown), label)
	if !ok {
		t.Fatalf("%s: no %s label:\n%s", what, label, shown)
	}
	want = capitalize(want) + "."
	if got, exp := strings.Fields(body), strings.Fields(want); strings.Join(got, " ") != strings.Join(exp, " ") {
		t.Errorf("%s: the words shown are not the error's (one cut in two?):\n got %q\nwant %q", what, got, exp)
	}
	lines := strings.Split(shown, "\n")
	for _, line := range lines {
		if n := ansi.StringWidth(line); n > width && len(strings.Fields(line)) != 1 {
			t.Errorf("%s: a line %d columns wide, more than %d: %q", what, n, width, line)
		}
	}
	for _, s := range whole {
		found := false
		for _, line := range lines {
			found = found || strings.Contains(line, s)
		}
		if !found {
			t.Errorf("%s: %q is split over lines:\n%s", what, s, shown)
		}
	}
}

func TestErrorsWrapAtWordsToTheTerminal(t *testing.T) {
	home := newPtyHome(t)
	missing := filepath.Join(home.dir, "exports", "signup-K7MQ-4XPD.json")
	for _, lang := range []string{"en", "ru", "kk"} {
		w := assets.NewWords(lang)
		env := append(home.env(), "WIZARD_LANG="+lang, "LC_ALL=", "LC_MESSAGES=")
		for _, tc := range []struct {
			args  []string
			want  string
			whole []string
		}{
			// `echo | wizard`: the sentence of issue 13, whose --accessible was cut
			{nil, w.T("cli.no_terminal", "wizard"), []string{"--accessible", "'wizard list',"}},
			{[]string{"--accessibel"}, w.T("cli.usage.unknown_flag", "--accessibel", "wizard"), []string{"--accessibel", "--help'"}},
			{[]string{"list", "--limit", "many"}, w.T("cli.usage.bad_value", "many", "--limit", w.T("cli.usage.hint_number"), "wizard list"),
				[]string{"--limit"}},
			{[]string{"import", missing}, w.T("cli.import.no_file", missing), []string{missing}},
		} {
			for _, width := range []int{80, 60} {
				what := fmt.Sprintf("%s %v at %d", lang, tc.args, width)
				shown := errorInTerminal(t, width, env, tc.args...)
				checkErrorWraps(t, what, shown, w, tc.want, width, tc.whole...)
			}
		}
	}
}

// Where standard error is no terminal, an error is 80 columns wide.
func TestErrorWithoutTerminalIs80Wide(t *testing.T) {
	hermetic(t)
	for _, lang := range []string{"en", "ru", "kk"} {
		var out, errOut bytes.Buffer
		if code := run(t.Context(), []string{"--lang", lang}, strings.NewReader(""), &out, &errOut); code == 0 {
			t.Fatalf("%s: a wizard without a terminal succeeded", lang)
		}
		w := assets.NewWords(lang)
		checkErrorWraps(t, lang, errOut.String(), w, w.T("cli.no_terminal", "wizard"), helpWidthNoTerminal, "--accessible")
		if !strings.Contains(errOut.String(), "\n") || len(strings.Split(strings.TrimSpace(errOut.String()), "\n")) < 4 {
			t.Errorf("%s: the error is not wrapped:\n%s", lang, errOut.String())
		}
	}
}
