package main

// The made-up company of `wizard demo --at` answers in the signup's
// language: its description (prose) is the catalog's; its names, e-mail and
// number stay as they are.

import (
	"strings"
	"testing"
	"time"

	"wizard/assets"
	"wizard/client/sandbox"
	"wizard/steps"
	"wizard/store"
)

func TestDemoCompanyDescribesItselfInTheSignupLanguage(t *testing.T) {
	t.Parallel()
	r := startDemoSandbox(t, "")
	sc, _ := sandbox.FindScenario("happy")
	for _, lang := range []string{"en", "ru", "kk"} {
		sess := store.Session{ID: store.NewID(), Demo: "happy", Language: lang}
		if err := seedDemo(t.Context(), seedOptions{Env: demoEnv(r), Sandbox: r, Scenario: sc, Now: time.Now, Who: "trainer"},
			&sess, steps.Phone); err != nil {
			t.Fatalf("%s: --at phone: %v", lang, err)
		}
		want := assets.NewWords(lang).T("demo_company.description")
		if sess.Profile.Description != want {
			t.Errorf("%s: the description is %q, want %q", lang, sess.Profile.Description, want)
		}
		if lang != "en" && want == assets.NewWords("en").T("demo_company.description") {
			t.Errorf("%s: the description is the English one", lang)
		}
		if sess.Company.CompanyName != demoCompany || sess.Company.FullName != demoFullName || sess.Profile.Website != demoWebsite {
			t.Errorf("%s: the names changed: %+v %+v", lang, sess.Company, sess.Profile)
		}
		if err := store.ValidateSession(sess, nil, time.Now().Add(time.Minute)); err != nil {
			t.Errorf("%s: the made-up signup would not be saved: %v", lang, err)
		}
	}
}

// `wizard demo happy --at display-name --lang ru`: the display-name screen
// shows the Russian description, and the demo signup keeps it.
func TestDemoAtDisplayNameInRussian(t *testing.T) {
	t.Parallel()
	ptyParallel <- struct{}{}
	defer func() { <-ptyParallel }()
	home := newPtyHome(t)
	want := assets.NewWords("ru").T("demo_company.description")
	p := ptyStart(t, home, "wizard demo", "demo", "happy", "--at", "display-name", "--lang", "ru")
	p.WaitFor("> Dala Foods")
	p.Key("enter") // to the category
	p.WaitFor("> Другое")
	p.Key("enter") // to the description, below them
	p.WaitFor(strings.Join(strings.Fields(want)[:2], " "))
	p.Key("ctrl+c")
	if code := p.ExitCode(10 * time.Second); code != 0 {
		p.Fatalf("ctrl+c: exit code %d, want 0", code)
	}
	_, s := onlyDemo(t, home)
	if s.Language != "ru" || s.Profile.Description != want {
		t.Fatalf("saved: language %q, description %q, want ru and %q", s.Language, s.Profile.Description, want)
	}
}
