package plain

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"wizard/steps/picker"
	"wizard/termsafe"
)

// answer turns a line into the key presses the question on screen needs and
// hands them to the shell, in order, as a terminal would.
func (f *Front) answer(line string) []tea.Cmd {
	s := f.read()
	return f.press(s, line, f.keysFor(s, line))
}

// then is what a reply's keys do to the question.
type then int

const (
	// answers: the keys answer the question; the next line is read once
	// another question is asked (or this one refuses the answer).
	answers then = iota
	// again: the keys change the question (ticks, a list cleared of its
	// search): it is put again, as it is now.
	again
	// search: the keys search a long list: the list is put again with what
	// matches, or the one match is taken.
	search
)

// reply is what a line means for the question on screen.
type reply struct {
	keys []tea.KeyPressMsg // nil: the line is not taken, and the question is put again
	say  []string          // what to say first
	then then
}

// press sends the reply's keys to the shell and notes which question they
// answered. With no keys the line is not taken: the front says why and asks
// again.
func (f *Front) press(s screen, line string, r reply) []tea.Cmd {
	if len(r.say) > 0 {
		f.out.say(r.say...)
	}
	if r.keys == nil {
		f.prompt = "" // put the question again
		return nil
	}
	var cmds []tea.Cmd
	quiet := true // no key gave the shell anything to do
	send := func(keys []tea.KeyPressMsg) {
		for _, k := range keys {
			_, cmd := f.app.Update(k)
			if cmd != nil {
				quiet = false
				cmds = append(cmds, cmd)
			}
		}
	}
	send(r.keys)
	switch r.then {
	case search:
		if after := f.read(); after.field == s.field {
			if l, ok := after.field.(*picker.List); ok {
				if labels, _ := l.Shown(); len(labels) == 1 {
					f.say(labels[0])
					f.await = s.id
					send([]tea.KeyPressMsg{named("enter")})
					return cmds
				}
				if l.FilterValue() == "" {
					// Nothing matched: the list dropped the search and shows everything again.
					f.out.say(f.words.T("accessible.no_match"))
				}
			}
		}
		f.prompt = "" // the list again, with what matches
		return cmds
	case again:
		f.prompt = ""
		return cmds
	}
	if s.field == nil && quiet {
		// A key screen that took the key and did nothing with it: say so and
		// what it takes, rather than wait for a change that will not come.
		if after := f.read(); after.step == s.step && after.id == s.id && !after.settling {
			if strings.TrimSpace(line) == "" {
				f.out.say(f.words.T("accessible.empty_changes_nothing"))
			} else {
				f.out.say(f.words.T("accessible.changes_nothing", termsafe.Line(strings.TrimSpace(line))))
			}
			f.prompt = ""
			return cmds
		}
	}
	f.await = s.id
	return cmds
}

// keys is a reply of keys that answer the question.
func keys(k ...tea.KeyPressMsg) reply { return reply{keys: k} }

// refuse is a reply that takes no key: say, then ask again.
func refuse(say ...string) reply { return reply{say: say} }

// keysFor is what line means for the question of s: key presses, or (when
// the line cannot answer it) what to say before asking again.
func (f *Front) keysFor(s screen, line string) reply {
	t := strings.TrimSpace(line)
	if f.isWord(t, "accessible.back_words") {
		if k, _ := f.app.Back(); k != "" {
			return keys(named(k))
		}
		switch s.field.(type) {
		case *huh.Input, *huh.Text: // no step to go back to: it is the answer
		default:
			return refuse(f.words.T("accessible.no_back"))
		}
	}
	if s.field == nil {
		if t == "" {
			return keys(named("enter"))
		}
		for _, k := range s.keys {
			for _, name := range strings.Split(k.key, "/") {
				if strings.EqualFold(t, name) {
					return keys(named(t))
				}
			}
		}
		if shellKey(t) {
			return keys(named(t))
		}
		return refuse(f.words.T("accessible.unknown_key", termsafe.Line(line)))
	}
	switch fld := s.field.(type) {
	case *huh.Input, *huh.Text:
		if line == "" {
			return keys(named("enter"))
		}
		k := []tea.KeyPressMsg{named("end"), named("ctrl+u")}
		return keys(append(append(k, runes(line)...), named("enter"))...)
	case *huh.Note:
		return keys(named("enter"))
	case *huh.Confirm:
		yes, no, _ := buttons(s.block)
		switch {
		case t == "":
			return keys(named("enter"))
		case t == "1" || f.isWord(t, "accessible.yes_words") || strings.EqualFold(t, yes):
			return keys(named("y"))
		case t == "2" || f.isWord(t, "accessible.no_words") || strings.EqualFold(t, no):
			return keys(named("n"))
		case shellKey(t):
			return keys(named(t))
		}
		return refuse(f.words.T("accessible.not_yes_no", termsafe.Line(yes), termsafe.Line(no)))
	case *huh.MultiSelect[string]:
		return f.ticksFor(s, t)
	case *picker.List:
		return f.pickFor(fld, t)
	default:
		_, opts, cur := options(s.block)
		if t == "" {
			return keys(named("enter"))
		}
		if n, err := strconv.Atoi(t); err == nil {
			if n < 1 || n > len(opts) {
				return refuse(f.words.T("accessible.bad_number", len(opts)))
			}
			return keys(moveTo(n-1, cur)...)
		}
		if shellKey(t) {
			return keys(named(t))
		}
		if f.isWord(t, "accessible.list_words") {
			return refuse() // every option is said when it is asked again
		}
		var match []int
		for i, o := range opts {
			if strings.Contains(strings.ToLower(o), strings.ToLower(t)) {
				match = append(match, i)
			}
		}
		if len(match) != 1 {
			return refuse(f.words.T("accessible.bad_number", len(opts)))
		}
		return keys(moveTo(match[0], cur)...)
	}
}

// pickFor is what t means for a long list (steps/picker): a number of the
// options it offers now, the word that says them all, or part of a name to
// search for.
func (f *Front) pickFor(l *picker.List, t string) reply {
	labels, cur := l.Shown()
	switch {
	case t == "":
		return keys(named("enter"))
	case f.isWord(t, "accessible.list_words"):
		f.listing = true
		if l.FilterValue() != "" {
			return reply{keys: []tea.KeyPressMsg{named("esc")}, then: again} // the search is cleared
		}
		return refuse()
	case shellKey(t):
		return keys(named(t))
	}
	if n, err := strconv.Atoi(t); err == nil {
		if n < 1 || n > len(labels) {
			return refuse(f.words.T("accessible.bad_number", len(labels)))
		}
		return keys(moveTo(n-1, cur)...)
	}
	// A search: the list then shows what matches and is asked again (with
	// one match, that one is taken: see press).
	var k []tea.KeyPressMsg
	if l.FilterValue() != "" {
		k = append(k, named("esc")) // the last search is cleared first
	}
	return reply{keys: append(append(append(k, named("/")), runes(t)...), named("esc")), then: search}
}

// ticksFor is what t means for a checklist (huh's MultiSelect): numbers tick
// or untick those items, the word for all ticks every item, and an empty line
// submits it (saying first what is left unticked).
func (f *Front) ticksFor(s screen, t string) reply {
	_, items, ticked, cur := checks(s.block)
	switch {
	case t == "":
		r := keys(named("enter"))
		if left := f.unticked(items, ticked); left != "" {
			r.say = []string{left}
		}
		return r
	case shellKey(t):
		return keys(named(t))
	}
	var toggle []int
	if f.isWord(t, "accessible.all_words") {
		for i, on := range ticked {
			if !on {
				toggle = append(toggle, i)
			}
		}
		if len(toggle) == 0 {
			return refuse(f.words.T("accessible.all_ticked"))
		}
	} else {
		for _, w := range strings.FieldsFunc(t, func(r rune) bool { return r == ' ' || r == ',' || r == ';' }) {
			n, err := strconv.Atoi(w)
			if err != nil || n < 1 || n > len(items) {
				return refuse(f.words.T("accessible.bad_checks", len(items), f.word("accessible.all_words")))
			}
			toggle = append(toggle, n-1)
		}
	}
	var k []tea.KeyPressMsg
	if cur < 0 { // no cursor read: from the top
		k, cur = append(k, named("home")), 0
	}
	for _, i := range toggle {
		k = append(k, moves(i, cur)...)
		k = append(k, named("x"))
		cur = i
	}
	return reply{keys: k, then: again}
}

// unticked says which items of a checklist are not ticked ("" when all are).
func (f *Front) unticked(items []string, ticked []bool) string {
	var left []string
	for i, it := range items {
		if !ticked[i] {
			left = append(left, f.words.T("accessible.option", i+1, termsafe.Line(it)))
		}
	}
	if len(left) == 0 {
		return ""
	}
	return f.words.T("accessible.unticked", strings.Join(left, "; "))
}

// word is the first of the catalog's words for key: the one to tell the user.
func (f *Front) word(key string) string {
	w, _, _ := strings.Cut(f.words.T(key), ",")
	return strings.TrimSpace(w)
}

// moveTo is the keys that move a list's cursor from the option shown at cur
// to the one shown at to, and choose it. The moves are counted from the
// cursor (a long list shows only some of its options).
func moveTo(to, cur int) []tea.KeyPressMsg {
	return append(moves(to, cur), named("enter"))
}

// moves is the keys that move a list's cursor from cur to to.
func moves(to, cur int) []tea.KeyPressMsg {
	var keys []tea.KeyPressMsg
	for ; cur < to; cur++ {
		keys = append(keys, named("down"))
	}
	for ; cur > to; cur-- {
		keys = append(keys, named("up"))
	}
	return keys
}

// isWord reports whether t is one of the catalog's words for key (a list
// separated by commas, e.g. "y,yes").
func (f *Front) isWord(t, key string) bool {
	for _, w := range strings.Split(f.words.T(key), ",") {
		if strings.EqualFold(strings.TrimSpace(w), t) {
			return true
		}
	}
	return false
}

// shellKey: the keys of the shell itself, which every question takes as typed
// (back, save again, quit).
func shellKey(t string) bool {
	switch strings.ToLower(t) {
	case "esc", "shift+tab", "ctrl+r", "ctrl+c":
		return true
	}
	return false
}

// runes are the key presses that type s.
func runes(s string) []tea.KeyPressMsg {
	var keys []tea.KeyPressMsg
	for _, r := range s {
		if r == ' ' {
			keys = append(keys, tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
			continue
		}
		keys = append(keys, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return keys
}

// named is the key press a key's name stands for: "enter", "ctrl+u", "y".
func named(name string) tea.KeyPressMsg {
	name = strings.ToLower(name)
	var mod tea.KeyMod
	for {
		switch {
		case strings.HasPrefix(name, "ctrl+"):
			mod |= tea.ModCtrl
			name = name[5:]
			continue
		case strings.HasPrefix(name, "alt+"):
			mod |= tea.ModAlt
			name = name[4:]
			continue
		case strings.HasPrefix(name, "shift+"):
			mod |= tea.ModShift
			name = name[6:]
			continue
		}
		break
	}
	codes := map[string]rune{"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "space": tea.KeySpace,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight, "home": tea.KeyHome,
		"end": tea.KeyEnd, "backspace": tea.KeyBackspace, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown}
	if c, ok := codes[name]; ok {
		return tea.KeyPressMsg{Code: c, Mod: mod}
	}
	r := []rune(name)
	if len(r) != 1 {
		return tea.KeyPressMsg{}
	}
	k := tea.KeyPressMsg{Code: r[0], Mod: mod}
	if mod == 0 {
		k.Text = name
	}
	return k
}
