package ui

import (
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
)

// cachedTheme is huh's Charm theme computed once per palette: huh asks its theme
// for styles every time it draws an option, and a country list has ~250 of them.
type cachedTheme struct{ dark, light *huh.Styles }

func (t cachedTheme) Theme(isDark bool) *huh.Styles {
	if isDark {
		return t.dark
	}
	return t.light
}

// Theme is the huh theme every step's form uses.
var Theme huh.Theme = cachedTheme{dark: huh.ThemeCharm(true), light: huh.ThemeCharm(false)}

// styles are the shell's styles for a light or dark terminal.
type styles struct {
	Title, Step, Faint, Done, Current, Todo, Skipped, Error, ID lipgloss.Style
}

func newStyles(dark bool) styles {
	ld := lipgloss.LightDark(dark)
	accent := ld(lipgloss.Color("#5A56E0"), lipgloss.Color("#7571F9"))
	green := ld(lipgloss.Color("#02A060"), lipgloss.Color("#02BF87"))
	faint := ld(lipgloss.Color("#8A8A8A"), lipgloss.Color("#6C6C6C"))
	return styles{
		Title:   lipgloss.NewStyle().Bold(true).Foreground(accent),
		Step:    lipgloss.NewStyle().Bold(true),
		Faint:   lipgloss.NewStyle().Foreground(faint),
		Done:    lipgloss.NewStyle().Foreground(green),
		Current: lipgloss.NewStyle().Foreground(accent).Bold(true),
		Todo:    lipgloss.NewStyle().Foreground(faint),
		Skipped: lipgloss.NewStyle().Foreground(faint).Strikethrough(true),
		Error:   lipgloss.NewStyle().Foreground(lipgloss.Red).Bold(true),
		ID:      lipgloss.NewStyle().Foreground(faint),
	}
}
