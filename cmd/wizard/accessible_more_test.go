package main

import (
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"wizard/store"
)

// The migration path of issue 13 in the line-by-line mode, from answers on a
// pipe, on the built-in sandbox: a number on the Business API at another
// provider → the pre-flight checklist → Embedded Signup in migration mode →
// the PIN that registers it → activation → alpha name → done. On the way it
// meets what a screen-reader user needs besides the questions:
//   - the country list (~250 names) is not cut to the rows a screen shows: the
//     wizard says how many there are and how to find one, and "list" prints
//     every one, numbered; a number from that list chooses it;
//   - each question where going back is possible says which line goes back,
//     and "back" shows the previous step again with its answers (where it is
//     not possible, "back" says so);
//   - the checklist is read as numbered ticks ("[x] 1. …"), "1 3" ticks two,
//     "all" ticks the rest; submitting with items left says which, and the
//     checklist keeps its ticks when the answers are changed;
//   - a key screen where the answer changes nothing (Enter on the signup
//     wait) says so and says the choices again, instead of waiting silently.
func TestAccessibleWalksTheMigrationPathFromAPipe(t *testing.T) {
	path := tempData(t)
	a := newPtyAnswers(t, rand.New(rand.NewPCG(13, 5)))
	r := startLines(t, []string{"TERM=xterm-256color", "ACCESSIBLE="}, "--accessible", "--data", path)

	r.see("Line-by-line mode")
	r.answer("back") // nothing before the terms
	r.see("Going back is not possible from here.")
	r.see(`Type y for "Allow All"`) // asked again
	r.answer("", a.Email, a.Password, a.Password, "", "1", a.FullName, a.Company)

	// The country: every one of them is offered, none hidden below a window.
	r.see("Country of registration")
	count, err := strconv.Atoi(r.waitFor(regexp.MustCompile(`This list has (\d+) choices; chosen now: [^.]+\. .* "list" to list them all`))[1])
	if err != nil || count < 200 {
		t.Fatalf("the country list says it has %d choices (%v)", count, err)
	}
	r.answer("list")
	kz := r.waitFor(regexp.MustCompile(`(?m)^(\d+)\. Kazakhstan$`))[1]
	r.waitFor(regexp.MustCompile(`(?m)^` + strconv.Itoa(count) + `\. \S`)) // the last one is said too
	if out := r.output(); regexp.MustCompile(`(?m)^`+strconv.Itoa(count+1)+`\. `).MatchString(out) ||
		!regexp.MustCompile(`(?m)^1\. Afghanistan( \(chosen now\))?$`).MatchString(out) {
		t.Errorf("'list' does not say exactly the %d countries, from the first", count)
	}
	r.answer(kz)
	r.see("I am not a robot")
	r.answer("y")

	// Back from the first number question to the company details, kept.
	r.see("Step 5 of 12")
	r.see("Is this number connected to the WhatsApp Business API?")
	r.see(`To go back to the previous step ("Company details"), type "back".`)
	r.answer("back")
	r.see("Step 4 of 12")
	r.see("Type of organisation")
	r.answer("") // each answer as it is
	r.see("Now: " + a.FullName)
	r.answer("")
	r.see("Now: " + a.Company)
	r.answer("")
	r.see("chosen now: Kazakhstan")
	r.answer("", "y")
	r.see("Step 5 of 12")

	// On the Business API: the checklist.
	r.see("Is this number connected to the WhatsApp Business API?")
	r.answer("2")
	r.see("[ ] 1. The Meta business account is verified")
	r.see("[ ] 5. It is not a WhatsApp test number")
	r.see("An empty line submits the list as it is.")
	r.answer("1 3")
	r.waitFor(regexp.MustCompile(`\[x\] 1\. .*\n\[ \] 2\. .*\n\[x\] 3\. .*\n\[ \] 4\. .*\n\[ \] 5\. `))
	r.answer("9") // not an item
	r.see("Type item numbers from 1 to 5")
	r.answer("") // submitted with three left
	r.see("Not ticked yet: 2. The current account is approved and can be billed; 4. ")
	r.see("Confirm number details")
	r.answer("n") // Change answers: the questions again, the ticks kept
	r.see("2. Yes, it is on the WhatsApp Business API (chosen now)")
	r.answer("")
	r.waitFor(regexp.MustCompile(`\[x\] 1\. .*\n\[ \] 2\. .*\n\[x\] 3\. `))
	r.answer("all")
	r.waitFor(regexp.MustCompile(`\[x\] 1\. .*\n\[x\] 2\. .*\n\[x\] 3\. .*\n\[x\] 4\. .*\n\[x\] 5\. `))
	r.answer("", "") // submitted; Confirm
	r.see("Step 6 of 12")
	link := r.waitFor(lineSignupURL)[0]
	r.see("Type one of these keys")
	r.answer("") // Enter does nothing on this wait
	r.see("An empty line (Enter) was not understood here: it changes nothing.")
	r.see("Type one of these keys and press Enter")
	finishSignupAsBrowser(t, link)

	// The number moved with its display name and verification: only the PIN.
	r.see("Step 9 of 12")
	r.see("PIN")
	r.answer(a.PIN, a.PIN)
	r.see("Step 10 of 12")
	r.see("Your Alpha Name code:")
	r.answer("")
	r.see("Step 11 of 12")
	r.see("Country")
	r.answer("") // the company's country
	r.see("Saved: ")
	r.answer("")
	r.see("Step 12 of 12")
	r.see("All done")
	r.answer("")
	id := r.waitFor(regexp.MustCompile(`Signup ([2-9A-Z]{4}-[2-9A-Z]{4}) is complete`))[1]
	if code := r.exit(); code != 0 {
		t.Fatalf("exit %d at the end of the migration, want 0", code)
	}
	out := r.output()
	if strings.Contains(out, a.Password) || strings.Contains(out, a.PIN) {
		t.Errorf("the output shows a secret")
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("the output has escape sequences")
	}
	for _, skipped := range []string{"Step 7 of 12", "Step 8 of 12"} {
		if strings.Contains(out, skipped) {
			t.Errorf("the migration shows %q: the display name and the number move with it", skipped)
		}
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
	if s.Status != store.StatusDone || s.Path != store.PathMigration || !s.Number.OnBusinessAPI ||
		s.Company.Country != a.Country || s.Company.FullName != a.FullName || s.Code.RegisteredAt.IsZero() || !s.Code.VerifiedAt.IsZero() {
		t.Errorf("wizard show %s: status %s, path %s, on the API %v, country %s, registered %v, verified %v; want a done migration",
			id, s.Status, s.Path, s.Number.OnBusinessAPI, s.Company.Country, s.Code.RegisteredAt, s.Code.VerifiedAt)
	}
}
