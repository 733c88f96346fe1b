package steps

import (
	"testing"

	"charm.land/huh/v2"
	"golang.org/x/text/language"

	"wizard/assets"
	"wizard/store"
)

// BenchmarkNext is the flow's decision, made after every saved step and on resume.
func BenchmarkNext(b *testing.B) {
	var s store.Session
	for _, id := range Order[:Position(VerifyCode)-1] {
		complete(&s, id, store.PathNew)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = Next(s)
	}
}

// BenchmarkCountries builds the localised, collated country list (company,
// phone and alpha-name steps each build it once per form).
func BenchmarkCountries(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = Countries(language.English)
	}
}

// BenchmarkNewCompanyStep is entering the company step: the form with the list.
func BenchmarkNewCompanyStep(b *testing.B) {
	env := &Env{Clock: SystemClock{}, Words: assets.NewWords("en"), Region: "KZ",
		Theme: shTheme{dark: huh.ThemeCharm(true), light: huh.ThemeCharm(false)}}
	b.ReportAllocs()
	for b.Loop() {
		_ = New(Company, env, store.Session{})
	}
}
