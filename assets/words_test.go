package assets

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// usedKey matches a catalog key written literally in a call such as
// env.T("account.email") or w.T("ui.title", …).
var usedKey = regexp.MustCompile(`\bT\("([a-z0-9_.\-]+)"`)

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
			if strings.HasSuffix(m[1], ".") {
				continue // the start of a key built from a code (tested where it is built)
			}
			if !w.Has(m[1]) {
				t.Errorf("%s uses %q, which the English catalog lacks", path, m[1])
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
