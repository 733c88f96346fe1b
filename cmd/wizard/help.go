package main

// Command help: every command's Short, Long and Example and every flag's usage
// come from the catalog (help.* keys, assets/messages/*/cli-help.json), in
// the language of --lang (or the environment), and `wizard … --help` is
// wrapped at words to the terminal's width (80 columns when standard output
// is no terminal).
//
// The help is drawn here, in fang's layout and colours, not by fang: fang
// v2.0.1 measures the width once on the process's standard output (120 when
// it is no terminal, whatever the help is written to), wraps only the long
// description (a command's or a flag's text runs past the edge, and the
// terminal breaks it mid-word), has fixed English section titles ("usage",
// "flags"…), and asks the terminal for its background colour, waiting up to
// 2 s twice in a terminal that never answers, before every help.

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"charm.land/fang/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"wizard/assets"
	"wizard/termsafe"
)

// Widths of the help: a terminal's, at most maxHelpWidth (longer lines are
// hard to read), at least minHelpWidth; helpWidthNoTerminal elsewhere.
const (
	helpWidthNoTerminal = 80
	maxHelpWidth        = 120
	minHelpWidth        = 30
)

// helpWidth is the width the help written to out is wrapped to.
func helpWidth(out io.Writer) int {
	f, ok := out.(term.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return helpWidthNoTerminal
	}
	w, _, err := term.GetSize(f.Fd())
	if err != nil || w <= 0 {
		return helpWidthNoTerminal
	}
	return max(minHelpWidth, min(w, maxHelpWidth))
}

// helpKey is the start of the catalog keys of c's texts: "help." and the
// command's path without the program's name ("help.list",
// "help.completion.bash"), "help.wizard" for the program itself.
func helpKey(c *cobra.Command) string {
	if !c.HasParent() {
		return "help." + c.Name()
	}
	path := strings.Fields(c.CommandPath())[1:]
	return "help." + strings.Join(path, ".")
}

// flagKey is the catalog key of the usage of flag name of c: the command's own
// (help.list.flag.status), else the one every command shares (help.flag.data).
func flagKey(w *assets.Words, c *cobra.Command, name string) string {
	if k := helpKey(c) + ".flag." + name; w.Has(k) {
		return k
	}
	return "help.flag." + name
}

// localize sets the texts of every command under root (root too) and of its
// flags from the catalog of w. A text the catalog lacks is left as it is
// (TestEveryCommandHasItsHelpInTheCatalog finds it).
func localize(root *cobra.Command, w *assets.Words) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.InitDefaultHelpFlag()
		k := helpKey(c)
		for _, t := range []struct {
			field  *string
			suffix string
		}{{&c.Short, ".short"}, {&c.Long, ".long"}, {&c.Example, ".example"}} {
			if w.Has(k + t.suffix) {
				*t.field = w.T(k + t.suffix)
			}
		}
		set := func(fl *pflag.Flag) {
			key := flagKey(w, c, fl.Name)
			switch {
			case !w.Has(key):
			case fl.Name == "help": // "help for wizard list"
				fl.Usage = w.T(key, c.CommandPath())
			default:
				fl.Usage = w.T(key)
			}
		}
		c.LocalFlags().VisitAll(set)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// helpStyles are fang's styles of the help, from its default colour scheme:
// the dark variant, as for errors (see printError), since asking the terminal
// which it is may take seconds.
type helpStyles struct {
	title, text, block, comment, program, command, flag, arg, dimmed, def lipgloss.Style
}

func newHelpStyles() helpStyles {
	cs := fang.DefaultColorScheme(lipgloss.LightDark(true))
	on := func(c lipgloss.Style) lipgloss.Style { return c.Background(cs.Codeblock) }
	return helpStyles{
		title:   lipgloss.NewStyle().Bold(true).Foreground(cs.Title),
		text:    lipgloss.NewStyle().Foreground(cs.Base),
		block:   lipgloss.NewStyle().Background(cs.Codeblock).Foreground(cs.Base),
		comment: on(lipgloss.NewStyle().Foreground(cs.Comment)),
		program: on(lipgloss.NewStyle().Foreground(cs.Program)),
		command: on(lipgloss.NewStyle().Foreground(cs.Command)),
		flag:    lipgloss.NewStyle().Foreground(cs.Flag),
		arg:     on(lipgloss.NewStyle().Foreground(cs.Argument)),
		dimmed:  on(lipgloss.NewStyle().Foreground(cs.DimmedArgument)),
		def:     lipgloss.NewStyle().Foreground(cs.FlagDefault),
	}
}

// Indents of the help, as fang's: text and titles by 2, blocks' contents and
// the lists by 4; the gap between a name and its text.
const (
	helpIndent = 2
	listIndent = 4
	listGap    = 2
)

// helpPrinter writes one help, width columns wide.
type helpPrinter struct {
	out   *colorprofile.Writer
	w     *assets.Words
	width int
	st    helpStyles
	plain bool // no colours: the blocks need no padding rows
}

func (p *helpPrinter) line(s string) { _, _ = fmt.Fprintln(p.out, s) }

// title is a section's title, with a blank line before and after, as fang's.
func (p *helpPrinter) title(key string) {
	p.line("")
	p.line(strings.Repeat(" ", helpIndent) + p.st.title.Render(strings.ToUpper(p.w.T(key))))
	p.line("")
}

// paragraphs writes text wrapped at words to the width, indented.
func (p *helpPrinter) paragraphs(text string) {
	room := p.width - helpIndent
	for l := range strings.SplitSeq(wrap(text, room), "\n") {
		if l == "" {
			p.line("")
			continue
		}
		p.line(strings.Repeat(" ", helpIndent) + p.st.text.Render(l))
	}
}

// block writes lines in a code block (a background, fang's look), each
// line wrapped to the room and coloured by paint.
func (p *helpPrinter) block(lines []string, paint func(string) string) {
	const pad = 2
	room := p.width - helpIndent - 2*pad
	var rows []string
	for _, l := range lines {
		for i, part := range strings.Split(wrap(l, room-2), "\n") {
			if i > 0 {
				part = "  " + part // a wrapped example goes on, indented
			}
			rows = append(rows, part)
		}
	}
	inner := 0
	for _, r := range rows {
		inner = max(inner, ansi.StringWidth(r))
	}
	blank := strings.Repeat(" ", helpIndent) + p.st.block.Render(strings.Repeat(" ", inner+2*pad))
	if !p.plain {
		p.line(blank)
	}
	for _, r := range rows {
		fill := "" // the background, to the block's edge: none without colours
		if !p.plain {
			fill = p.st.block.Render(strings.Repeat(" ", inner-ansi.StringWidth(r)+pad))
		}
		p.line(strings.Repeat(" ", helpIndent) + p.st.block.Render(strings.Repeat(" ", pad)) + paint(r) + fill)
	}
	if !p.plain {
		p.line(blank)
	}
}

// listItem is one row of a list: a command or a flag and what it does.
type listItem struct {
	name, text string
	paintName  func(string) string
	extra      string // after the text: a default value, painted apart
}

// list writes items in two columns, names on the left. A name too long for
// its column has its text on the next line, in the column.
func (p *helpPrinter) list(items []listItem) {
	limit := (p.width - listIndent) * 2 / 5
	col := 0
	for _, it := range items {
		if n := ansi.StringWidth(it.name); n <= limit {
			col = max(col, n)
		}
	}
	col += listIndent + listGap
	room := p.width - col
	for _, it := range items {
		name := strings.Repeat(" ", listIndent) + it.paintName(it.name)
		text := it.text
		if it.extra != "" {
			text += " " + it.extra
		}
		lines := strings.Split(wrap(text, room), "\n")
		if it.extra != "" { // the default, in its own colour, wherever the wrap put it
			last := lines[len(lines)-1]
			if cut := strings.LastIndex(last, it.extra); cut >= 0 {
				lines[len(lines)-1] = p.st.text.Render(last[:cut]) + p.st.def.Render(it.extra)
			}
		}
		for i, l := range lines {
			if !strings.Contains(l, "\x1b[") {
				lines[i] = p.st.text.Render(l)
			}
		}
		nameWidth := listIndent + ansi.StringWidth(it.name)
		if nameWidth+listGap > col {
			p.line(name)
		} else {
			lines[0] = name + strings.Repeat(" ", col-nameWidth) + lines[0]
			p.line(lines[0])
			lines = lines[1:]
		}
		for _, l := range lines {
			p.line(strings.Repeat(" ", col) + l)
		}
	}
}

// capitalize starts s with a capital letter, as fang starts a flag's text.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// nonBreakingHyphen looks like a hyphen, one column wide, but is no place to break a line.
const nonBreakingHyphen = "\u2011"

// paint is the function that renders a string in style.
func paint(style lipgloss.Style) func(string) string {
	return func(s string) string { return style.Render(s) }
}

// wrap wraps s at spaces to width columns (a word longer than that is cut,
// the only way it fits), keeping its line breaks, without trailing spaces.
// ansi.Wrap also breaks after every hyphen ("e-" / "mail", "--" / "lang"):
// hyphens are passed to it as non-breaking ones, and put back.
func wrap(s string, width int) string { return wrapWith(ansi.Wrap, s, width) }

// wrapWith wraps s to width columns with ansi's wrapper wrapper, its hyphens
// kept from breaking, its lines without trailing spaces.
func wrapWith(wrapper func(string, int, string) string, s string, width int) string {
	s = strings.ReplaceAll(s, "-", nonBreakingHyphen)
	s = strings.ReplaceAll(wrapper(s, max(width, 1), ""), nonBreakingHyphen, "-")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// renderHelp writes the help of c, in the words of w, to out.
func renderHelp(c *cobra.Command, w *assets.Words, out io.Writer) {
	cw := colorprofile.NewWriter(out, os.Environ())
	p := &helpPrinter{out: cw, w: w, width: helpWidth(out), st: newHelpStyles(), plain: cw.Profile <= colorprofile.Ascii}

	if text := c.Long; text != "" || c.Short != "" {
		if text == "" {
			text = c.Short
		}
		p.line("")
		p.paragraphs(text)
	}

	p.title("help.section.usage")
	p.block([]string{usageLine(c)}, p.paintCommandLine)

	if ex := strings.TrimSpace(c.Example); ex != "" {
		p.title("help.section.examples")
		var lines []string
		for l := range strings.SplitSeq(ex, "\n") {
			lines = append(lines, strings.TrimSpace(l))
		}
		p.block(lines, p.paintCommandLine)
	}

	var cmds []listItem
	for _, sub := range c.Commands() {
		if !sub.IsAvailableCommand() {
			continue
		}
		cmds = append(cmds, listItem{name: sub.Use, text: sub.Short, paintName: paint(p.st.command.UnsetBackground())})
	}
	if len(cmds) > 0 {
		p.title("help.section.commands")
		p.list(cmds)
	}

	if local := p.flagItems(c.LocalFlags()); len(local) > 0 {
		p.title("help.section.flags")
		p.list(local)
	}
	if inherited := p.flagItems(c.InheritedFlags()); len(inherited) > 0 {
		p.title("help.section.global_flags")
		p.list(inherited)
	}

	if !c.HasParent() {
		p.title("help.section.exit_status")
		var codes []listItem
		for _, e := range exitCodes {
			codes = append(codes, listItem{name: fmt.Sprint(e.code), text: w.T(e.key), paintName: paint(p.st.flag)})
		}
		p.list(codes)
	}
	p.line("")
}

// flagItems are the visible flags of fs as list items, with their defaults.
func (p *helpPrinter) flagItems(fs *pflag.FlagSet) []listItem {
	var items []listItem
	fs.VisitAll(func(fl *pflag.Flag) {
		if fl.Hidden {
			return
		}
		name := "--" + fl.Name
		if fl.Shorthand != "" {
			name = "-" + fl.Shorthand + " " + name
		}
		it := listItem{name: name, text: capitalize(fl.Usage), paintName: paint(p.st.flag)}
		if d := flagDefault(p.w, fl); d != "" {
			it.extra = "(" + d + ")"
		}
		items = append(items, it)
	})
	return items
}

// flagDefault is fl's default as help shows it, in the words of w: nothing
// for an empty, false or zero one; a duration in words, and as it is typed
// ("5 seconds; typed e.g. as 5s"); a default taken from the environment (a
// URL) without its password; escaped, since it may come from the environment.
func flagDefault(w *assets.Words, fl *pflag.Flag) string {
	switch fl.DefValue {
	case "", "false", "0", "[]", "0s":
		return ""
	}
	if fl.Value.Type() == "duration" {
		if d, err := time.ParseDuration(fl.DefValue); err == nil {
			return w.TypedDuration(d, termsafe.Line(fl.DefValue))
		}
	}
	d := fl.DefValue
	if u, err := url.Parse(d); err == nil && u.User != nil {
		d = u.Redacted()
	}
	return termsafe.Line(d)
}

// usageLine is how c is called: "wizard show ID [--flags]".
func usageLine(c *cobra.Command) string {
	u := c.CommandPath()
	if _, args, ok := strings.Cut(c.Use, " "); ok {
		u += " " + args
	}
	if c.HasAvailableSubCommands() {
		u += " [command]"
	}
	if c.HasAvailableFlags() {
		u += " [--flags]"
	}
	return u
}

// paintCommandLine colours a line of a code block as fang does: a comment
// (# …) dimmed; in a command line the program, its commands, flags and
// arguments each in their colour.
func (p *helpPrinter) paintCommandLine(line string) string {
	if strings.HasPrefix(strings.TrimSpace(line), "#") {
		return p.st.comment.Render(line)
	}
	words := strings.Split(line, " ")
	for i, word := range words {
		style := p.st.arg
		switch {
		case word == "":
		case word == "wizard":
			style = p.st.program
		case strings.HasPrefix(word, "-"):
			style = p.st.flag.Background(p.st.block.GetBackground())
		case strings.HasPrefix(word, "[") || word == "|" || strings.HasPrefix(word, ">"):
			style = p.st.dimmed
		case i > 0 && words[i-1] == "wizard":
			style = p.st.command
		}
		words[i] = style.Render(word)
	}
	return strings.Join(words, p.st.block.Render(" "))
}
