package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"wizard/assets"
	"wizard/internal/englishleft"
	"wizard/store"
)

// lineRun is the wizard in the line-by-line mode in a process of its own
// (the test binary as the wizard, like pipedProcess), its standard input a
// pipe the test writes answers into, its output read as it comes.
type lineRun struct {
	t     *testing.T
	cmd   *exec.Cmd
	in    io.WriteCloser
	mu    sync.Mutex
	out   bytes.Buffer
	grew  chan struct{} // closed (and replaced) whenever output arrives
	ended chan struct{}
	err   error // the process's end, once ended is closed
	from  int   // where the next wait starts looking
}

// lineWait is how long one screen may take on a loaded machine.
const lineWait = 90 * time.Second

func startLines(t *testing.T, env []string, args ...string) *lineRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	cmd := exec.CommandContext(ctx, os.Args[0], append([]string{"-test.run=^TestCommandsHelperProcess$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), append([]string{"WIZARD_COMMANDS_HELPER=1", "WIZARD_BROWSER=none"}, env...)...)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW := io.Pipe()
	cmd.Stdout, cmd.Stderr = outW, outW
	r := &lineRun{t: t, cmd: cmd, in: in, grew: make(chan struct{}), ended: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := outR.Read(buf)
			r.mu.Lock()
			r.out.Write(buf[:n])
			close(r.grew)
			r.grew = make(chan struct{})
			r.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() {
		r.err = cmd.Wait()
		outW.Close()
		close(r.ended)
	}()
	t.Cleanup(func() {
		cancel()
		<-r.ended
		if t.Failed() || testing.Verbose() {
			t.Logf("the wizard's output:\n%s", r.output())
		}
	})
	return r
}

func (r *lineRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

// waitFor waits until the output after the last text waited for shows re,
// and returns its match; the next wait starts after it.
func (r *lineRun) waitFor(re *regexp.Regexp) []string {
	r.t.Helper()
	deadline := time.After(lineWait)
	for {
		r.mu.Lock()
		out, grew := r.out.String(), r.grew
		r.mu.Unlock()
		if loc := re.FindStringSubmatchIndex(out[r.from:]); loc != nil {
			m := re.FindStringSubmatch(out[r.from:])
			r.from += loc[1]
			return m
		}
		select {
		case <-grew:
		case <-r.ended:
			r.t.Fatalf("the wizard ended (%v) before showing %q", r.err, re)
		case <-deadline:
			r.t.Fatalf("no %q within %v", re, lineWait)
		}
	}
}

// see waits for text (a plain string).
func (r *lineRun) see(text string) {
	r.t.Helper()
	r.waitFor(regexp.MustCompile(regexp.QuoteMeta(text)))
}

// answer writes lines to the wizard's standard input, as typed.
func (r *lineRun) answer(lines ...string) {
	r.t.Helper()
	if _, err := io.WriteString(r.in, strings.Join(lines, "\n")+"\n"); err != nil {
		r.t.Fatalf("writing the answers: %v", err)
	}
}

// exit waits for the end and returns the exit status.
func (r *lineRun) exit() int {
	r.t.Helper()
	select {
	case <-r.ended:
	case <-time.After(lineWait):
		r.t.Fatalf("the wizard did not end")
	}
	if ee, ok := r.err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if r.err != nil {
		r.t.Fatalf("the wizard: %v", r.err)
	}
	return 0
}

var lineSignupURL = regexp.MustCompile(`http://127\.0\.0\.1:\d+/signup/su_[A-Za-z0-9_-]+`)

// The Done-when of issue 13: `wizard --accessible` walks the whole flow on
// the built-in sandbox from answers on a pipe — terms, account, the e-mail
// the sandbox confirms, company, the number's questions, Embedded Signup
// (finished in "the browser", which the test plays: the page posts its
// result and the browser follows the redirect to the wizard's callback),
// display name (every category said), phone, the code read from the
// sandbox's hint the wizard prints (typed once the countdown has said "50 seconds left"), the PIN, activation, alpha name — to done; `wizard show` says
// done. The first answers are written before their questions are asked (as
// a script, or a fast typist, gives them): each lands on its own question.
// No screen is drawn: no escape sequence reaches the output, and no secret.
func TestAccessibleWalksTheWholeFlowFromAPipe(t *testing.T) {
	path := tempData(t)
	a := newPtyAnswers(t, rand.New(rand.NewPCG(13, 13)))
	r := startLines(t, []string{"TERM=xterm-256color", "ACCESSIBLE="}, "--accessible", "--data", path)

	r.see("Line-by-line mode")
	r.answer(
		"",             // terms: Allow All
		a.Email,        //
		"short",        // refused: the password rule
		a.Password,     // the password again
		a.Password,     // repeated
		"",             // the e-mail wait: check now (the sandbox confirms by itself)
		"1",            // a company
		a.FullName,     //
		a.Company,      //
		"Atlantis",     // the country, searched: nothing matches
		"Kazak",        // searched again: one match, taken
		"maybe",        // not an answer to "I am not a robot": asked again
		"y",            //
		"9",            // not one of the two options: asked again
		"", "", "", "", // the three questions (No) and their confirmation
	)
	r.see("Not accepted: The password does not meet the rule")
	r.see("Nothing in the list matches that.")
	r.see("Type y (Yes) or n (No).")
	r.see("Type a number from 1 to 2.")
	r.see("Step 6 of 12")
	link := r.waitFor(lineSignupURL)[0]
	finishSignupAsBrowser(t, link)

	r.see("Step 7 of 12")
	r.see("Display Name (Alpha Name)")
	r.answer(a.DisplayName, "", a.Description, a.Website)
	r.see("1. Alcoholic beverages") // every category is said, not the rows a screen shows
	r.see("21. Other (chosen now)")
	r.see("Check the display name carefully")
	r.answer("") // it is right
	r.see("Step 8 of 12")
	r.answer("", a.PhoneTyped) // the company's country, the number
	r.see("Is this the number?")
	r.answer("")
	r.see("Step 9 of 12")
	r.see("How should Meta send the verification code?")
	r.answer("s")
	code := r.waitFor(regexp.MustCompile(`WhatsApp code (\d{3})-(\d{3})`))
	r.see("50 seconds left") // the countdown is said at fixed points
	r.answer(code[1]+code[2], a.PIN, a.PIN)
	r.see("Step 10 of 12")
	r.see("Your Alpha Name code:")
	r.answer("")
	r.see("Step 11 of 12")
	r.see("Country")
	r.answer("") // the company's country
	r.see("Saved: " + a.DisplayName)
	r.answer("")
	r.see("Step 12 of 12")
	r.see("All done")
	r.answer("")
	id := r.waitFor(regexp.MustCompile(`Signup ([2-9A-Z]{4}-[2-9A-Z]{4}) is complete`))[1]
	if code := r.exit(); code != 0 {
		t.Fatalf("exit %d at the end of the flow, want 0", code)
	}
	out := r.output()
	for _, secret := range []string{a.Password, a.PIN, code[1] + code[2]} {
		if strings.Contains(out, secret) {
			t.Errorf("the output shows a secret (%q)", secret)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("the output has escape sequences (a drawn screen, colour, cursor moves)")
	}

	show := wiz(t, "show", id, "--data", path, "--json")
	mustOK(t, show)
	var got struct {
		Session store.Session `json:"session"`
	}
	if err := json.Unmarshal([]byte(show.stdout), &got); err != nil {
		t.Fatalf("wizard show --json: %v\n%s", err, show.stdout)
	}
	s := got.Session
	if s.Status != store.StatusDone || s.Company.CompanyName != a.Company || s.Company.Country != a.Country ||
		s.Profile.DisplayName != a.DisplayName || s.Phone.E164 != a.E164 || s.Account.VerifiedAt.IsZero() {
		t.Errorf("wizard show %s: status %s, company %q (%s), display name %q, number %s; want done with the answers given",
			id, s.Status, s.Company.CompanyName, s.Company.Country, s.Profile.DisplayName, s.Phone.E164)
	}
	historyInTheReadersLanguage(t, path, id, s, a)
}

// historyInTheReadersLanguage: support staff read a signup's history in their
// language, whoever made it in whichever: `wizard show --lang ru` and
// `--lang kk` of the signup walked in English say every event in words of
// that language, with only the values in it (ids, names, what Meta and the
// provider call things) as they were.
func historyInTheReadersLanguage(t *testing.T, path, id string, s store.Session, a ptyAnswers) {
	t.Helper()
	values := []string{id, who(), a.Email, a.FullName, a.Company, a.DisplayName, s.Account.ID, s.Signup.SessionID,
		s.Signup.WABAID, s.Signup.BusinessID, s.Signup.PhoneNumberID, s.Signup.Event, s.Signup.Stage, s.Signup.NumberStatus,
		s.Signup.NameStatus, s.Signup.DisplayPhone, s.Phone.ID, s.Phone.E164, s.Code.Method,
		s.Activation.AlphaCode, s.Alpha.ID, s.Alpha.NameStatus}
	for _, lang := range []string{"ru", "kk"} {
		w := assets.NewWords(lang)
		r := wiz(t, "show", id, "--data", path, "--lang", lang)
		mustOK(t, r)
		_, history, ok := strings.Cut(r.stdout, w.T("show.history"))
		if !ok || strings.Count(history, "\n") < 12 {
			t.Fatalf("wizard show --lang %s: no history:\n%s", lang, r.stdout)
		}
		if left := englishleft.Find(history, values...); len(left) > 0 {
			t.Errorf("wizard show --lang %s: the history shows English %q:\n%s", lang, left, history)
		}
	}
}

// finishSignupAsBrowser does what the Embedded Signup page does when the user
// presses Finish, and what the browser does then: follow the redirect to the
// wizard's loopback callback.
func finishSignupAsBrowser(t *testing.T, link string) {
	t.Helper()
	resp, err := ptyBrowser.PostForm(link+"/result", url.Values{"event": {"FINISH"}})
	if err != nil {
		t.Fatalf("posting the signup result: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "" {
		cb, err := ptyBrowser.Get(loc)
		if err != nil {
			t.Logf("the callback cannot be reached (%v): the wizard polls", err)
			return
		}
		_, _ = io.Copy(io.Discard, cb.Body)
		cb.Body.Close()
	}
}

// The line-by-line mode is chosen by --accessible, by ACCESSIBLE=1 and by
// TERM=dumb; then `wizard` works from a pipe. Input that ends before the first
// answer creates nothing: `wizard list` stays empty. Without it, the refusal
// names --accessible.
func TestAccessibleModeIsChosenByFlagEnvironmentAndDumbTerminal(t *testing.T) {
	path := tempData(t)
	for _, c := range []struct {
		name string
		env  []string
		args []string
	}{
		{"--accessible", nil, []string{"--accessible"}},
		{"ACCESSIBLE=1", []string{"ACCESSIBLE=1"}, nil},
		{"TERM=dumb", []string{"TERM=dumb"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, kv := range c.env {
				k, v, _ := strings.Cut(kv, "=")
				t.Setenv(k, v)
			}
			_, r := pipedProcess(t, "", append(c.args, "--data", path)...)
			mustOK(t, r)
			for _, want := range []string{"Line-by-line mode", "Do you accept the provider's terms?",
				`Type y for "Allow All" or n for "Not now"`, "Nothing was saved"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("no %q in the output:\n%s", want, r.stdout)
				}
			}
			if strings.Contains(r.stdout+r.stderr, "\x1b") {
				t.Errorf("escape sequences in the output: %q", r.stdout)
			}
			if _, l := pipedProcess(t, "", "list", "--data", path); !strings.Contains(l.stdout, "No signups yet") {
				t.Errorf("wizard list after input that gave no answer:\n%s", l.stdout)
			}
		})
	}

	t.Setenv("ACCESSIBLE", "0")
	_, r := pipedProcess(t, "\n", "--data", path)
	mustRefuseWithoutTerminal(t, r, "wizard")
	if !strings.Contains(squeeze(r.stderr), squeeze("or add --accessible to answer them line by line")) {
		t.Errorf("the refusal does not name --accessible:\n%s", r.stderr)
	}
}

// One answer saves the signup; the next `wizard --accessible` offers to carry
// it on, as a line-by-line question, and an empty line (Resume it) does.
func TestAccessibleOffersToResume(t *testing.T) {
	path := tempData(t)
	_, r := pipedProcess(t, "\n", "--accessible", "--data", path) // terms accepted, then the input ends
	mustOK(t, r)
	id := regexp.MustCompile(`Signup ([2-9A-Z]{4}-[2-9A-Z]{4}) stopped at "Provider account"`).FindStringSubmatch(r.stdout)
	if id == nil {
		t.Fatalf("no saved signup at the account step:\n%s", r.stdout)
	}
	_, r = pipedProcess(t, "\n", "--accessible", "--data", path)
	mustOK(t, r)
	for _, want := range []string{"Resume signup " + id[1] + "?", `Type y for "Resume it"`, "Step 2 of 12", "Business e-mail",
		`Signup ` + id[1] + ` stopped at "Provider account"`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("no %q in the output:\n%s", want, r.stdout)
		}
	}
	_, r = pipedProcess(t, "", "resume", id[1], "--accessible", "--data", path)
	mustOK(t, r)
	if !strings.Contains(r.stdout, "Step 2 of 12") || !strings.Contains(r.stdout, "Business e-mail") {
		t.Errorf("wizard resume %s --accessible from a pipe:\n%s", id[1], r.stdout)
	}
}

// In a terminal the line-by-line mode reads the passwords (and the PIN)
// without echo: what is typed for them never reaches the screen, while the
// e-mail shows as typed. ctrl+c there ends the run with what was answered saved.
func TestAccessibleReadsPasswordsWithoutEchoInATerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("a real terminal: not with -short")
	}
	home := newPtyHome(t)
	home.extra = append(home.extra, "WIZARD_BROWSER=none")
	p := ptyStart(t, home, "accessible", "--accessible")
	const email, password = "aigerim@steppe-pharma.kz", "Kz!4821pwQ"
	prompts := 0
	answer := func(after, line string) {
		t.Helper()
		p.WaitFor(after)
		prompts++
		waitOutputCount(t, p, "Your answer:", prompts) // the read is under way (a secret's echo off)
		p.Type(line)
		p.Key("enter")
	}
	answer("Do you accept the provider's terms?", "")
	answer("Business e-mail", email)
	answer("Password", password)
	answer("Repeat the password", password)
	p.WaitFor("Confirm your e-mail address")
	p.Key("ctrl+c")
	if code := p.ExitCode(ptyWait); code != 0 {
		p.Fatalf("exit %d after ctrl+c, want 0", code)
	}
	out := p.Output()
	if strings.Contains(out, password) || strings.Contains(out, "**") {
		p.Fatalf("the password reached the terminal:\n%s", out)
	}
	if !strings.Contains(out, email) || !strings.Contains(out, "stopped at \"Confirm your e-mail\"") {
		p.Fatalf("the e-mail was not echoed, or the stop not said:\n%s", out)
	}
}

// waitOutputCount waits until p's output holds text n times.
func waitOutputCount(t *testing.T, p *ptyTerm, text string, n int) {
	t.Helper()
	deadline := time.Now().Add(ptyWait)
	for strings.Count(p.Output(), text) < n {
		if time.Now().After(deadline) || p.Exited() {
			p.Fatalf("no %d× %q in the output", n, text)
		}
		time.Sleep(15 * time.Millisecond)
	}
}
