package main

// Tests of `wizard list` fitting the terminal (list_fit.go), as support staff
// meet it: the built wizard in a pseudo-terminal 80 and 60 columns wide, in
// English, Russian and Kazakh, lists signups with long names and long
// statuses, a demo signup and one that someone holds; no line is wider than
// the terminal and every row shows its id, step and status. Written to a
// pipe, or with --wide, the list is the full table.

import (
	"context"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"

	"wizard/assets"
	"wizard/store"
)

// fitFixture is fixture() and signups whose texts run long: a failed
// activation, company names in Latin and Cyrillic longer than any column, one
// in Chinese (two columns a character), and a trainer's demo signup.
func fitFixture() []store.Session {
	long := store.Session{ID: "PHRM-2345", Status: store.StatusActive, Step: "verify-email", CreatedAt: mins(6), UpdatedAt: mins(60),
		UpdatedBy: "gulnara.abdrakhmanova", Account: store.Account{Email: "registration.office@almaty-pharm-distribution.kz"},
		Company: store.Company{CompanyName: "Almaty Regional Pharmaceutical Distribution Company LLP"},
		Phone:   store.Phone{Country: "KZ", E164: "+77271234567", CC: "7", Number: "7271234567"}}
	cyr := store.Session{ID: "SHYG-2345", Status: store.StatusWaiting, WaitingReason: "Meta проверяет документы компании, обычно до двух рабочих дней",
		Step: "display-name", CreatedAt: mins(7), UpdatedAt: tNow.AddDate(0, -2, 0), UpdatedBy: "айгерім",
		Company: store.Company{CompanyName: "ТОО «Шығыс Қазақстан сауда-логистикалық компаниясы»"},
		Account: store.Account{Email: "info@shygys.kz"}}
	wide := store.Session{ID: "HANZ-2345", Status: store.StatusAbandoned, Step: "company", CreatedAt: mins(8), UpdatedAt: tNow.AddDate(-1, 0, 0),
		UpdatedBy: "li", Company: store.Company{CompanyName: "新疆丝绸之路国际贸易有限公司"}}
	demo := store.Session{ID: "DMQ7-2345", Demo: "wrong-code", Status: store.StatusActive, Step: "verify-code", CreatedAt: tNow, UpdatedAt: tNow,
		Company: store.Company{CompanyName: "Dala Foods"}}
	return append(fixture(), failedActivation(), long, cyr, wide, demo)
}

// fitData is a data file with fitFixture's signups, K7MQ-4XPD held by
// someone at work on it.
func fitData(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wizard.db")
	seed(t, path, fitFixture()...)
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Acquire(context.Background(), "K7MQ-4XPD", store.Holder{Who: "aigerim", Machine: "OFFICE-PC-3", PID: 4242}, time.Hour); err != nil {
		t.Fatal(err)
	}
	return path
}

// statusWord is the part of s's status the list always shows.
func statusWord(w *assets.Words, s store.Session) string {
	text, keep := statusCell(w, s)
	return ansi.Truncate(text, keep, "")
}

// checkFits fails unless every line of out fits in width columns, is valid
// UTF-8, and the table has a row for every signup with its id, step and status.
func checkFits(t *testing.T, what, out string, width int, w *assets.Words, sessions []store.Session) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for _, l := range lines {
		if n := ansi.StringWidth(l); n > width {
			t.Errorf("%s: a line %d columns wide, more than %d: %q", what, n, width, l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("%s: a character cut in two: %q", what, l)
		}
	}
	for _, s := range sessions {
		var row string
		for _, l := range lines {
			if strings.Contains(l, s.ID) {
				row = l
			}
		}
		if row == "" {
			t.Errorf("%s: no row for %s:\n%s", what, s.ID, out)
			continue
		}
		for _, want := range []string{stepText(w, s.Step), statusWord(w, s)} {
			if !strings.Contains(row, want) {
				t.Errorf("%s: the row of %s lacks %q: %q", what, s.ID, want, row)
			}
		}
	}
}

func TestListFitsTheTerminal(t *testing.T) {
	path := fitData(t)
	home := newPtyHome(t)
	sessions := fitFixture()
	for _, lang := range []string{"en", "ru", "kk"} {
		w := assets.NewWords(lang)
		header := strings.Split(w.T("list.header"), "\t")
		env := append(home.env(), "WIZARD_LANG="+lang, "LC_ALL=", "LC_MESSAGES=")
		for _, width := range []int{80, 60} {
			what := lang + " at " + strconv.Itoa(width)
			out := ptyOutput(t, width, env, "list", "--data", path)
			checkFits(t, what, out, width, w, sessions)
			flat := strings.Join(strings.Fields(out), " ")
			// The line under the table names what it left out, in the
			// header's words, and how to see everything.
			if !strings.Contains(flat, "wizard list --wide") || !strings.Contains(flat, "wizard show ID") {
				t.Errorf("%s: no line says how to see everything:\n%s", what, out)
			}
			// BY goes first; the one at work on a signup is still named.
			by := header[7]
			if !strings.Contains(out, by+",") && !strings.Contains(out, by+".") {
				t.Errorf("%s: the note does not say %s was left out:\n%s", what, by, out)
			}
			// Who is at work on a signup is shown, or the note says IN USE BY was left out.
			if inUse := header[8]; !strings.Contains(out, "aigerim") && !strings.Contains(flat, inUse+".") {
				t.Errorf("%s: neither who holds K7MQ-4XPD nor that %s was left out:\n%s", what, inUse, out)
			}
			if lang == "en" && width == 80 && !strings.Contains(out, "aigerim") {
				t.Errorf("%s: who holds K7MQ-4XPD is not shown:\n%s", what, out)
			}
			if !strings.Contains(out, "…") {
				t.Errorf("%s: nothing cut short:\n%s", what, out)
			}
		}
	}
}

// A terminal wide enough for the full table shows it all, but leaves out
// IN USE BY when nobody holds a signup; nothing is said under it.
func TestListInAWideTerminalIsWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wizard.db")
	seed(t, path, fixture()...)
	home := newPtyHome(t)
	out := ptyOutput(t, 200, home.env(), "list", "--data", path)
	w := assets.NewWords("en")
	checkFits(t, "en at 200", out, 200, w, fixture())
	if strings.Contains(out, "IN USE BY") || strings.Contains(out, "…") || strings.Contains(out, "--wide") {
		t.Errorf("at 200 columns:\n%s", out)
	}
	for _, want := range []string{"E-MAIL", "BY", "waiting: delete the WhatsApp Business app account first", w.DateTime(mins(10).Local())} {
		if !strings.Contains(out, want) {
			t.Errorf("at 200 columns, no %q:\n%s", want, out)
		}
	}
}

// Written to a pipe the list is the full table, as it always was; --wide in
// a terminal prints the very same.
func TestListPipedAndWideAreTheFullTable(t *testing.T) {
	path := fitData(t)
	home := newPtyHome(t)
	for _, lang := range []string{"en", "ru", "kk"} {
		env := append(home.env(), "WIZARD_LANG="+lang, "LC_ALL=", "LC_MESSAGES=")
		cmd := exec.Command(ptyBinary(t), "list", "--data", path)
		cmd.Env = env
		piped, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: wizard list | …: %v", lang, err)
		}
		w := assets.NewWords(lang)
		lines := strings.Split(strings.TrimRight(string(piped), "\n"), "\n")
		if len(lines) != len(fitFixture())+1 {
			t.Fatalf("%s: piped, %d lines:\n%s", lang, len(lines), piped)
		}
		for _, col := range strings.Split(w.T("list.header"), "\t") {
			if !strings.Contains(lines[0], col) {
				t.Errorf("%s: piped, the header %q lacks %s", lang, lines[0], col)
			}
		}
		for _, want := range []string{"Almaty Regional Pharmaceutical Distribution Company LLP", "registration.office@almaty-pharm-distribution.kz",
			"gulnara.abdrakhmanova", "aigerim", "OFFICE-PC-3"} {
			if !strings.Contains(string(piped), want) {
				t.Errorf("%s: piped, no %q:\n%s", lang, want, piped)
			}
		}
		if strings.Contains(string(piped), "…") || strings.Contains(string(piped), "--wide") {
			t.Errorf("%s: piped, shortened:\n%s", lang, piped)
		}
		wide := ptyOutput(t, 60, env, "list", "--wide", "--data", path)
		if wide != string(piped) {
			t.Errorf("%s: --wide in a terminal differs from the piped list:\n%s\npiped:\n%s", lang, wide, piped)
		}
	}
}

// Every width from very narrow to wide: lines fit wherever the ID, step and
// status can, and a cell is cut between characters, never inside one.
func TestFittedListAtEveryWidth(t *testing.T) {
	sessions := fitFixture()
	holds := map[string]store.Hold{"K7MQ-4XPD": {ID: "K7MQ-4XPD", Holder: store.Holder{Who: "aigerim", Machine: "OFFICE-PC-3"}, Since: tNow}}
	for _, lang := range []string{"en", "ru", "kk"} {
		w := assets.NewWords(lang)
		for width := 60; width <= 220; width++ {
			table, note := fittedList(w, tNow, width, sessions, holds)
			out := strings.Join(table, "\n") + "\n" + fitLines(note, width)
			checkFits(t, lang+" at "+strconv.Itoa(width), out, width, w, sessions)
		}
	}
}

func TestCutCell(t *testing.T) {
	for _, tc := range []struct {
		s           string
		width, keep int
		want        string
	}{
		{"Acme Trading LLP", 20, 0, "Acme Trading LLP"},
		{"Acme Trading LLP", 14, 0, "Acme Trading…"}, // at a word
		{"Acme Trading LLP", 8, 0, "Acme Tr…"},       // a word would keep too little: between characters
		{"Almaty Regional Pharmaceutical", 18, 0, "Almaty Regional…"},
		{"Pharmaceutical", 10, 0, "Pharmaceu…"}, // a word longer than the room: between characters
		{"waiting: delete the app", 16, 7, "waiting: delete…"},
		{"waiting: delete the app", 12, 7, "waiting…"},                                 // at a word, not "waiting: d…"
		{"waiting: delete the app", 4, 7, "waiting…"},                                  // never shorter than it
		{"新疆丝绸之路国际", 7, 0, "新疆丝…"},                                                     // two columns a character
		{"Қазақстан сауда", 8, 0, "Қазақст…"},                                          // a letter is never cut in two
		{"e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301", 4, 0, "e\u0301e\u0301e\u0301…"}, // nor an accent from its letter
	} {
		got := cutCell(tc.s, tc.width, tc.keep)
		if got != tc.want {
			t.Errorf("cutCell(%q, %d, %d) = %q, want %q", tc.s, tc.width, tc.keep, got, tc.want)
		}
		if ansi.StringWidth(got) > max(tc.width, tc.keep+1) {
			t.Errorf("cutCell(%q, %d, %d) = %q is %d columns", tc.s, tc.width, tc.keep, got, ansi.StringWidth(got))
		}
	}
}

// --watch follows the same rule: in a terminal 60 columns wide every list and
// every "as of" line fits.
func TestListWatchFitsTheTerminal(t *testing.T) {
	path := fitData(t)
	st, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out syncBuffer
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	ru := assets.NewWords("ru")
	opts := &listOptions{IO: ioStreams{Out: &out, ErrOut: &out}, Words: ru, Watch: true, Context: ctx, Now: fixedNow,
		Width: func() int { return 60 }, OpenStore: func() (dataStore, error) { return st, nil }}
	go func() { done <- runList(opts) }()
	asOf := strings.Fields(ru.T("cli.list.watching", ""))[0]
	waitFor(t, "the first list", func() bool { return strings.Contains(out.String(), asOf) })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("list --watch ended with %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("list --watch did not end when its context did")
	}
	checkFits(t, "ru --watch at 60", out.String(), 60, ru, fitFixture())
}

// --watch in a terminal made narrower prints the list again, fitted to the
// new width, without waiting for a signup to change.
func TestListWatchFollowsAResizedTerminal(t *testing.T) {
	path := fitData(t)
	home := newPtyHome(t)
	cmd := exec.Command(ptyBinary(t), "list", "--watch", "--data", path)
	cmd.Env = home.env()
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	var out syncBuffer
	go func() { _, _ = io.Copy(&out, ptmx) }()
	asOf := strings.Fields(assets.NewWords("en").T("cli.list.watching", ""))[0] + " "
	waitFor(t, "the first list", func() bool { return strings.Count(out.String(), asOf) == 1 })
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 60}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the list again after the resize", func() bool { return strings.Count(out.String(), asOf) >= 2 })
	screens := strings.Split(out.String(), "\x1b[H\x1b[2J")
	last := ansi.Strip(strings.ReplaceAll(screens[len(screens)-1], "\r\n", "\n"))
	checkFits(t, "--watch resized to 60", last, 60, assets.NewWords("en"), fitFixture())
	first := ansi.Strip(strings.ReplaceAll(screens[len(screens)-2], "\r\n", "\n"))
	if header := func(s string) string { return strings.SplitN(s, "\n", 2)[0] }; !strings.Contains(header(first), "NUMBER") || strings.Contains(header(last), "NUMBER") {
		t.Errorf("at 120 columns, then at 60:\n%s\nthen:\n%s", first, last)
	}
}

// Shortened, UPDATED is the time for today, the day for this year, the day and
// year before, in the language's way of writing them.
func TestShortDay(t *testing.T) {
	today := time.Date(2025, 3, 14, 18, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		lang string
		when time.Time
		want string
	}{
		{"en", time.Date(2025, 3, 14, 9, 5, 0, 0, time.UTC), "09:05"},
		{"en", time.Date(2025, 1, 2, 9, 5, 0, 0, time.UTC), "2 Jan"},
		{"en", time.Date(2024, 12, 31, 9, 5, 0, 0, time.UTC), "31 Dec 2024"},
		{"ru", time.Date(2025, 1, 2, 9, 5, 0, 0, time.UTC), "02.01"},
		{"kk", time.Date(2024, 12, 31, 9, 5, 0, 0, time.UTC), "31.12.2024"},
	} {
		if got := shortDay(assets.NewWords(tc.lang), tc.when, today); got != tc.want {
			t.Errorf("%s %v: %q, want %q", tc.lang, tc.when, got, tc.want)
		}
	}
}
