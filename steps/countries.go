package steps

import (
	"slices"
	"sort"
	"sync"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"wizard/assets"
	"wizard/steps/picker"
)

// Country is a country code (ISO 3166-1 alpha-2) with its name in the user's
// language, and its names in the wizard's other languages (English, Russian,
// Kazakh), by which a search finds it too.
type Country struct {
	Code string
	Name string
	Also []string
}

// Countries lists every country that has telephone numbering (libphonenumber's
// regions) with its name localised by x/text (CLDR's names, Kazakh included),
// sorted by name in that language. The list is made once per language; the
// caller gets its own slice (the names in it are shared: read them only).
func Countries(lang language.Tag) []Country {
	if l, ok := countryLists.Load(lang); ok {
		return slices.Clone(l.([]Country))
	}
	l := makeCountries(lang)
	countryLists.Store(lang, l)
	return slices.Clone(l)
}

// countryLists holds the list of Countries by language.
var countryLists sync.Map

func makeCountries(lang language.Tag) []Country {
	namer := display.Regions(lang)
	var others []display.Namer
	for _, t := range assets.Languages() {
		if t != lang {
			others = append(others, display.Regions(t))
		}
	}
	var out []Country
	for code := range phonenumbers.GetSupportedRegions() {
		r, err := language.ParseRegion(code)
		if err != nil || !r.IsCountry() {
			continue
		}
		name := namer.Name(r)
		if name == "" {
			name = code
		}
		c := Country{Code: code, Name: name}
		for _, o := range others {
			if n := o.Name(r); n != "" && n != name && !slices.Contains(c.Also, n) {
				c.Also = append(c.Also, n)
			}
		}
		out = append(out, c)
	}
	col := collate.New(lang)
	sort.Slice(out, func(i, j int) bool { return col.CompareString(out[i].Name, out[j].Name) < 0 })
	return out
}

// CountryName is the localised name of a country code, or the code itself.
func CountryName(lang language.Tag, code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if name := display.Regions(lang).Name(r); name != "" {
		return name
	}
	return code
}

// countrySelect is the searchable country list of the company, phone and
// alpha-name steps: a picker.List, which draws only the rows in view (huh's
// Select draws all ~250 options several times per key; see BENCHMARKS.md).
// It binds to value and answers form.GetString(key) like huh's Select.
func countrySelect(env *Env, key, title, help string, value *string) *picker.List {
	l := picker.New().Key(key).Title(title).Description(help).Height(10)
	if env.Theme != nil {
		l.WithTheme(env.Theme)
	}
	countries := Countries(env.Words.Language())
	opts := make([]picker.Option, len(countries))
	for i, c := range countries {
		opts[i] = picker.Option{Label: c.Name, Value: c.Code, Also: c.Also}
	}
	return l.NoMatch(env.T("countries.no_match")).Options(opts...).Value(value)
}
