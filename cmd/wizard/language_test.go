package main

import (
	"bytes"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"wizard/assets"
	"wizard/store"
)

// envOf is a Getenv of the given settings only.
func envOf(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// The language is --lang, then WIZARD_LANG, then LC_ALL, LC_MESSAGES, LANG;
// a locale without a catalog, or C/POSIX, gets English.
func TestLanguageChoiceOrder(t *testing.T) {
	for _, c := range []struct {
		flag string
		env  []string
		want string
	}{
		{"", nil, "en"},
		{"kk", []string{"WIZARD_LANG", "ru", "LANG", "en_US.UTF-8"}, "kk"},
		{"ru_RU.UTF-8", nil, "ru"},
		{"", []string{"WIZARD_LANG", "kk", "LC_ALL", "ru_RU.UTF-8"}, "kk"},
		{"", []string{"LC_ALL", "kk_KZ.UTF-8", "LC_MESSAGES", "ru_RU.UTF-8", "LANG", "en_US.UTF-8"}, "kk"},
		{"", []string{"LC_MESSAGES", "ru_RU.UTF-8", "LANG", "en_US.UTF-8"}, "ru"},
		{"", []string{"LANG", "kk_KZ.UTF-8"}, "kk"},
		{"", []string{"LC_ALL", "C", "LANG", "ru_RU.UTF-8"}, "ru"},
		{"", []string{"LANG", "de_DE.UTF-8"}, "en"},
	} {
		f := &factory{Getenv: envOf(c.env...)}
		f.flags.lang = c.flag
		if got := f.Words().Language().String(); got != c.want {
			t.Errorf("--lang %q, env %v: %s, want %s", c.flag, c.env, got, c.want)
		}
	}
}

// A --lang or WIZARD_LANG that no catalog speaks is a usage error (exit 2)
// that names the languages there are, in the locale's language; nothing runs.
func TestUnknownLanguageIsAUsageError(t *testing.T) {
	path := seeded(t)
	t.Setenv("WIZARD_LANG", "")
	r := wiz(t, "list", "--data", path, "--lang", "de")
	mustFail(t, r, 2, "--lang de", "en (English)", "ru (русский)", "kk (қазақ тілі)")
	if r.stdout != "" {
		t.Errorf("list ran anyway:\n%s", r.stdout)
	}

	t.Setenv("WIZARD_LANG", "uz")
	mustFail(t, wiz(t, "show", "K7MQ-4XPD", "--data", path), 2, "WIZARD_LANG=uz", "kk (қазақ тілі)")
	t.Setenv("LANG", "ru_RU.UTF-8")
	mustFail(t, wiz(t, "list", "--data", path), 2, "WIZARD_LANG=uz", "На этом языке мастер не говорит")

	// --lang wins over WIZARD_LANG, so a good flag mends a bad variable.
	mustOK(t, wiz(t, "list", "--data", path, "--lang", "en"))
	t.Setenv("WIZARD_LANG", "kk_KZ.UTF-8")
	mustOK(t, wiz(t, "list", "--data", path))
}

// A signup is worked in its own language unless --lang or WIZARD_LANG says otherwise.
func TestSessionWords(t *testing.T) {
	for _, c := range []struct {
		flag, wizardLang, session string
		want                      string
	}{
		{"", "", "kk", "kk"},
		{"", "", "", "en"},
		{"ru", "", "kk", "ru"},
		{"", "en", "kk", "en"},
		{"", "", "xx", "en"}, // from a wizard that knew more languages: the locale's
	} {
		f := &factory{Getenv: envOf("WIZARD_LANG", c.wizardLang, "LANG", "en_US.UTF-8")}
		f.flags.lang = c.flag
		if got := f.SessionWords(store.Session{Language: c.session}).Language().String(); got != c.want {
			t.Errorf("--lang %q, WIZARD_LANG %q, a signup in %q: %s, want %s", c.flag, c.wizardLang, c.session, got, c.want)
		}
	}
}

// 'wizard show' says which language a signup was worked in.
func TestShowSaysTheLanguage(t *testing.T) {
	path := tempData(t)
	s := fixture()[0]
	s.Language = "ru"
	seed(t, path, s)
	r := wiz(t, "show", s.ID, "--data", path)
	mustOK(t, r)
	if !strings.Contains(r.stdout, "Language") || !strings.Contains(r.stdout, "русский (ru)") {
		t.Errorf("show does not say the signup is in Russian:\n%s", r.stdout)
	}
	r = wiz(t, "show", s.ID, "--data", path, "--lang", "kk")
	mustOK(t, r)
	if !strings.Contains(r.stdout, assets.NewWords("kk").T("cli.show.language")) {
		t.Errorf("show --lang kk does not name the language in Kazakh:\n%s", r.stdout)
	}
}

// In a real terminal: a signup started with --lang kk is saved as Kazakh;
// 'wizard resume' in an English locale shows it in Kazakh again, --lang ru
// and WIZARD_LANG=en show it in those, and 'wizard show' names the language.
func TestResumeKeepsTheSignupsLanguage(t *testing.T) {
	ptySlow(t, "three runs of the wizard in a terminal, in three languages")
	kk, ru, en := assets.NewWords("kk"), assets.NewWords("ru"), assets.NewWords("en")
	home := newPtyHome(t)
	first := ptyStart(t, home, "wizard --lang kk", "--lang", "kk")
	first.WaitFor(kk.T("terms.question"))
	first.Key("y")
	first.WaitFor(kk.T("account.email"))
	id := first.WaitForMatch(regexp.MustCompile(`\b([2-9A-Z]{4}-[2-9A-Z]{4})\b`))[1] // the header says "қосылу ID"
	first.Key("ctrl+c")
	if code := first.ExitCode(10 * time.Second); code != 0 {
		first.Fatalf("exit code %d after ctrl+c", code)
	}
	if s, _ := ptyLoad(t, home.DefaultDataFile(), id); s.Language != "kk" {
		t.Fatalf("the signup is saved with the language %q, want kk", s.Language)
	}

	for _, c := range []struct {
		name  string
		extra []string
		args  []string
		want  string
	}{
		{"resume (LANG=en_US)", nil, []string{"resume", id}, kk.T("account.email")},
		{"resume --lang ru", nil, []string{"resume", id, "--lang", "ru"}, ru.T("account.email")},
		{"WIZARD_LANG=en resume", []string{"WIZARD_LANG=en"}, []string{"resume", id}, en.T("account.email")},
	} {
		home.extra = c.extra
		p := ptyStart(t, home, c.name, c.args...)
		p.WaitFor("┃ " + c.want)
		p.Key("ctrl+c")
		if code := p.ExitCode(10 * time.Second); code != 0 {
			p.Fatalf("exit code %d after ctrl+c", code)
		}
	}
	home.extra = nil
	var out bytes.Buffer
	cmd := exec.Command(ptyBinary(t), "show", id)
	cmd.Env, cmd.Dir, cmd.Stdout = home.env(), home.dir, &out
	if err := cmd.Run(); err != nil || !strings.Contains(out.String(), "қазақ тілі (kk)") {
		t.Fatalf("show %s: %v\n%s", id, err, out.String())
	}
}

// 'wizard list' and 'wizard show' write dates in the user's language.
func TestListAndShowDatesInTheLanguage(t *testing.T) {
	path := seeded(t) // updated in March 2025
	for _, c := range []struct{ lang, date string }{
		{"en", " March 2025, "}, {"ru", " марта 2025, "}, {"kk", "2025 жылғы "},
	} {
		for _, args := range [][]string{{"list"}, {"show", "K7MQ-4XPD"}} {
			r := wiz(t, append(args, "--data", path, "--lang", c.lang)...)
			mustOK(t, r)
			if !strings.Contains(r.stdout, c.date) || strings.Contains(r.stdout, "2025-03-14 ") { // the saved fields stay as saved (RFC 3339)
				t.Errorf("%s --lang %s: no date written as %q:\n%s", args[0], c.lang, c.date, r.stdout)
			}
		}
	}
}
