package main

// The exit codes of the table (exitcodes.go), each met through the built
// binary as a script or a shell meets it; and every code the commands end
// with is one of the table's.

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"wizard/store"
)

// binaryExit runs the built wizard with args (standard input empty, no
// terminal) and returns its exit code and what it wrote on stderr.
func binaryExit(t *testing.T, home *ptyHome, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(ptyBinary(t), args...)
	cmd.Env, cmd.Dir = home.env(), home.dir
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	err := cmd.Run()
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		return ee.ExitCode(), errOut.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, errOut.String()
}

func TestExitCodes(t *testing.T) {
	home := newPtyHome(t)
	data := filepath.Join(home.dir, "wizard.db")
	for _, tc := range []struct {
		code int
		args []string
		want string // on stderr
	}{
		{codeOK, []string{"version"}, ""},
		{codeOK, []string{"list", "--data", data}, ""},
		{codeError, []string{"show", "NONE-NONE", "--data", data}, "No signup with id NONE-NONE"},
		{codeUsage, []string{"list", "--nope"}, "Unknown flag: --nope"},
		{codeUsage, []string{"show", "--data", data}, "Wrong arguments for wizard show"},
		{codeUsage, []string{"lst"}, `Unknown command "lst"`},
		{codeUsage, []string{"list", "--limit", "many"}, `"many" is not a value for --limit: give a whole number`},
		{codeUsage, []string{"list", "--status", "paused", "--data", data}, `Unknown status "paused"`},
		{codeUsage, []string{"help", "nope"}, `There is no command "nope"`},
	} {
		code, stderr := binaryExit(t, home, tc.args...)
		if code != tc.code {
			t.Errorf("wizard %v: exit %d, want %d\n%s", tc.args, code, tc.code, stderr)
		}
		if !strings.Contains(strings.Join(strings.Fields(stderr), " "), tc.want) {
			t.Errorf("wizard %v: stderr %q does not say %q", tc.args, stderr, tc.want)
		}
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("the commands created %s", data)
	}
}

// ctrl+c at the question whether to resume ends the wizard with 130, and
// changes nothing.
func TestExitCodeInterrupted(t *testing.T) {
	home := newPtyHome(t)
	data := filepath.Join(home.dir, "wizard.db")
	s := store.Session{ID: "K7MQ-4XPD", Status: store.StatusActive, Step: "company", CreatedAt: tNow, UpdatedAt: tNow,
		CreatedBy: who(), UpdatedBy: who(), Account: store.Account{Email: "ops@acme.kz"}}
	seed(t, data, s)
	before, evs := load(t, data, s.ID)
	p := ptyStart(t, home, "resume offer", "--data", data)
	p.WaitFor(ptyWords.T("start.offer_resume"))
	p.Key("ctrl+c")
	if code := p.ExitCode(10 * time.Second); code != codeInterrupted {
		p.Fatalf("ctrl+c at the resume question: exit %d, want %d", code, codeInterrupted)
	}
	if !strings.Contains(strings.Join(strings.Fields(p.Output()), " "), "Cancelled: nothing was changed") {
		p.Errorf("the wizard does not say it was cancelled")
	}
	after, evsAfter := load(t, data, s.ID)
	if after.Rev != before.Rev || after.Status != store.StatusActive || len(evsAfter) != len(evs) {
		t.Errorf("the signup changed: revision %d → %d, %d → %d events", before.Rev, after.Rev, len(evs), len(evsAfter))
	}
}

// failCall is a call that ends a command with an exit code.
var failCall = regexp.MustCompile(`\bfail\(\s*(\w+)\s*,|\bfailT\([^,]*,\s*(\w+)\s*,|exitError\{code:\s*(\w+)`)

// Every exit code a command ends with is one of the table's.
func TestEveryCommandUsesTheTable(t *testing.T) {
	names := map[string]bool{"codeOK": true, "codeError": true, "codeUsage": true, "codeInterrupted": true}
	numbers := map[string]bool{}
	for _, e := range exitCodes {
		numbers[strconv.Itoa(e.code)] = true
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range failCall.FindAllStringSubmatch(string(src), -1) {
			code := m[1] + m[2] + m[3]
			if code == "code" { // fail's and failT's own definitions
				continue
			}
			seen++
			if !names[code] && !numbers[code] {
				t.Errorf("%s: %q ends a command with %s, which is not in the table of exit codes", f, m[0], code)
			}
		}
	}
	if seen < 40 {
		t.Fatalf("found only %d exit codes in the commands: is the pattern still right?", seen)
	}
}

// A file larger than any bundle is refused in the user's words, and nothing is imported.
func TestImportOfAFileTooLarge(t *testing.T) {
	data := tempData(t)
	big := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, maxBundle+1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	r := wiz(t, "import", big, "--data", data, "--lang", "ru")
	mustFail(t, r, codeError, big, "64 МБ")
}
