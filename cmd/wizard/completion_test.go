package main

// Tests of shell completion through cobra's __complete command, as a shell
// calls it: the ids of saved signups for resume, show, export and abandon
// (read from the data file the line names, which is never created), and the
// values of `list --status`.

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// complete runs `wizard __complete args…` in process and returns the
// completions it offers (without their descriptions) and the directive line.
func complete(t *testing.T, args ...string) ([]string, map[string]string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(t.Context(), append([]string{"__complete"}, args...), strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("__complete %v: exit %d: %s", args, code, errOut.String())
	}
	var values []string
	desc := map[string]string{}
	directive := ""
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if strings.HasPrefix(line, ":") {
			directive = line
			continue
		}
		if line == "" {
			continue
		}
		v, d, _ := strings.Cut(line, "\t")
		values = append(values, v)
		desc[v] = d
	}
	return values, desc, directive
}

func TestCompletionOfSignupIDs(t *testing.T) {
	data := seeded(t) // K7MQ-4XPD active, ABCD-EFGH abandoned, WXYZ-2345 waiting, DDDD-3456 done
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"show", "--data", data, ""}, []string{"DDDD-3456", "WXYZ-2345", "ABCD-EFGH", "K7MQ-4XPD"}},
		{[]string{"export", "--data", data, ""}, []string{"DDDD-3456", "WXYZ-2345", "ABCD-EFGH", "K7MQ-4XPD"}},
		{[]string{"resume", "--data", data, ""}, []string{"WXYZ-2345", "ABCD-EFGH", "K7MQ-4XPD"}},
		{[]string{"abandon", "--data", data, ""}, []string{"WXYZ-2345", "K7MQ-4XPD"}},
		{[]string{"show", "--data", data, "k7"}, []string{"K7MQ-4XPD"}},
		{[]string{"show", "--data", data, "K7MQ-4XPD", ""}, nil}, // one id only
	} {
		got, desc, directive := complete(t, tc.args...)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%v: %q, want %q", tc.args, got, tc.want)
		}
		if directive != ":4" { // ShellCompDirectiveNoFileComp
			t.Errorf("%v: directive %q, want :4 (no file names)", tc.args, directive)
		}
		if d := desc["K7MQ-4XPD"]; len(got) > 1 && slices.Contains(got, "K7MQ-4XPD") && d != "Acme Trading LLP · active" {
			t.Errorf("%v: K7MQ-4XPD is described as %q", tc.args, d)
		}
	}
}

// Completing an id never creates the data file, and with no file offers nothing.
func TestCompletionWithoutDataFile(t *testing.T) {
	data := tempData(t)
	got, _, directive := complete(t, "show", "--data", data, "")
	if len(got) != 0 || directive != ":4" {
		t.Errorf("with no data file: %q %s", got, directive)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("completion created %s: %v", data, err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(data)); len(entries) != 0 {
		t.Errorf("completion left files: %v", entries)
	}
}

// A data file in use (a transaction that does not end) costs the shell a
// moment, not --lock-timeout's second.
func TestCompletionOfADataFileInUse(t *testing.T) {
	data := seeded(t)
	lockDataFile(t, data)
	got, _, _ := complete(t, "show", "--data", data, "")
	if len(got) != 0 {
		t.Errorf("a data file in use offered %q", got)
	}
}

func TestCompletionOfStatuses(t *testing.T) {
	hermetic(t)
	for _, tc := range []struct {
		toComplete string
		want       []string
	}{
		{"", []string{"active", "waiting", "done", "abandoned"}},
		{"wa", []string{"waiting"}},
		{"active,", []string{"active,waiting", "active,done", "active,abandoned"}},
		{"active,waiting,d", []string{"active,waiting,done"}},
	} {
		got, _, directive := complete(t, "list", "--status", tc.toComplete)
		if !slices.Equal(got, tc.want) {
			t.Errorf("--status %q: %q, want %q", tc.toComplete, got, tc.want)
		}
		if directive != ":6" { // no file names, no space after (a comma may follow)
			t.Errorf("--status %q: directive %q", tc.toComplete, directive)
		}
	}
}

// The commands complete with their texts in the user's language, and
// `wizard completion SHELL` prints each shell's script.
func TestCompletionScriptsAndCommands(t *testing.T) {
	hermetic(t)
	got, desc, _ := complete(t, "--lang", "ru", "")
	for _, name := range []string{"resume", "list", "show", "export", "abandon", "man", "completion"} {
		if !slices.Contains(got, name) {
			t.Errorf("the commands offered lack %s: %q", name, got)
		}
	}
	if desc["list"] != "Список сохранённых подключений, новые первыми" {
		t.Errorf("list is described as %q", desc["list"])
	}
	for shell, marker := range map[string]string{"bash": "__start_wizard", "zsh": "#compdef wizard", "fish": "complete -c wizard", "powershell": "Register-ArgumentCompleter"} {
		var out, errOut bytes.Buffer
		if code := run(t.Context(), []string{"completion", shell}, strings.NewReader(""), &out, &errOut); code != 0 {
			t.Fatalf("completion %s: exit %d: %s", shell, code, errOut.String())
		}
		if !strings.Contains(out.String(), marker) {
			t.Errorf("completion %s does not print its script (no %q)", shell, marker)
		}
	}
}

// The ids come from the store the line names: the data file or a team store.
func TestCompletionFromEveryStore(t *testing.T) {
	for _, ec := range seededEngines(t) {
		t.Run(ec.name, func(t *testing.T) {
			got, _, _ := complete(t, append(append([]string{"show"}, ec.flags...), "")...)
			if want := []string{"DDDD-3456", "WXYZ-2345", "ABCD-EFGH", "K7MQ-4XPD"}; !slices.Equal(got, want) {
				t.Errorf("%q, want %q", got, want)
			}
		})
	}
}
