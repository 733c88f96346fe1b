package assets

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// usedKey matches a catalog key written literally in a call such as
// env.T("account.email") or w.T("ui.title", …), a key binding's help
// (key.WithHelp("r", "keys.retry")) or a name of huh's key words ("keys.huh.next").
var usedKey = regexp.MustCompile(`\bT\("([a-z0-9_.\-]+)"|WithHelp\("[^"]*", "(keys\.[a-z0-9_.\-]+)"\)|"(keys\.huh\.[a-z0-9_]+)"`)

var missingArg = regexp.MustCompile(`%!\w\((MISSING|BADINDEX)\)`)

func TestEveryKeyUsedInCodeIsInTheEnglishCatalog(t *testing.T) {
	w := NewWords("en")
	root := ".."
	seen := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range usedKey.FindAllStringSubmatch(string(src), -1) {
			seen++
			k := m[1] + m[2] + m[3] // one of the three forms matched
			if strings.HasSuffix(k, ".") {
				continue // the start of a key built from a code (tested where it is built)
			}
			if !w.Has(k) {
				t.Errorf("%s uses %q, which the English catalog lacks", path, k)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 100 {
		t.Fatalf("found only %d keys in the code: is the pattern still right?", seen)
	}
}

func TestWordsFallBackAndFormat(t *testing.T) {
	w := NewWords("en")
	if got := w.T("ui.progress", 3, 12, "Company details"); got != "Step 3 of 12 · Company details" {
		t.Errorf("formatted text = %q", got)
	}
	if got := w.T("exit.saved", "K7MQ-4XPD", "Phone number"); !strings.HasSuffix(got, "wizard resume K7MQ-4XPD") {
		t.Errorf("an indexed verb is not filled: %q", got)
	}
	missing := "no.such.key"
	if got := w.T(missing); got != missing {
		t.Errorf("a missing key shows as %q, want the key itself", got)
	}
	for _, lang := range []string{"", "en_US.UTF-8", "de-DE", "xx"} {
		if got := NewWords(lang).Language().String(); got != "en" {
			t.Errorf("NewWords(%q) speaks %s, want en (the only catalog)", lang, got)
		}
	}
}

func TestCatalogTextsAreWellFormed(t *testing.T) {
	for _, tag := range Languages() {
		w := NewWords(tag.String())
		for _, k := range Keys(tag) {
			text := w.T(k)
			if strings.TrimSpace(text) == "" {
				t.Errorf("%s: %s is empty", tag, k)
			}
			// With no arguments every verb reports MISSING; anything else is a broken verb.
			if strings.Contains(missingArg.ReplaceAllString(text, ""), "%!") {
				t.Errorf("%s: %s has a broken verb: %q", tag, k, text)
			}
		}
	}
}

// verbs are the format verbs of a catalog text, as written ("%s", "%[2]d", …).
var verbs = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// verbCounts counts each verb of text (with its index, if any).
func verbCounts(text string) map[string]int {
	m := map[string]int{}
	for _, v := range verbs.FindAllString(text, -1) {
		if v != "%%" {
			m[v]++
		}
	}
	return m
}

// rawTexts are a language's catalog entries as written, merged from its files.
func rawTexts(t *testing.T, tag string) map[string]text {
	t.Helper()
	out := map[string]text{}
	files, err := fs.Glob(messagesFS, "messages/"+tag+"/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := messagesFS.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts, err := parseTexts(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		maps.Copy(out, texts)
	}
	return out
}

var placeholder = regexp.MustCompile(`\$\{(\w+)\}`)

// signature is what every language's version of an entry must share: its
// format verbs (with their indexes) and the ${name} of each count. The forms
// of one count must all hold the same verbs; a problem says which do not.
func signature(t text) (map[string]int, string) {
	formsSig := func(f forms) (map[string]int, string) {
		var first map[string]int
		for _, k := range f.order() {
			got := verbCounts(f.Cases[k])
			if first == nil {
				first = got
			} else if !maps.Equal(first, got) {
				return nil, fmt.Sprintf("the form %s has the verbs %v, another form %v", k, got, first)
			}
		}
		return first, ""
	}
	switch {
	case t.Forms != nil:
		return formsSig(*t.Forms)
	case len(t.Vars) > 0:
		sig := verbCounts(t.Plain)
		for _, m := range placeholder.FindAllStringSubmatch(t.Plain, -1) {
			sig["${"+m[1]+"}"]++
			if _, ok := t.Vars[m[1]]; !ok {
				return nil, fmt.Sprintf("${%s} has no var", m[1])
			}
		}
		for name, f := range t.Vars {
			if !strings.Contains(t.Plain, "${"+name+"}") {
				return nil, fmt.Sprintf("the var %s is not placed in the text", name)
			}
			vs, problem := formsSig(f)
			if problem != "" {
				return nil, name + ": " + problem
			}
			for v, n := range vs {
				sig[v] += n
			}
		}
		return sig, ""
	}
	return verbCounts(t.Plain), ""
}

// Every catalog is complete: the same keys as English, and in each text the
// same format verbs (with the same indexes), so no screen shows an English
// fallback or a garbled "%!s(MISSING)" in another language. A text in plural
// forms has them in every form, counts the same argument as English, and has a
// form for every category its language uses for whole numbers. Tabs, which
// line up the columns of a table, are kept too.
func TestEveryCatalogMatchesEnglish(t *testing.T) {
	enRaw := rawTexts(t, "en")
	for _, tag := range Languages() {
		texts := rawTexts(t, tag.String())
		if tag != DefaultLanguage {
			if w := NewWords(tag.String()); w.Language() != tag {
				t.Errorf("--lang %s picks %s", tag, w.Language())
			}
		}
		for k, en := range enRaw {
			entry, ok := texts[k]
			if !ok {
				t.Errorf("%s lacks %s (English: %q)", tag, k, en.texts()[0])
				continue
			}
			want, problem := signature(en)
			if problem != "" {
				t.Errorf("en: %s: %s", k, problem)
				continue
			}
			got, problem := signature(entry)
			if problem != "" {
				t.Errorf("%s: %s: %s", tag, k, problem)
				continue
			}
			if !maps.Equal(want, got) {
				t.Errorf("%s: %s has the verbs %v, English %v: %q", tag, k, got, want, entry.texts())
			}
			if en.Forms != nil && (entry.Forms == nil || entry.Forms.Arg != en.Forms.Arg) {
				t.Errorf("%s: %s must count argument %d, as English does", tag, k, en.Forms.Arg)
			}
			for _, text := range entry.texts() {
				if strings.Count(text, "\t") != strings.Count(en.texts()[0], "\t") {
					t.Errorf("%s: %s has %d tabs, English %d", tag, k, strings.Count(text, "\t"), strings.Count(en.texts()[0], "\t"))
				}
			}
			all := []forms{}
			if entry.Forms != nil {
				all = append(all, *entry.Forms)
			}
			for _, f := range entry.Vars {
				all = append(all, f)
			}
			for _, f := range all {
				if missing := missingForms(tag, f); len(missing) > 0 {
					t.Errorf("%s: %s lacks the plural forms %v (needed, e.g., for %v)", tag, k, slices.Sorted(maps.Keys(missing)), slices.Sorted(maps.Values(missing)))
				}
			}
		}
		if tag == DefaultLanguage {
			continue
		}
		for k := range texts {
			if _, ok := enRaw[k]; !ok {
				t.Errorf("%s has %s, which English lacks (a key no code uses)", tag, k)
			}
		}
	}
}

// missingForms are the categories tag's CLDR rules give a whole number from
// 0 to 1000 that f has no form (nor an exact form) for, each with an example.
func missingForms(tag language.Tag, f forms) map[string]int {
	missing := map[string]int{}
	for n := 0; n <= 1000; n++ {
		if _, ok := f.Cases["="+strconv.Itoa(n)]; ok {
			continue
		}
		form := formName(plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0))
		if _, ok := f.Cases[form]; !ok {
			if _, seen := missing[form]; !seen {
				missing[form] = n
			}
		}
	}
	return missing
}

func formName(f plural.Form) string {
	return map[plural.Form]string{plural.Zero: "zero", plural.One: "one", plural.Two: "two",
		plural.Few: "few", plural.Many: "many", plural.Other: "other"}[f]
}

// The counted texts follow each language's rules, through x/text's CLDR data.
func TestPluralForms(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{
		{"ru", 1, "1 попытка"}, {"ru", 2, "2 попытки"}, {"ru", 5, "5 попыток"}, {"ru", 11, "11 попыток"},
		{"ru", 21, "21 попытка"}, {"ru", 22, "22 попытки"}, {"ru", 0, "0 попыток"},
		{"en", 1, "1 more try"}, {"en", 2, "2 more tries"}, {"en", 0, "0 more tries"},
		{"kk", 1, "тағы 1 мүмкіндік"}, {"kk", 5, "тағы 5 мүмкіндік"},
	} {
		if got := NewWords(c.lang).T("code.wrong", c.n); !strings.Contains(got, c.want) {
			t.Errorf("%s, %d wrong codes left: %q, want it to hold %q", c.lang, c.n, got, c.want)
		}
	}
	for _, c := range []struct {
		lang           string
		signups, event int
		want           string
	}{
		{"ru", 1, 5, "подключение"}, {"ru", 3, 21, "3 подключения"}, {"ru", 3, 21, "21 событие"},
		{"en", 1, 1, "1 signup (x), 1 event"}, {"en", 2, 7, "2 signups (x), 7 events"},
	} {
		if got := NewWords(c.lang).T("cli.doctor.check_ok", c.signups, "x", c.event); !strings.Contains(got, c.want) {
			t.Errorf("%s, %d signups and %d events: %q, want it to hold %q", c.lang, c.signups, c.event, got, c.want)
		}
	}
}

func TestPluralEntriesAreChecked(t *testing.T) {
	for name, src := range map[string]string{
		"no other":       `{"k": {"plural": 1, "one": "%d a"}}`,
		"no arg":         `{"k": {"one": "%d a", "other": "%d b"}}`,
		"unknown form":   `{"k": {"plural": 1, "several": "%d a", "other": "%d b"}}`,
		"not a string":   `{"k": 3}`,
		"vars, no text":  `{"k": {"vars": {"a": {"plural": 1, "other": "%[1]d"}}}}`,
		"a broken var":   `{"k": {"text": "${a}", "vars": {"a": {"plural": 1}}}}`,
		"a stray member": `{"k": {"text": "${a}", "vars": {"a": {"plural": 1, "other": "x"}}, "one": "y"}}`,
	} {
		if _, err := parseTexts([]byte(src)); err == nil {
			t.Errorf("%s: %s is accepted", name, src)
		}
	}
	texts, err := parseTexts([]byte(`{"k": {"plural": 1, "one": "%d a", "other": "%d %s b"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, problem := signature(texts["k"]); problem == "" {
		t.Error("forms with different verbs pass")
	}
	if missing := missingForms(language.Russian, *texts["k"].Forms); len(missing) != 2 {
		t.Errorf("Russian needs few and many besides one and other; missing = %v", missing)
	}
}

func TestVerbCounts(t *testing.T) {
	for text, want := range map[string]map[string]int{
		"Step %d of %d · %s":       {"%d": 2, "%s": 1},
		"%s: wizard show %[1]s":    {"%s": 1, "%[1]s": 1},
		"100%% sure, %.1f MiB, %q": {"%.1f": 1, "%q": 1},
		"no verbs":                 {},
	} {
		if got := verbCounts(text); !maps.Equal(got, want) {
			t.Errorf("verbCounts(%q) = %v, want %v", text, got, want)
		}
	}
}
