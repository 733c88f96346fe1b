package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"wizard/assets"
	"wizard/client"
	"wizard/client/sandbox"
	"wizard/steps"
	"wizard/store"
)

var (
	keyF2 = tea.KeyPressMsg{Code: tea.KeyF2}
	keyF3 = tea.KeyPressMsg{Code: tea.KeyF3}
	keyF4 = tea.KeyPressMsg{Code: tea.KeyF4}
)

// classroomWorld is a world in a trainer's demo.
func classroomWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t)
	w.env.Classroom = true
	return w
}

// fitsWithFooter checks that a screen is within 80×24 with the footer's quit key on its
// last line.
func fitsWithFooter(t *testing.T, what, screen string, words *assets.Words) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	if len(lines) > 24 {
		t.Errorf("%s: %d lines at 80×24:\n%s", what, len(lines), screen)
	}
	for _, l := range lines {
		if lipgloss.Width(l) > 80 {
			t.Errorf("%s: a line of %d columns at 80×24: %q", what, lipgloss.Width(l), l)
		}
	}
	if quit := "ctrl+c " + words.T("ui.key_quit"); !strings.HasSuffix(strings.TrimSpace(lines[len(lines)-1]), quit) {
		t.Errorf("%s: the last line is not the footer with %q:\n%s", what, quit, screen)
	}
}

// On every screen of the happy path, in a classroom at 80×24, f2 opens the
// screen's notes over the body (header and footer stay) and f2 closes them;
// the step goes on as if nothing was pressed.
func TestPresenterNotesOpenAndCloseOnEveryStep(t *testing.T) {
	t.Parallel()
	w := classroomWorld(t)
	a := New(Options{Store: w.st, Env: w.env, Session: store.Session{ID: store.NewID()}, User: "tester"})
	h := newHarness(t, a, 80, 24)
	words := w.env.Words
	seen := map[string]bool{}
	inside := false
	h.afterDeliver = func() {
		screen := noteScreen(a.Step(), a.Session())
		if inside || seen[screen] || a.stepDone || a.saving() {
			return
		}
		inside = true
		defer func() { inside = false }()
		seen[screen] = true
		before := h.screen()
		if !strings.Contains(before, "f2 "+words.T("classroom.key_notes")) {
			t.Errorf("%s: the footer does not offer the notes:\n%s", screen, before)
		}
		h.deliver(keyF2)
		open := h.screen()
		for _, want := range []string{words.T("presenter.title", words.T("presenter."+screen+".name")),
			words.T("presenter.world"), words.T("presenter.mistakes"), words.T("presenter.guide"),
			words.T("ui.progress", steps.Position(a.Step().ID()), len(steps.Order), words.T("step."+string(a.Step().ID())))} {
			if !strings.Contains(flat(open), flat(want)) {
				t.Errorf("%s: the notes lack %q:\n%s", screen, want, open)
			}
		}
		fitsWithFooter(t, screen+" with its notes", open, words)
		h.deliver(keyF2)
		if got := h.screen(); strings.Contains(got, words.T("presenter.world")) {
			t.Errorf("%s: f2 did not close the notes:\n%s", screen, got)
		}
	}
	firstHalf(w, a, h)
	secondHalf(w, a, h)

	for _, id := range steps.Order {
		if !seen[string(id)] {
			t.Errorf("no notes were opened on %s", id)
		}
	}
	if !seen["display-name.review"] {
		t.Error("no notes were opened on the display name's second look")
	}
}

// Esc closes the notes without going back a step, and while they are open
// the step gets no key.
func TestPresenterNotesKeepKeysFromTheStep(t *testing.T) {
	t.Parallel()
	w := classroomWorld(t)
	a := New(Options{Store: w.st, Env: w.env, Session: store.Session{ID: store.NewID()}, User: "tester"})
	h := newHarness(t, a, 80, 24)
	acceptTermsAndFillAccount(h, testEmail)
	h.waitScreen("We sent a link to " + testEmail)
	h.deliver(keyF2)
	h.settle()
	h.deliver(keyMsg("c")) // "change address" on the step: kept from it
	h.settle()
	if a.Step().ID() != steps.VerifyEmail || !strings.Contains(h.screen(), "What people get wrong") {
		t.Fatalf("a key reached the step under the notes:\n%s", h.screen())
	}
	h.key("esc")
	if a.Step().ID() != steps.VerifyEmail || strings.Contains(h.screen(), "What people get wrong") ||
		!strings.Contains(h.screen(), "We sent a link to") {
		t.Fatalf("esc did not just close the notes:\n%s", h.screen())
	}
}

// Every note, in every language, fits the panel at 80×24 beside the header
// and the footer; every screen of steps.Order has one.
func TestEveryNoteFits80x24InEveryLanguage(t *testing.T) {
	for _, id := range steps.Order {
		if !slices.Contains(noteScreens, string(id)) {
			t.Errorf("step %s has no notes", id)
		}
	}
	for _, tag := range assets.Languages() {
		lang := tag.String()
		t.Run(lang, func(t *testing.T) {
			w := classroomWorld(t)
			words := assets.NewWords(lang)
			w.env.Words = words
			a := New(Options{Store: w.st, Env: w.env, Session: store.Session{ID: store.NewID()}, User: "tester"})
			h := newHarness(t, a, 80, 24)
			h.settle()
			h.deliver(keyF2)
			open := h.screen()
			fitsWithFooter(t, lang+" terms with its notes", open, words)
			// What the frame takes around the panel, as it is drawn.
			frame := lipgloss.Height(strings.TrimRight(a.Render(), "\n")) - lipgloss.Height(a.notesView("terms", 78))
			for _, screen := range noteScreens {
				for _, part := range []string{"name", "world", "mistakes", "guide"} {
					if k := "presenter." + screen + "." + part; !words.Has(k) {
						t.Errorf("%s lacks %s", lang, k)
					}
				}
				panel := a.notesView(screen, 78)
				if got := lipgloss.Height(panel) + frame; got > 24 {
					t.Errorf("%s %s: the notes take %d lines with the frame, more than 24:\n%s", lang, screen, got, panel)
				}
				for _, l := range strings.Split(panel, "\n") {
					if lipgloss.Width(l) > 78 {
						t.Errorf("%s %s: a line of %d columns: %q", lang, screen, lipgloss.Width(l), l)
					}
				}
			}
		})
	}
}

// A real signup shows nothing of the classroom: no keys in the footer, f2
// opens no notes, f4 does nothing on a wait, the sandbox is told nothing.
func TestClassroomIsHiddenInARealSignup(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := New(Options{Store: w.st, Env: w.env, Session: store.Session{ID: store.NewID()}, User: "tester"})
	h := newHarness(t, a, 80, 24)
	acceptTermsAndFillAccount(h, testEmail)
	h.waitScreen("We sent a link to " + testEmail)
	h.deliver(keyF2)
	h.deliver(keyF3)
	h.deliver(keyF4)
	h.settle()
	screen := h.screen()
	for _, no := range []string{"f2", "f3", "f4", "notes", "pace", "What people get wrong"} {
		if strings.Contains(screen, no) {
			t.Errorf("a real signup shows %q:\n%s", no, screen)
		}
	}
	if a.Step().ID() != steps.VerifyEmail {
		t.Fatalf("f4 moved a real signup on to %s", a.Step().ID())
	}
	if sh := w.sb.Server.Shown(); sh != nil {
		t.Errorf("a real signup told the sandbox its step: %+v", sh)
	}
	if p := w.sb.Server.Pace(); p.Activation != 100*time.Millisecond {
		t.Errorf("f3 changed the sandbox's pace in a real signup: %+v", p)
	}
}

// In the classroom, at the real pace, f4 on "Confirm your e-mail" and on the
// activation makes the sandbox do it at once, over HTTP; f3 switches the pace
// and says what it is; the sandbox knows the step on screen.
func TestNowAndPaceKeysAgainstTheSandbox(t *testing.T) {
	t.Parallel()
	w := classroomWorld(t)
	a := New(Options{Store: w.st, Env: w.env, Session: store.Session{ID: store.NewID()}, User: "tester"})
	h := newHarness(t, a, 80, 24)
	h.settle()
	words := w.env.Words

	// f3: the sandbox's pace (100 ms activation: "custom") becomes fast, then
	// real; it opens the notes, whose panel names the key and the pace.
	h.pump("the pace read", 10*time.Second, func() bool { return a.class.paceKnown })
	h.deliver(keyF3)
	h.pump("the fast pace", 10*time.Second, func() bool {
		return strings.Contains(flat(h.screen()), flat(words.T("classroom.pace_line", "fast", words.Duration(5*time.Second), words.Duration(2*time.Second))))
	})
	h.deliver(keyF3)
	h.pump("the real pace", 10*time.Second, func() bool {
		return strings.Contains(flat(h.screen()), flat(words.T("classroom.pace_line", "real", words.Duration(2*time.Minute), words.Duration(10*time.Minute))))
	})
	if p := w.sb.Server.Pace(); p.Name != sandbox.PaceReal {
		t.Fatalf("the sandbox's pace is %+v after f3, f3", p)
	}
	fitsWithFooter(t, "the pace on the notes", h.screen(), words)
	h.deliver(keyF2)

	acceptTermsAndFillAccount(h, testEmail)
	h.waitScreen("We sent a link to " + testEmail)
	h.pump("the sandbox told of the step", 10*time.Second, func() bool {
		sh := w.sb.Server.Shown()
		return sh != nil && sh.Step == string(steps.VerifyEmail) && sh.Position == 3 && sh.SignupID == a.Session().ID
	})
	if !strings.Contains(h.screen(), "f4 "+words.T("keys.classroom.now")) {
		t.Fatalf("the wait does not offer the now key:\n%s", h.screen())
	}
	h.deliver(keyF4) // no link clicked: the sandbox confirms the address now
	h.waitScreen("Type of organisation")

	// On to the activation, at the real pace (10 minutes): f4 ends it now.
	w.finishCompanyToSignup(a, h)
	upToCode(w, h)
	requestAndEnterCode(w, a, h)
	h.waitScreen("Set the two-step verification PIN")
	h.typeText(testPIN)
	h.key("enter")
	h.typeText(testPIN)
	h.key("enter")
	h.waitScreen("Waiting, checking with the provider")
	if act, err := w.env.Clients.Partner.GetActivation(t.Context(), a.Session().Phone.ID); err != nil || act.Status != client.ActivationPending {
		t.Fatalf("the activation at the real pace: %+v %v", act, err)
	}
	h.deliver(keyF4)
	h.waitScreen("Your Alpha Name code:")
}

// finishCompanyToSignup walks the company step and the number's questions on
// the new-number path and finishes the signup's pop-up.
func (w *world) finishCompanyToSignup(a *App, h *harness) {
	w.t.Helper()
	h.key("enter") // Company
	h.typeText("Anna Ivanova")
	h.key("enter")
	h.typeText("Acme Pharma")
	h.key("enter")
	h.waitScreen("Country of registration")
	h.key("enter") // Kazakhstan, from the env's region
	h.key("y")     // not a robot
	answerNumberQuestions(h, false, false, false)
	h.waitScreen("Waiting for the signup to finish in the browser")
	w.finishSignup(a, h, "FINISH")
	h.waitScreen("Step 7 of 12")
}

// The branch screens have notes of their own, told from the saved session and
// the form's focus.
func TestBranchScreensHaveTheirOwnNotes(t *testing.T) {
	w := classroomWorld(t)
	finished := store.Signup{Event: steps.EventFinish, PhoneNumberID: "1065", NumberStatus: "VERIFIED"}
	cases := []struct {
		want string
		id   steps.ID
		sess store.Session
	}{
		{"company.government", steps.Company, store.Session{Status: store.StatusWaiting,
			Company: store.Company{OrgType: steps.OrgGovernment, SavedAt: time.Now()}}},
		{"number-status.parked", steps.NumberStatus, store.Session{Status: store.StatusWaiting, Path: store.PathBlocked,
			Number: store.Number{OnBusinessApp: true}}},
		{"number-status.migration-parked", steps.NumberStatus, store.Session{Status: store.StatusWaiting, Path: store.PathBlocked,
			Number: store.Number{OnBusinessAPI: true}}},
		{"signup.migration", steps.Signup, store.Session{Path: store.PathMigration}},
		{"display-name.meta", steps.DisplayName, store.Session{Path: store.PathNew, Signup: finished}},
		{"activation.app", steps.Activation, store.Session{Path: store.PathNew,
			Signup: store.Signup{Event: steps.EventAppOnboarding, PhoneNumberID: "1065"}}},
		{"activation.declined", steps.Activation, store.Session{Path: store.PathNew, Activation: store.Activation{
			StartedAt: time.Now(), Status: client.ActivationFailed, Reason: client.ActivationNameDeclined}}},
		{"activation", steps.Activation, store.Session{Path: store.PathNew, Activation: store.Activation{StartedAt: time.Now()}}},
	}
	for _, c := range cases {
		if got := noteScreen(steps.New(c.id, w.env, c.sess), c.sess); got != c.want {
			t.Errorf("%s: notes of %q, want %q", c.id, got, c.want)
		}
		if !slices.Contains(noteScreens, c.want) {
			t.Errorf("%s is not among the screens with notes", c.want)
		}
	}
}

// The migration checklist, reached by answering as a user does, has its notes.
func TestMigrationChecklistNotes(t *testing.T) {
	t.Parallel()
	w := classroomWorld(t)
	a := New(Options{Store: w.st, Env: w.env, Session: store.Session{ID: store.NewID()}, User: "tester"})
	h := newHarness(t, a, 80, 24)
	upToNumberStatus(w, h, "company")
	answerNumberQuestions(h, true, false, false)
	h.waitScreen("Moving a number from another provider")
	h.deliver(keyF2)
	if !strings.Contains(h.screen(), "Presenter notes · Migration checklist") {
		t.Fatalf("the checklist's notes:\n%s", h.screen())
	}
}

// A sandbox whose controls cannot be reached never stops the wizard: the
// step told is dropped, f4 says it did not work and the wait goes on, f3
// says the pace was not changed.
func TestUnreachableControlsNeverStopTheWizard(t *testing.T) {
	t.Parallel()
	w := classroomWorld(t)
	w.env.Training = sandbox.Hints{BaseURL: "http://127.0.0.1:1"} // nothing listens there
	a := New(Options{Store: w.st, Env: w.env, Session: store.Session{ID: store.NewID()}, User: "tester"})
	h := newHarness(t, a, 80, 24)
	words := w.env.Words
	acceptTermsAndFillAccount(h, testEmail)
	h.waitScreen("We sent a link to " + testEmail)
	h.deliver(keyF4)
	h.pump("the now key's failure", 10*time.Second, func() bool {
		return strings.Contains(flat(h.screen()), "The sandbox did not do it now")
	})
	fitsWithFooter(t, "the now key's failure", h.screen(), words)
	h.deliver(keyF3)
	h.pump("the pace key's failure", 10*time.Second, func() bool {
		return strings.Contains(flat(h.screen()), "The pace was not changed")
	})
	fitsWithFooter(t, "the pace key's failure", h.screen(), words)
	h.deliver(keyF2)
	w.clickVerifyLink() // the wait went on: the link still moves it
	h.waitScreen("Type of organisation")
}

// The pace line says its durations in words of the user's language ("5 с",
// «2 мин»), never in Go's syntax ("5s", "2m0s").
func TestPaceLineInTheUserLanguage(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "ru", "kk"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			w := classroomWorld(t)
			words := assets.NewWords(lang)
			w.env.Words = words
			a := New(Options{Store: w.st, Env: w.env, Session: store.Session{ID: store.NewID(), Language: lang}, User: "tester"})
			h := newHarness(t, a, 80, 24)
			h.settle()
			h.pump("the pace read", 10*time.Second, func() bool { return a.class.paceKnown })
			for _, pace := range []struct {
				name, key        string
				email, activate  time.Duration
				goEmail, goActiv string
			}{
				{"fast", "classroom.pace_fast", 5 * time.Second, 2 * time.Second, "5s", "2s"},
				{"real", "classroom.pace_real", 2 * time.Minute, 10 * time.Minute, "2m0s", "10m0s"},
			} {
				h.deliver(keyF3)
				want := flat(words.T("classroom.pace_line", words.T(pace.key),
					words.Duration(pace.email), words.Duration(pace.activate)))
				h.pump("the "+pace.name+" pace", 10*time.Second, func() bool { return strings.Contains(flat(h.screen()), want) })
				for _, s := range []string{pace.goEmail, pace.goActiv} {
					if strings.Contains(flat(h.screen()), " "+s) {
						t.Errorf("%s: the pace line says %s:\n%s", pace.name, s, h.screen())
					}
				}
				fitsWithFooter(t, lang+" "+pace.name+" pace", h.screen(), words)
			}
		})
	}
}
