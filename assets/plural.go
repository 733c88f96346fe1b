package assets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/message/catalog"
)

// A text is one entry of a catalog file: a plain string, a set of plural
// forms, or a string with named counts (vars), as messagesFS describes.
type text struct {
	Plain string           // a plain text (when Forms and Vars are empty)
	Forms *forms           // a text in plural forms
	Vars  map[string]forms // the named counts of Plain, placed in it as ${name}
}

// forms are the plural forms of one count.
type forms struct {
	Arg   int               // the number (from 1) of the counted argument
	Cases map[string]string // form ("one", "few", "=0" …) → text
}

// categories are CLDR's plural categories, in the order they are tried.
var categories = []string{"zero", "one", "two", "few", "many", "other"}

var exact = regexp.MustCompile(`^=\d+$`)

// parseTexts reads one catalog file.
func parseTexts(data []byte) (map[string]text, error) {
	// One pass over the file: a plain text (nearly all of them) is taken as
	// it is decoded; only an object of forms is read again by parseText.
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	out := make(map[string]text, len(raw))
	for key, v := range raw {
		if s, ok := v.(string); ok {
			out[key] = text{Plain: s}
			continue
		}
		r, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", key, err)
		}
		t, err := parseText(r)
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", key, err)
		}
		out[key] = t
	}
	return out, nil
}

func parseText(r json.RawMessage) (text, error) {
	r = bytes.TrimSpace(r)
	if len(r) > 0 && r[0] == '"' {
		var s string
		err := json.Unmarshal(r, &s)
		return text{Plain: s}, err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(r, &obj); err != nil {
		return text{}, fmt.Errorf("a text is a string or an object of plural forms: %w", err)
	}
	if _, ok := obj["vars"]; ok {
		var t struct {
			Text string                                `json:"text"`
			Vars map[string]map[string]json.RawMessage `json:"vars"`
		}
		if err := json.Unmarshal(r, &t); err != nil {
			return text{}, err
		}
		if len(obj) != 2 || t.Text == "" || len(t.Vars) == 0 {
			return text{}, fmt.Errorf(`a text with counts has exactly "text" and "vars"`)
		}
		out := text{Plain: t.Text, Vars: map[string]forms{}}
		for name, v := range t.Vars {
			f, err := parseForms(v)
			if err != nil {
				return text{}, fmt.Errorf("var %s: %w", name, err)
			}
			out.Vars[name] = f
		}
		return out, nil
	}
	f, err := parseForms(obj)
	if err != nil {
		return text{}, err
	}
	return text{Forms: &f}, nil
}

func parseForms(obj map[string]json.RawMessage) (forms, error) {
	f := forms{Cases: map[string]string{}}
	for k, v := range obj {
		if k == "plural" {
			if err := json.Unmarshal(v, &f.Arg); err != nil || f.Arg < 1 {
				return f, fmt.Errorf(`"plural" is the number (from 1) of the counted argument, not %s`, v)
			}
			continue
		}
		if !exact.MatchString(k) && !isCategory(k) {
			return f, fmt.Errorf("%q is not a plural form (zero, one, two, few, many, other or =N)", k)
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return f, fmt.Errorf("form %s: %w", k, err)
		}
		f.Cases[k] = s
	}
	if f.Arg == 0 {
		return f, fmt.Errorf(`plural forms need "plural": the number of the counted argument`)
	}
	if _, ok := f.Cases["other"]; !ok {
		return f, fmt.Errorf(`plural forms need "other"`)
	}
	return f, nil
}

func isCategory(s string) bool {
	for _, c := range categories {
		if c == s {
			return true
		}
	}
	return false
}

// order lists the forms as they are tried: exact numbers first, then the
// categories in CLDR's order.
func (f forms) order() []string {
	var keys []string
	for k := range f.Cases {
		if exact.MatchString(k) {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, _ := strconv.Atoi(keys[i][1:])
		b, _ := strconv.Atoi(keys[j][1:])
		return a < b
	})
	for _, c := range categories {
		if _, ok := f.Cases[c]; ok {
			keys = append(keys, c)
		}
	}
	return keys
}

func (f forms) message() catalog.Message {
	var cases []any
	for _, k := range f.order() {
		cases = append(cases, k, f.Cases[k])
	}
	return plural.Selectf(f.Arg, "%d", cases...)
}

// messages are what the catalog builder is given for t.
func (t text) messages() []catalog.Message {
	switch {
	case t.Forms != nil:
		return []catalog.Message{t.Forms.message()}
	case len(t.Vars) > 0:
		var names []string
		for n := range t.Vars {
			names = append(names, n)
		}
		sort.Strings(names)
		var msgs []catalog.Message
		for _, n := range names {
			msgs = append(msgs, catalog.Var(n, t.Vars[n].message()))
		}
		return append(msgs, catalog.String(t.Plain))
	}
	return []catalog.Message{catalog.String(t.Plain)}
}

// Texts are the versions of t as written, for checks: the plain text, or each form.
func (t text) texts() []string {
	if t.Forms != nil {
		var out []string
		for _, k := range t.Forms.order() {
			out = append(out, t.Forms.Cases[k])
		}
		return out
	}
	return []string{t.Plain}
}
