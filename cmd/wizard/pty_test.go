package main

// Tests of the BUILT wizard in a real pseudo-terminal (see ptyharness_test.go):
// kill it with SIGKILL anywhere on the new-number path and resume; a second
// wizard on the same file; no secrets on disk; ctrl+c; a password manager's
// auto-type.
//
// WIZARD_PTY_SEED=N repeats a run of TestKillAtEveryStepAndResume (its seed
// is in the log).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"wizard/assets"
	"wizard/client/sandbox"
	"wizard/internal/pgtest"
	"wizard/steps"
	"wizard/steps/rules"
	"wizard/store"
)

var (
	ptyWords     = assets.NewWords("en")
	ptySignupID  = regexp.MustCompile(`signup ([2-9A-Z]{4}-[2-9A-Z]{4})`)
	ptySignupURL = regexp.MustCompile(`http://127\.0\.0\.1:\d+/signup/[A-Za-z0-9_-]+`)
	ptyAlphaCode = regexp.MustCompile(`AN-\d{4}`)
)

// ---------------------------------------------------------------------------
// The sandbox, with a way to stop one answer on its way back.

// ptyHold lets the sandbox do what a request asks and then keeps the answer
// from the wizard: the service has acted, the wizard does not know it yet —
// the worst moment for a crash.
type ptyHold struct {
	method string
	path   *regexp.Regexp
	// when, if set, picks the answer to hold (e.g. the poll that says "verified");
	// other answers of the same request pass.
	when func(status int, body string) bool

	mu      sync.Mutex
	used    bool
	hit     chan struct{} // closed once an answer is held
	release chan struct{} // closed at the end of the test
}

// ptySandbox is a sandbox on 127.0.0.1 for one test.
type ptySandbox struct {
	URL  string
	srv  *httptest.Server
	hold *ptyHold
}

func newPtySandbox(t testing.TB, hold *ptyHold) *ptySandbox {
	t.Helper()
	sb := sandbox.New(sandbox.Options{ActivationDelay: 800 * time.Millisecond})
	s := &ptySandbox{hold: hold}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := s.hold; h != nil && r.Method == h.method && h.path.MatchString(r.URL.Path) {
			h.mu.Lock()
			used := h.used
			h.mu.Unlock()
			if !used {
				rec := httptest.NewRecorder()
				sb.ServeHTTP(rec, r)
				h.mu.Lock()
				take := !h.used && (h.when == nil || h.when(rec.Code, rec.Body.String()))
				if take {
					h.used = true
					close(h.hit)
				}
				h.mu.Unlock()
				if take {
					select {
					case <-r.Context().Done(): // the wizard is gone
						return
					case <-h.release:
					}
				}
				for k, v := range rec.Header() {
					w.Header()[k] = v
				}
				w.WriteHeader(rec.Code)
				_, _ = w.Write(rec.Body.Bytes())
				return
			}
		}
		sb.ServeHTTP(w, r)
	}))
	s.URL = s.srv.URL
	t.Cleanup(func() {
		if hold != nil {
			close(hold.release)
		}
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
	return s
}

// ---------------------------------------------------------------------------
// What the user types.

type ptyAnswers struct {
	Email, Password                   string
	FullName, Company                 string
	CountryFilter, CountryName        string // what is typed in the country filter, what it finds
	Country                           string // ISO code
	DisplayName, Description, Website string
	PhoneTyped, E164                  string // as typed (national), as saved
	PIN                               string
}

var (
	ptyBrands = []string{"Steppe", "Altyn", "Baiterek", "Koktem", "Saryarka", "Tulpar", "Zhetisu", "Aksu", "Orda", "Kazyna", "Nomad", "Bereke"}
	ptyPeople = []string{"Anna Ivanova", "Arman Bekov", "Dana Seitkali", "Timur Akhmetov", "Aigerim Nurlanova", "Pavel Orlov"}
	ptyCities = []string{"Almaty", "Astana", "Shymkent", "Karaganda", "Aktobe", "Pavlodar"}
	ptyKZ     = []string{"701", "702", "705", "707", "747", "771", "775", "777", "778"}
)

// newPtyAnswers makes a plausible, valid set of answers from rng.
func newPtyAnswers(t testing.TB, rng *rand.Rand) ptyAnswers {
	t.Helper()
	brand := ptyBrands[rng.IntN(len(ptyBrands))]
	person := ptyPeople[rng.IntN(len(ptyPeople))]
	first := strings.ToLower(strings.Fields(person)[0])
	a := ptyAnswers{
		Email:         fmt.Sprintf("%s.%d@%s-pharma.kz", first, rng.IntN(1000), strings.ToLower(brand)),
		Password:      fmt.Sprintf("Kz!%dpw%c", 1000+rng.IntN(9000), 'A'+rune(rng.IntN(26))),
		FullName:      person,
		Company:       brand + " Pharma LLP",
		CountryFilter: "Kazak",
		CountryName:   "Kazakhstan",
		Country:       "KZ",
		DisplayName:   brand + " Pharma",
		Description:   "Medicines for " + ptyCities[rng.IntN(len(ptyCities))],
		Website:       "https://" + strings.ToLower(brand) + "-pharma.kz",
	}
	for {
		a.PIN = fmt.Sprintf("%06d", rng.IntN(1_000_000))
		if rules.CheckPIN(a.PIN) && !rules.IsWeakPIN(a.PIN) {
			break
		}
	}
	for {
		n := fmt.Sprintf("%07d", rng.IntN(10_000_000))
		typed := ptyKZ[rng.IntN(len(ptyKZ))] + " " + n[:3] + " " + n[3:]
		p, problem := rules.ParsePhone(typed, "KZ")
		if problem == rules.PhoneOK && !p.PreferVoice() && !p.TollFree &&
			!strings.HasSuffix(p.National, sandbox.MagicAlreadyOnWhatsApp) && !strings.HasSuffix(p.National, sandbox.MagicActivationFails) {
			a.PhoneTyped, a.E164 = typed, p.E164
			break
		}
	}
	switch {
	case rules.CheckEmail(a.Email) != rules.EmailOK:
		t.Fatalf("test data: bad e-mail %q", a.Email)
	case !rules.CheckPassword(a.Password).OK() || rules.IsCommonPassword(a.Password):
		t.Fatalf("test data: bad password %q", a.Password)
	case len(rules.CheckDisplayName(a.DisplayName)) > 0:
		t.Fatalf("test data: bad display name %q: %v", a.DisplayName, rules.CheckDisplayName(a.DisplayName))
	case rules.CheckWebsite(a.Website) != rules.URLOK:
		t.Fatalf("test data: bad website %q", a.Website)
	}
	return a
}

// ---------------------------------------------------------------------------
// Kill points.

// ptyPoint is a place on the new-number path where the wizard is killed.
type ptyPoint struct {
	Step   int    // 1…12
	At     string // where inside the step
	Resume []int  // the steps a resumed wizard may show (the kill may land before or after a save)
	Hold   *ptyHoldSpec
}

func (p ptyPoint) String() string {
	return fmt.Sprintf("%02d-%s/%s", p.Step, steps.Order[p.Step-1], p.At)
}

// ptyHoldSpec names the request whose answer is held for an "inflight" point.
type ptyHoldSpec struct {
	method, path string
	when         func(status int, body string) bool
}

func (h *ptyHoldSpec) new() *ptyHold {
	if h == nil {
		return nil
	}
	return &ptyHold{method: h.method, path: regexp.MustCompile(h.path), when: h.when,
		hit: make(chan struct{}), release: make(chan struct{})}
}

func holdOf(method, path string) *ptyHoldSpec { return &ptyHoldSpec{method: method, path: path} }

// ptyPoints lists every kill point: on arrival at each step, with part of a
// form typed, right after the key that submits it, and "in flight" (the
// service did what the step asked, its answer never reaches the wizard).
func ptyPoints() []ptyPoint {
	same := func(n int) []int { return []int{n} }
	either := func(n int) []int { return []int{n, n + 1} }
	ok2xx := func(status int, _ string) bool { return status/100 == 2 }
	return []ptyPoint{
		{Step: 1, At: "arrival", Resume: same(1)},
		{Step: 1, At: "toggled", Resume: same(1)},
		{Step: 1, At: "submitted", Resume: either(1)},

		{Step: 2, At: "arrival", Resume: same(2)},
		{Step: 2, At: "partial-email", Resume: same(2)},
		{Step: 2, At: "partial-password", Resume: same(2)},
		{Step: 2, At: "submitted", Resume: either(2)},
		{Step: 2, At: "inflight-create", Resume: same(2), Hold: holdOf("POST", `^/partner/v1/accounts$`)},

		{Step: 3, At: "arrival", Resume: same(3)},
		{Step: 3, At: "link-clicked", Resume: either(3)},
		{Step: 3, At: "inflight-verified", Resume: same(3), Hold: &ptyHoldSpec{method: "GET", path: `^/partner/v1/accounts/[^/]+$`,
			when: func(status int, body string) bool { return status == 200 && strings.Contains(body, `"verified":true`) }}},

		{Step: 4, At: "arrival", Resume: same(4)},
		{Step: 4, At: "partial-names", Resume: same(4)},
		{Step: 4, At: "country-filtered", Resume: same(4)},
		{Step: 4, At: "submitted", Resume: either(4)},
		{Step: 4, At: "inflight-company", Resume: same(4), Hold: holdOf("PATCH", `^/partner/v1/accounts/[^/]+/company$`)},

		{Step: 5, At: "arrival", Resume: same(5)},
		{Step: 5, At: "first-answered", Resume: same(5)},
		{Step: 5, At: "confirm-shown", Resume: same(5)},
		{Step: 5, At: "submitted", Resume: either(5)},

		{Step: 6, At: "inflight-start", Resume: same(6), Hold: holdOf("POST", `^/partner/v1/accounts/[^/]+/signups$`)},
		{Step: 6, At: "arrival", Resume: same(6)},
		{Step: 6, At: "result-posted", Resume: either(6)},
		{Step: 6, At: "inflight-result", Resume: same(6), Hold: &ptyHoldSpec{method: "GET", path: `^/partner/v1/signups/[^/]+$`,
			when: func(status int, body string) bool { return status == 200 && strings.Contains(body, "FINISH") }}},

		{Step: 7, At: "arrival", Resume: same(7)},
		{Step: 7, At: "partial-name", Resume: same(7)},
		{Step: 7, At: "partial-website", Resume: same(7)},
		{Step: 7, At: "check-screen", Resume: same(7)},
		{Step: 7, At: "submitted", Resume: either(7)},

		{Step: 8, At: "arrival", Resume: same(8)},
		{Step: 8, At: "partial-number", Resume: same(8)},
		{Step: 8, At: "check-screen", Resume: same(8)},
		{Step: 8, At: "submitted", Resume: either(8)},
		{Step: 8, At: "inflight-add", Resume: same(8), Hold: &ptyHoldSpec{method: "POST", path: `^/partner/v1/signups/[^/]+/numbers$`, when: ok2xx}},
		{Step: 8, At: "inflight-profile", Resume: same(8), Hold: holdOf("POST", `^/partner/v1/signups/[^/]+/numbers/[^/]+/profile$`)},

		{Step: 9, At: "arrival", Resume: same(9)},
		{Step: 9, At: "inflight-request", Resume: same(9), Hold: holdOf("POST", `^/partner/v1/signups/[^/]+/numbers/[^/]+/request-code$`)},
		{Step: 9, At: "code-field", Resume: same(9)},
		{Step: 9, At: "partial-code", Resume: same(9)},
		{Step: 9, At: "inflight-verify", Resume: same(9), Hold: &ptyHoldSpec{method: "POST", path: `^/partner/v1/signups/[^/]+/numbers/[^/]+/verify-code$`, when: ok2xx}},
		{Step: 9, At: "pin-form", Resume: same(9)},
		{Step: 9, At: "partial-pin", Resume: same(9)},
		{Step: 9, At: "inflight-register", Resume: same(9), Hold: &ptyHoldSpec{method: "POST", path: `^/partner/v1/signups/[^/]+/numbers/[^/]+/register$`, when: ok2xx}},
		{Step: 9, At: "submitted", Resume: either(9)},

		{Step: 10, At: "inflight-start", Resume: same(10), Hold: &ptyHoldSpec{method: "POST", path: `^/partner/v1/accounts/[^/]+/activations$`, when: ok2xx}},
		{Step: 10, At: "arrival", Resume: same(10)},
		{Step: 10, At: "active-shown", Resume: same(10)},
		{Step: 10, At: "submitted", Resume: either(10)},

		{Step: 11, At: "arrival", Resume: same(11)},
		{Step: 11, At: "inflight-save", Resume: same(11), Hold: &ptyHoldSpec{method: "POST", path: `^/ocm/v1/alpha-names$`, when: ok2xx}},
		{Step: 11, At: "saved-shown", Resume: either(11)},
		{Step: 11, At: "submitted", Resume: either(11)},

		{Step: 12, At: "arrival", Resume: same(12)},
		{Step: 12, At: "after-a-while", Resume: same(12)},
	}
}

// ---------------------------------------------------------------------------
// The walker: how a user completes each step of the new-number path.

// ptyWalk walks the flow in one wizard run; with a kill point set it stops
// there (the caller kills the process).
type ptyWalk struct {
	t     testing.TB
	home  *ptyHome
	sb    *ptySandbox
	a     ptyAnswers
	rng   *rand.Rand
	p     *ptyTerm
	stop  *ptyPoint
	step  int // the step being walked
	id    string
	alpha string // the alpha-name code shown at activation

	// urlFile, on the built-in sandbox (no --sandbox-url), is where each wizard
	// run writes the address its sandbox listens at (WIZARD_TEST_SANDBOX_URL_FILE).
	urlFile string
}

// sandboxURL is where the walk's sandbox listens: the test's own, or the
// built-in one of the wizard run under way (its port may change between runs).
func (k *ptyWalk) sandboxURL() string {
	k.t.Helper()
	if k.urlFile == "" {
		return k.sb.URL
	}
	deadline := time.Now().Add(ptyWait)
	for {
		if b, err := os.ReadFile(k.urlFile); err == nil && strings.HasPrefix(string(b), "http://127.0.0.1:") {
			return string(b)
		}
		if time.Now().After(deadline) {
			k.p.Fatalf("the wizard never said where its built-in sandbox listens (%s)", k.urlFile)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// start runs the wizard in a new pseudo-terminal; on the built-in sandbox it
// first forgets where the last run's sandbox listened.
func (k *ptyWalk) start(name string, args ...string) *ptyTerm {
	k.t.Helper()
	if k.urlFile != "" {
		if err := os.Remove(k.urlFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			k.t.Fatal(err)
		}
	}
	k.p = ptyStart(k.t, k.home, name, args...)
	return k.p
}

// at reports whether the walk's kill point is here, in the current step.
func (k *ptyWalk) at(where string) bool {
	return k.stop != nil && k.stop.Step == k.step && k.stop.At == where
}

// jitter waits a moment (0–40 ms): "right after" a key is not one instant.
func (k *ptyWalk) jitter() { time.Sleep(time.Duration(k.rng.IntN(40)) * time.Millisecond) }

// held waits until the sandbox holds the answer the kill point names.
func (k *ptyWalk) held() {
	k.t.Helper()
	select {
	case <-k.sb.hold.hit:
	case <-time.After(ptyWait):
		k.p.Fatalf("the request %s %s was never made", k.sb.hold.method, k.sb.hold.path)
	}
}

// ptyMovedOn is what arrive returns when the step moved on by itself.
const ptyMovedOn = -2

// arrive waits for step n ("Step n of 12", now or before) and then for one of
// texts, and returns the index of the text found. A step that has all it needs
// when a resumed wizard opens it (the e-mail was confirmed meanwhile, the
// signup finished, the number was added) moves on by itself, perhaps before
// its screen is ever drawn: then arrive returns ptyMovedOn.
func (k *ptyWalk) arrive(n int, texts ...string) int {
	k.t.Helper()
	k.step = n
	this, after := fmt.Sprintf("Step %d of 12", n), fmt.Sprintf("Step %d of 12", n+1)
	if k.p.WaitSeenAny(this, after) == 1 {
		return ptyMovedOn
	}
	if len(texts) == 0 {
		return -1
	}
	if i := k.p.WaitForAny(append(texts, after)...); i < len(texts) {
		return i
	}
	return ptyMovedOn
}

// typeHalf types the first half of s and waits until it is on the screen.
func (k *ptyWalk) typeHalf(s string) {
	k.t.Helper()
	half := s[:len(s)/2]
	k.p.Type(half)
	k.p.WaitFor(strings.TrimSpace(half)) // the screen has no trailing spaces
}

// walk runs the steps from..12 until the kill point (true) or the end (false).
func (k *ptyWalk) walk(from int) bool {
	k.t.Helper()
	fns := []func() bool{k.terms, k.account, k.verifyEmail, k.company, k.numberStatus, k.signup,
		k.displayName, k.phone, k.verifyCode, k.activation, k.alphaName, k.done}
	for n := from; n <= 12; n++ {
		if fns[n-1]() {
			return true
		}
	}
	return false
}

func (k *ptyWalk) terms() bool {
	p := k.p
	if k.arrive(1, "┃ Do you accept the provider's terms?") == ptyMovedOn {
		return false
	}
	k.id = p.WaitForMatch(ptySignupID)[1]
	if k.at("arrival") {
		p.Quiet(150*time.Millisecond, time.Second) // the new session is being saved
		return true
	}
	if k.at("toggled") {
		p.Key("left")
		p.Quiet(150*time.Millisecond, time.Second)
		return true
	}
	p.Key("y")
	if k.at("submitted") {
		k.jitter()
		return true
	}
	return false
}

func (k *ptyWalk) account() bool {
	p, a := k.p, k.a
	if k.arrive(2, "┃ Business e-mail") == ptyMovedOn {
		return false
	}
	if k.at("arrival") {
		return true
	}
	if k.at("partial-email") {
		k.typeHalf(a.Email)
		return true
	}
	p.Type(a.Email)
	p.WaitFor(a.Email)
	p.Key("enter")
	p.WaitFor("┃ Password")
	p.Type(a.Password)
	p.WaitFor("✓ at least 8 characters")
	if k.at("partial-password") {
		return true
	}
	p.Key("enter")
	p.WaitFor("┃ Repeat the password")
	p.Type(a.Password)
	p.WaitFor("┃ > " + strings.Repeat("*", len(a.Password)))
	p.Key("enter")
	switch {
	case k.at("submitted"):
		k.jitter()
		return true
	case k.at("inflight-create"):
		k.held()
		return true
	}
	return false
}

// clickVerifyLink does what the user does in the mail client.
func (k *ptyWalk) clickVerifyLink() {
	k.t.Helper()
	link, err := sandbox.LatestVerifyLink(context.Background(), k.sandboxURL(), k.a.Email)
	if err != nil {
		k.p.Fatalf("no verification e-mail: %v", err)
	}
	resp, err := http.Get(link)
	if err != nil {
		k.p.Fatalf("clicking the verify link: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		k.p.Fatalf("the verify link answered %s", resp.Status)
	}
}

func (k *ptyWalk) verifyEmail() bool {
	// A resumed wizard whose address was confirmed meanwhile moves on by itself.
	if k.arrive(3, "Waiting for the address to be confirmed") == ptyMovedOn {
		return false
	}
	if k.at("arrival") {
		return true
	}
	k.clickVerifyLink()
	switch {
	case k.at("link-clicked"):
		k.jitter()
		return true
	case k.at("inflight-verified"):
		k.held()
		return true
	}
	return false // the wizard polls and moves on by itself
}

func (k *ptyWalk) company() bool {
	p, a := k.p, k.a
	if k.arrive(4, "┃ Type of organisation") == ptyMovedOn {
		return false
	}
	if k.at("arrival") {
		return true
	}
	p.Key("enter") // Company
	p.WaitFor("┃ Your full name")
	p.Type(a.FullName)
	p.WaitFor(a.FullName)
	p.Key("enter")
	p.WaitFor("┃ Company name")
	if k.at("partial-names") {
		k.typeHalf(a.Company)
		return true
	}
	p.Type(a.Company)
	p.WaitFor(a.Company)
	p.Key("enter")
	p.WaitFor("┃ Country of registration")
	p.Key("/")
	p.WaitFor("┃ /")
	p.Type(a.CountryFilter)
	p.WaitFor("> " + a.CountryName)
	if k.at("country-filtered") {
		return true
	}
	p.Key("enter")
	p.WaitFor("┃ I am not a robot")
	p.Key("y")
	switch {
	case k.at("submitted"):
		k.jitter()
		return true
	case k.at("inflight-company"):
		k.held()
		return true
	}
	return false
}

func (k *ptyWalk) numberStatus() bool {
	p := k.p
	if k.arrive(5, "┃ Is this number connected to the WhatsApp Business API?") == ptyMovedOn {
		return false
	}
	if k.at("arrival") {
		return true
	}
	p.Key("enter") // No
	p.WaitFor("┃ Is this number connected to the WhatsApp Business app?")
	if k.at("first-answered") {
		return true
	}
	p.Key("enter")
	p.WaitFor("┃ Is this number connected to a personal WhatsApp account?")
	p.Key("enter")
	p.WaitFor("┃ Confirm number details")
	if k.at("confirm-shown") {
		return true
	}
	p.Key("y")
	if k.at("submitted") {
		k.jitter()
		return true
	}
	return false
}

func (k *ptyWalk) signup() bool {
	p := k.p
	k.step = 6
	if k.at("inflight-start") {
		k.arrive(6)
		k.held()
		return true
	}
	// The page's URL is on the screen; the test plays the browser.
	if k.arrive(6, "/signup/su_") == ptyMovedOn {
		return false
	}
	// A resumed step whose result reached the partner meanwhile moves on by
	// itself, perhaps just after its URL was drawn.
	m := p.WaitForMatchOr(ptySignupURL, "Step 7 of 12")
	if m == nil {
		return false
	}
	link := m[0]
	if k.at("arrival") {
		return true
	}
	// The page posts the result; the partner sends the browser on to the
	// wizard's loopback callback (303), which a browser on this machine follows.
	// For "inflight-result" the browser is on another device: the wizard learns
	// the result only by polling the partner.
	k.finishSignup(link, !k.at("inflight-result"))
	switch {
	case k.at("result-posted"):
		k.jitter()
		return true
	case k.at("inflight-result"):
		k.held()
		return true
	}
	return false
}

// ptyBrowser posts like a browser but lets the caller decide about redirects.
var ptyBrowser = &http.Client{
	Timeout:       ptyWait,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// finishSignup does what the Embedded Signup page does when the user presses
// Finish, and follows the redirect to the wizard's callback if follow is set.
// A callback that cannot be reached (the wizard that opened it is gone) is what
// a browser would show as an error page: the wizard still learns the result by
// polling the partner.
func (k *ptyWalk) finishSignup(link string, follow bool) {
	k.t.Helper()
	k.postSignupResult(link, url.Values{"event": {"FINISH"}}, follow)
}

// postSignupResult posts the signup page's result form, and follows the
// redirect to the wizard's callback if follow is set.
func (k *ptyWalk) postSignupResult(link string, form url.Values, follow bool) {
	k.t.Helper()
	resp, err := ptyBrowser.PostForm(link+"/result", form)
	if err != nil {
		k.p.Fatalf("posting the signup result: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusSeeOther && follow:
		cb, err := ptyBrowser.Get(resp.Header.Get("Location"))
		if err != nil {
			k.t.Logf("the browser cannot reach the wizard's callback (%v); the wizard must poll", err)
			return
		}
		_, _ = io.Copy(io.Discard, cb.Body)
		cb.Body.Close()
	case resp.StatusCode == http.StatusSeeOther, resp.StatusCode == http.StatusOK:
	default:
		k.p.Fatalf("the signup page answered %s", resp.Status)
	}
}

func (k *ptyWalk) displayName() bool {
	p, a := k.p, k.a
	if k.arrive(7, "┃ Display Name (Alpha Name)") == ptyMovedOn {
		return false
	}
	if k.at("arrival") {
		return true
	}
	p.Type(a.DisplayName)
	p.WaitFor("> " + a.DisplayName)
	if k.at("partial-name") {
		return true
	}
	p.Key("enter")
	p.WaitFor("┃ Category")
	p.Key("enter") // Other, the default
	p.WaitFor("┃ Company description")
	p.Type(a.Description)
	p.WaitFor(a.Description)
	p.Key("enter")
	p.WaitFor("┃ Website")
	if k.at("partial-website") {
		k.typeHalf(a.Website)
		return true
	}
	p.Type(a.Website)
	p.WaitFor(a.Website)
	p.Key("enter")
	p.WaitFor("Check the display name carefully")
	p.WaitFor(a.DisplayName)
	if k.at("check-screen") {
		return true
	}
	p.Key("enter")
	if k.at("submitted") {
		k.jitter()
		return true
	}
	return false
}

func (k *ptyWalk) phone() bool {
	p, a := k.p, k.a
	// A resumed session whose number was added only sends the profile: no questions.
	if k.arrive(8, "┃ Country of the number") == ptyMovedOn {
		return false
	}
	if k.at("arrival") {
		return true
	}
	p.Key("enter") // the company's country
	p.WaitFor("┃ Phone number (" + a.CountryName + ")")
	if k.at("partial-number") {
		k.typeHalf(a.PhoneTyped)
		return true
	}
	p.Type(a.PhoneTyped)
	p.WaitFor(a.PhoneTyped)
	p.Key("enter")
	p.WaitFor("Is this the number?")
	p.WaitFor("+7 " + a.PhoneTyped)
	if k.at("check-screen") {
		return true
	}
	p.Key("enter")
	switch {
	case k.at("submitted"):
		k.jitter()
		return true
	case k.at("inflight-add"), k.at("inflight-profile"):
		k.held()
		return true
	}
	return false
}

// smsCode reads the code the sandbox "sent" to the number, as its owner reads the SMS.
func (k *ptyWalk) smsCode() string {
	k.t.Helper()
	o, err := sandbox.ReadOutbox(context.Background(), k.sandboxURL())
	if err != nil {
		k.p.Fatalf("reading the sandbox outbox: %v", err)
	}
	for _, m := range slices.Backward(o.Messages) {
		if m.To == k.a.E164 {
			return m.Code
		}
	}
	k.p.Fatalf("no code was sent to %s", k.a.E164)
	return ""
}

func (k *ptyWalk) verifyCode() bool {
	p, a := k.p, k.a
	const choose, enter, pin = 0, 1, 2
	phase := k.arrive(9, "How should Meta send the verification code?", "┃ Verification code", "┃ PIN")
	if phase == ptyMovedOn {
		return false
	}
	if phase == choose {
		if k.at("arrival") {
			return true
		}
		p.Key("s")
		if k.at("inflight-request") {
			k.held()
			return true
		}
		p.WaitFor("┃ Verification code")
		phase = enter
	}
	if phase == enter {
		code := k.smsCode()
		if k.at("code-field") {
			return true
		}
		if k.at("partial-code") {
			k.typeHalf(code)
			return true
		}
		p.Type(code)
		p.WaitFor("> " + code)
		p.Key("enter")
		if k.at("inflight-verify") {
			k.held()
			return true
		}
		p.WaitFor("┃ PIN")
	}
	if k.at("pin-form") {
		return true
	}
	p.Type(a.PIN)
	p.WaitFor("┃ > " + strings.Repeat("*", len(a.PIN)))
	p.Key("enter")
	p.WaitFor("┃ Repeat the PIN")
	if k.at("partial-pin") {
		return true
	}
	p.Type(a.PIN)
	p.WaitFor("┃ > " + strings.Repeat("*", len(a.PIN)))
	p.Key("enter")
	switch {
	case k.at("submitted"):
		k.jitter()
		return true
	case k.at("inflight-register"):
		k.held()
		return true
	}
	return false
}

func (k *ptyWalk) activation() bool {
	p := k.p
	k.step = 10
	if k.at("inflight-start") {
		k.arrive(10)
		k.held()
		return true
	}
	if k.arrive(10, "Waiting, checking with the provider", "Your Alpha Name code:") == ptyMovedOn {
		return false
	}
	if k.at("arrival") {
		return true
	}
	p.WaitFor("Your Alpha Name code:")
	k.alpha = p.WaitForMatch(ptyAlphaCode)[0]
	if k.at("active-shown") {
		return true
	}
	p.Key("enter")
	if k.at("submitted") {
		k.jitter()
		return true
	}
	return false
}

func (k *ptyWalk) alphaName() bool {
	p, a := k.p, k.a
	if k.arrive(11, "┃ Country") == ptyMovedOn {
		return false
	}
	p.WaitFor(a.DisplayName)
	if k.at("arrival") {
		return true
	}
	p.Key("enter") // the company's country
	if k.at("inflight-save") {
		k.held()
		return true
	}
	// "Already saved" when OCM had it (a resumed run after the first one saved it).
	p.WaitForAny("Saved: "+a.DisplayName, "Already saved: "+a.DisplayName)
	if k.at("saved-shown") {
		return true
	}
	p.Key("enter")
	if k.at("submitted") {
		k.jitter()
		return true
	}
	return false
}

func (k *ptyWalk) done() bool {
	p := k.p
	k.arrive(12, "All done")
	if k.at("arrival") {
		return true
	}
	if k.at("after-a-while") {
		p.Quiet(300*time.Millisecond, 2*time.Second)
		return true
	}
	p.Key("enter")
	if code := p.ExitCode(5 * time.Second); code != 0 {
		p.Fatalf("exit code %d at the end of the flow, want 0", code)
	}
	if out := p.Output(); !strings.Contains(out, "Signup "+k.id+" is complete") {
		p.Fatalf("no completion message for %s in the output:\n%s", k.id, out)
	}
	return false
}

// ---------------------------------------------------------------------------
// Checking what was saved.

// ptyLoad opens the data file read-only (no wizard may be running) and loads id.
func ptyLoad(t testing.TB, path, id string) (store.Session, []store.Event) {
	t.Helper()
	st, err := store.Open(path, store.Options{ReadOnly: true, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatalf("opening the data file %s: %v", path, err)
	}
	defer st.Close()
	s, err := st.Load(context.Background(), id)
	if err != nil {
		t.Fatalf("loading signup %s: %v", id, err)
	}
	ev, err := st.Events(context.Background(), id)
	if err != nil {
		t.Fatalf("reading the history of %s: %v", id, err)
	}
	return s, ev
}

// checkSaved checks that the session holds every answer of the steps before
// step upTo (13: the whole flow), and that nothing it holds contradicts the
// answers given.
func (k *ptyWalk) checkSaved(s store.Session, upTo int, when string) {
	t, a := k.t, k.a
	t.Helper()
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	done := func(step int) bool { return step < upTo }
	same := func(what, got, want string, required bool) {
		if got != want && (required || got != "") {
			bad("%s = %q, want %q", what, got, want)
		}
	}

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
	same("company org type", c.OrgType, steps.OrgCompany, done(4))
	same("company full name", c.FullName, a.FullName, done(4))
	same("company name", c.CompanyName, a.Company, done(4))
	same("company country", c.Country, a.Country, done(4))
	if done(4) && (!c.NotRobot || c.SavedAt.IsZero()) {
		bad("company: not saved as complete: %+v", c)
	}
	if n := s.Number; n.OnBusinessAPI || n.OnBusinessApp || n.OnPersonal || (done(5) && (n.ConfirmedAt.IsZero() || s.Path != store.PathNew)) {
		bad("number-status: answers %+v path %q, want three No and the new-number path", n, s.Path)
	}
	if done(6) && (s.Signup.Event != "FINISH" || s.Signup.WABAID == "" || s.Signup.BusinessID == "") {
		bad("signup: %+v, want FINISH with WABA and business ids", s.Signup)
	}
	pr := s.Profile
	same("display name", pr.DisplayName, a.DisplayName, done(7))
	same("category", pr.Category, "OTHER", done(7))
	same("description", pr.Description, a.Description, done(7))
	same("website", pr.Website, a.Website, done(7))
	if done(7) && pr.ConfirmedAt.IsZero() {
		bad("display-name: not confirmed")
	}
	ph := s.Phone
	same("phone E.164", ph.E164, a.E164, done(8))
	same("phone country", ph.Country, a.Country, done(8))
	if done(8) && (ph.ID == "" || pr.SentAt.IsZero()) {
		bad("phone: id %q, profile sent at %v", ph.ID, pr.SentAt)
	}
	same("code method", s.Code.Method, "SMS", done(9))
	if done(9) && (s.Code.VerifiedAt.IsZero() || s.Code.RegisteredAt.IsZero()) {
		bad("verify-code: %+v, want verified and registered", s.Code)
	}
	if k.alpha != "" {
		same("alpha-name code", s.Activation.AlphaCode, k.alpha, done(10))
	}
	if done(10) && (s.Activation.AlphaCode == "" || s.Activation.ActivatedAt.IsZero()) {
		bad("activation: %+v, want active with an alpha-name code", s.Activation)
	}
	same("alpha name", s.Alpha.Name, a.DisplayName, done(11))
	same("alpha-name country", s.Alpha.Country, a.Country, done(11))
	if done(11) && s.Alpha.SavedAt.IsZero() {
		bad("alpha-name: not saved")
	}
	if done(12) && (s.Status != store.StatusDone || s.FinishedAt.IsZero()) {
		bad("done: status %q finished at %v", s.Status, s.FinishedAt)
	}
	if len(problems) > 0 {
		t.Errorf("%s: signup %s at step %q has lost or wrong answers:\n  %s\nsession: %+v",
			when, s.ID, s.Step, strings.Join(problems, "\n  "), s)
	}
}

// checkShow runs `wizard show ID` and looks for the saved answers in its output.
func (k *ptyWalk) checkShow(s store.Session) {
	t := k.t
	t.Helper()
	cmd := exec.Command(ptyBinary(t), "show", s.ID, "--lang", "en")
	cmd.Env, cmd.Dir = k.home.env(), k.home.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("wizard show %s: %v\n%s", s.ID, err, out)
		return
	}
	want := []string{s.ID, s.Account.Email, s.Company.CompanyName, s.Company.FullName, s.Phone.E164,
		s.Profile.DisplayName, s.Profile.Website, s.Activation.AlphaCode}
	for _, w := range want {
		if w != "" && !strings.Contains(string(out), w) {
			t.Errorf("wizard show %s does not print %q:\n%s", s.ID, w, out)
		}
	}
}

// ---------------------------------------------------------------------------
// The tests.

// ptySeed is the seed of the run: WIZARD_PTY_SEED, or the clock.
func ptySeed(t *testing.T) uint64 {
	if s := os.Getenv("WIZARD_PTY_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("WIZARD_PTY_SEED=%q: %v", s, err)
		}
		return n
	}
	return uint64(time.Now().UnixNano())
}

// ptySlow skips a slow real-terminal test under -short (go test -short ./...);
// make test runs every one of them.
func ptySlow(t *testing.T, what string) {
	t.Helper()
	if testing.Short() {
		t.Skipf("-short: skips %s (a slow real-terminal test); make test runs it", what)
	}
}

// ptyParallel bounds how many wizards run at once (besides -parallel).
var ptyParallel = make(chan struct{}, 3)

// TestKillAtEveryStepAndResume runs the built wizard in a pseudo-terminal,
// walks the new-number path to a kill point, kills the process with SIGKILL,
// starts `wizard` again, accepts the offer to resume, checks the step it shows
// and every answer given so far, and finishes the flow from there. Every kill
// point of ptyPoints (54, all 12 steps) runs; -short runs 1 of them, picked by
// the seed, as a smoke test (each point walks the whole flow, ~5 s).
func TestKillAtEveryStepAndResume(t *testing.T) {
	seed := ptySeed(t)
	t.Logf("seed %d (WIZARD_PTY_SEED=%d go test -run TestKillAtEveryStepAndResume ./cmd/wizard repeats this run)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	points := ptyPoints()
	rng.Shuffle(len(points), func(i, j int) { points[i], points[j] = points[j], points[i] })
	if testing.Short() {
		t.Logf("-short: 1 of the %d kill points; make test runs them all", len(points))
		points = points[:1]
	}
	ptyBinary(t)
	for i, pt := range points {
		pt := pt
		pointSeed := seed ^ uint64(i+1)*0x9E3779B97F4A7C15
		t.Run(pt.String(), func(t *testing.T) {
			t.Parallel()
			ptyParallel <- struct{}{}
			defer func() { <-ptyParallel }()
			ptyKillAndResume(t, pt, pointSeed, false)
		})
	}
}

// ptyKillAndResume walks to pt, kills the wizard, resumes and finishes. With
// builtin the wizard uses its built-in sandbox (no --sandbox-url), which dies
// with it: what the resumed run finds is what that sandbox saved.
func ptyKillAndResume(t *testing.T, pt ptyPoint, seed uint64, builtin bool) {
	start := time.Now()
	rng := rand.New(rand.NewPCG(seed, 1))
	home := newPtyHome(t)
	k := &ptyWalk{t: t, home: home, a: newPtyAnswers(t, rng), rng: rng}
	if builtin {
		k.urlFile = filepath.Join(home.dir, "sandbox-url")
		home.extra = append(home.extra, "WIZARD_TEST_SANDBOX_URL_FILE="+k.urlFile)
	} else {
		k.sb = newPtySandbox(t, pt.Hold.new())
		home.extra = append(home.extra, "WIZARD_SANDBOX_URL="+k.sb.URL) // so that `wizard` needs no arguments
	}

	// Run 1: walk to the kill point and kill.
	k.start("run 1", "--lang", "en")
	k.stop = &pt
	if !k.walk(1) {
		t.Fatalf("the walk never reached the kill point %s", pt)
	}
	k.p.Kill()
	walked := time.Since(start)

	// What the file holds right after the crash.
	saved, _ := ptyLoad(t, home.DefaultDataFile(), k.id)
	next := steps.Next(saved)
	pos := steps.Position(next)
	if !slices.Contains(pt.Resume, pos) {
		t.Errorf("killed at %s, the saved signup is at step %d (%s); want one of %v", pt, pos, next, pt.Resume)
	}
	if saved.Step != string(next) {
		t.Errorf("the saved signup names step %q but what it holds says %q", saved.Step, next)
	}
	k.checkSaved(saved, pos, "after the kill")
	k.checkShow(saved)
	if builtin {
		// Something else takes the port the killed run's sandbox had: the next
		// run's listens elsewhere, and what the first one gave out (the signup
		// page's address) must still work.
		if ln, err := net.Listen("tcp", strings.TrimPrefix(k.sandboxURL(), "http://")); err == nil {
			t.Cleanup(func() { _ = ln.Close() })
		} else {
			t.Logf("the killed run's port is still taken (%v): run 2 listens elsewhere anyway", err)
		}
	}

	// Run 2: `wizard` again.
	k.start("run 2", "--lang", "en")
	k.stop = nil
	if saved.Status == store.StatusDone {
		// Nothing to resume: a finished signup is never offered; a new one starts.
		k.p.WaitFor("Step 1 of 12")
		if id := k.p.WaitForMatch(ptySignupID)[1]; id == k.id {
			k.p.Fatalf("the finished signup %s was opened again", id)
		}
		if strings.Contains(k.p.Screen(), "Resume signup") {
			k.p.Fatalf("a finished signup was offered for resuming")
		}
		k.p.Key("ctrl+c")
		if code := k.p.ExitCode(5 * time.Second); code != 0 {
			k.p.Fatalf("ctrl+c: exit code %d", code)
		}
		cmd := exec.Command(ptyBinary(t), "resume", k.id, "--lang", "en")
		cmd.Env, cmd.Dir = home.env(), home.dir
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "finished") {
			t.Errorf("wizard resume %s of a finished signup: err %v, output:\n%s", k.id, err, out)
		}
		k.checkSaved(saved, 13, "finished signup")
		t.Logf("%s: killed after %v, finished already; %v in all", pt, walked.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
		return
	}
	k.p.WaitFor("Resume signup " + k.id + "?")
	k.p.WaitFor("[ Resume it ]") // the default, marked without colour
	if where := fmt.Sprintf(`stopped at "%s"`, ptyWords.T("step."+string(next))); !strings.Contains(k.p.Screen(), where) {
		k.p.Errorf("the offer to resume does not say %s, the step it resumes at", where)
	}
	k.p.Key("enter") // "Resume it" is the default
	// A step that has all it needs moves on by itself (the e-mail was confirmed,
	// the signup finished, the number was added): its screen may never be drawn.
	if k.p.WaitSeenAny(fmt.Sprintf("Step %d of 12", pos), fmt.Sprintf("Step %d of 12", pos+1)) == 1 &&
		!slices.Contains([]steps.ID{steps.VerifyEmail, steps.Signup, steps.Phone}, next) {
		k.p.Errorf("resumed at step %d, want step %d (%s)", pos+1, pos, next)
	}
	if id := k.p.WaitForMatch(ptySignupID)[1]; id != k.id {
		k.p.Fatalf("resumed signup %s, want %s", id, k.id)
	}

	// Finish the flow from there.
	if k.walk(pos) {
		t.Fatal("a walk without a kill point stopped")
	}
	final, events := ptyLoad(t, home.DefaultDataFile(), k.id)
	k.checkSaved(final, 13, "after finishing the resumed signup")
	resumed := 0
	for _, e := range events {
		if e.Kind == "resumed" {
			resumed++
		}
	}
	if resumed != 1 {
		t.Errorf("%d 'resumed' events in the history, want 1", resumed)
	}
	t.Logf("%s: killed after %v, resumed at step %d, finished; %v in all", pt, walked.Round(time.Millisecond), pos,
		time.Since(start).Round(time.Millisecond))
}

// newPtyWalk is a walk of the new-number path on a sandbox of its own, with
// answers made from seed; run starts wizard runs with the sandbox's URL in the
// environment.
func newPtyWalk(t *testing.T, seed uint64) *ptyWalk {
	rng := rand.New(rand.NewPCG(seed, 1))
	sb := newPtySandbox(t, nil)
	home := newPtyHome(t)
	home.extra = append(home.extra, "WIZARD_SANDBOX_URL="+sb.URL)
	return &ptyWalk{t: t, home: home, sb: sb, a: newPtyAnswers(t, rng), rng: rng}
}

// TestCtrlCSavesAndSaysHowToResume: ctrl+c in the middle of a step ends the
// wizard with exit code 0 and the command that carries on; that command
// brings the signup back at the same step. -short runs only the first point.
func TestCtrlCSavesAndSaysHowToResume(t *testing.T) {
	for i, pt := range []ptyPoint{
		{Step: 4, At: "partial-names"}, // in a form
		{Step: 6, At: "arrival"},       // waiting for the browser
		{Step: 9, At: "partial-code"},  // the code field, its countdown running
		{Step: 10, At: "active-shown"}, // the alpha-name code on screen
	} {
		t.Run(pt.String(), func(t *testing.T) {
			if i > 0 {
				ptySlow(t, "ctrl+c and resume at "+pt.String())
			}
			t.Parallel()
			ptyParallel <- struct{}{}
			defer func() { <-ptyParallel }()
			k := newPtyWalk(t, uint64(pt.Step))
			k.p = ptyStart(t, k.home, "wizard", "--lang", "en")
			k.stop = &pt
			if !k.walk(1) {
				t.Fatalf("the walk never reached %s", pt)
			}
			k.p.Key("ctrl+c")
			if code := k.p.ExitCode(5 * time.Second); code != 0 {
				k.p.Fatalf("ctrl+c: exit code %d, want 0", code)
			}
			if out := k.p.Output(); !strings.Contains(out, "wizard resume "+k.id) {
				k.p.Fatalf("ctrl+c: the output does not say %q:\n%s", "wizard resume "+k.id, out)
			}
			saved, _ := ptyLoad(t, k.home.DefaultDataFile(), k.id)
			if pos := steps.Position(steps.Next(saved)); pos != pt.Step {
				t.Errorf("after ctrl+c at step %d the signup is saved at step %d (%s)", pt.Step, pos, saved.Step)
			}
			k.checkSaved(saved, pt.Step, "after ctrl+c")

			// The command it printed.
			k.p = ptyStart(t, k.home, "wizard resume", "resume", k.id, "--lang", "en")
			k.p.WaitSeenAny(fmt.Sprintf("Step %d of 12", pt.Step))
			k.p.Key("ctrl+c")
			if code := k.p.ExitCode(5 * time.Second); code != 0 {
				k.p.Fatalf("ctrl+c after resuming: exit code %d, want 0", code)
			}
		})
	}
}

// TestWhileAWizardWorks (issue 15): while a wizard works on signup A, on the
// data file and on a team store (PostgreSQL), `wizard list`, `wizard show A`
// and `wizard export A` succeed and say who holds A; a second wizard works on
// a new signup B (A, held, is not offered); `wizard resume A` is told who holds
// it; and once the first wizard is closed, A is free at once.
func TestWhileAWizardWorks(t *testing.T) {
	for _, engine := range []string{"file", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			home := newPtyHome(t)
			where := []string{"--data", filepath.Join(home.dir, "shared.db")}
			if engine == "postgres" {
				where = []string{"--store", pgtest.NewDB(t)}
			}
			run := func(args ...string) result {
				t.Helper()
				var out, errOut bytes.Buffer
				cmd := exec.Command(ptyBinary(t), append(args, where...)...)
				cmd.Env, cmd.Dir, cmd.Stdout, cmd.Stderr = home.env(), home.dir, &out, &errOut
				err := cmd.Run()
				if ee, ok := errors.AsType[*exec.ExitError](err); ok {
					err = exitError{code: ee.ExitCode(), msg: errOut.String()}
				}
				return result{out.String(), errOut.String(), err}
			}

			first := ptyStart(t, home, "first wizard", append(where, "--lang", "en")...)
			first.WaitFor("Do you accept the provider's terms?")
			first.Key("y")
			first.WaitFor("┃ Business e-mail")
			a := first.WaitForMatch(ptySignupID)[1]

			list := run("list")
			if list.err != nil || !strings.Contains(list.stdout, a) || !strings.Contains(list.stdout, who()+" on "+machineName()) {
				t.Fatalf("list while A is open: %v\n%s%s", list.err, list.stdout, list.stderr)
			}
			if r := run("show", a); r.err != nil || !strings.Contains(r.stdout, "by "+who()+" on "+machineName()) {
				t.Fatalf("show A while it is open: %v\n%s%s", r.err, r.stdout, r.stderr)
			}
			if r := run("export", a, "-o", "-"); r.err != nil || !strings.Contains(r.stdout, `"id": "`+a+`"`) {
				t.Fatalf("export A while it is open: %v\n%s%s", r.err, r.stdout, r.stderr)
			}

			// A second wizard: A is held, so it is not offered; B is a new signup.
			second := ptyStart(t, home, "second wizard", append(where, "--lang", "en")...)
			second.WaitFor("Do you accept the provider's terms?")
			second.Key("y")
			second.WaitFor("┃ Business e-mail")
			if b := second.WaitForMatch(ptySignupID)[1]; b == a {
				second.Fatalf("the second wizard opened the first one's signup %s", a)
			}
			second.Key("ctrl+c")
			if code := second.ExitCode(10 * time.Second); code != 0 {
				second.Fatalf("the second wizard: exit code %d after ctrl+c", code)
			}

			// A third one asks for A by its id: told who holds it, and how to read it.
			third := ptyStart(t, home, "wizard resume A", append(append([]string{"resume", a}, where...), "--lang", "en")...)
			if code := third.ExitCode(10 * time.Second); code != 1 {
				third.Fatalf("resume of a held signup: exit code %d, want 1", code)
			}
			if out := strings.Join(strings.Fields(third.Output()), " "); !strings.Contains(out, "is in use by "+who()+" on "+machineName()) || !strings.Contains(out, "wizard show "+a) {
				third.Fatalf("resume of a held signup does not say who holds it:\n%s", out)
			}

			if first.Exited() {
				first.Fatalf("the first wizard ended")
			}
			first.Key("ctrl+c")
			if code := first.ExitCode(10 * time.Second); code != 0 {
				first.Fatalf("the first wizard: exit code %d after ctrl+c", code)
			}
			// Closed: its hold is given up at once, not left to expire.
			if r := run("list", "--json"); r.err != nil || strings.Contains(r.stdout, "held_by") {
				t.Fatalf("after the first wizard closed: %v\n%s", r.err, r.stdout)
			}
		})
	}
}

// TestSecretsNeverInDataFile walks the whole happy path with a known password,
// PIN and (the sandbox's) verification code, then reads every file the wizard
// left in its home, data and state directories: none may hold a secret. The
// password and the PIN are never drawn on the screen either.
func TestSecretsNeverInDataFile(t *testing.T) {
	ptySlow(t, "the whole happy path, then every file read for secrets")
	k := newPtyWalk(t, 7)
	k.a.Password = "Pl4in&Secret"
	k.a.PIN = "384726"
	if !rules.CheckPIN(k.a.PIN) || rules.IsWeakPIN(k.a.PIN) || !rules.CheckPassword(k.a.Password).OK() {
		t.Fatal("test data: the password or the PIN is not acceptable")
	}
	k.p = ptyStart(t, k.home, "wizard", "--lang", "en")
	var code string
	k.stop = &ptyPoint{Step: 9, At: "code-field"}
	if !k.walk(1) {
		t.Fatal("the walk never reached the code")
	}
	code = k.smsCode()
	k.stop = nil
	if k.walk(9) {
		t.Fatal("a walk without a kill point stopped")
	}
	final, _ := ptyLoad(t, k.home.DefaultDataFile(), k.id)
	k.checkSaved(final, 13, "at the end")

	secrets := map[string]string{"password": k.a.Password, "PIN": k.a.PIN, "verification code": code,
		"verification code as the SMS shows it": code[:3] + "-" + code[3:]}
	var files []string
	err := filepath.WalkDir(k.home.dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files = append(files, path)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for what, s := range secrets {
			if ptyContainsSecret(data, s) {
				t.Errorf("%s holds the %s %q", path, what, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(files, k.home.DefaultDataFile()) {
		t.Fatalf("the data file %s was not among the files read: %v", k.home.DefaultDataFile(), files)
	}
	t.Logf("files read: %v", files)

	k.p.mu.Lock()
	screens := slices.Clone(k.p.screens)
	k.p.mu.Unlock()
	for _, scr := range screens {
		for _, s := range []string{k.a.Password, k.a.PIN} {
			if strings.Contains(scr, s) {
				t.Errorf("a secret (%q) was drawn on the screen:\n%s", s, scr)
			}
		}
	}
}

// ptyContainsSecret reports whether data holds s; a secret made of digits only
// counts where it is not part of a longer run of digits (a random id or a time
// may hold any six digits).
func ptyContainsSecret(data []byte, s string) bool {
	digits := strings.Trim(s, "0123456789") == ""
	for i := 0; ; {
		j := strings.Index(string(data[i:]), s)
		if j < 0 {
			return false
		}
		at := i + j
		end := at + len(s)
		isDigit := func(k int) bool { return k >= 0 && k < len(data) && data[k] >= '0' && data[k] <= '9' }
		if !digits || (!isDigit(at-1) && !isDigit(end)) {
			return true
		}
		i = at + 1
	}
}

// TestAutoTypeFillsTheAccountForm types the account form the way a password
// manager's auto-type does — e-mail, Tab, password, Tab, password, Enter, at
// machine speed, without waiting for the screen — and expects each key in the
// field it was typed for: the account is made with exactly that e-mail.
func TestAutoTypeFillsTheAccountForm(t *testing.T) {
	k := newPtyWalk(t, 11)
	k.p = ptyStart(t, k.home, "wizard", "--lang", "en")
	k.stop = &ptyPoint{Step: 2, At: "arrival"}
	if !k.walk(1) {
		t.Fatal("the walk never reached the account form")
	}
	k.p.write(k.a.Email + "\t" + k.a.Password + "\t" + k.a.Password + "\r")
	if k.p.WaitSeenAnyFor(5*time.Second, "Step 3 of 12", "not the same") != 0 {
		k.p.Fatalf("auto-typed keys did not stay in their fields (typed: e-mail %q, then the password twice)", k.a.Email)
	}
	k.p.Key("ctrl+c")
	k.p.ExitCode(5 * time.Second)
	saved, _ := ptyLoad(t, k.home.DefaultDataFile(), k.id)
	if saved.Account.Email != k.a.Email {
		t.Errorf("the account was saved with the e-mail %q, want %q (as typed)", saved.Account.Email, k.a.Email)
	}
}
