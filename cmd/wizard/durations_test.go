package main

// Durations a person reads are in words in the user's language: a duration
// flag's default in the help and the man page (with the way it is typed),
// and the sandbox's faults as it starts.

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"wizard/assets"
)

// goDuration is a duration in Go's syntax ("20s", "1m30s", "100ms").
var goDuration = regexp.MustCompile(`\b\d+(h|m|s|ms)(\d+(m|s))*\b`)

func TestDurationsInTheUserLanguage(t *testing.T) {
	hermetic(t)
	for _, lang := range []string{"en", "ru", "kk"} {
		w := assets.NewWords(lang)

		// The help and the man page: "(5 seconds; typed e.g. as 5s)".
		for _, args := range [][]string{{"sandbox", "--help"}, {"--help"}, {"man"}} {
			var out, errOut bytes.Buffer
			if code := run(t.Context(), append([]string{"--lang", lang}, args...), strings.NewReader(""), &out, &errOut); code != 0 {
				t.Fatalf("%s %v: exit %d: %s", lang, args, code, errOut.String())
			}
			shown := flatLine(out.String())
			want := map[string]string{"sandbox": w.TypedDuration(5*time.Second, "5s"), "--help": w.TypedDuration(time.Second, "1s"),
				"man": w.TypedDuration(time.Second, "1s")}[args[0]]
			if !strings.Contains(shown, flatLine(want)) {
				t.Errorf("%s %v: the default %q is not shown:\n%s", lang, args, want, out.String())
			}
			for _, line := range strings.Split(out.String(), "\n") { // an example's comment is read
				if c := strings.TrimSpace(line); strings.HasPrefix(c, "#") && goDuration.MatchString(c) {
					t.Errorf("%s %v: an example's comment in Go's syntax: %q", lang, args, c)
				}
			}
			for _, bare := range []string{"(5s)", "(1s)"} {
				if strings.Contains(shown, bare) {
					t.Errorf("%s %v: a default in Go's syntax %s", lang, args, bare)
				}
			}
		}

		// The sandbox's faults, as it starts.
		ctx, cancel := context.WithCancel(t.Context())
		cancel() // serve, print, and stop at once
		var buf bytes.Buffer
		root := newRootCmd(newFactory(strings.NewReader(""), &buf, &buf))
		root.SetArgs([]string{"--lang", lang, "sandbox", "--addr", "127.0.0.1:0",
			"--fault", "prefix=/ocm/,method=get,kind=timeout,delay=20s", "--fault", "prefix=/partner/,status=503,lasts=90s"})
		if err := root.ExecuteContext(ctx); err != nil {
			t.Fatal(err)
		}
		var faults []string
		for _, line := range strings.Split(buf.String(), "\n") {
			if strings.HasPrefix(line, strings.SplitN(w.T("cli.sandbox.fault", ""), ":", 2)[0]+":") {
				faults = append(faults, line)
				if m := goDuration.FindString(line); m != "" {
					t.Errorf("%s: a fault says %s in Go's syntax: %q", lang, m, line)
				}
			}
		}
		text := strings.Join(faults, "\n")
		for _, d := range []time.Duration{20 * time.Second, 90 * time.Second} {
			if !strings.Contains(text, w.Duration(d)) {
				t.Errorf("%s: the faults do not say %q:\n%s", lang, w.Duration(d), buf.String())
			}
		}
		if len(faults) != 2 {
			t.Errorf("%s: %d fault lines, want 2:\n%s", lang, len(faults), buf.String())
		}
	}
}

// flatLine is s with its runs of spaces, non-breaking ones too, and its line
// breaks as one space (the help wraps lines), without colours or roff's
// escapes of a hyphen.
func flatLine(s string) string {
	s = strings.NewReplacer(`\-`, "-", `\&`, "").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}
