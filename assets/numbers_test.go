package assets

import (
	"regexp"
	"strings"
	"testing"
)

// The printer groups the digits of every %d and %v it is given an integer for,
// the language's way («1 234» in Russian and Kazakh, "1,234" in English). That
// is right for a count and wrong for a number that names something: a
// revision, a version, an HTTP status, a typed flag's value. Such numbers are
// %s in every catalog, and the code gives them as strings (strconv), so that
// revision 1234 reads «ревизия 1234», not «ревизия 1 234».

// identifierKeys are the texts whose numbers name something, never counted.
var identifierKeys = []string{
	"call.why.status",        // an HTTP status
	"error.partner_access",   // an HTTP status
	"error.ocm_access",       // an HTTP status
	"cli.show.updated_value", // a revision
	"cli.import.newer",       // bundle format versions
	"cli.import.newer_here",  // revisions
	"cli.doctor.schema",      // schema versions
	"cli.doctor.schema_old",  // schema versions
	"cli.team.newer",         // layout versions
	"cli.open.schema_newer",  // schema versions
	"cli.open.schema_older",  // schema versions
	"cli.process",            // a process id
	"cli.list.bad_limit",     // the value typed after --limit, said back as typed
	"error.graph.other",      // Meta's error code
	"error.graph.codes",      // Meta's error code and subcode
}

var intVerb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*[dv]`)

func TestNumbersThatNameSomethingAreNotGrouped(t *testing.T) {
	for _, tag := range Languages() {
		w := NewWords(tag.String())
		for _, key := range identifierKeys {
			if !w.Has(key) {
				t.Errorf("%s: no %s", tag, key)
				continue
			}
			texts := catalogTexts(t, tag.String(), key)
			for _, text := range texts {
				if v := intVerb.FindString(text); v != "" {
					t.Errorf("%s %s: %s would group the digits of a number that names something; use %%s and give it with strconv: %q", tag, key, v, text)
				}
			}
			n := strings.Count(texts[0], "%") - 2*strings.Count(texts[0], "%%")
			args := make([]any, n)
			for i := range args {
				args[i] = "123456"
			}
			got := w.T(key, args...)
			if !strings.Contains(got, "123456") || strings.Contains(got, "%!") {
				t.Errorf("%s %s: %q", tag, key, got)
			}
		}
	}
}

// A count is still grouped the language's way (in Russian and Kazakh with a
// no-break space).
func TestCountsAreGroupedTheLanguagesWay(t *testing.T) {
	for lang, want := range map[string]string{"en": "1,234 added", "ru": "добавлено 1\u00a0234", "kk": "1\u00a0234 жаңа"} {
		got := NewWords(lang).T("cli.copy.done", 1234, 0, 0, 0, "a", "b")
		if !strings.Contains(got, want) {
			t.Errorf("%s: %q lacks %q", lang, got, want)
		}
	}
}

// catalogTexts are the versions of key's text as the language's files hold it.
func catalogTexts(t *testing.T, lang, key string) []string {
	t.Helper()
	files, err := messagesFS.ReadDir("messages/" + lang)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := messagesFS.ReadFile("messages/" + lang + "/" + f.Name())
		if err != nil {
			t.Fatal(err)
		}
		texts, err := parseTexts(data)
		if err != nil {
			t.Fatal(err)
		}
		if text, ok := texts[key]; ok {
			return text.texts()
		}
	}
	t.Fatalf("%s: no %s", lang, key)
	return nil
}
