package steps

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"wizard/assets"
	"wizard/client"
	"wizard/client/callback"
	"wizard/client/sandbox"
	"wizard/store"
)

// suDriver plays the shell for the signup step, with its commands running in
// goroutines as in a program: the callback, the poll and the paste race for real.
type suDriver struct {
	t       *testing.T
	env     *Env
	sb      *sandbox.Running
	sess    store.Session
	step    Step
	msgs    chan tea.Msg
	done    chan struct{}
	records []Record
	dones   []Done
	opened  []string
}

func newSUDriver(t *testing.T) *suDriver {
	t.Helper()
	return newSUDriverWith(t, sandbox.Options{AutoVerifyEmail: time.Nanosecond})
}

// newSUDriverWith is newSUDriver with the sandbox's options (e.g. its clock).
func newSUDriverWith(t *testing.T, opts sandbox.Options) *suDriver {
	t.Helper()
	sb, err := sandbox.Start("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	cfg := client.SandboxConfig(sb.URL)
	env := &Env{Clients: client.New(cfg), Clock: SystemClock{}, Words: assets.NewWords("en"),
		Theme: huh.ThemeFunc(huh.ThemeCharm), PollEvery: 20 * time.Millisecond, CallTimeout: 5 * time.Second}
	acc, err := env.Clients.Partner.CreateAccount(context.Background(), "ops@acme.kz", "Secr3t!pw")
	if err != nil {
		t.Fatal(err)
	}
	d := &suDriver{t: t, env: env, sb: sb, msgs: make(chan tea.Msg, 256), done: make(chan struct{}),
		sess: store.Session{ID: "s_signup", Path: store.PathNew, Account: store.Account{ID: acc.ID, Email: acc.Email}}}
	d.withBrowser(nil)
	t.Cleanup(func() {
		close(d.done)
		if l := d.env.signup; l != nil {
			_ = l.srv.Close()
		}
	})
	return d
}

// withBrowser gives the env a browser that records what it was asked to open
// and answers err (every driver starts with one that works).
func (d *suDriver) withBrowser(err error) {
	var mu sync.Mutex
	d.env.OpenURL = func(u string) error {
		mu.Lock()
		defer mu.Unlock()
		d.opened = append(d.opened, u)
		return err
	}
}

func (d *suDriver) start() {
	d.step = New(Signup, d.env, d.sess)
	d.run(d.step.Init())
	d.send(tea.WindowSizeMsg{Width: 100, Height: 40})
}

func (d *suDriver) run(cmd tea.Cmd) {
	if cmd != nil {
		go d.exec(cmd)
	}
}

func (d *suDriver) exec(cmd tea.Cmd) {
	msg := cmd()
	if v := reflect.ValueOf(msg); msg != nil && v.Kind() == reflect.Slice && v.Type().ConvertibleTo(cmdSliceType) {
		for _, c := range v.Convert(cmdSliceType).Interface().([]tea.Cmd) {
			if c != nil {
				go d.exec(c)
			}
		}
		return
	}
	if msg == nil {
		return
	}
	select {
	case d.msgs <- msg:
	case <-d.done:
	}
}

// send delivers msg as the shell would: what the step decides is applied to
// the session, and a Record's reply comes back after it.
func (d *suDriver) send(msg tea.Msg) {
	if _, ok := msg.(spinner.TickMsg); ok {
		return
	}
	if len(d.dones) > 0 {
		return // like the shell, the driver sends a finished step nothing more
	}
	var cmd tea.Cmd
	var out Outcome
	d.step, cmd, out = d.step.Update(msg)
	d.run(cmd)
	switch out := out.(type) {
	case Record:
		d.records = append(d.records, out)
		if out.Apply != nil {
			out.Apply(&d.sess)
		}
		if out.Reply != nil {
			d.send(out.Reply)
		}
	case Done:
		d.dones = append(d.dones, out)
		out.Apply(&d.sess)
	}
}

// pump delivers messages until cond holds.
func (d *suDriver) pump(what string, cond func() bool) {
	d.t.Helper()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case msg := <-d.msgs:
			d.send(msg)
		case <-deadline:
			d.t.Fatalf("timed out waiting for %s; screen:\n%s", what, d.view())
		}
	}
}

// settle delivers what arrives within a short while.
func (d *suDriver) settle(within time.Duration) {
	for {
		select {
		case msg := <-d.msgs:
			d.send(msg)
		case <-time.After(within):
			return
		}
	}
}

func (d *suDriver) model() *signup { return d.step.(*signup) }
func (d *suDriver) view() string   { return plain(d.step.View(100)) }
func (d *suDriver) key(k string)   { d.send(tea.KeyPressMsg{Code: []rune(k)[0], Text: k}) }
func (d *suDriver) enter()         { d.send(tea.KeyPressMsg{Code: tea.KeyEnter}) }
func (d *suDriver) esc()           { d.send(tea.KeyPressMsg{Code: tea.KeyEscape}) }

func (d *suDriver) mustSee(texts ...string) {
	d.t.Helper()
	v := d.view()
	for _, s := range texts {
		if !strings.Contains(v, plain(s)) {
			d.t.Fatalf("the screen does not show %q:\n%s", s, v)
		}
	}
}

func (d *suDriver) waitStarted() {
	d.t.Helper()
	d.pump("a signup session", func() bool {
		m := d.model()
		return m.waiting() && d.sess.Signup.URL != "" && d.sess.Signup.SessionID == m.sess.Signup.SessionID
	})
}

func (d *suDriver) finished() bool { return len(d.dones) > 0 }

// pageResult posts the signup page's form, as the browser does, and returns
// where the sandbox sends the browser (the callback address with the result).
func (d *suDriver) pageResult(form url.Values) string {
	d.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(d.sess.Signup.URL+"/result", form)
	if err != nil {
		d.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		d.t.Fatalf("the signup page's result: %d, want a redirect to the callback", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

// browse follows an address as a browser would, returning the status.
func browse(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		return 0 // nothing listens any more
	}
	resp.Body.Close()
	return resp.StatusCode
}

var finishForm = url.Values{"event": {"FINISH"}, "business_name": {"Acme Pharma"}, "waba_name": {"Acme Pharma"}}

func TestSignupCallbackFinishes(t *testing.T) {
	d := newSUDriver(t)
	d.env.PollEvery = time.Hour // the callback, not a poll, must end this signup
	d.start()
	d.waitStarted()
	m := d.model()
	if m.live == nil || !strings.HasPrefix(m.live.srv.URL(), "http://127.0.0.1:") {
		t.Fatal("no callback server for the signup")
	}
	d.mustSee(d.sess.Signup.URL, "personal, standard Facebook account", "not a Facebook Business one", "allow pop-ups", "Press Enter to open it")

	d.enter()
	d.pump("the browser to open", func() bool { return strings.Contains(d.view(), "Opened in your browser") })
	if len(d.opened) != 1 || d.opened[0] != d.sess.Signup.URL {
		t.Fatalf("opened %q, want the signup page", d.opened)
	}

	loc := d.pageResult(finishForm)
	if !strings.HasPrefix(loc, m.live.srv.URL()+"?") {
		t.Fatalf("the page sends the browser to %s, not to the callback %s", loc, m.live.srv.URL())
	}
	start := time.Now()
	if code := browse(t, loc); code != http.StatusOK {
		t.Fatalf("the callback answered %d", code)
	}
	d.pump("the step to finish", d.finished)
	if took := time.Since(start); took > time.Second {
		t.Errorf("the step finished %v after the callback, want under a second", took)
	}
	sg := d.sess.Signup
	if sg.Event != "FINISH" || sg.WABAID == "" || sg.BusinessID == "" || sg.FinishedAt.IsZero() {
		t.Fatalf("saved %+v", sg)
	}
	if !strings.Contains(d.dones[0].Detail.English(), "from the browser") {
		t.Errorf("the history does not say where the result came from: %q", d.dones[0].Detail.English())
	}
	d.settle(50 * time.Millisecond)
	if len(d.dones) != 1 {
		t.Fatalf("%d Dones, want 1", len(d.dones))
	}
	if d.env.signup != nil {
		t.Error("the finished signup's callback is still kept")
	}
}

func TestSignupForgedStateChangesNothing(t *testing.T) {
	d := newSUDriver(t)
	d.start()
	d.waitStarted()
	srvURL := d.model().live.srv.URL()
	forged := srvURL + "?" + url.Values{"state": {callback.NewState()}, "event": {"FINISH"}, "waba_id": {"1"}, "business_id": {"2"}}.Encode()
	if code := browse(t, forged); code != http.StatusBadRequest {
		t.Fatalf("forged state: %d, want 400", code)
	}
	d.settle(100 * time.Millisecond)
	if d.finished() || d.sess.Signup.Event != "" {
		t.Fatalf("a forged callback moved the step: %+v", d.sess.Signup)
	}
	// The real answer still gets through.
	browse(t, d.pageResult(finishForm))
	d.pump("the step to finish", d.finished)
	if d.sess.Signup.WABAID == "1" {
		t.Fatal("the forged ids were saved")
	}
}

func TestSignupDoubleCallback(t *testing.T) {
	d := newSUDriver(t)
	d.start()
	d.waitStarted()
	loc := d.pageResult(finishForm)
	if code := browse(t, loc); code != http.StatusOK {
		t.Fatalf("first callback: %d", code)
	}
	// The same tab reloaded, or a second tab: not a second result.
	if code := browse(t, loc); code != 0 && code != http.StatusConflict {
		t.Fatalf("second callback: %d, want refused or 409", code)
	}
	d.pump("the step to finish", d.finished)
	d.settle(100 * time.Millisecond)
	if len(d.dones) != 1 {
		t.Fatalf("%d Dones, want exactly 1", len(d.dones))
	}
}

func TestSignupCancelIsSavedAndCanBeRetried(t *testing.T) {
	d := newSUDriver(t)
	d.start()
	d.waitStarted()
	first := d.sess.Signup.SessionID
	oldCallback := d.model().live.srv.URL()
	browse(t, d.pageResult(url.Values{"event": {"CANCEL"}, "current_step": {"WABA_PHONE_PROFILE_PICKER"}}))
	d.pump("the cancel to be saved", func() bool { return d.sess.Signup.Event == "CANCEL" })
	if d.finished() {
		t.Fatal("a CANCEL ended the step")
	}
	r := d.records[len(d.records)-1]
	if r.Kind != "signup.cancelled" || !strings.Contains(r.Detail.English(), "WABA_PHONE_PROFILE_PICKER") {
		t.Fatalf("record %+v", r)
	}
	if d.sess.Signup.CancelStep != "WABA_PHONE_PROFILE_PICKER" {
		t.Fatalf("cancel step not saved: %+v", d.sess.Signup)
	}
	d.mustSee("You stopped while choosing the WhatsApp Business account. (WABA_PHONE_PROFILE_PICKER)", "Press n to open the signup again")

	d.key("n")
	d.waitStarted()
	if d.sess.Signup.SessionID == first || d.model().live.srv.URL() == oldCallback {
		t.Fatal("n did not start a new signup with a new callback")
	}
	browse(t, d.pageResult(finishForm))
	d.pump("the step to finish", d.finished)
}

func TestSignupErrorShowsItsMessage(t *testing.T) {
	d := newSUDriver(t)
	d.start()
	d.waitStarted()
	browse(t, d.pageResult(url.Values{"event": {"CANCEL"}, "current_step": {"BUSINESS_PORTFOLIO"},
		"error_message": {"The portfolio list did not load"}}))
	d.pump("the error to be saved", func() bool { return d.sess.Signup.Event == "CANCEL" })
	d.mustSee("The signup reported an error: The portfolio list did not load", "Press n")
}

func TestSignupBrowserFailureIsPlain(t *testing.T) {
	d := newSUDriver(t)
	d.withBrowser(errors.New("xdg-open failed (exit status 3)"))
	d.start()
	d.waitStarted()
	d.enter()
	d.pump("the failure", func() bool { return strings.Contains(d.view(), "Could not open a browser") })
	d.mustSee("Could not open a browser: xdg-open failed (exit status 3). Open the address above yourself", d.sess.Signup.URL)
}

func TestSignupOverSSHByPaste(t *testing.T) {
	d := newSUDriver(t)
	d.env.OpenURL, d.env.BrowserWhy = nil, "ssh"
	d.env.PollEvery = time.Hour // only the paste can end this signup
	d.start()
	d.waitStarted()
	d.mustSee(d.sess.Signup.URL, "This is an SSH session, so no browser is opened here", "paste it here")
	d.enter() // no browser: Enter does nothing
	if len(d.opened) != 0 {
		t.Fatal("a browser was opened over SSH")
	}
	d.key("p")
	d.enter() // nothing pasted yet
	d.mustSee("Paste the signup's result", "Paste the address the browser ended on")
	d.esc()

	// The browser on the user's own computer cannot reach this 127.0.0.1: the
	// user copies the address from its address bar and pastes it on the screen.
	loc := d.pageResult(finishForm)
	d.send(tea.PasteMsg{Content: loc})
	d.mustSee("Paste the signup's result")
	d.enter()
	d.pump("the step to finish", d.finished)
	sg := d.sess.Signup
	if sg.Event != "FINISH" || sg.WABAID == "" || sg.BusinessID == "" {
		t.Fatalf("saved %+v", sg)
	}
	if !strings.Contains(d.dones[0].Detail.English(), "from a pasted result") {
		t.Errorf("detail %q", d.dones[0].Detail.English())
	}
	// The callback server stops once a result is taken by another way.
	for deadline := time.Now().Add(3 * time.Second); browse(t, loc) != 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the callback server still listens after a pasted result")
		}
	}
}

func TestSignupPasteTypedResult(t *testing.T) {
	d := newSUDriver(t)
	d.env.PollEvery = time.Hour
	d.start()
	d.waitStarted()
	// The page reports to the provider; the browser's way back is lost. The
	// typed ids are checked with the provider (signup_paste_test.go).
	d.pageResult(finishForm)
	res, err := d.env.Clients.Partner.GetSignup(context.Background(), d.sess.Signup.SessionID)
	if err != nil {
		t.Fatal(err)
	}
	d.key("p")
	d.send(tea.PasteMsg{Content: "finish " + res.WABAID + " " + res.BusinessID})
	d.enter()
	d.pump("the step to finish", d.finished)
	if sg := d.sess.Signup; sg.WABAID != res.WABAID || sg.BusinessID != res.BusinessID || sg.Event != "FINISH" ||
		sg.ReadPending || sg.Stage != "ready" {
		t.Fatalf("saved %+v", sg)
	}
}

func TestSignupPasteIsChecked(t *testing.T) {
	d := newSUDriver(t)
	d.env.PollEvery = time.Hour
	d.start()
	d.waitStarted()
	m := d.model()
	own := m.live.srv.URL() + "?"
	id := d.sess.Signup.SessionID
	q := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	state := m.live.state
	tests := []struct {
		paste string
		want  string // an error's start, or "" for a result
		event string
	}{
		{"", "Paste the address", ""},
		{own + q("state", state, "event", "FINISH", "waba_id", "11", "business_id", "22"), "", "FINISH"},
		{"  <" + own + q("state", state, "event", "FINISH_ONLY_WABA", "waba_id", "11", "business_id", "22") + ">  ", "", "FINISH_ONLY_WABA"},
		{q("state", state, "event", "CANCEL", "current_step", "LOGIN"), "", "CANCEL"},
		{own + q("state", "forged", "event", "FINISH", "waba_id", "11", "business_id", "22"), "This address belongs to another signup", ""},
		{own + q("event", "FINISH", "waba_id", "11", "business_id", "22"), "This address belongs to another signup", ""},
		{own + q("state", state, "signup_id", "su_other", "event", "FINISH", "waba_id", "11"), "This address belongs to another signup", ""},
		{own + q("state", state), "This address does not say how the signup ended", ""},
		{own + q("state", state, "event", "DONE"), `"DONE" is not a signup result`, ""},
		{own + q("state", state, "event", "FINISH"), "This address has no WhatsApp Business account id", ""},
		{"FINISH 11 22", "", "FINISH"},
		{"FINISH 11 22 33", "", "FINISH"},
		{"FINISH 11", "After FINISH give the WhatsApp Business account id", ""},
		{"FINISH 11 x22", `"x22" is not an id`, ""},
		{"cancel waba setup", "", "CANCEL"},
		{"hello", `"hello" is not a signup result`, ""},
	}
	for _, tt := range tests {
		r, err := m.parsePaste(tt.paste)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q: %v", tt.paste, err)
		case tt.want == "" && (r.Event != tt.event || r.ID != id):
			t.Errorf("%q: %+v", tt.paste, r)
		case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
			t.Errorf("%q: error %v, want %q…", tt.paste, err, tt.want)
		}
	}
	if r, _ := m.parsePaste("cancel waba setup"); r.CurrentStep != "WABA_SETUP" || r.Status != client.SignupCancelled {
		t.Errorf("typed cancel: %+v", r)
	}

	// Without the state (the wizard was restarted), the signup id decides.
	m.live = nil
	if _, err := m.parsePaste(own + q("state", state, "signup_id", id, "event", "FINISH", "waba_id", "11", "business_id", "22")); err != nil {
		t.Errorf("a resumed signup's own address: %v", err)
	}
	if _, err := m.parsePaste(own + q("state", state, "event", "FINISH", "waba_id", "11")); err == nil {
		t.Error("an address without a signup id was accepted after a resume")
	}
}

func TestSignupCallbackTimeoutFallsBackToPolling(t *testing.T) {
	old := signupCallbackTimeout
	signupCallbackTimeout = 150 * time.Millisecond
	t.Cleanup(func() { signupCallbackTimeout = old })

	d := newSUDriver(t)
	d.start()
	d.waitStarted()
	loc := d.pageResult // the page is answered later, after the callback gave up
	d.pump("the callback to time out", func() bool { return d.model().lost })
	d.mustSee("stopped listening", "asks the provider every second")
	if d.model().poll.interval > time.Second {
		t.Errorf("polling every %v without a callback, want at most 1s", d.model().poll.interval)
	}
	loc(finishForm) // the browser's redirect goes nowhere; the partner knows
	d.pump("the poll to finish the step", d.finished)
	if !strings.Contains(d.dones[0].Detail.English(), "from the provider") {
		t.Errorf("detail %q", d.dones[0].Detail.English())
	}
}

func TestSignupResumedPollsAndSaysSo(t *testing.T) {
	d := newSUDriver(t)
	s, err := d.env.Clients.Partner.StartSignup(context.Background(), d.sess.Account.ID, client.SignupRequest{Mode: "new"})
	if err != nil {
		t.Fatal(err)
	}
	d.sess.Signup = store.Signup{SessionID: s.ID, URL: s.URL, StartedAt: time.Now()}
	d.start()
	d.settle(50 * time.Millisecond)
	m := d.model()
	if !m.resumed || m.live != nil {
		t.Fatalf("resumed %v, live %v", m.resumed, m.live)
	}
	d.mustSee(s.URL, "started before the wizard was last closed", "start a new signup (n)")
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(s.URL+"/result", finishForm)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	start := time.Now()
	d.pump("the poll to finish the step", d.finished)
	if took := time.Since(start); took > 1500*time.Millisecond {
		t.Errorf("took %v to notice the finished signup", took)
	}
}

func TestSignupBackAndReturnKeepsTheCallback(t *testing.T) {
	d := newSUDriver(t)
	d.start()
	d.waitStarted()
	first := d.model().live
	if !d.step.(Backer).WantsBack(tea.KeyPressMsg{Code: tea.KeyEscape}) {
		t.Fatal("esc does not go back from the waiting signup")
	}
	// The shell builds the step again when the user comes back.
	d.start()
	d.settle(50 * time.Millisecond)
	m := d.model()
	if m.resumed || m.live != first {
		t.Fatalf("coming back: resumed %v, same callback %v", m.resumed, m.live == first)
	}
	browse(t, d.pageResult(finishForm))
	d.pump("the step to finish", d.finished)
}

func TestSignupPasteBoxEscCloses(t *testing.T) {
	d := newSUDriver(t)
	d.start()
	d.waitStarted()
	d.key("p")
	if d.model().paste == nil {
		t.Fatal("p does not open the paste box")
	}
	if d.step.(Backer).WantsBack(tea.KeyPressMsg{Code: tea.KeyEscape}) {
		t.Fatal("esc in the paste box would leave the step")
	}
	d.esc()
	if d.model().paste != nil {
		t.Fatal("esc does not close the paste box")
	}
	// A paste on the screen opens the box with the text in it.
	d.send(tea.PasteMsg{Content: "FINISH 1 2"})
	if d.model().paste == nil || *d.model().pasted != "FINISH 1 2" {
		t.Fatal("a paste does not open the box")
	}
}

func TestSignupStartFailureOffersRetry(t *testing.T) {
	d := newSUDriver(t)
	d.sb.Server.FailNext("/partner/v1/accounts", http.StatusServiceUnavailable, 1)
	d.start()
	d.pump("the failure", func() bool { return d.model().failedStart && d.model().lastErr != nil })
	d.mustSee("Press r to try again")
	d.key("r")
	d.waitStarted()
	if d.model().live == nil {
		t.Fatal("no callback after the retry")
	}
}

func TestHardWrapKeepsEveryCharacter(t *testing.T) {
	u := "https://business.facebook.com/messaging/whatsapp/onboard/?app_id=123&config_id=456&response_type=code&override_default_response_type=true&state=b1f0c6a2e9d84f7a"
	lines := hardWrap(u, 40)
	if strings.Join(lines, "") != u {
		t.Fatalf("lost characters: %q", lines)
	}
	for _, l := range lines {
		if len(l) > 40 {
			t.Fatalf("line of %d: %q", len(l), l)
		}
	}
}

// With the callback listening, polling stays the way for a signup finished on
// another device: the wait between two polls never grows past two seconds.
func TestSignupPollsWithinTwoSecondsWithACallback(t *testing.T) {
	d := newSUDriver(t)
	d.start()
	d.waitStarted()
	m := d.model()
	if m.live == nil {
		t.Fatal("no callback listening")
	}
	for range 30 {
		m.poll.later(0)
	}
	if m.poll.interval > 2*time.Second {
		t.Fatalf("after 30 polls the interval is %v, want at most 2s", m.poll.interval)
	}
}
