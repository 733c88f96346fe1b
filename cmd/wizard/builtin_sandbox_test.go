package main

// Issue 14, "The bug first": with no service settings the wizard starts its
// sandbox in its own process, and that sandbox must remember across runs.
// These tests run the built wizard with NO --sandbox-url.

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wizard/steps"
)

// TestKillAtEveryStepOnTheBuiltInSandbox is TestKillAtEveryStepAndResume on
// the built-in sandbox: SIGKILL ends the wizard and its sandbox at once, and
// the resumed run must find the account, signup, number and activation in
// what that sandbox saved (and work on another port: the killed run's is
// taken meanwhile). It kills at every step of the happy path, at one of the
// step's kill points picked by the seed (a held answer needs a sandbox outside
// the wizard, so those points are left to TestKillAtEveryStepAndResume); -short
// runs 2 of the 12.
func TestKillAtEveryStepOnTheBuiltInSandbox(t *testing.T) {
	seed := ptySeed(t)
	t.Logf("seed %d (WIZARD_PTY_SEED=%d go test -run TestKillAtEveryStepOnTheBuiltInSandbox ./cmd/wizard repeats this run)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	byStep := map[int][]ptyPoint{}
	for _, pt := range ptyPoints() {
		if pt.Hold == nil {
			byStep[pt.Step] = append(byStep[pt.Step], pt)
		}
	}
	var points []ptyPoint
	for step := 1; step <= len(steps.Order); step++ {
		if len(byStep[step]) == 0 {
			t.Fatalf("no kill point without a held answer at step %d", step)
		}
		points = append(points, byStep[step][rng.IntN(len(byStep[step]))])
	}
	rng.Shuffle(len(points), func(i, j int) { points[i], points[j] = points[j], points[i] })
	if testing.Short() {
		t.Logf("-short: 2 of the %d steps; make test kills at every one", len(points))
		points = points[:2]
	}
	ptyBinary(t)
	for i, pt := range points {
		pointSeed := seed ^ uint64(i+1)*0x9E3779B97F4A7C15
		t.Run(pt.String(), func(t *testing.T) {
			t.Parallel()
			ptyParallel <- struct{}{}
			defer func() { <-ptyParallel }()
			ptyKillAndResume(t, pt, pointSeed, true)
		})
	}
}

// newBuiltinWalk is a walk on the wizard's built-in sandbox.
func newBuiltinWalk(t *testing.T, seed uint64) *ptyWalk {
	rng := rand.New(rand.NewPCG(seed, 1))
	home := newPtyHome(t)
	k := &ptyWalk{t: t, home: home, a: newPtyAnswers(t, rng), rng: rng, urlFile: filepath.Join(home.dir, "sandbox-url")}
	home.extra = append(home.extra, "WIZARD_TEST_SANDBOX_URL_FILE="+k.urlFile)
	return k
}

// ctrl+c at "Confirm your e-mail" on the built-in sandbox, then `wizard
// resume`: the sandbox confirms the address by itself (after 5 s, counted from
// when the account was made, across the restart) and the resumed wizard moves
// on without anyone clicking the link.
func TestResumeAtVerifyEmailOnTheBuiltInSandbox(t *testing.T) {
	t.Parallel()
	ptyParallel <- struct{}{}
	defer func() { <-ptyParallel }()
	k := newBuiltinWalk(t, 3)
	pt := ptyPoint{Step: 3, At: "arrival"}
	k.start("wizard", "--lang", "en")
	k.stop = &pt
	if !k.walk(1) {
		t.Fatalf("the walk never reached %s", pt)
	}
	k.p.Key("ctrl+c")
	if code := k.p.ExitCode(5 * time.Second); code != 0 {
		k.p.Fatalf("ctrl+c: exit code %d, want 0", code)
	}
	state := k.home.DefaultDataFile() + ".sandbox"
	if fi, err := os.Stat(state); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the built-in sandbox's state %s: %v %v, want a file of mode 0600", state, fi, err)
	}
	saved, _ := ptyLoad(t, k.home.DefaultDataFile(), k.id)
	if next := steps.Next(saved); next != steps.VerifyEmail {
		t.Fatalf("saved at %s, want %s", next, steps.VerifyEmail)
	}

	k.start("wizard resume", "resume", k.id, "--lang", "en")
	k.p.WaitSeenAny("Step 3 of 12", "Step 4 of 12")
	if strings.Contains(k.p.Output(), "No account with this id") {
		k.p.Fatalf("the resumed wizard's sandbox forgot the account")
	}
	// Nobody clicks the link: the sandbox confirms the address by itself.
	k.p.WaitSeenAnyFor(3*ptyWait, "Step 4 of 12")
	k.p.WaitFor("┃ Type of organisation")
	k.p.Key("ctrl+c")
	if code := k.p.ExitCode(5 * time.Second); code != 0 {
		k.p.Fatalf("ctrl+c after resuming: exit code %d, want 0", code)
	}
	after, _ := ptyLoad(t, k.home.DefaultDataFile(), k.id)
	if after.Account.VerifiedAt.IsZero() {
		t.Errorf("the resumed signup moved on but its address is not saved as verified: %+v", after.Account)
	}
}

// ctrl+c with the code field open on the built-in sandbox, then `wizard
// resume`: the trainer's hint with the code the sandbox phone received is
// shown again, and the code it shows is accepted.
func TestResumeAtTheCodeOnTheBuiltInSandbox(t *testing.T) {
	ptySlow(t, "a walk to the code on the built-in sandbox")
	t.Parallel()
	ptyParallel <- struct{}{}
	defer func() { <-ptyParallel }()
	k := newBuiltinWalk(t, 9)
	pt := ptyPoint{Step: 9, At: "code-field"}
	k.start("wizard", "--lang", "en")
	k.stop = &pt
	if !k.walk(1) {
		t.Fatalf("the walk never reached %s", pt)
	}
	code := k.smsCode()
	k.p.WaitFor(strings.TrimSpace(ptyWords.T("code.sandbox_received", "")))
	k.p.Key("ctrl+c")
	if c := k.p.ExitCode(5 * time.Second); c != 0 {
		k.p.Fatalf("ctrl+c: exit code %d, want 0", c)
	}

	k.start("wizard resume", "resume", k.id, "--lang", "en")
	k.p.WaitSeenAny("Step 9 of 12")
	k.p.WaitFor("┃ Verification code")
	k.p.WaitFor(strings.TrimSpace(ptyWords.T("code.sandbox_received", "")))
	if got := k.smsCode(); got != code {
		t.Errorf("the sandbox's latest code after the resume is %s, was %s", got, code)
	}
	k.stop = nil
	if k.walk(9) {
		t.Fatal("a walk without a kill point stopped")
	}
	final, _ := ptyLoad(t, k.home.DefaultDataFile(), k.id)
	k.checkSaved(final, 13, fmt.Sprintf("after resuming at %s on the built-in sandbox", pt))
}

// `wizard sandbox --state FILE` keeps its state in FILE (mode 0600); a damaged
// FILE is moved aside, and the command says so.
func TestSandboxCommandState(t *testing.T) {
	hermetic(t)
	path := filepath.Join(t.TempDir(), "trainer.sandbox")
	if err := os.WriteFile(path, []byte("not a sandbox state"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // serve, print, and stop at once
	var out bytes.Buffer
	root := newRootCmd(newFactory(strings.NewReader(""), &out, &out))
	root.SetArgs([]string{"sandbox", "--addr", "127.0.0.1:0", "--state", path})
	if err := root.ExecuteContext(ctx); err != nil {
		t.Fatal(err)
	}
	aside, _ := filepath.Glob(path + ".corrupt-*")
	if len(aside) != 1 || !strings.Contains(out.String(), "could not be read") || !strings.Contains(out.String(), aside[0]) {
		t.Errorf("set aside %v; output:\n%s", aside, out.String())
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the new state file: %v %v", fi, err)
	}
}
