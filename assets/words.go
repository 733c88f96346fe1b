// Package assets holds the files the wizard embeds: the message catalogs, the
// sandbox's signup page and the written contracts of the services.
package assets

import (
	"embed"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// messagesFS holds the catalogs: messages/<tag>/*.json, each file a flat object of
// key → text. A language's files are merged; a key defined twice is an error.
//
// A text is a string with fmt verbs (%s, %d, %[1]s …), or, when it counts
// something, an object of plural forms chosen by the CLDR rules of the
// catalog's language (golang.org/x/text/feature/plural):
//
//	"code.wrong": {"plural": 1,
//	    "one": "… (%d попытка)", "few": "… (%d попытки)", "many": "… (%d попыток)", "other": "… (%d попытки)"}
//
// "plural" is the number (from 1) of the argument that is counted; the other
// members are the forms: the CLDR categories zero, one, two, few, many and
// other, or an exact number written "=0", "=1" …, which wins over its category.
// "other" is required, and every category the language uses for whole numbers
// should be there (English: one, other; Russian: one, few, many, other;
// Kazakh: one, other). Every form holds the same verbs as the others.
//
// A text that counts two things names each count and places it with ${name}:
//
//	"cli.doctor.check_ok": {"text": "consistent: ${signups} (%[2]s), ${events}",
//	    "vars": {"signups": {"plural": 1, "one": "%[1]d signup", "other": "%[1]d signups"},
//	             "events":  {"plural": 3, "one": "%[3]d event", "other": "%[3]d events"}}}
//
// Each var is an object of forms as above. Give every verb of such a text and
// of its forms an explicit index (%[2]s), since the pieces are formatted apart.
//
//go:embed messages
var messagesFS embed.FS

// Words prints user-facing text from the embedded catalog in one language.
type Words struct {
	tag     language.Tag
	printer *message.Printer
	keys    map[string]bool
}

// DefaultLanguage is the language used when none is asked for or the asked one has no catalog.
var DefaultLanguage = language.English

var catalogs = mustFindCatalogs()

// loaded is the catalogs: the languages there are (from the folders' names,
// at start) and each language's texts, read into the builder the first time
// that language's words are asked for. A run needs English (every catalog
// falls back to it) and at most one more, so it never reads the others:
// reading all three at start cost ~10 ms before the first frame.
type loaded struct {
	builder *catalog.Builder
	tags    []language.Tag

	mu   sync.Mutex
	keys map[language.Tag]map[string]bool // the languages read so far
}

func mustFindCatalogs() *loaded {
	l, err := findCatalogs()
	if err != nil {
		panic(err) // the catalogs are embedded: a broken one is a build mistake, caught by tests
	}
	return l
}

// findCatalogs lists the languages that have a catalog; none is read yet.
func findCatalogs() (*loaded, error) {
	l := &loaded{builder: catalog.NewBuilder(catalog.Fallback(DefaultLanguage)), keys: map[language.Tag]map[string]bool{}}
	dirs, err := messagesFS.ReadDir("messages")
	if err != nil {
		return nil, err
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		tag, err := language.Parse(d.Name())
		if err != nil {
			return nil, fmt.Errorf("catalog %s: %w", d.Name(), err)
		}
		l.tags = append(l.tags, tag)
	}
	return l, nil
}

// loadCatalogs reads every language's catalog (the tests check them all).
func loadCatalogs() (*loaded, error) {
	l, err := findCatalogs()
	if err != nil {
		return nil, err
	}
	for _, tag := range l.tags {
		if _, err := l.load(tag); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// mustKeys is the keys of tag's catalog, read now if it was not yet.
func (l *loaded) mustKeys(tag language.Tag) map[string]bool {
	keys, err := l.load(tag)
	if err != nil {
		panic(err) // embedded, as above
	}
	return keys
}

// load reads tag's catalog into the builder once, and gives its keys.
func (l *loaded) load(tag language.Tag) (map[string]bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if keys, ok := l.keys[tag]; ok {
		return keys, nil
	}
	dir := path.Join("messages", tag.String())
	files, err := messagesFS.ReadDir(dir)
	if err != nil {
		return nil, nil // no catalog: the builder falls back to English
	}
	keys := map[string]bool{}
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".json") {
			continue
		}
		name := path.Join(dir, f.Name())
		data, err := messagesFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		texts, err := parseTexts(data)
		if err != nil {
			return nil, fmt.Errorf("catalog %s: %w", name, err)
		}
		for key, text := range texts {
			if keys[key] {
				return nil, fmt.Errorf("catalog %s: key %s is defined twice", name, key)
			}
			if err := l.builder.Set(tag, key, text.messages()...); err != nil {
				return nil, fmt.Errorf("catalog %s, key %s: %w", name, key, err)
			}
			keys[key] = true
		}
	}
	l.keys[tag] = keys
	return keys, nil
}

// Languages lists the languages that have a catalog.
func Languages() []language.Tag {
	tags := append([]language.Tag(nil), catalogs.tags...)
	sort.Slice(tags, func(i, j int) bool { return tags[i].String() < tags[j].String() })
	return tags
}

// Keys lists the keys of a language's catalog, sorted.
func Keys(tag language.Tag) []string {
	var keys []string
	for k := range catalogs.mustKeys(tag) {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// NewWords returns the words of the best catalog for the asked language
// (e.g. from LANG); unknown languages get English.
func NewWords(lang string) *Words {
	tag := DefaultLanguage
	if lang != "" {
		matcher := language.NewMatcher(append([]language.Tag{DefaultLanguage}, catalogs.tags...))
		if t, err := language.Parse(normaliseLocale(lang)); err == nil {
			_, i, conf := matcher.Match(t)
			if conf != language.No {
				tag = append([]language.Tag{DefaultLanguage}, catalogs.tags...)[i]
			}
		}
	}
	catalogs.mustKeys(DefaultLanguage) // what every other catalog falls back to
	return &Words{tag: tag, printer: message.NewPrinter(tag, message.Catalog(catalogs.builder)), keys: catalogs.mustKeys(tag)}
}

// Supported is the catalog that speaks lang ("ru", "ru-RU", "kk_KZ.UTF-8"),
// when one does: the same language, whatever the region or script.
func Supported(lang string) (language.Tag, bool) {
	t, err := language.Parse(normaliseLocale(strings.TrimSpace(lang)))
	if err != nil {
		return DefaultLanguage, false
	}
	base, _ := t.Base()
	for _, c := range catalogs.tags {
		if cb, _ := c.Base(); cb == base {
			return c, true
		}
	}
	return DefaultLanguage, false
}

// normaliseLocale turns a POSIX locale such as "ru_RU.UTF-8" into a BCP 47 tag.
func normaliseLocale(s string) string {
	if i := strings.IndexAny(s, ".@"); i >= 0 {
		s = s[:i]
	}
	return strings.ReplaceAll(s, "_", "-")
}

// Language is the language these words are in.
func (w *Words) Language() language.Tag { return w.tag }

// T returns the text for key, formatted with args. A key missing from the catalog
// comes back as the key itself, so a mistake shows on screen and in tests.
func (w *Words) T(key string, args ...any) string {
	return w.printer.Sprintf(message.Key(key, key), args...)
}

// Has reports whether the catalog holds key.
func (w *Words) Has(key string) bool { return w.keys[key] }
