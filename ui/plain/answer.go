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
	keys, say := f.keysFor(s, line)
	return f.press(s, keys, say...)
}

// searchMark, as what to say, marks keys that search a long list: the list
// is asked again with what matches, or the one match is taken.
const searchMark = "\x00search"

// press sends keys to the shell and notes which question they answered. With
// no keys the line is not taken: the front says why (say) and asks again.
func (f *Front) press(s screen, keys []tea.KeyPressMsg, say ...string) []tea.Cmd {
	search := len(say) == 1 && say[0] == searchMark
	if !search && len(say) > 0 {
		f.out.say(say...)
	}
	if keys == nil {
		f.prompt = "" // put the question again
		return nil
	}
	var cmds []tea.Cmd
	send := func(keys []tea.KeyPressMsg) {
		for _, k := range keys {
			_, cmd := f.app.Update(k)
			cmds = append(cmds, cmd)
		}
	}
	send(keys)
	if search {
		if after := f.read(); after.field == s.field {
			if _, opts, _ := options(after.block); len(opts) == 1 {
				f.say(opts[0])
				f.await = s.id
				send([]tea.KeyPressMsg{named("enter")})
				return cmds
			}
			if l, ok := after.field.(*picker.List); ok && l.FilterValue() == "" {
				// Nothing matched: the list dropped the search and shows everything again.
				f.out.say(f.words.T("accessible.no_match"))
			}
		}
		f.prompt = "" // the list again, with what matches
		return cmds
	}
	f.await = s.id
	return cmds
}

// keysFor is what line means for the question of s: key presses, or (when
// the line cannot answer it) what to say before asking again.
func (f *Front) keysFor(s screen, line string) ([]tea.KeyPressMsg, []string) {
	t := strings.TrimSpace(line)
	if s.field == nil {
		if t == "" {
			return []tea.KeyPressMsg{named("enter")}, nil
		}
		for _, k := range s.keys {
			for _, name := range strings.Split(k.key, "/") {
				if strings.EqualFold(t, name) {
					return []tea.KeyPressMsg{named(t)}, nil
				}
			}
		}
		if shellKey(t) {
			return []tea.KeyPressMsg{named(t)}, nil
		}
		return nil, []string{f.words.T("accessible.unknown_key", termsafe.Line(line))}
	}
	switch fld := s.field.(type) {
	case *huh.Input, *huh.Text:
		if line == "" {
			return []tea.KeyPressMsg{named("enter")}, nil
		}
		keys := []tea.KeyPressMsg{named("end"), named("ctrl+u")}
		return append(append(keys, runes(line)...), named("enter")), nil
	case *huh.Note:
		return []tea.KeyPressMsg{named("enter")}, nil
	case *huh.Confirm:
		yes, no, _ := buttons(s.block)
		switch {
		case t == "":
			return []tea.KeyPressMsg{named("enter")}, nil
		case t == "1" || f.isWord(t, "accessible.yes_words") || strings.EqualFold(t, yes):
			return []tea.KeyPressMsg{named("y")}, nil
		case t == "2" || f.isWord(t, "accessible.no_words") || strings.EqualFold(t, no):
			return []tea.KeyPressMsg{named("n")}, nil
		case shellKey(t):
			return []tea.KeyPressMsg{named(t)}, nil
		}
		return nil, []string{f.words.T("accessible.not_yes_no", termsafe.Line(yes), termsafe.Line(no))}
	default:
		_, opts, cur := options(s.block)
		if t == "" {
			return []tea.KeyPressMsg{named("enter")}, nil
		}
		if n, err := strconv.Atoi(t); err == nil {
			if n < 1 || n > len(opts) {
				return nil, []string{f.words.T("accessible.bad_number", len(opts))}
			}
			return moveTo(n-1, cur), nil
		}
		if shellKey(t) {
			return []tea.KeyPressMsg{named(t)}, nil
		}
		if l, long := fld.(*picker.List); long {
			// A search: the list then shows what matches and is asked again
			// (with one match, that one is taken: see press).
			var keys []tea.KeyPressMsg
			if l.FilterValue() != "" {
				keys = append(keys, named("esc")) // the last search is cleared first
			}
			return append(append(append(keys, named("/")), runes(t)...), named("esc")), []string{searchMark}
		}
		var match []int
		for i, o := range opts {
			if strings.Contains(strings.ToLower(o), strings.ToLower(t)) {
				match = append(match, i)
			}
		}
		if len(match) != 1 {
			return nil, []string{f.words.T("accessible.bad_number", len(opts))}
		}
		return moveTo(match[0], cur), nil
	}
}

// moveTo is the keys that move a list's cursor from the option shown at cur
// to the one shown at to, and choose it. The moves are counted from the
// cursor (a long list shows only some of its options).
func moveTo(to, cur int) []tea.KeyPressMsg {
	var keys []tea.KeyPressMsg
	for ; cur < to; cur++ {
		keys = append(keys, named("down"))
	}
	for ; cur > to; cur-- {
		keys = append(keys, named("up"))
	}
	return append(keys, named("enter"))
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
