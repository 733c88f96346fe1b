package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// `wizard man` prints a roff manual page with every command and flag and the
// exit codes, in the user's language; groff reads it without a warning.
func TestManPage(t *testing.T) {
	hermetic(t)
	for _, lang := range []string{"en", "ru", "kk"} {
		root, w := preparedRoot(t, lang)
		var out, errOut bytes.Buffer
		if code := run(t.Context(), []string{"man", "--lang", lang}, strings.NewReader(""), &out, &errOut); code != 0 {
			t.Fatalf("%s: exit %d: %s", lang, code, errOut.String())
		}
		page := out.String()
		if !strings.HasPrefix(page, ".TH WIZARD 1 ") {
			t.Fatalf("%s: not a man page: %.200q", lang, page)
		}
		for _, k := range []string{"help.man.name", "help.man.synopsis", "help.man.description", "help.section.commands",
			"help.section.global_flags", "help.section.exit_status"} {
			if h := ".SH " + strings.ToUpper(w.T(k)); !strings.Contains(page, h+"\n") {
				t.Errorf("%s: no section %q", lang, h)
			}
		}
		for _, c := range everyCommand(root)[1:] {
			if c.IsAvailableCommand() && !strings.Contains(page, `\fB`+c.CommandPath()+`\fP`) {
				t.Errorf("%s: %s is missing", lang, c.CommandPath())
			}
		}
		for _, flag := range []string{"--data", "--lang", "--status", "--fault", "-o, --output"} {
			if !strings.Contains(page, `\fB`+flag+`\fP`) {
				t.Errorf("%s: the flag %s is missing", lang, flag)
			}
		}
		for _, e := range exitCodes {
			if !strings.Contains(page, strings.ReplaceAll(w.T(e.key), ".", `\&.`)) {
				t.Errorf("%s: exit code %d is not explained", lang, e.code)
			}
		}
		for _, line := range strings.Split(page, "\n") {
			if strings.HasPrefix(line, "'") {
				t.Errorf("%s: a line starts with a quote, which roff takes for a request: %q", lang, line)
			}
		}
		groff, err := exec.LookPath("groff")
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("no groff to read the page with: .ci/run installs it (apt-get install -y groff-base)")
			}
			continue // checked in CI
		}
		check := exec.Command(groff, "-k", "-man", "-Tutf8", "-ww", "-z") // -k: the page is UTF-8, as man reads it
		check.Stdin = strings.NewReader(page)
		var warnings bytes.Buffer
		check.Stderr = &warnings
		if err := check.Run(); err != nil || warnings.Len() > 0 {
			t.Errorf("%s: groff: %v\n%s", lang, err, warnings.String())
		}
	}
}
