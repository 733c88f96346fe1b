package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"wizard/assets"
	"wizard/client/sandbox"
	"wizard/steps"
	"wizard/store"
)

// Every screen of the flow, its branches and the errors a step shows, at
// 80×24 in English, Russian and Kazakh and at 60×20 in English, kept as golden
// files (testdata/TestScreensFit/<language>-<size>/*.golden; -update rewrites
// them) and checked to fit: no more lines than the terminal has, no line wider
// than it, the header on the first lines, the key help on the last, and no word
// cut at the right edge. The walks go through the shell against the sandbox,
// in the screen's language, waiting for the catalog's words.

// fitRun is one walk at one size in one language.
type fitRun struct {
	t             *testing.T
	w             *world
	a             *App
	h             *harness
	words         *assets.Words
	width, height int
}

const fitSession = "K7MQ-4XPD"

var fitStart = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func newFitRun(t *testing.T, lang string, width, height int) *fitRun {
	t.Helper()
	w := newWorld(t)
	w.clock.set(fitStart)
	words := assets.NewWords(lang)
	w.env.Words = words
	a := New(Options{Store: w.st, Env: w.env, Session: store.Session{ID: fitSession}, User: "tester"})
	return &fitRun{t: t, w: w, a: a, h: newHarness(t, a, width, height), words: words, width: width, height: height}
}

// flat is text with its line breaks and the form's focus bar taken out, so
// that a sentence is found however the screen wrapped it.
var flatSpace = regexp.MustCompile(`[\s┃│]+`)

func flatText(s string) string { return flatSpace.ReplaceAllString(ansi.Strip(s), " ") }

// shows says whether the step's whole body (not only the rows on screen: a
// tall body scrolls) or the screen holds the catalog's text for key.
func (r *fitRun) shows(key string, args ...any) bool {
	want := flatText(r.words.T(key, args...))
	if words := strings.Fields(want); len(words) > 6 {
		want = strings.Join(words[:6], " ")
	}
	return strings.Contains(flatText(r.a.Step().View(r.width-2)), want) || strings.Contains(flatText(r.h.screen()), want)
}

// wait pumps until step id shows the catalog's text for key.
func (r *fitRun) wait(id steps.ID, key string, args ...any) {
	r.t.Helper()
	r.h.pump(fmt.Sprintf("%s to show %s", id, key), 15*time.Second, func() bool {
		return r.a.Step().ID() == id && r.shows(key, args...)
	})
	r.h.settle()
}

// shot keeps the screen as a golden file and checks that it fits.
func (r *fitRun) shot(name string) {
	r.t.Helper()
	screen := r.h.screen()
	r.t.Run(name, func(t *testing.T) {
		checkFits(t, r.words, r.a, screen, r.width, r.height)
		golden.RequireEqual(t, stableIDs(stable(screen)))
	})
}

// checkFits fails unless screen fits width×height with the header on its
// first lines and the key help on its last, and no word is cut at the edge.
func checkFits(t *testing.T, words *assets.Words, a *App, screen string, width, height int) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	if len(lines) > height {
		t.Errorf("%d lines at %d×%d:\n%s", len(lines), width, height, screen)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > width {
			t.Errorf("line %d is %d columns wide at %d×%d: %q", i+1, n, width, height, l)
		}
	}
	if len(lines) < 3 {
		t.Fatalf("no header and footer:\n%s", screen)
	}
	id := a.Step().ID()
	if !strings.HasPrefix(lines[0], words.T("ui.title")) || !strings.HasSuffix(lines[0], words.T("ui.session", fitSession)) {
		t.Errorf("the first line is not the header: %q", lines[0])
	}
	progress := words.T("ui.progress", steps.Position(id), len(steps.Order), words.T("step."+string(id)))
	if !strings.HasPrefix(lines[1], progress) {
		t.Errorf("the second line is not the step's progress %q: %q", progress, lines[1])
	}
	quit := "ctrl+c " + words.T("ui.key_quit")
	if last := strings.TrimRight(lines[len(lines)-1], " "); !strings.HasSuffix(last, quit) {
		t.Errorf("the last line is not the key help ending in %q: %q", quit, last)
	}
	// A body line that runs to the last column and ends in a letter would have
	// gone on (the body is drawn a column short of the edge; the header's first
	// line ends with the signup's id, the key help with the quit key), and a
	// word that ends in "…" was cut to fit.
	for i, l := range lines[1 : len(lines)-1] {
		l = strings.TrimRight(l, " ")
		r := []rune(l)
		if ansi.StringWidth(l) == width && len(r) > 0 && (unicode.IsLetter(r[len(r)-1]) || unicode.IsDigit(r[len(r)-1])) {
			t.Errorf("line %d runs to the edge mid-word: %q", i+2, l)
		}
	}
	for i, l := range lines {
		if cutWord.MatchString(l) {
			t.Errorf("line %d has a word cut short: %q", i+1, l)
		}
	}
}

var cutWord = regexp.MustCompile(`[\p{L}\p{N}]…`)

// generated hides the ids and codes the sandbox makes up on each run (the
// provider's account, Meta's ids, the SMS code, the alpha-name code), keeping
// their width so that the boxes around them stay as drawn.
var (
	generated = regexp.MustCompile(`acc_[a-z0-9]{12}|AN-[0-9]{4}|\b[0-9]{14,17}\b|\b[0-9]{3}-[0-9]{3}\b`)
	idChar    = regexp.MustCompile(`[a-z0-9]`)
)

func stableIDs(screen string) string {
	return generated.ReplaceAllStringFunc(screen, func(id string) string {
		switch {
		case id == "123-456": // the code field's example
			return id
		case strings.HasPrefix(id, "acc_"), strings.HasPrefix(id, "AN-"):
			i := strings.IndexAny(id, "_-") + 1
			return id[:i] + idChar.ReplaceAllString(id[i:], "#")
		}
		return idChar.ReplaceAllString(id, "#")
	})
}

// The sizes and languages every screen is kept at.
var fitSizes = []struct {
	lang          string
	width, height int
}{{"en", 80, 24}, {"ru", 80, 24}, {"kk", 80, 24}, {"en", 60, 20}}

func TestScreensFit(t *testing.T) {
	t.Parallel()
	for _, sz := range fitSizes {
		t.Run(fmt.Sprintf("%s-%dx%d", sz.lang, sz.width, sz.height), func(t *testing.T) {
			t.Parallel()
			t.Run("main", func(t *testing.T) { fitMainPath(newFitRun(t, sz.lang, sz.width, sz.height)) })
			t.Run("branches", func(t *testing.T) { fitBranches(t, sz.lang, sz.width, sz.height) })
		})
	}
}

// toNumberStatus walks terms → company and stops at the number's first question.
func (r *fitRun) toNumberStatus(shots bool) {
	h := r.h
	shot := func(name string) {
		if shots {
			r.shot(name)
		}
	}
	r.wait(steps.Terms, "terms.question")
	shot("01-terms")
	h.key("enter")
	r.wait(steps.Account, "account.email")
	h.typeText(testEmail)
	h.key("enter")
	h.typeText("Secr3t")
	shot("02-account-password")
	h.typeText("!pw")
	h.key("enter")
	h.typeText("Secr3t!px")
	h.key("enter")
	if shots {
		r.h.pump("the repeat's error", 10*time.Second, func() bool { return r.a.Step().ID() == steps.Account })
		r.h.settle()
		shot("02-account-repeat-error")
	}
	r.backspace(len("Secr3t!px"))
	h.typeText(testPassword)
	h.key("enter")
	r.wait(steps.VerifyEmail, "verify_email.title")
	shot("03-verify-email")
	r.w.clickVerifyLink()
	r.wait(steps.Company, "company.org_type")
	shot("04-company")
	h.key("enter")
	h.typeText("Anna Ivanova")
	h.key("enter")
	h.typeText("Acme Pharma")
	h.key("enter")
	r.wait(steps.Company, "company.country")
	shot("04-company-country")
	h.key("enter")
	r.wait(steps.Company, "company.not_robot")
	shot("04-company-robot")
	h.key("enter")
	r.wait(steps.NumberStatus, "number.q_api")
}

// fitMainPath is the new-number path, terms → done, with the migration
// checklist on the way and the errors a user meets first.
func fitMainPath(r *fitRun) {
	h := r.h
	r.toNumberStatus(true)
	r.shot("05-number-api")
	h.key("down")
	h.key("enter")
	r.wait(steps.NumberStatus, "migration.title")
	r.shot("05-number-migration-checklist")
	h.key("shift+tab")
	r.wait(steps.NumberStatus, "number.q_api")
	h.key("up")
	h.key("enter")
	h.key("enter")
	h.key("enter")
	r.wait(steps.NumberStatus, "number.confirm")
	r.shot("05-number-confirm")
	h.key("enter")
	r.wait(steps.Signup, "signup.waiting")
	r.shot("06-signup")
	r.w.finishSignup(r.a, h, "FINISH")

	r.wait(steps.DisplayName, "display_name.title")
	r.shot("07-display-name")
	h.typeText("WhatsApp Acme")
	h.key("enter")
	r.h.settle()
	r.shot("07-display-name-error")
	r.backspace(len("WhatsApp Acme"))
	h.typeText("ACME PHARMA") // allowed, but warned about before it is sent
	h.key("enter")
	h.key("enter") // category: Other
	h.typeText("Medicines for Kazakhstan")
	r.shot("07-display-name-description")
	h.key("enter")
	h.typeText("acme-pharma.kz")
	h.key("enter")
	r.h.settle()
	r.shot("07-display-name-website-error")
	r.backspace(len("acme-pharma.kz"))
	h.typeText("https://acme-pharma.kz")
	h.key("enter")
	r.wait(steps.DisplayName, "display_name.warn_title")
	r.shot("07-display-name-warnings")
	h.key("e")
	r.wait(steps.DisplayName, "display_name.title")
	r.backspace(len("ACME PHARMA"))
	h.typeText("Acme Pharma")
	for range 4 { // the category, description and website as they were
		h.key("enter")
	}
	r.wait(steps.DisplayName, "display_name.check_title")
	r.shot("07-display-name-check")
	h.key("enter")

	r.wait(steps.Phone, "phone.country")
	r.shot("08-phone-country")
	h.key("enter")
	r.wait(steps.Phone, "phone.body")
	r.shot("08-phone-number")
	h.typeText(testPhone)
	h.key("enter")
	r.wait(steps.Phone, "phone.check_title")
	r.shot("08-phone-check")
	h.key("enter")

	r.wait(steps.VerifyCode, "code.choose_title")
	r.shot("09-code-choose")
	h.key("s")
	r.wait(steps.VerifyCode, "code.enter_title")
	r.wait(steps.VerifyCode, "code.sandbox_received", "") // the sandbox's phone got it
	r.shot("09-code-enter")
	wrong := "111111"
	h.typeText(wrong)
	h.key("enter")
	r.h.pump("the wrong code's notice", 15*time.Second, func() bool {
		return r.a.Session().Code.Attempts == 1 && !strings.Contains(flatText(r.a.Step().View(200)), wrong)
	})
	r.h.settle()
	r.shot("09-code-wrong")
	code, err := sandbox.LatestCode(context.Background(), r.w.sb.URL, r.a.Session().Phone.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	h.typeText(code)
	h.key("enter")
	r.wait(steps.VerifyCode, "code.pin_title")
	h.typeText("111111")
	r.shot("09-code-pin-weak")
	r.backspace(6)
	h.typeText(testPIN)
	h.key("enter")
	h.typeText(testPIN)
	h.key("enter")

	r.wait(steps.Activation, "activation.safe_to_close") // started; the frozen clock keeps it waiting
	r.shot("10-activation")
	r.h.pump("the activation", 15*time.Second, func() bool {
		r.w.clock.set(fitStart.Add(10 * time.Minute)) // the sandbox activates after its delay, on the same clock
		return r.a.Step().ID() == steps.Activation && r.shows("activation.code_label")
	})
	r.h.settle()
	r.shot("10-activation-active")
	h.key("enter")

	r.wait(steps.AlphaName, "alpha.country_help")
	r.shot("11-alpha-name")
	h.key("enter")
	r.h.pump("the alpha name saved", 15*time.Second, func() bool { return !r.a.Session().Alpha.SavedAt.IsZero() })
	r.h.settle()
	r.shot("11-alpha-name-saved")
	h.key("enter")
	r.wait(steps.Finished, "done.title")
	r.shot("12-done")
}

// fitBranches walks the other ways the flow goes: a number on another
// WhatsApp, a signup the pop-up reported an error for, a number the pop-up
// verified (the name Meta holds), one on the Business app.
func fitBranches(t *testing.T, lang string, width, height int) {
	t.Run("parked", func(t *testing.T) {
		r := newFitRun(t, lang, width, height)
		r.toNumberStatus(false)
		r.h.key("enter")
		r.wait(steps.NumberStatus, "number.q_app")
		r.h.key("down")
		r.h.key("enter")
		r.wait(steps.NumberStatus, "number.confirm")
		r.h.key("enter")
		r.h.pump("the park", 15*time.Second, func() bool { return r.a.Session().Status == store.StatusWaiting })
		r.h.settle()
		r.shot("05-number-parked")
	})
	t.Run("account-taken", func(t *testing.T) {
		r := newFitRun(t, lang, width, height)
		if _, err := r.w.env.Clients.Partner.CreateAccount(context.Background(), testEmail, testPassword); err != nil {
			t.Fatal(err)
		}
		r.wait(steps.Terms, "terms.question")
		r.h.key("enter")
		r.wait(steps.Account, "account.email")
		r.h.typeText(testEmail)
		r.h.key("enter")
		r.h.typeText(testPassword)
		r.h.key("enter")
		r.h.typeText(testPassword)
		r.h.key("enter")
		r.h.pump("the refusal", 15*time.Second, func() bool {
			ev, _ := r.w.st.Events(context.Background(), fitSession)
			return len(ev) > 0 && ev[len(ev)-1].Kind == "error"
		})
		r.h.settle()
		r.shot("02-account-taken")
	})
	t.Run("government", func(t *testing.T) {
		r := newFitRun(t, lang, width, height)
		r.toCompany()
		r.h.key("down") // a government body
		r.h.key("enter")
		r.h.typeText("Anna Ivanova")
		r.h.key("enter")
		r.h.typeText("Ministry of Health")
		r.h.key("enter")
		r.wait(steps.Company, "company.country")
		r.h.key("enter")
		r.wait(steps.Company, "company.not_robot")
		r.h.key("enter")
		r.wait(steps.Company, "company.government_title")
		r.shot("04-company-government")
	})
	t.Run("signup-error", func(t *testing.T) {
		r := newFitRun(t, lang, width, height)
		r.toSignup()
		resp, err := http.PostForm(r.a.Session().Signup.URL+"/result", url.Values{"event": {"CANCEL"},
			"current_step": {"PHONE_NUMBER_VERIFICATION"}, "error_message": {"The SMS with the code never arrived on the phone"},
			"error_id": {"524126"}, "session_id": {"f34b6950d5ba4c1e"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		r.wait(steps.Signup, "signup.try_again")
		r.shot("06-signup-error")
	})
	t.Run("name-review", func(t *testing.T) {
		r := newFitRun(t, lang, width, height)
		r.toSignup()
		r.w.popup(r.a, r.h, popupVerified)
		r.wait(steps.DisplayName, "display_name.meta_title")
		r.shot("07-name-review")
		r.h.key("c")
		r.h.pump("the new name's field", 15*time.Second, func() bool { return r.a.Step().(steps.Typist).Focus() != "" })
		r.h.settle()
		r.shot("07-name-review-new-name")
		r.h.key("enter")
		r.wait(steps.DisplayName, "display_name.meta_review_title")
		r.shot("07-name-review-check")
	})
	t.Run("app-onboarding", func(t *testing.T) {
		r := newFitRun(t, lang, width, height)
		r.toSignup()
		r.w.popup(r.a, r.h, popupApp)
		r.wait(steps.Activation, "app_onboarding.title")
		r.shot("10-app-onboarding")
	})
}

// toSignup walks to the signup screen on the new-number path.
func (r *fitRun) toSignup() {
	r.toNumberStatus(false)
	for range 3 {
		r.h.key("enter")
	}
	r.wait(steps.NumberStatus, "number.confirm")
	r.h.key("enter")
	r.wait(steps.Signup, "signup.waiting")
}

// backspace deletes n characters before the cursor.
func (r *fitRun) backspace(n int) {
	for range n {
		r.h.deliver(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	r.h.settle()
}

// toCompany walks terms → the company's first question.
func (r *fitRun) toCompany() {
	r.wait(steps.Terms, "terms.question")
	r.h.key("enter")
	r.wait(steps.Account, "account.email")
	r.h.typeText(testEmail)
	r.h.key("enter")
	r.h.typeText(testPassword)
	r.h.key("enter")
	r.h.typeText(testPassword)
	r.h.key("enter")
	r.wait(steps.VerifyEmail, "verify_email.title")
	r.w.clickVerifyLink()
	r.wait(steps.Company, "company.org_type")
}
