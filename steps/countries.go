package steps

import (
	"sort"

	"charm.land/huh/v2"
	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Country is a country code (ISO 3166-1 alpha-2) with its name in the user's language.
type Country struct {
	Code string
	Name string
}

// Countries lists every country that has telephone numbering (libphonenumber's
// regions) with its name localised by x/text, sorted by name in that language.
func Countries(lang language.Tag) []Country {
	namer := display.Regions(lang)
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
		out = append(out, Country{Code: code, Name: name})
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
// alpha-name steps. Theme and height are set before the options: huh draws every
// option when they are given, and without the theme it builds a style sheet per
// option (about 150 ms and 125 MB for the whole list; see BENCHMARKS.md).
func countrySelect(env *Env, key, title, help string, value *string) *huh.Select[string] {
	s := huh.NewSelect[string]()
	if env.Theme != nil {
		s.WithTheme(env.Theme)
	}
	s.Key(key).Title(title).Description(help).Height(10)
	var opts []huh.Option[string]
	for _, c := range Countries(env.Words.Language()) {
		opts = append(opts, huh.NewOption(c.Name, c.Code))
	}
	return s.Options(opts...).Value(value)
}
