package main

// TestKillAtRandomMomentsOnEveryPath: the built wizard, in a pseudo-terminal,
// killed with SIGKILL at random moments — not at hand-picked points after the
// screen settles — several times per signup, on every path of the flow, some
// runs on a slow disk; after every kill the screen it last showed is held
// against the data file: nothing may be shown before it is saved.
//
// WIZARD_PTY_SEED=N repeats a run (its seed is in the log).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"wizard/client/sandbox"
	"wizard/steps"
	"wizard/store"
)

// krPath is a path through the flow that one run walks.
type krPath int

const (
	krNew        krPath = iota // three "No": the whole new-number path
	krMigration                // on the Business API, every checklist item confirmed
	krGovernment               // a government body: parks at the company step; resumed, keeps waiting or parks again
	krApp                      // on the WhatsApp Business app: parks at number-status
	krPersonal                 // on a personal WhatsApp account: parks at number-status
	krChecklist                // on the Business API, a checklist item unconfirmed: parks
	// The pop-up (Embedded Signup v4) adds the number itself:
	krPopupVerified   // …and verifies it: Meta's name confirmed, then PIN + register only
	krPopupUnverified // …and leaves the verification: the code here, then PIN + register
	krPopupApp        // …a number on the WhatsApp Business app: what happens to the app, then activation
	krPaths
)

func (p krPath) String() string {
	return [...]string{"new-number", "migration", "government", "business-app", "personal", "checklist",
		"popup-verified", "popup-unverified", "popup-app"}[p]
}

// krPopup: the pop-up adds the number on this path.
func (p krPath) krPopup() bool { return p >= krPopupVerified }

// krParked are the paths that park (short runs).
var krParked = []krPath{krGovernment, krApp, krPersonal, krChecklist}

// krWeights: the long paths get most runs (and so most kills).
var krWeights = [krPaths]int{krNew: 9, krMigration: 7, krGovernment: 1, krApp: 1, krPersonal: 1, krChecklist: 1,
	krPopupVerified: 3, krPopupUnverified: 3, krPopupApp: 2}

// krKillsPerRun is about how many kills a run of each path takes (to plan a wave).
var krKillsPerRun = [krPaths]float64{krNew: 5.5, krMigration: 5.5, krGovernment: 2.5, krApp: 2, krPersonal: 2, krChecklist: 2,
	krPopupVerified: 5, krPopupUnverified: 5, krPopupApp: 4}

// Kill moments: after the N-th action (a key or a typed string) from the
// start of a wizard run, N in [1, krMaxActions], wait 0–krMaxDelay, kill.
const (
	krMaxActions = 20
	krMaxDelay   = 300 * time.Millisecond
)

// Texts of the screen that say something was saved (assets/messages/en).
var (
	krHeader     = regexp.MustCompile(`Step (\d+) of 12`)
	krPINTitle   = ptyWords.T("code.pin_title")
	krAlphaSaved = []string{krPrefix("alpha.saved"), krPrefix("alpha.already_saved")}
	krGovTitle   = ptyWords.T("company.government_title")
	krApproval   = ptyWords.T("company.approval_question") // a parked government body, resumed
	krGovWaiting = ptyWords.T("company.approval_title")
	krParkTitle  = ptyWords.T("number.parked_title")
	krDoneTitle  = strings.TrimPrefix(ptyWords.T("done.title"), "✓ ")
	krCodeLabel  = ptyWords.T("activation.code_label")
	krAlphaCode  = regexp.MustCompile(`\bAN-\d{4}\b`) // not the tail of a signup id such as QWAN-2345
)

// krPrefix is a message's text before its first argument.
func krPrefix(key string) string {
	s, _, _ := strings.Cut(ptyWords.T(key, "\x00", "\x00"), "\x00")
	return s
}

// krKilled is the panic value that unwinds the walker once the wizard is killed.
type krKilled struct {
	before, after string // the screen right before the kill, and once its last output is in
}

// krKiller arms one kill per wizard run: after the n-th action, wait delay, kill.
type krKiller struct {
	p      *ptyTerm
	left   int // actions still to come before the arming one
	n      int
	delay  time.Duration
	armed  bool
	at     time.Time
	action int // actions sent so far in this wizard run
}

func (c *krKiller) onAction() {
	c.action++
	if c.armed || c.left <= 0 {
		return
	}
	if c.left--; c.left == 0 {
		c.armed, c.at = true, time.Now().Add(c.delay)
	}
}

// onTick kills once the moment has come. A key about to be sent waits for it
// (nothing more is sent after the N-th action); a wait polling the screen
// kills there once it has outlasted the delay.
func (c *krKiller) onTick(sending bool) {
	if !c.armed {
		return
	}
	if d := time.Until(c.at); d > 0 {
		if !sending {
			return
		}
		time.Sleep(d)
	}
	c.armed = false
	p := c.p
	before := p.Screen()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		p.t.Fatalf("%s: cannot kill: %v", p.name, err)
	}
	_, signaled, err := p.Wait(5 * time.Second)
	if err != nil {
		p.Fatalf("after SIGKILL: %v", err)
	}
	if !signaled {
		return // it ended by itself first (the walker's last key quit it): the walker goes on
	}
	p.onAction, p.onTick = nil, nil
	panic(krKilled{before: before, after: p.Screen()})
}

// krStats adds up the whole test.
type krStats struct {
	mu      sync.Mutex
	kills   int
	perPath [krPaths]int
	runs    [krPaths]int
	slowed  int // kills in runs with a slowed disk
	slowRun int
}

func (s *krStats) add(r *krRun) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kills += r.kills
	s.perPath[r.path] += r.kills
	s.runs[r.path]++
	if r.slow > 0 {
		s.slowed += r.kills
		s.slowRun++
	}
}

func (s *krStats) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kills
}

// TestKillAtRandomMomentsOnEveryPath runs signups on every path (weighted to
// the long ones), each killed with SIGKILL at random moments until its flow
// ends: after each kill the screen shown last is checked against what the data
// file holds (the step in the header is not beyond the saved step; a PIN form,
// an alpha-name code, "Saved", a parked screen or "All done" are saved), every
// answer is checked, then the wizard is started again, the resume offer
// accepted and the walk goes on. About a third of the runs have a slow disk
// (WIZARD_TEST_SYNC_DELAY 200–600 ms). Runs are added in waves until there
// are at least 200 kills (10 under -short).
func TestKillAtRandomMomentsOnEveryPath(t *testing.T) {
	seed := ptySeed(t)
	t.Logf("seed %d (WIZARD_PTY_SEED=%d go test -run TestKillAtRandomMomentsOnEveryPath ./cmd/wizard repeats this run)", seed, seed)
	target := 200
	if testing.Short() {
		target = 10
	}
	if n, err := strconv.Atoi(os.Getenv("WIZARD_PTY_KILLS")); err == nil && n > 0 {
		target = n // for a quicker (or a longer) run by hand
	}
	rng := rand.New(rand.NewPCG(seed, 0x6b696c6c))
	ptyBinary(t)
	start := time.Now()
	stats := &krStats{}
	weight := 0
	for _, w := range krWeights {
		weight += w
	}
	var runs atomic.Int64
	for wave := 1; stats.total() < target && !t.Failed(); wave++ {
		// Plan enough runs for the kills still missing, with 10% to spare. The
		// first wave has every path: -short the two long ones and one parked
		// path, else two runs of each parked path and then the weighted draw.
		var plan []krPath
		expect := 0.0
		if wave == 1 {
			if testing.Short() {
				plan = []krPath{krNew, krMigration, krParked[rng.IntN(len(krParked))], krPopupVerified + krPath(rng.IntN(3))}
			} else {
				for path := krGovernment; path < krPaths; path++ {
					plan = append(plan, path, path)
				}
			}
			for _, path := range plan {
				expect += krKillsPerRun[path]
			}
		}
		for (wave > 1 || !testing.Short()) && expect < 1.1*float64(target-stats.total()) {
			x, path := rng.IntN(weight), krNew
			for x >= krWeights[path] {
				x -= krWeights[path]
				path++
			}
			plan = append(plan, path)
			expect += krKillsPerRun[path]
		}
		t.Run(fmt.Sprintf("wave-%d", wave), func(t *testing.T) {
			for _, path := range plan {
				i := runs.Add(1)
				runSeed := seed ^ uint64(i)*0x9E3779B97F4A7C15
				var slow time.Duration
				if rng.IntN(3) == 0 {
					slow = time.Duration(200+rng.IntN(401)) * time.Millisecond
				}
				name := fmt.Sprintf("%03d-%s", i, path)
				if slow > 0 {
					name += fmt.Sprintf("-sync%dms", slow.Milliseconds())
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					ptyParallel <- struct{}{}
					defer func() { <-ptyParallel }()
					r := newKrRun(t, path, runSeed, slow)
					defer stats.add(r)
					r.run()
				})
			}
		})
	}
	s := stats
	var per []string
	for p := range krPaths {
		per = append(per, fmt.Sprintf("%s %d (%d runs)", p, s.perPath[p], s.runs[p]))
	}
	t.Logf("%d kills in %d runs: %s; %d kills in the %d runs with slowed syncs; wall time %v (seed %d)",
		s.kills, runs.Load(), strings.Join(per, ", "), s.slowed, s.slowRun, time.Since(start).Round(time.Second), seed)
	if s.kills < target && !t.Failed() {
		t.Errorf("%d kills, want at least %d", s.kills, target)
	}
}

// krRun is one signup on one path, killed again and again until its flow ends.
type krRun struct {
	t     *testing.T
	path  krPath
	k     *ptyWalk
	rng   *rand.Rand // the kill moments
	slow  time.Duration
	items int // checklist items confirmed (krChecklist: fewer than all)
	// govChange: a resumed government body changes its details (and parks
	// again) instead of keeping on waiting.
	govChange bool

	saved  store.Session // what the data file held after the last wizard run
	found  bool          // …if it held the signup at all
	parked bool          // this wizard run resumes a parked signup
	over   bool          // the flow has ended
	kills  int
	wizard int // wizard runs started
}

func newKrRun(t *testing.T, path krPath, seed uint64, slow time.Duration) *krRun {
	k := newPtyWalk(t, seed)
	if slow > 0 {
		k.home.extra = append(k.home.extra, "WIZARD_TEST_SYNC_DELAY="+slow.String())
	}
	r := &krRun{t: t, path: path, k: k, rng: rand.New(rand.NewPCG(seed, 2)), slow: slow, items: len(steps.MigrationItems)}
	if path == krChecklist {
		r.items = r.rng.IntN(len(steps.MigrationItems))
	}
	r.govChange = r.rng.IntN(2) == 0
	return r
}

// run walks the flow to its end, killing the wizard at random moments.
func (r *krRun) run() {
	t, start := r.t, time.Now()
	t.Logf("path %s, seed-derived answers for %s, sync delay %v", r.path, r.k.a.Email, r.slow)
	for !r.over {
		if r.wizard > 200 {
			t.Fatalf("%d wizard runs and the flow has not ended", r.wizard)
		}
		killed := r.once()
		wasFound := r.found
		r.load()
		if wasFound && !r.found {
			t.Fatalf("signup %s was in the data file and is gone", r.k.id)
		}
		if killed != nil {
			r.kills++
		}
		r.check(killed)
		if t.Failed() {
			return
		}
		if killed != nil && r.found && r.saved.Status == store.StatusDone {
			r.over = true // a finished signup is never offered again: the run is over
			r.notOffered()
		}
	}
	t.Logf("path %s: %d kills in %d wizard runs, %v", r.path, r.kills, r.wizard, time.Since(start).Round(time.Millisecond))
}

// notOffered: `wizard` after a signup finished (and was killed on its last
// screen) starts a new one instead of offering it.
func (r *krRun) notOffered() {
	k := r.k
	r.wizard++
	p := ptyStart(r.t, k.home, fmt.Sprintf("wizard run %d (after the end)", r.wizard), "--lang", "en")
	if p.WaitForAny("Resume signup", "Step 1 of 12") == 0 {
		p.Errorf("the finished signup %s was offered for resuming", k.id)
		return
	}
	if id := p.WaitForMatch(ptySignupID)[1]; id == k.id {
		p.Errorf("the finished signup %s was opened again", id)
	}
	p.Key("ctrl+c")
	if code := p.ExitCode(5 * time.Second); code != 0 {
		p.Errorf("ctrl+c: exit code %d", code)
	}
}

// once starts the wizard, resumes the signup if there is one, and walks on
// until the flow ends, the wizard ends by itself (a park) or the kill.
func (r *krRun) once() (killed *krKilled) {
	k := r.k
	r.wizard++
	k.p = ptyStart(r.t, k.home, fmt.Sprintf("wizard run %d", r.wizard), "--lang", "en")
	c := &krKiller{p: k.p, n: 1 + r.rng.IntN(krMaxActions), delay: time.Duration(r.rng.Int64N(int64(krMaxDelay) + 1))}
	c.left = c.n
	k.p.onAction, k.p.onTick = c.onAction, c.onTick
	defer func() {
		if v := recover(); v != nil {
			kk, ok := v.(krKilled)
			if !ok {
				panic(v)
			}
			shown := "no step"
			if m := krHeader.FindStringSubmatch(kk.before); m != nil {
				shown = "step " + m[1]
			}
			r.t.Logf("kill %d: wizard run %d, %v after action %d, on %s", r.kills+1, r.wizard, c.delay, c.n, shown)
			killed = &kk
		}
	}()
	from := 1
	r.parked = false
	if r.found {
		p := k.p
		p.WaitFor("Resume signup " + k.id + "?")
		p.WaitFor("Resume it")
		if where := fmt.Sprintf(`stopped at "%s"`, ptyWords.T("step."+r.saved.Step)); !strings.Contains(p.Screen(), where) {
			p.Errorf("the offer to resume does not say %s", where)
		}
		p.Key("enter") // "Resume it" is the default
		from = steps.Position(steps.Next(r.saved))
		r.parked = r.saved.Status == store.StatusWaiting
		if id := p.WaitForMatch(ptySignupID)[1]; id != k.id {
			p.Fatalf("resumed signup %s, want %s", id, k.id)
		}
	}
	for _, st := range r.steps() {
		if st.pos >= from && st.walk() {
			return nil // the wizard ended by itself (parked), or the run is over
		}
	}
	r.over = true
	return nil
}

type krStep struct {
	pos  int
	walk func() bool // true: the wizard run ends here
}

// steps are the steps of the run's path, with how a user completes each.
func (r *krRun) steps() []krStep {
	k := r.k
	on := func(f func() bool) func() bool { return func() bool { f(); return false } }
	first := []krStep{{1, on(k.terms)}, {2, on(k.account)}, {3, on(k.verifyEmail)}}
	switch r.path {
	case krNew:
		return append(first, krStep{4, on(k.company)}, krStep{5, on(k.numberStatus)}, krStep{6, r.signup},
			krStep{7, on(k.displayName)}, krStep{8, on(k.phone)}, krStep{9, r.verifyCode},
			krStep{10, on(k.activation)}, krStep{11, on(k.alphaName)}, krStep{12, on(k.done)})
	case krMigration:
		return append(first, krStep{4, on(k.company)}, krStep{5, r.numberStatus}, krStep{6, r.signup},
			krStep{9, r.pinOnly}, krStep{10, on(k.activation)}, krStep{11, r.alphaMigrated}, krStep{12, on(k.done)})
	case krGovernment:
		return append(first, krStep{4, r.government})
	case krPopupVerified:
		return append(first, krStep{4, on(k.company)}, krStep{5, on(k.numberStatus)}, krStep{6, r.signup},
			krStep{7, r.metaName}, krStep{9, r.pinPopup}, krStep{10, on(k.activation)}, krStep{11, on(k.alphaName)}, krStep{12, on(k.done)})
	case krPopupUnverified:
		return append(first, krStep{4, on(k.company)}, krStep{5, on(k.numberStatus)}, krStep{6, r.signup},
			krStep{9, r.verifyCode}, krStep{10, on(k.activation)}, krStep{11, on(k.alphaName)}, krStep{12, on(k.done)})
	case krPopupApp:
		return append(first, krStep{4, on(k.company)}, krStep{5, on(k.numberStatus)}, krStep{6, r.signup},
			krStep{10, r.appNotice}, krStep{11, on(k.alphaName)}, krStep{12, on(k.done)})
	}
	return append(first, krStep{4, on(k.company)}, krStep{5, r.numberStatus})
}

// krAfterSignup is the step the run's path goes to from the signup.
func (r *krRun) krAfterSignup() int {
	switch r.path {
	case krMigration, krPopupUnverified:
		return 9
	case krPopupApp:
		return 10
	}
	return 7
}

// popupFinish plays the pop-up of the run's path: the number screen adds the
// number (the run's own, with its display name), the verification screen
// verifies it by SMS or is left, and Finish posts the result. A pop-up whose
// signup has a result already (posted before a kill) is closed: the wizard
// learns the result from the provider.
func (r *krRun) popupFinish(link string) {
	k, a := r.k, r.k.a
	kind := "new"
	if r.path == krPopupApp {
		kind = "app"
	}
	n, status := krPopupCall(k, link+"/number", map[string]string{"business_name": a.Company, "waba_name": a.DisplayName,
		"display_name": a.DisplayName, "category": "HEALTH", "cc": "7", "phone_number": strings.TrimPrefix(a.E164, "+7"), "kind": kind})
	if status == http.StatusConflict {
		r.t.Logf("the pop-up of this signup is closed already (%v): its result was posted before the kill", n)
		return
	}
	if status != http.StatusOK {
		k.p.Fatalf("the pop-up's number screen answered %d: %v", status, n)
	}
	id := n["phone_number_id"]
	if r.path == krPopupVerified {
		if _, status := krPopupCall(k, link+"/number/code", map[string]string{"phone_number_id": id, "method": "SMS"}); status != http.StatusOK {
			k.p.Fatalf("the pop-up's code: %d", status)
		}
		if _, status := krPopupCall(k, link+"/number/verify", map[string]string{"phone_number_id": id, "code": r.smsCode()}); status != http.StatusOK {
			k.p.Fatalf("the pop-up's verification: %d", status)
		}
	}
	event := "FINISH"
	if r.path == krPopupApp {
		event = "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING"
	}
	k.postSignupResult(link, url.Values{"event": {event}, "phone_number_id": {id}, "waba_id": {n["waba_id"]},
		"business_id": {n["business_id"]}}, true)
}

// krPopupCall posts JSON to one of the signup page's own routes.
func krPopupCall(k *ptyWalk, u string, in map[string]string) (map[string]string, int) {
	b, _ := json.Marshal(in)
	resp, err := ptyBrowser.Post(u, "application/json", bytes.NewReader(b))
	if err != nil {
		k.p.Fatalf("the pop-up: %v", err)
	}
	defer resp.Body.Close()
	var out map[string]string
	raw, _ := io.ReadAll(resp.Body)
	if json.Unmarshal(raw, &out) != nil {
		out = map[string]string{"body": string(raw)}
	}
	return out, resp.StatusCode
}

// metaName is the display-name step when the pop-up verified the number:
// the name Meta holds (the run's own) is kept.
func (r *krRun) metaName() bool {
	p, a := r.k.p, r.k.a
	if r.arrive(7, 9, ptyWords.T("display_name.meta_title")) == ptyMovedOn {
		return false
	}
	p.WaitFor(a.DisplayName)
	p.Key("enter")
	return false
}

// pinPopup is the verify-code step of a number the pop-up verified: only the
// PIN, to register it.
func (r *krRun) pinPopup() bool {
	p := r.k.p
	if r.arrive(9, 10, "┃ PIN") == ptyMovedOn {
		return false
	}
	if !strings.Contains(p.Screen(), "verified in Meta's pop-up") {
		p.Errorf("the PIN screen of a number the pop-up verified does not say so")
	}
	r.typePIN()
	return false
}

// appNotice is the activation step of a Business-app number: first what
// happens to the app (Enter), then the activation as on every path.
func (r *krRun) appNotice() bool {
	k, p := r.k, r.k.p
	title := ptyWords.T("app_onboarding.title")
	if r.arrive(10, 11, title, "Waiting, checking with the provider", "Your Alpha Name code:") == 0 {
		p.Key("enter")
	}
	return k.activation()
}

// arrive is ptyWalk.arrive for a step that moves on to step after (the
// migration path skips 7 and 8).
func (r *krRun) arrive(n, after int, texts ...string) int {
	k := r.k
	k.t.Helper()
	k.step = n
	this, next := fmt.Sprintf("Step %d of 12", n), fmt.Sprintf("Step %d of 12", after)
	if k.p.WaitSeenAny(this, next) == 1 {
		return ptyMovedOn
	}
	if len(texts) == 0 {
		return -1
	}
	if i := k.p.WaitForAny(append(texts, next)...); i < len(texts) {
		return i
	}
	return ptyMovedOn
}

// signup plays the browser: the page's URL is on the screen, the test posts
// its result. A resumed step whose result came meanwhile moves on by itself,
// perhaps while the URL is still shown: posting it again only gets "already
// received".
func (r *krRun) signup() bool {
	k, p := r.k, r.k.p
	after := r.krAfterSignup()
	next := fmt.Sprintf("Step %d of 12", after)
	if r.arrive(6, after) == ptyMovedOn {
		return false
	}
	m := p.WaitForMatchOr(ptySignupURL, next)
	if m == nil {
		return false
	}
	link := m[0]
	if r.path.krPopup() {
		r.popupFinish(link)
		return false
	}
	k.finishSignup(link, true)
	return false
}

// krQuestion is the screen of each question about the number.
var (
	krQAPI      = ptyWords.T("number.q_api")
	krQApp      = ptyWords.T("number.q_app")
	krQPersonal = ptyWords.T("number.q_personal")
)

// numberStatus answers the questions about the number for the run's path.
// The parked paths end the wizard run at the park (Enter quits it), and the
// run once a resumed wizard asks the questions again.
func (r *krRun) numberStatus() bool {
	p := r.k.p
	if r.arrive(5, 6, "┃ "+krQAPI) == ptyMovedOn {
		p.Fatalf("the number questions moved on by themselves")
	}
	if r.parked {
		// Resumed after the park: the questions are asked again. The run ends.
		r.over = true
		if strings.Contains(p.Screen(), "> "+ptyWords.T("number.api_yes")) {
			p.Errorf("a parked number's answers were kept: they must be asked again")
		}
		r.quit()
		return true
	}
	yes := func(answer string) {
		p.Key("down")
		p.WaitFor("> " + ptyWords.T(answer))
		p.Key("enter")
	}
	switch r.path {
	case krMigration, krChecklist:
		yes("number.api_yes")
		p.WaitFor(ptyWords.T("migration.title"))
		for i := range r.items {
			if i > 0 {
				p.Key("down")
			}
			p.Key("x")
		}
		p.Key("enter")
	case krApp:
		p.Key("enter")
		p.WaitFor("┃ " + krQApp)
		yes("number.app_yes")
	case krPersonal:
		p.Key("enter")
		p.WaitFor("┃ " + krQApp)
		p.Key("enter")
		p.WaitFor("┃ " + krQPersonal)
		yes("number.personal_yes")
	}
	p.WaitFor("┃ " + ptyWords.T("number.confirm"))
	p.Key("y")
	if r.path == krMigration {
		return false
	}
	p.WaitFor(krParkTitle)
	r.quit()
	return true
}

// quit presses the key that ends a parked screen (or ctrl+c on a form) and
// expects exit code 0.
func (r *krRun) quit() {
	p := r.k.p
	if strings.Contains(p.Screen(), krParkTitle) || strings.Contains(p.Screen(), krGovTitle) {
		p.Key("enter")
	} else {
		p.Key("ctrl+c")
	}
	if code := p.ExitCode(5 * time.Second); code != 0 {
		p.Fatalf("exit code %d, want 0", code)
	}
}

// government fills the company form as a government body: it parks at once.
// A resumed wizard asks whether Meta's approval arrived (see below).
func (r *krRun) government() bool {
	p, a := r.k.p, r.k.a
	if r.arrive(4, 5, "Type of organisation", krApproval) == ptyMovedOn {
		p.Fatalf("a government body's company step moved on")
	}
	if r.parked {
		// Parked: the screen asks whether Meta's approval arrived, "keep
		// waiting" first. Kept waiting (saved, then the program ends), or with
		// the details changed (sent again, it parks again), the run ends.
		p.WaitFor(krApproval)
		p.WaitFor("> " + ptyWords.T("company.approval_wait"))
		r.t.Logf("a parked government body resumed: %s", map[bool]string{false: "keeps waiting", true: "changes its details"}[r.govChange])
		if !r.govChange {
			r.over = true
			p.Key("enter")
			if code := p.ExitCode(5 * time.Second); code != 0 {
				p.Fatalf("keep waiting: exit code %d, want 0", code)
			}
			return true
		}
		p.Key("down")
		p.Key("down")
		p.WaitFor("> " + ptyWords.T("company.approval_change"))
		p.Key("enter")
		p.WaitFor("┃ Type of organisation")
	}
	kept := r.found && r.saved.Company.OrgType == steps.OrgGovernment
	gov := "> " + ptyWords.T("company.org_government")
	if !kept {
		p.Key("down")
	}
	p.WaitFor(gov)
	p.Key("enter")
	for _, f := range []struct{ field, value string }{{"Your full name", a.FullName}, {"Company name", a.Company}} {
		p.WaitFor("┃ " + f.field)
		if !kept {
			p.Type(f.value)
		}
		p.WaitFor("> " + f.value)
		p.Key("enter")
	}
	p.WaitFor("┃ Country of registration")
	p.Key("/")
	p.WaitFor("┃ /")
	p.Type(a.CountryFilter)
	p.WaitFor("> " + a.CountryName)
	p.Key("enter")
	p.WaitFor("┃ I am not a robot")
	p.Key("y")
	p.WaitFor(krGovTitle)
	if r.parked {
		r.over = true // a resume showed the park again
	}
	r.quit()
	return true
}

// verifyCode is ptyWalk.verifyCode, robust to a resume at any moment: a code
// request saved just before the kill may never have reached Meta; then no code
// comes, and once its 60 seconds are over a new one is asked for.
func (r *krRun) verifyCode() bool {
	p, a := r.k.p, r.k.a
	const choose, enter, pin, again = 0, 1, 2, 3
	phase := r.arrive(9, 10, ptyWords.T("code.choose_title"), "┃ Verification code", "┃ PIN", ptyWords.T("code.resend_title"))
	if phase == again {
		phase = choose
	}
	for phase == choose || phase == enter {
		if phase == ptyMovedOn {
			return false
		}
		if phase == choose {
			p.Key("s")
			p.WaitFor("┃ Verification code")
		}
		code := r.smsCode()
		if code == "" {
			r.t.Logf("resumed at a code field whose request never reached Meta: waiting for it to expire")
			p.waitUntil(90*time.Second, "the code to expire", func(s string) int {
				return strings.Index(s, ptyWords.T("code.resend_title"))
			})
			phase = choose
			continue
		}
		p.Type(code)
		p.WaitFor("> " + code)
		p.Key("enter")
		p.WaitFor("┃ PIN")
		phase = pin
	}
	if phase == ptyMovedOn {
		return false
	}
	p.Type(a.PIN)
	p.WaitFor("┃ > " + strings.Repeat("*", len(a.PIN)))
	p.Key("enter")
	p.WaitFor("┃ Repeat the PIN")
	p.Type(a.PIN)
	p.WaitFor("┃ > " + strings.Repeat("*", len(a.PIN)))
	p.Key("enter")
	return false
}

// smsCode is the latest code sent to the number, "" if none was.
func (r *krRun) smsCode() string {
	k := r.k
	o, err := sandbox.ReadOutbox(context.Background(), k.sb.URL)
	if err != nil {
		k.p.Fatalf("reading the sandbox outbox: %v", err)
	}
	for _, m := range slices.Backward(o.Messages) {
		if m.To == k.a.E164 {
			return m.Code
		}
	}
	return ""
}

// pinOnly is the verify-code step of the migration path: the number moved with
// its verification, so only the PIN is asked to register it.
func (r *krRun) pinOnly() bool {
	p := r.k.p
	if r.arrive(9, 10, "┃ PIN") == ptyMovedOn {
		return false
	}
	if !strings.Contains(p.Screen(), "Register the number for the Cloud API") {
		p.Errorf("the migration path's PIN screen does not say it registers the number for the Cloud API")
	}
	r.typePIN()
	return false
}

// typePIN types the run's PIN twice.
func (r *krRun) typePIN() {
	p, a := r.k.p, r.k.a
	p.Type(a.PIN)
	p.WaitFor("┃ > " + strings.Repeat("*", len(a.PIN)))
	p.Key("enter")
	p.WaitFor("┃ Repeat the PIN")
	p.Type(a.PIN)
	p.WaitFor("┃ > " + strings.Repeat("*", len(a.PIN)))
	p.Key("enter")
}

// alphaMigrated is the alpha-name step of the migration path: the name is the
// migrated number's verified name, read from Meta first.
func (r *krRun) alphaMigrated() bool {
	p := r.k.p
	if r.arrive(11, 12, "┃ Country") == ptyMovedOn {
		return false
	}
	p.WaitFor(ptyWords.T("alpha.name_label"))
	p.Key("enter") // the company's country
	p.WaitForAny(krAlphaSaved...)
	p.Key("enter")
	return false
}

// ---------------------------------------------------------------------------
// After each wizard run: what the file holds, against the screen.

// load reads the signup from the data file (no wizard runs now).
func (r *krRun) load() {
	k := r.k
	if k.id == "" {
		r.found = false
		return
	}
	path := k.home.DefaultDataFile()
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		r.found = false
		return
	}
	st, err := store.Open(path, store.Options{ReadOnly: true, Timeout: 2 * time.Second})
	if err != nil {
		r.t.Fatalf("opening the data file %s: %v", path, err)
	}
	defer st.Close()
	s, err := st.Load(context.Background(), k.id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		r.saved, r.found = store.Session{}, false
	case err != nil:
		r.t.Fatalf("loading signup %s: %v", k.id, err)
	default:
		r.saved, r.found = s, true
	}
}

// check holds every screen of the wizard run just ended (and, after a kill,
// the screen right before it) against the saved signup, and the saved answers
// against the ones given.
func (r *krRun) check(killed *krKilled) {
	t, k, s := r.t, r.k, r.saved
	next := steps.Next(s)
	pos := steps.Position(next)
	if !r.found {
		if killed == nil {
			t.Errorf("signup %q is not in the data file after a wizard run that was not killed", k.id)
		}
		// Not counted as shown-before-saved (the id is no result of a step), but
		// noted: the first screen names a signup the file does not hold yet.
		t.Logf("killed before signup %q was first saved (its id was on the screen): the next wizard starts a new one", k.id)
		k.id = ""
	}
	if r.found && s.Step != string(next) {
		t.Errorf("the saved signup names step %q but what it holds says %q", s.Step, next)
	}
	what := fmt.Sprintf("wizard run %d", r.wizard)
	if killed != nil {
		what = fmt.Sprintf("kill %d (wizard run %d)", r.kills, r.wizard)
		r.screenVsSaved(killed.before, what+", the screen right before the kill")
		r.screenVsSaved(killed.after, what+", the screen with the last output in")
	}
	k.p.mu.Lock()
	screens := slices.Clone(k.p.screens)
	k.p.mu.Unlock()
	for i, scr := range screens {
		if !r.screenVsSaved(scr, fmt.Sprintf("%s, screen %d of %d it drew", what, i+1, len(screens))) {
			break // one is enough
		}
	}
	if !r.found {
		return
	}
	if s.Status == store.StatusDone {
		pos = 13
	}
	r.checkAnswers(s, pos, "after "+what)
	if r.over {
		r.checkEnd(s)
	}
}

// screenVsSaved reports (and returns false) what scr shows that the saved
// signup does not hold.
func (r *krRun) screenVsSaved(scr, when string) bool {
	s, found := r.saved, r.found
	var bad []string
	savedPos := steps.Position(steps.Next(s))
	for _, m := range krHeader.FindAllStringSubmatch(scr, -1) {
		if n, _ := strconv.Atoi(m[1]); n > savedPos {
			bad = append(bad, fmt.Sprintf("the header shows step %d, the saved signup is at step %d (%s)", n, savedPos, steps.Next(s)))
		}
	}
	if r.path == krNew && strings.Contains(scr, krPINTitle) && s.Code.VerifiedAt.IsZero() {
		bad = append(bad, fmt.Sprintf("the PIN form (%q) is shown, the number's verification is not saved (code %+v)", krPINTitle, s.Code))
	}
	if strings.Contains(scr, krCodeLabel) || strings.Contains(scr, "AN-") {
		for _, code := range krAlphaCode.FindAllString(scr, -1) {
			if code != s.Activation.AlphaCode {
				bad = append(bad, fmt.Sprintf("the alpha-name code %s is shown, the saved one is %q", code, s.Activation.AlphaCode))
			}
		}
	}
	for _, text := range krAlphaSaved {
		if strings.Contains(scr, text) && s.Alpha.SavedAt.IsZero() {
			bad = append(bad, fmt.Sprintf("%q is shown, the alpha name is not saved (%+v)", text, s.Alpha))
		}
	}
	for _, text := range []string{krGovTitle, krGovWaiting, krParkTitle} {
		if strings.Contains(scr, text) && s.Status != store.StatusWaiting {
			bad = append(bad, fmt.Sprintf("the parked screen %q is shown, the saved status is %q", text, s.Status))
		}
	}
	if strings.Contains(scr, krDoneTitle) && s.Status != store.StatusDone {
		bad = append(bad, fmt.Sprintf("%q is shown, the saved status is %q", krDoneTitle, s.Status))
	}
	if len(bad) == 0 {
		return true
	}
	state := fmt.Sprintf("signup %s at step %q, status %q", s.ID, s.Step, s.Status)
	if !found {
		state = "no signup in the data file"
	}
	r.t.Errorf("SHOWN BEFORE SAVED (%s path, %s):\n  %s\nsaved: %s\n--- screen ---\n%s\n--- end of screen",
		r.path, when, strings.Join(bad, "\n  "), state, scr)
	return false
}

// checkAnswers: nothing the signup holds contradicts the answers given, and
// every step before pos holds its answers.
func (r *krRun) checkAnswers(s store.Session, pos int, when string) {
	k, a := r.k, r.k.a
	if r.path == krNew {
		k.checkSaved(s, pos, when)
		return
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	done := func(step int) bool { return step < pos }
	same := func(what, got, want string, required bool) {
		if got != want && (required || got != "") {
			bad("%s = %q, want %q", what, got, want)
		}
	}
	waiting := s.Status == store.StatusWaiting
	if done(1) && s.Terms.AcceptedAt.IsZero() {
		bad("terms: not accepted")
	}
	same("account e-mail", s.Account.Email, a.Email, done(2))
	if done(2) && s.Account.ID == "" {
		bad("account: no provider account id")
	}
	if done(3) && s.Account.VerifiedAt.IsZero() {
		bad("verify-email: not verified")
	}
	c := s.Company
	org := steps.OrgCompany
	if r.path == krGovernment {
		org = steps.OrgGovernment
		if !c.SavedAt.IsZero() || s.Path != store.PathUnknown {
			bad("a government body's company was saved as complete (%v) or given a path (%q)", c.SavedAt, s.Path)
		}
		if waiting && (c.OrgType != org || c.FullName != a.FullName || c.CompanyName != a.Company || !strings.Contains(s.WaitingReason, "approval")) {
			bad("parked without the company's answers or the reason: %+v, reason %q", c, s.WaitingReason)
		}
	}
	same("company org type", c.OrgType, org, done(4))
	same("company full name", c.FullName, a.FullName, done(4))
	same("company name", c.CompanyName, a.Company, done(4))
	same("company country", c.Country, a.Country, done(4))
	if done(4) && (!c.NotRobot || c.SavedAt.IsZero()) {
		bad("company: not saved as complete: %+v", c)
	}
	n := s.Number
	switch r.path {
	case krGovernment:
		if n != (store.Number{}) {
			bad("number answers %+v for a government body that was never asked", n)
		}
	case krMigration:
		if n.OnBusinessApp || n.OnPersonal || (!n.ConfirmedAt.IsZero() && !n.OnBusinessAPI) || (done(5) && s.Path != store.PathMigration) || waiting {
			bad("number-status: answers %+v path %q status %q, want on the Business API, migration", n, s.Path, s.Status)
		}
	case krPopupVerified, krPopupUnverified, krPopupApp:
		if n.OnBusinessAPI || n.OnBusinessApp || n.OnPersonal || (done(5) && s.Path != store.PathNew) || waiting {
			bad("number-status: answers %+v path %q status %q, want three No, new", n, s.Path, s.Status)
		}
	default: // the parked number paths
		want := store.Number{OnBusinessAPI: r.path == krChecklist, OnBusinessApp: r.path == krApp, OnPersonal: r.path == krPersonal}
		got := n
		got.ConfirmedAt = time.Time{}
		if got != (store.Number{}) && got != want {
			bad("number answers %+v, want %+v", n, want)
		}
		if waiting != (s.Path == store.PathBlocked) || (waiting && (n.ConfirmedAt.IsZero() || got != want || s.WaitingReason == "")) {
			bad("parked: status %q path %q reason %q answers %+v", s.Status, s.Path, s.WaitingReason, n)
		}
		if waiting && r.path == krChecklist && !strings.Contains(s.WaitingReason, strconv.Itoa(len(steps.MigrationItems)-r.items)+" checklist item") {
			bad("parked for %q, want %d checklist items missing", s.WaitingReason, len(steps.MigrationItems)-r.items)
		}
		if done(5) {
			bad("a parked path went past number-status: step %q", s.Step)
		}
	}
	if r.path == krMigration {
		if done(6) && (s.Signup.Event != "FINISH" || s.Signup.WABAID == "" || s.Signup.BusinessID == "") {
			bad("signup: %+v, want FINISH with WABA and business ids", s.Signup)
		}
		if s.Profile.DisplayName != "" || !s.Profile.ConfirmedAt.IsZero() {
			bad("the migration path saved a display name of its own: %+v", s.Profile)
		}
		if done(9) && (s.Phone.ID == "" || s.Code.RegisteredAt.IsZero()) {
			bad("verify-code: phone id %q, code %+v, want registered", s.Phone.ID, s.Code)
		}
		if k.alpha != "" {
			same("alpha-name code", s.Activation.AlphaCode, k.alpha, done(10))
		}
		if done(10) && (s.Activation.AlphaCode == "" || s.Activation.ActivatedAt.IsZero()) {
			bad("activation: %+v, want active with an alpha-name code", s.Activation)
		}
		same("alpha-name country", s.Alpha.Country, a.Country, done(11))
		if done(11) && (s.Alpha.SavedAt.IsZero() || s.Alpha.Name == "") {
			bad("alpha-name: not saved: %+v", s.Alpha)
		}
		if done(12) && (s.Status != store.StatusDone || s.FinishedAt.IsZero()) {
			bad("done: status %q finished at %v", s.Status, s.FinishedAt)
		}
	}
	if r.path.krPopup() {
		sg := s.Signup
		event, status := "FINISH", map[krPath]string{krPopupVerified: "VERIFIED", krPopupUnverified: "NOT_VERIFIED", krPopupApp: "VERIFIED"}[r.path]
		if r.path == krPopupApp {
			event = "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING"
		}
		if done(6) && (sg.Event != event || sg.ReadPending || sg.PhoneNumberID == "" || sg.NumberStatus != status ||
			sg.VerifiedName != a.DisplayName || s.Phone.ID != sg.PhoneNumberID || s.Phone.E164 != a.E164) {
			bad("signup: %+v phone %+v, want %s with the number %s %s named %q", sg, s.Phone, event, a.E164, status, a.DisplayName)
		}
		same("display name", s.Profile.DisplayName, a.DisplayName, done(6))
		if done(7) && r.path == krPopupVerified && s.Profile.ConfirmedAt.IsZero() {
			bad("display-name: Meta's name not confirmed: %+v", s.Profile)
		}
		if done(9) && r.path != krPopupApp && s.Code.RegisteredAt.IsZero() {
			bad("verify-code: not registered: %+v", s.Code)
		}
		if r.path == krPopupApp && (!s.Code.RegisteredAt.IsZero() || !s.Code.RequestedAt.IsZero()) {
			bad("a Business-app number was sent a code or registered: %+v", s.Code)
		}
		if k.alpha != "" {
			same("alpha-name code", s.Activation.AlphaCode, k.alpha, done(10))
		}
		if done(10) && (s.Activation.AlphaCode == "" || s.Activation.ActivatedAt.IsZero()) {
			bad("activation: %+v, want active with an alpha-name code", s.Activation)
		}
		if done(10) && r.path == krPopupApp && sg.AppNoticeAt.IsZero() {
			bad("activation: the Business-app notice is not saved")
		}
		same("alpha-name", s.Alpha.Name, a.DisplayName, done(11))
		if done(12) && (s.Status != store.StatusDone || s.FinishedAt.IsZero()) {
			bad("done: status %q finished at %v", s.Status, s.FinishedAt)
		}
	}
	if len(problems) > 0 {
		r.t.Errorf("%s path, %s: signup %s at step %q has lost or wrong answers:\n  %s\nsession: %+v",
			r.path, when, s.ID, s.Step, strings.Join(problems, "\n  "), s)
	}
}

// checkEnd: where the flow ended, the signup is where its path leads.
func (r *krRun) checkEnd(s store.Session) {
	switch r.path {
	case krNew, krMigration, krPopupVerified, krPopupUnverified, krPopupApp:
		if s.Status != store.StatusDone {
			r.t.Errorf("the %s flow ended with the signup %q at step %q", r.path, s.Status, s.Step)
		}
	case krGovernment:
		if s.Status != store.StatusWaiting || steps.Next(s) != steps.Company {
			r.t.Errorf("the government body's signup ended %q at step %q, want waiting at company", s.Status, s.Step)
		}
	default:
		if s.Status != store.StatusWaiting || steps.Next(s) != steps.NumberStatus || s.Path != store.PathBlocked {
			r.t.Errorf("the %s signup ended %q at step %q path %q, want waiting at number-status", r.path, s.Status, s.Step, s.Path)
		}
	}
}
