package ui

import (
	"image/color"

	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"wizard/steps"
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

// Theme is the huh theme every step's form uses: huh's Charm theme, with the
// chosen button of a confirmation marked by brackets as well as by colour.
var Theme huh.Theme = cachedTheme{dark: markButtons(huh.ThemeCharm(true)), light: markButtons(huh.ThemeCharm(false))}

// markButtons brackets the chosen button of a confirmation, "[ Allow All ]
// Not now ", so that it reads with NO_COLOR, TERM=dumb and on a monochrome
// screen. Both buttons keep the same width (huh pads them by two columns), so
// the row does not move when the choice changes. A select's chosen option and
// the focused field are already marked without colour by huh ("> " and the
// bar on the left).
func markButtons(t *huh.Styles) *huh.Styles {
	bracket := func(s string) string { return "[ " + s + " ]" }
	for _, fs := range []*huh.FieldStyles{&t.Focused, &t.Blurred} {
		fs.FocusedButton = fs.FocusedButton.PaddingLeft(0).PaddingRight(0).Transform(bracket)
		// huh wraps a field's title and description to its width less the
		// field's frame, with lipgloss.Wrap, which lets a word and the comma
		// or full stop after it pass that limit by one (charmbracelet/x#785);
		// the field's own style then wraps the text again and the comma is
		// lost, or a word is left alone on a line. A column of right margin
		// counts in the frame but not in the width the style wraps at: the
		// one column of overflow fits. The steps give forms one column less
		// than the body (steps.updateForm), so the margin stays on screen.
		fs.Base = fs.Base.MarginRight(1)
	}
	return t
}

// palette is the few colours of the whole screen, for a light or a dark
// terminal: the shell's frame and the step bodies are drawn with them.
type palette struct{ accent, green, faint, red color.Color }

func newPalette(dark bool) palette {
	ld := lipgloss.LightDark(dark)
	return palette{
		accent: ld(lipgloss.Color("#5A56E0"), lipgloss.Color("#7571F9")),
		green:  ld(lipgloss.Color("#02A060"), lipgloss.Color("#02BF87")),
		faint:  ld(lipgloss.Color("#8A8A8A"), lipgloss.Color("#6C6C6C")),
		red:    ld(lipgloss.Color("#D7263D"), lipgloss.Color("#FF5F6D")),
	}
}

// styles are the shell's styles for a light or dark terminal.
type styles struct {
	Title, Step, Done, Current, Todo, Skipped, Error, ID, Notice, Quiet lipgloss.Style
}

func newStyles(dark bool) styles {
	p := newPalette(dark)
	return styles{
		Title:   lipgloss.NewStyle().Bold(true).Foreground(p.accent),
		Step:    lipgloss.NewStyle().Bold(true),
		Done:    lipgloss.NewStyle().Foreground(p.green),
		Current: lipgloss.NewStyle().Foreground(p.accent).Bold(true),
		Todo:    lipgloss.NewStyle().Foreground(p.faint),
		Skipped: lipgloss.NewStyle().Foreground(p.faint).Strikethrough(true),
		Error:   lipgloss.NewStyle().Foreground(p.red).Bold(true),
		ID:      lipgloss.NewStyle().Foreground(p.faint),
		Notice:  lipgloss.NewStyle().Foreground(p.accent).Bold(true),
		Quiet:   lipgloss.NewStyle().Foreground(p.faint),
	}
}

// stepStyles are the step bodies' styles in the same palette, made once for
// each background.
func stepStyles(dark bool) *steps.Styles {
	if dark {
		return darkStepStyles
	}
	return lightStepStyles
}

var darkStepStyles, lightStepStyles = newStepStyles(true), newStepStyles(false)

func newStepStyles(dark bool) *steps.Styles {
	p := newPalette(dark)
	return &steps.Styles{
		Title:  lipgloss.NewStyle().Bold(true),
		Faint:  lipgloss.NewStyle().Foreground(p.faint),
		Error:  lipgloss.NewStyle().Foreground(p.red).Bold(true),
		OK:     lipgloss.NewStyle().Foreground(p.green),
		Accent: lipgloss.NewStyle().Foreground(p.accent).Bold(true),
		Box:    lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(p.faint).Padding(0, 1),
	}
}
