package assets

import (
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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

// Every catalog is complete: the same keys as English, and in each text the
// same format verbs (with the same indexes), so no screen shows an English
// fallback or a garbled "%!s(MISSING)" in another language. Tabs, which line
// up the columns of a table, are kept too.
func TestEveryCatalogMatchesEnglish(t *testing.T) {
	en := NewWords("en")
	enKeys := map[string]bool{}
	for _, k := range Keys(DefaultLanguage) {
		enKeys[k] = true
	}
	raw := func(tag string) map[string]string {
		out := map[string]string{}
		files, err := fs.Glob(messagesFS, "messages/"+tag+"/*.json")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := messagesFS.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var texts map[string]string
			if err := json.Unmarshal(data, &texts); err != nil {
				t.Fatal(err)
			}
			maps.Copy(out, texts)
		}
		return out
	}
	enRaw := raw("en")
	for _, tag := range Languages() {
		if tag == DefaultLanguage {
			continue
		}
		w := NewWords(tag.String())
		if w.Language() != tag {
			t.Errorf("--lang %s picks %s", tag, w.Language())
		}
		texts := raw(tag.String())
		for k := range enKeys {
			text, ok := texts[k]
			if !ok {
				t.Errorf("%s lacks %s (English: %q)", tag, k, en.T(k))
				continue
			}
			if want, got := verbCounts(enRaw[k]), verbCounts(text); !maps.Equal(want, got) {
				t.Errorf("%s: %s has the verbs %v, English %v: %q", tag, k, got, want, text)
			}
			if strings.Count(text, "\t") != strings.Count(enRaw[k], "\t") {
				t.Errorf("%s: %s has %d tabs, English %d", tag, k, strings.Count(text, "\t"), strings.Count(enRaw[k], "\t"))
			}
		}
		for k := range texts {
			if !enKeys[k] {
				t.Errorf("%s has %s, which English lacks (a key no code uses)", tag, k)
			}
		}
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
