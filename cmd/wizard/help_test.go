package main

// Tests of the command help as a user meets it: `wizard … --help` run by the
// built binary in a pseudo-terminal 80 and 60 columns wide (and written to a
// pipe, 80), in English, Russian and Kazakh: no line is wider than the
// terminal, no word is cut, and every text is the catalog's.

import (
	"bytes"
	"errors"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"wizard/assets"
)

// preparedRoot is the program's command tree as run builds it, in lang.
func preparedRoot(t *testing.T, lang string) (*cobra.Command, *assets.Words) {
	t.Helper()
	f := newFactory(strings.NewReader(""), io.Discard, io.Discard)
	root := newRootCmd(f)
	w := wordsFor(f, root, []string{"--lang", lang})
	prepare(root, f, w)
	return root, w
}

// everyCommand is root and every command under it.
func everyCommand(root *cobra.Command) []*cobra.Command {
	all := []*cobra.Command{root}
	for i := 0; i < len(all); i++ {
		all = append(all, all[i].Commands()...)
	}
	return all
}

// helpArgs are the arguments that ask for c's help.
func helpArgs(c *cobra.Command) []string {
	return append(strings.Fields(c.CommandPath())[1:], "--help")
}

// helpWords are the words the help of root's commands may show, as the
// catalog writes them: a line of the help made of anything else holds a
// word cut in two.
func helpWords(root *cobra.Command, w *assets.Words) map[string]bool {
	words := map[string]bool{}
	add := func(texts ...string) {
		for _, text := range texts {
			for _, word := range strings.Fields(text) {
				words[word] = true
			}
		}
	}
	for _, c := range everyCommand(root) {
		add(c.Short, c.Long, c.Example, c.Use, usageLine(c), c.Name())
		for _, fs := range []*pflag.FlagSet{c.LocalFlags(), c.InheritedFlags()} {
			fs.VisitAll(func(fl *pflag.Flag) {
				add(capitalize(fl.Usage), "--"+fl.Name, "-"+fl.Shorthand)
				if d := flagDefault(w, fl); d != "" {
					add("(" + d + ")")
				}
			})
		}
	}
	for _, k := range []string{"usage", "examples", "commands", "flags", "global_flags", "exit_status"} {
		add(strings.ToUpper(w.T("help.section." + k)))
	}
	for _, e := range exitCodes {
		add(w.T(e.key), strconv.Itoa(e.code))
	}
	return words
}

// ptyOutput runs the built wizard with args in a pseudo-terminal cols wide
// and returns all it wrote, as plain text.
func ptyOutput(t *testing.T, cols int, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(ptyBinary(t), args...)
	cmd.Env = env
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: uint16(cols)})
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
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
		if err != nil {
			t.Fatalf("wizard %v: %v\n%s", args, err, out.String())
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("wizard %v did not end", args)
	}
	select { // the pty reads EIO once the program and its output are gone
	case err := <-read:
		if err != nil && !errors.Is(err, syscall.EIO) {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("wizard %v: its output did not end", args)
	}
	return ansi.Strip(strings.ReplaceAll(out.String(), "\r\n", "\n"))
}

// checkHelpFits fails unless every line of help fits in width columns and
// holds only words of the catalog's texts.
func checkHelpFits(t *testing.T, what string, help string, width int, words map[string]bool) {
	t.Helper()
	if strings.TrimSpace(help) == "" {
		t.Fatalf("%s: no help", what)
	}
	for _, line := range strings.Split(help, "\n") {
		if n := ansi.StringWidth(line); n > width {
			t.Errorf("%s: a line %d columns wide, more than %d: %q", what, n, width, line)
		}
		for _, word := range strings.Fields(line) {
			if !words[word] {
				t.Errorf("%s: %q is no word of the help (cut in two?) in the line %q", what, word, line)
			}
		}
	}
}

func TestHelpFitsTheTerminal(t *testing.T) {
	home := newPtyHome(t)
	for _, tc := range []struct {
		lang  string
		width int
	}{{"en", 80}, {"en", 60}, {"ru", 80}, {"ru", 60}, {"kk", 80}, {"kk", 60}} {
		root, w := preparedRoot(t, tc.lang)
		words := helpWords(root, w)
		env := append(home.env(), "WIZARD_LANG="+tc.lang, "LC_ALL=", "LC_MESSAGES=")
		for _, c := range everyCommand(root) {
			if c.Hidden || (tc.width == 80 && tc.lang != "en" && c.HasParent() && c.Parent().HasParent()) {
				continue // (the completion scripts' help in ru and kk: at 60 only)
			}
			args := append([]string{"--lang", tc.lang}, helpArgs(c)...)
			help := ptyOutput(t, tc.width, env, args...)
			checkHelpFits(t, tc.lang+" "+strings.Join(args, " "), help, tc.width, words)
			text := c.Long // the help shows the long text, else the short one
			if text == "" {
				text = c.Short
			}
			if first := strings.Fields(text); len(first) == 0 || !strings.Contains(help, first[0]) {
				t.Errorf("%s at %d: the help does not show its text %q:\n%s", c.CommandPath(), tc.width, text, help)
			}
		}
	}
}

// Without a terminal (a pipe, a file), the help is 80 columns wide.
func TestHelpWithoutTerminalIs80Wide(t *testing.T) {
	hermetic(t)
	root, w := preparedRoot(t, "en")
	words := helpWords(root, w)
	for _, c := range everyCommand(root) {
		if c.Hidden {
			continue
		}
		var out, errOut bytes.Buffer
		if code := run(t.Context(), helpArgs(c), strings.NewReader(""), &out, &errOut); code != 0 {
			t.Fatalf("%v: exit %d: %s", helpArgs(c), code, errOut.String())
		}
		if strings.Contains(out.String(), "\x1b[") {
			t.Errorf("%v: colours in a pipe: %q", helpArgs(c), out.String())
		}
		checkHelpFits(t, strings.Join(helpArgs(c), " "), out.String(), helpWidthNoTerminal, words)
	}
}

// Every command's texts and every flag's are in the catalog, in every
// language (TestEveryCatalogMatchesEnglish checks that ru and kk have every
// key English has).
func TestEveryCommandHasItsHelpInTheCatalog(t *testing.T) {
	root, w := preparedRoot(t, "en")
	for _, c := range everyCommand(root) {
		if c.Hidden {
			continue
		}
		if k := helpKey(c) + ".short"; !w.Has(k) {
			t.Errorf("%s: the catalog has no %s", c.CommandPath(), k)
		}
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
			if k := flagKey(w, c, fl.Name); !w.Has(k) {
				t.Errorf("%s --%s: the catalog has no %s", c.CommandPath(), fl.Name, k)
			}
		})
	}
	for _, e := range exitCodes {
		if !w.Has(e.key) {
			t.Errorf("exit code %d: the catalog has no %s", e.code, e.key)
		}
	}
}

// The help speaks the language of --lang (before or after --help), of
// WIZARD_LANG and of LANG, as the screens do.
func TestHelpInTheUserLanguage(t *testing.T) {
	hermetic(t)
	ru, kk := assets.NewWords("ru"), assets.NewWords("kk")
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want []string
	}{
		{nil, []string{"--lang", "ru", "list", "--help"}, []string{ru.T("help.list.long"), strings.ToUpper(ru.T("help.section.flags"))}},
		{nil, []string{"list", "--help", "--lang=kk"}, []string{kk.T("help.list.long"), strings.ToUpper(kk.T("help.section.global_flags"))}},
		{map[string]string{"LANG": "kk_KZ.UTF-8"}, []string{"--help"}, []string{kk.T("help.wizard.long"), strings.ToUpper(kk.T("help.section.exit_status"))}},
		{map[string]string{"LANG": "ru_RU.UTF-8"}, []string{"help", "export"}, []string{ru.T("help.export.long"), ru.T("help.export.flag.output")}},
		{nil, []string{"--help"}, []string{assets.NewWords("en").T("help.wizard.long"), "EXIT STATUS", "130"}},
	} {
		for k, v := range tc.env {
			t.Setenv(k, v)
		}
		var out, errOut bytes.Buffer
		if code := run(t.Context(), tc.args, strings.NewReader(""), &out, &errOut); code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, errOut.String())
		}
		flat := strings.Join(strings.Fields(out.String()), " ")
		for _, want := range tc.want {
			flatWant := strings.Join(strings.Fields(want), " ")
			if !strings.Contains(flat, flatWant) && !strings.Contains(flat, capitalize(flatWant)) { // a flag's text starts with a capital
				t.Errorf("%v %v: the help does not say %q:\n%s", tc.env, tc.args, want, out.String())
			}
		}
		for k := range tc.env {
			t.Setenv(k, "en_US.UTF-8")
		}
	}
}

// A usage error speaks the user's language, and its label too.
func TestUsageErrorsInTheUserLanguage(t *testing.T) {
	hermetic(t)
	var out, errOut bytes.Buffer
	code := run(t.Context(), []string{"--lang", "ru", "list", "--nope"}, strings.NewReader(""), &out, &errOut)
	if code != codeUsage {
		t.Fatalf("exit %d, want %d", code, codeUsage)
	}
	ru := assets.NewWords("ru")
	flat := strings.Join(strings.Fields(errOut.String()), " ")
	if !strings.Contains(flat, ru.T("cli.error_label")) || !strings.Contains(flat, strings.Join(strings.Fields(ru.T("cli.usage.unknown_flag", "--nope", "wizard list")), " ")) {
		t.Errorf("stderr %q", errOut.String())
	}
}

// A default taken from the environment never shows a password in the help.
func TestHelpHidesAPasswordInADefault(t *testing.T) {
	hermetic(t)
	t.Setenv("WIZARD_STORE", "postgres://wizard:s3cret@db.office/wizard")
	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"--help"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if strings.Contains(out.String(), "s3cret") || !strings.Contains(out.String(), "postgres://wizard:xxxxx@db.office/wizard") {
		t.Errorf("the help shows %q", out.String())
	}
}
