// Package assets holds the files the wizard embeds: the message catalogs, the
// sandbox's signup page and the written contracts of the services.
package assets

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// messagesFS holds the catalogs: messages/<tag>/*.json, each file a flat object of
// key → text, where the text may hold fmt verbs (%s, %d, %[1]s …). A language's
// files are merged; a key defined twice is an error.
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

var catalogs = mustLoadCatalogs()

type loaded struct {
	builder *catalog.Builder
	keys    map[language.Tag]map[string]bool
	tags    []language.Tag
}

func mustLoadCatalogs() loaded {
	l, err := loadCatalogs()
	if err != nil {
		panic(err) // the catalogs are embedded: a broken one is a build mistake, caught by tests
	}
	return l
}

func loadCatalogs() (loaded, error) {
	l := loaded{builder: catalog.NewBuilder(catalog.Fallback(DefaultLanguage)), keys: map[language.Tag]map[string]bool{}}
	dirs, err := messagesFS.ReadDir("messages")
	if err != nil {
		return l, err
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		tag, err := language.Parse(d.Name())
		if err != nil {
			return l, fmt.Errorf("catalog %s: %w", d.Name(), err)
		}
		files, err := messagesFS.ReadDir(path.Join("messages", d.Name()))
		if err != nil {
			return l, err
		}
		l.keys[tag] = map[string]bool{}
		for _, f := range files {
			if !strings.HasSuffix(f.Name(), ".json") {
				continue
			}
			name := path.Join("messages", d.Name(), f.Name())
			data, err := messagesFS.ReadFile(name)
			if err != nil {
				return l, err
			}
			var texts map[string]string
			if err := json.Unmarshal(data, &texts); err != nil {
				return l, fmt.Errorf("catalog %s: %w", name, err)
			}
			for key, text := range texts {
				if l.keys[tag][key] {
					return l, fmt.Errorf("catalog %s: key %s is defined twice", name, key)
				}
				if err := l.builder.SetString(tag, key, text); err != nil {
					return l, fmt.Errorf("catalog %s, key %s: %w", name, key, err)
				}
				l.keys[tag][key] = true
			}
		}
		l.tags = append(l.tags, tag)
	}
	return l, nil
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
	for k := range catalogs.keys[tag] {
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
	return &Words{tag: tag, printer: message.NewPrinter(tag, message.Catalog(catalogs.builder)), keys: catalogs.keys[tag]}
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
