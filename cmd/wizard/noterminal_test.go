package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"wizard/store"
)

// pipedProcess runs the wizard with args in a process of its own whose
// standard input is a pipe carrying stdin (as `echo | wizard` gives it).
func pipedProcess(t *testing.T, stdin string, args ...string) (time.Duration, result) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], append([]string{"-test.run=^TestCommandsHelperProcess$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "WIZARD_COMMANDS_HELPER=1")
	var out, errOut bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &out, &errOut
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		err = exitError{code: ee.ExitCode(), msg: errOut.String()}
	} else if err != nil {
		t.Fatalf("wizard %q: %v", args, err)
	}
	return took, result{out.String(), errOut.String(), err}
}

// mustRefuseWithoutTerminal fails unless r is the refusal of a wizard run
// without a terminal: exit 1, one sentence saying how to run it, no screen.
func mustRefuseWithoutTerminal(t *testing.T, r result, command string) {
	t.Helper()
	if r.code() != 1 {
		t.Fatalf("%s without a terminal: exit %d, want 1\nstdout:\n%s\nstderr:\n%s", command, r.code(), r.stdout, r.stderr)
	}
	got := squeeze(r.stderr)
	if !strings.Contains(got, squeeze("run "+command+" in a terminal window")) || strings.Count(got, "ERROR") != 1 {
		t.Errorf("%s without a terminal does not say how to run it, once:\n%s", command, r.stderr)
	}
	if r.stdout != "" || strings.Contains(r.stderr, "provider's terms") || strings.Contains(r.stderr, "\x1b[?1049h") {
		t.Errorf("%s without a terminal drew a screen:\nstdout %q\nstderr %q", command, r.stdout, r.stderr)
	}
}

// `echo | wizard` says how to run it and ends non-zero at once, before it
// creates anything: `wizard list` still shows no signup. `wizard resume`
// does the same and neither holds nor reopens the signup it names; the
// support commands go on working from a pipe.
func TestWithoutTerminalWizardSaysHowToRunIt(t *testing.T) {
	path := tempData(t)
	base, _ := pipedProcess(t, "", "version")

	took, r := pipedProcess(t, "\n", "--data", path)
	mustRefuseWithoutTerminal(t, r, "wizard")
	if took-base > 2*time.Second {
		t.Errorf("the refusal took %v (a bare start %v), want it within 2 s of the start", took, base)
	}
	if _, r := pipedProcess(t, "\n", "--new", "--data", path); r.code() != 1 {
		t.Errorf("wizard --new without a terminal: exit %d\n%s", r.code(), r.stderr)
	}
	_, r = pipedProcess(t, "", "list", "--data", path)
	mustOK(t, r)
	if !strings.Contains(r.stdout, "No signups yet") {
		t.Fatalf("wizard list after the refusal:\n%s", r.stdout)
	}

	// With signups saved: nothing is offered, held or reopened.
	seeded := seeded(t)
	before := map[string]int{}
	for _, id := range []string{"K7MQ-4XPD", "ABCD-EFGH"} {
		_, evs := load(t, seeded, id)
		before[id] = len(evs)
	}
	_, r = pipedProcess(t, "\n", "--data", seeded)
	mustRefuseWithoutTerminal(t, r, "wizard")
	_, r = pipedProcess(t, "\n", "resume", "K7MQ-4XPD", "--data", seeded)
	mustRefuseWithoutTerminal(t, r, "wizard resume K7MQ-4XPD")
	_, r = pipedProcess(t, "\n", "resume", "ABCD-EFGH", "--data", seeded)
	mustRefuseWithoutTerminal(t, r, "wizard resume ABCD-EFGH")
	if s, evs := load(t, seeded, "ABCD-EFGH"); s.Status != store.StatusAbandoned || len(evs) != before["ABCD-EFGH"] {
		t.Errorf("the abandoned signup was reopened without a terminal: %s, %d events (was %d)", s.Status, len(evs), before["ABCD-EFGH"])
	}
	if _, evs := load(t, seeded, "K7MQ-4XPD"); len(evs) != before["K7MQ-4XPD"] {
		t.Errorf("the active signup gained %d events", len(evs)-before["K7MQ-4XPD"])
	}
	holder, err := store.Open(seeded, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	holds, err := holder.Holds(t.Context())
	holder.Close()
	if err != nil || len(holds) != 0 {
		t.Errorf("holds left by a refused wizard: %+v %v", holds, err)
	}

	// An error the command would give anyway is still the one given.
	_, r = pipedProcess(t, "", "resume", "NONE-NONE", "--data", seeded)
	if r.code() != 1 || !strings.Contains(squeeze(r.stderr), squeeze("No signup with id NONE-NONE")) {
		t.Errorf("wizard resume of an unknown id from a pipe: exit %d\n%s", r.code(), r.stderr)
	}
	for _, args := range [][]string{{"list"}, {"show", "K7MQ-4XPD"}, {"export", "K7MQ-4XPD", "-o", "-"}} {
		if _, r := pipedProcess(t, "", append(args, "--data", seeded)...); r.err != nil || r.stdout == "" {
			t.Errorf("wizard %q from a pipe: %v\n%s", args, r.err, r.stderr)
		}
	}
}
