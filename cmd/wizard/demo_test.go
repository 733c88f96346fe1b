package main

// Tests of `wizard demo` that need no terminal: the list of scenarios, the
// refusals, --at (the earlier steps really done in the sandbox), reset and its
// refusals, and the DEMO marker of `wizard list`.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wizard/assets"
	"wizard/client"
	"wizard/client/sandbox"
	"wizard/steps"
	"wizard/store"
)

// demoHome keeps the default data directory of a test in its own temporary
// directory (demo.db is made beside the default data file).
func demoHome(t *testing.T) string {
	t.Helper()
	hermetic(t)
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	t.Setenv("WIZARD_STORE", "")
	return dir
}

func TestDemoListsItsScenarios(t *testing.T) {
	demoHome(t)
	r := wiz(t, "demo", "--list")
	mustOK(t, r)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != len(sandbox.ScenarioNames()) {
		t.Fatalf("%d lines for %d scenarios:\n%s", len(lines), len(sandbox.ScenarioNames()), r.stdout)
	}
	w := assets.NewWords("en")
	for i, n := range sandbox.ScenarioNames() {
		if f := strings.Fields(lines[i]); len(f) == 0 || f[0] != n || !strings.Contains(lines[i], w.T("demo.title."+n)) {
			t.Errorf("line %d is %q, want %s and its title", i, lines[i], n)
		}
		if !w.Has("demo.line."+n) || !w.Has("demo.title."+n) {
			t.Errorf("scenario %s has no line or title in the catalog", n)
		}
	}
}

func TestDemoRefusals(t *testing.T) {
	demoHome(t)
	for _, c := range []struct {
		args  []string
		code  int
		parts []string
	}{
		{[]string{"demo", "happy", "--sandbox-url", "http://127.0.0.1:1"}, 2, []string{"built-in sandbox only"}},
		{[]string{"demo", "happy", "--partner-url", "https://bsp.example", "--ocm-url", "https://ocm.example"}, 2, []string{"built-in sandbox only"}},
		{[]string{"demo", "happy", "--store", "postgres://wizard@db.example/wizard"}, 2, []string{"data file of its own"}},
		{[]string{"demo", "nosuch"}, 2, []string{`"nosuch"`, "happy, migration, government"}},
		{[]string{"demo", "happy", "--at", "nowhere"}, 2, []string{`"nowhere"`, "terms, account, verify-email", "alpha-name"}},
		{[]string{"demo", "government", "--at", "signup"}, 2, []string{"government", "company"}},
		{[]string{"demo", "migration", "--at", "phone"}, 2, []string{"migration", "phone"}},
		{[]string{"demo", "reset", "K7MQ-4XPD", "nowhere"}, 2, []string{`"nowhere"`, "verify-code"}},
		{[]string{"demo", "happy"}, 1, []string{"not a terminal"}}, // a test's standard input is no terminal
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			mustFail(t, wiz(t, c.args...), c.code, c.parts...)
		})
	}
}

// demoEnv is what the steps would work with on the sandbox r.
func demoEnv(r *sandbox.Running) *steps.Env {
	cfg := client.SandboxConfig(r.URL)
	cfg.OperatorToken = r.Server.OperatorToken()
	return &steps.Env{Clients: client.New(cfg), Clock: steps.SystemClock{}, Words: assets.NewWords("en")}
}

// seedAt makes a demo signup of scenario name at step at on the sandbox r.
func seedAt(t *testing.T, r *sandbox.Running, name string, at steps.ID) store.Session {
	t.Helper()
	sc, ok := sandbox.FindScenario(name)
	if !ok {
		t.Fatalf("no scenario %s", name)
	}
	sess := store.Session{ID: store.NewID(), Demo: name}
	if err := seedDemo(t.Context(), seedOptions{Env: demoEnv(r), Sandbox: r, Scenario: sc, Now: time.Now, Who: "trainer"}, &sess, at); err != nil {
		t.Fatalf("--at %s: %v", at, err)
	}
	return sess
}

// startSandbox starts a sandbox for a test (with a state file when state is not "").
func startDemoSandbox(t *testing.T, state string) *sandbox.Running {
	t.Helper()
	r, err := sandbox.Start("127.0.0.1:0", sandbox.Options{ActivationDelay: 50 * time.Millisecond, StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// --at STEP: the signup is at STEP, and the sandbox holds what the earlier
// steps made, so that the next call of STEP itself works.
func TestDemoAtDoesTheEarlierStepsInTheSandbox(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		scenario string
		at       steps.ID
	}{
		{"happy", steps.Account}, {"happy", steps.VerifyEmail}, {"happy", steps.Company}, {"happy", steps.NumberStatus},
		{"happy", steps.Signup}, {"happy", steps.DisplayName}, {"happy", steps.Phone}, {"happy", steps.VerifyCode},
		{"happy", steps.Activation}, {"happy", steps.AlphaName}, {"migration", steps.VerifyCode}, {"migration", steps.Activation},
		{"government", steps.Company}, {"name-declined", steps.Activation},
	} {
		t.Run(c.scenario+"@"+string(c.at), func(t *testing.T) {
			t.Parallel()
			r := startDemoSandbox(t, "")
			sess := seedAt(t, r, c.scenario, c.at)
			if got := steps.Next(sess); got != c.at || sess.Step != string(c.at) || sess.Demo != c.scenario {
				t.Fatalf("the signup is at %s (step %q, demo %q), want %s", got, sess.Step, sess.Demo, c.at)
			}
			if err := store.ValidateSession(sess, nil, time.Now().Add(time.Minute)); err != nil {
				t.Fatalf("the made-up signup would not be saved: %v", err)
			}
			checkSandboxHolds(t, r, sess, c.at)
		})
	}
}

// checkSandboxHolds asks the sandbox's provider what the signup's earlier
// steps made, as the wizard would, and makes the call step at makes.
func checkSandboxHolds(t *testing.T, r *sandbox.Running, s store.Session, at steps.ID) {
	t.Helper()
	ctx := t.Context()
	p := demoEnv(r).Clients.Partner
	after := func(id steps.ID) bool { return steps.Position(at) > steps.Position(id) }
	if !after(steps.Account) {
		if s.Account.ID != "" {
			t.Fatalf("an account before the account step: %+v", s.Account)
		}
		return
	}
	acc, err := p.GetAccount(ctx, s.Account.ID)
	if err != nil {
		t.Fatalf("the sandbox has no account %s: %v", s.Account.ID, err)
	}
	if acc.Verified != after(steps.VerifyEmail) {
		t.Errorf("account verified %v, at %s", acc.Verified, at)
	}
	if (acc.CompanyName != "") != after(steps.Company) {
		t.Errorf("the provider's company %q, at %s", acc.CompanyName, at)
	}
	if !after(steps.Signup) {
		return
	}
	sg, err := p.GetSignup(ctx, s.Signup.SessionID)
	if err != nil || sg.Status != client.SignupFinished || sg.Stage != client.StageReady || sg.WABAID != s.Signup.WABAID {
		t.Fatalf("the sandbox's signup %+v (%v), the session's %+v", sg, err, s.Signup)
	}
	switch at {
	case steps.DisplayName, steps.Phone:
		if nums, err := p.Numbers(ctx, s.Signup.SessionID); err != nil || len(nums) != 0 {
			t.Errorf("numbers before the phone step: %+v %v", nums, err)
		}
	case steps.VerifyCode:
		n, err := p.Number(ctx, s.Signup.SessionID, s.Phone.ID)
		if err != nil {
			t.Fatalf("the sandbox has no number %s: %v", s.Phone.ID, err)
		}
		if s.Path == store.PathMigration {
			if n.CodeVerificationStatus != "VERIFIED" {
				t.Errorf("a migrated number is %s", n.CodeVerificationStatus)
			}
			return
		}
		if n.CodeVerificationStatus != "NOT_VERIFIED" || "+"+n.DisplayPhoneNumber != s.Phone.E164 || s.Profile.SentAt.IsZero() {
			t.Errorf("number %+v, session's phone %+v", n, s.Phone)
		}
		if _, err := p.RequestNumberCode(ctx, s.Signup.SessionID, s.Phone.ID, steps.MethodSMS, "en_US"); err != nil {
			t.Errorf("the code step's request fails: %v", err)
		}
	case steps.Activation:
		act, err := p.StartActivation(ctx, s.Account.ID, s.Phone.ID)
		if err != nil {
			t.Fatalf("the activation step's start fails: %v", err)
		}
		if s.Demo == "name-declined" {
			for act.Status == client.ActivationPending {
				time.Sleep(20 * time.Millisecond) // the sandbox's own 50 ms activation, on its clock
				if act, err = p.GetActivation(ctx, s.Phone.ID); err != nil {
					t.Fatal(err)
				}
			}
			if act.Status != client.ActivationFailed || act.Reason != client.ActivationNameDeclined {
				t.Errorf("the name-declined story's activation ended %+v", act)
			}
		}
	case steps.AlphaName:
		act, err := p.GetActivation(ctx, s.Phone.ID)
		if err != nil || act.Status != client.ActivationActive || act.AlphaCode != s.Activation.AlphaCode {
			t.Errorf("activation %+v (%v), the session's %+v", act, err, s.Activation)
		}
	}
}

// demoFile is a demo data file with one signup made at step at (scenario
// happy) on its built-in sandbox's state, as `wizard demo --at` leaves it.
func demoFile(t *testing.T, name string, at steps.ID) (string, store.Session) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.db")
	r := startDemoSandbox(t, path+".sandbox")
	sess := seedAt(t, r, name, at)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	seed(t, path, sess)
	return path, sess
}

func TestDemoResetGoesBackAndTheStepsWorkAgain(t *testing.T) {
	demoHome(t)
	path, sess := demoFile(t, "happy", steps.AlphaName)

	r := wiz(t, "demo", "reset", sess.ID, "verify-code", "--data", path)
	mustOK(t, r)
	if !strings.Contains(r.stdout, "wizard demo resume "+sess.ID) {
		t.Errorf("reset does not say how to carry on:\n%s", r.stdout)
	}
	back, evs := load(t, path, sess.ID)
	if steps.Next(back) != steps.VerifyCode || back.Step != string(steps.VerifyCode) || back.Code != (store.Code{}) ||
		back.Activation != (store.Activation{}) || back.Phone.ID != sess.Phone.ID || back.Phone.E164 != sess.Phone.E164 || back.Demo != "happy" {
		t.Fatalf("after reset: at %s, code %+v, activation %+v, phone %+v", steps.Next(back), back.Code, back.Activation, back.Phone)
	}
	if last := evs[len(evs)-1]; last.Kind != "demo.reset" || !strings.Contains(last.Detail, "from alpha-name to verify-code") {
		t.Errorf("the last event is %+v", last)
	}
	// The sandbox forgot the code, the PIN and the activation: the code step works again, with a new PIN.
	sb := startDemoSandbox(t, path+".sandbox")
	p, ctx := demoEnv(sb).Clients.Partner, t.Context()
	if _, err := p.GetActivation(ctx, back.Phone.ID); err == nil {
		t.Error("the activation is still there")
	}
	if _, err := p.RequestNumberCode(ctx, back.Signup.SessionID, back.Phone.ID, steps.MethodSMS, "en_US"); err != nil {
		t.Fatal(err)
	}
	code, err := sandbox.LatestCode(ctx, sb.URL, back.Phone.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.VerifyNumberCode(ctx, back.Signup.SessionID, back.Phone.ID, code); err != nil {
		t.Fatal(err)
	}
	if err := p.RegisterNumber(ctx, back.Signup.SessionID, back.Phone.ID, "135790"); err != nil {
		t.Fatalf("a new two-step PIN after the reset: %v", err)
	}
}

func TestDemoResetToTheAccountForgetsIt(t *testing.T) {
	demoHome(t)
	path, sess := demoFile(t, "happy", steps.Phone)
	mustOK(t, wiz(t, "demo", "reset", sess.ID, "account", "--data", path))
	back, _ := load(t, path, sess.ID)
	if steps.Next(back) != steps.Account || back.Account.ID != "" || back.Account.Email != sess.Account.Email || back.Signup != (store.Signup{}) {
		t.Fatalf("after reset: at %s, account %+v, signup %+v", steps.Next(back), back.Account, back.Signup)
	}
	// The same e-mail address can make its account again.
	sb := startDemoSandbox(t, path+".sandbox")
	if _, err := demoEnv(sb).Clients.Partner.CreateAccount(t.Context(), sess.Account.Email, "Demo-Pass-123!"); err != nil {
		t.Fatalf("the account's address after the reset: %v", err)
	}
}

func TestDemoResetRefusals(t *testing.T) {
	demoHome(t)
	path, sess := demoFile(t, "happy", steps.VerifyCode)
	real := store.Session{ID: "K7MQ-4XPD", Status: store.StatusActive, Step: "phone", CreatedAt: tNow, UpdatedAt: tNow,
		Account: store.Account{Email: "ops@acme.kz", ID: "acc_1"}}
	seed(t, path, real)
	before, evs := load(t, path, sess.ID)

	mustFail(t, wiz(t, "demo", "reset", real.ID, "terms", "--data", path), 1, "K7MQ-4XPD", "real signup")
	mustFail(t, wiz(t, "demo", "reset", sess.ID, "activation", "--data", path), 2, "verify-code", "activation", "not earlier")
	mustFail(t, wiz(t, "demo", "reset", sess.ID, "verify-code", "--data", path), 2, "not earlier")
	mustFail(t, wiz(t, "demo", "resume", real.ID, "--data", path), 1, "real signup", "wizard resume K7MQ-4XPD")

	after, evs2 := load(t, path, sess.ID)
	if after.Rev != before.Rev || len(evs2) != len(evs) {
		t.Errorf("a refused reset changed the signup: rev %d → %d, %d → %d events", before.Rev, after.Rev, len(evs), len(evs2))
	}
}

func TestListMarksDemoSignups(t *testing.T) {
	path := tempData(t)
	demo := store.Session{ID: "DMQ7-2345", Demo: "wrong-code", Status: store.StatusActive, Step: "verify-code", CreatedAt: tNow, UpdatedAt: tNow,
		Company: store.Company{CompanyName: "Dala Foods"}}
	real := store.Session{ID: "K7MQ-4XPD", Status: store.StatusActive, Step: "phone", CreatedAt: tNow, UpdatedAt: tNow.Add(-time.Minute),
		Company: store.Company{CompanyName: "Acme Trading LLP"}}
	seed(t, path, demo, real)

	r := wiz(t, "list", "--data", path)
	mustOK(t, r)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "DEMO") {
		t.Fatalf("no DEMO column:\n%s", r.stdout)
	}
	if f := strings.Fields(lines[1]); f[0] != "wrong-code" || f[1] != "DMQ7-2345" {
		t.Errorf("the demo signup's row: %q", lines[1])
	}
	if f := strings.Fields(lines[2]); f[0] != "–" || f[1] != "K7MQ-4XPD" {
		t.Errorf("the real signup's row: %q", lines[2])
	}

	r = wiz(t, "list", "--json", "--data", path)
	mustOK(t, r)
	var entries []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0]["demo"] != "wrong-code" || entries[1]["demo"] != nil {
		t.Errorf("--json: %+v", entries)
	}

	// Without a demo signup, the list is as it always was.
	only := tempData(t)
	seed(t, only, real)
	r = wiz(t, "list", "--data", only)
	mustOK(t, r)
	if strings.Contains(r.stdout, "DEMO") {
		t.Errorf("a DEMO column with no demo signup:\n%s", r.stdout)
	}
}

// The demo's own data file is demo.db beside the default data file.
func TestDemoDataFileIsApart(t *testing.T) {
	dir := demoHome(t)
	p, err := demoDataPath()
	if err != nil {
		t.Fatal(err)
	}
	def, _ := store.DefaultPath()
	if p != filepath.Join(dir, "wizard", "demo.db") || p == def || filepath.Dir(p) != filepath.Dir(def) {
		t.Errorf("demo data file %s, default %s", p, def)
	}
	f := newFactory(strings.NewReader(""), &strings.Builder{}, &strings.Builder{})
	if err := f.demoSetup(); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.DataFile(); got != p || f.sandboxStatePath() != p+".sandbox" {
		t.Errorf("the demo works on %s (sandbox %s), want %s", got, f.sandboxStatePath(), p)
	}
}

// The name-declined story needs its one number: each run of it (Arm) frees
// the number an earlier run left at Meta, so a trainer can show it again.
func TestDemoStoryWithItsOwnNumberRunsTwice(t *testing.T) {
	t.Parallel()
	r := startDemoSandbox(t, "")
	sc, _ := sandbox.FindScenario("name-declined")
	for run := range 2 {
		if err := r.Server.Arm(sc); err != nil {
			t.Fatal(err)
		}
		s := seedAt(t, r, "name-declined", steps.Activation)
		if s.Phone.E164 != "+7"+sc.Phone {
			t.Fatalf("run %d: number %s, want the story's +7%s", run, s.Phone.E164, sc.Phone)
		}
	}
}

// `wizard demo resume` goes on with the story its sandbox kept: it frees no
// number of the signup's (the name-declined story's own number stays the
// signup's), while a new `wizard demo` of the story frees it to run again.
func TestDemoResumeKeepsTheStorysNumber(t *testing.T) {
	demoHome(t)
	path, sess := demoFile(t, "name-declined", steps.Activation)
	sc, _ := sandbox.FindScenario("name-declined")
	for _, resumed := range []bool{true, false} {
		f := newFactory(strings.NewReader(""), &strings.Builder{}, &strings.Builder{})
		f.flags.dataPath = path
		opts := f.sessionOptions()
		r, stop, err := demoServices(f, &opts, sc, resumed)
		if err != nil {
			t.Fatal(err)
		}
		_, err = demoEnv(r).Clients.Partner.Number(t.Context(), sess.Signup.SessionID, sess.Phone.ID)
		stop()
		switch {
		case resumed && err != nil:
			t.Fatalf("resumed: the signup's number %s is gone at Meta: %v", sess.Phone.ID, err)
		case !resumed && err == nil:
			t.Fatalf("a new demo of the story did not free its number %s", sess.Phone.ID)
		}
	}
}

// `wizard sandbox --help` names every key a --fault takes (the ones
// ParseFault lists when it meets an unknown one), lasts among them, in every
// language, with the examples of an outage and of the signup's rate limit.
func TestSandboxHelpListsEveryFaultKey(t *testing.T) {
	hermetic(t)
	_, err := sandbox.ParseFault("nosuch=1")
	_, keys, ok := strings.Cut(fmt.Sprint(err), "(use ")
	keys, _, _ = strings.Cut(keys, ")")
	if !ok || !strings.Contains(keys, "lasts") {
		t.Fatalf("ParseFault's list of keys: %v", err)
	}
	for _, tag := range assets.Languages() {
		lang := tag.String()
		var out, errOut bytes.Buffer
		if code := run(t.Context(), []string{"sandbox", "--help", "--lang", lang}, strings.NewReader(""), &out, &errOut); code != 0 {
			t.Fatalf("%s: exit %d: %s", lang, code, errOut.String())
		}
		help := strings.Join(strings.Fields(out.String()), " ")
		for _, k := range strings.Split(keys, ", ") {
			if !strings.Contains(help, " "+k+",") && !strings.Contains(help, " "+k+" ") {
				t.Errorf("%s: the help does not name the fault key %q:\n%s", lang, k, out.String())
			}
		}
		for _, want := range []string{"lasts=30s", "accounts/*/signups"} {
			if !strings.Contains(help, want) {
				t.Errorf("%s: the help lacks the example with %q", lang, want)
			}
		}
	}
}
