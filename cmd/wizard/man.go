package main

// `wizard man`: the manual page, in roff, in the words of --lang.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/muesli/roff"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"wizard/assets"
)

func newManCmd(f *factory, w *assets.Words) *cobra.Command {
	return &cobra.Command{
		Use:  "man",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(c.OutOrStdout(), manPage(c.Root(), w, f))
			return err
		},
		ValidArgsFunction: cobra.NoFileCompletions,
	}
}

// manPage is the manual page of root: what it is, how it is called, every
// command with its flags, the flags every command takes, and the exit status.
func manPage(root *cobra.Command, w *assets.Words, f *factory) string {
	doc := roff.NewDocument()
	name := root.Name()
	doc.Heading(1, name, w.T("help.man.title"), f.Now())

	doc.Section(w.T("help.man.name"))
	doc.Text(name + " - " + root.Short)

	doc.Section(w.T("help.man.synopsis"))
	doc.TextBold(name)
	doc.Text(" [" + w.T("help.man.command") + "] [--flags]")

	doc.Section(w.T("help.man.description"))
	manText(doc, root.Long)

	doc.Section(w.T("help.section.commands"))
	for _, c := range manCommands(root) {
		// The command's line, and below it, indented, its paragraphs, examples and flags.
		doc.Paragraph()
		doc.TextBold(c.CommandPath())
		if _, args, ok := strings.Cut(c.Use, " "); ok {
			doc.Text(" " + args)
		}
		doc.Indent(4)
		doc.Paragraph()
		text := c.Long
		if text == "" {
			text = c.Short
		}
		manText(doc, text)
		if ex := strings.TrimSpace(c.Example); ex != "" {
			doc.Paragraph()
			doc.TextItalic(w.T("help.section.examples"))
			for l := range strings.SplitSeq(ex, "\n") {
				doc.Paragraph()
				manText(doc, "    "+strings.TrimSpace(l))
			}
		}
		if local := manFlags(c.LocalFlags()); len(local) > 0 {
			doc.Paragraph()
			doc.TextItalic(w.T("help.section.flags"))
			doc.Indent(4)
			manFlagList(doc, w, local)
			doc.IndentEnd()
		}
		doc.IndentEnd()
	}

	doc.Section(w.T("help.section.global_flags"))
	manFlagList(doc, w, manFlags(root.PersistentFlags()))

	doc.Section(w.T("help.section.exit_status"))
	for _, e := range exitCodes {
		doc.TaggedParagraph(-1)
		doc.TextBold(fmt.Sprint(e.code))
		doc.EndSection()
		manText(doc, w.T(e.key))
	}
	return doc.String() + "\n"
}

// manText writes text's paragraphs. roff reads a line that starts with a
// quote as a request: such a line is started with a zero-width space.
func manText(doc *roff.Document, text string) {
	var out []string
	for l := range strings.SplitSeq(strings.TrimSpace(text), "\n") {
		if l == "" {
			continue // roff.Text starts a paragraph at every line break
		}
		if strings.HasPrefix(l, "'") {
			l = "\u200b" + l
		}
		out = append(out, l)
	}
	doc.Text(strings.Join(out, "\n"))
}

// manCommands are the commands under root that the manual describes, sorted by path.
func manCommands(root *cobra.Command) []*cobra.Command {
	var all []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if !sub.IsAvailableCommand() {
				continue
			}
			all = append(all, sub)
			walk(sub)
		}
	}
	walk(root)
	sort.Slice(all, func(i, j int) bool { return all[i].CommandPath() < all[j].CommandPath() })
	return all
}

// manFlags are the visible flags of fs, but the help flag every command has.
func manFlags(fs *pflag.FlagSet) []*pflag.Flag {
	var flags []*pflag.Flag
	fs.VisitAll(func(fl *pflag.Flag) {
		if !fl.Hidden && fl.Name != "help" {
			flags = append(flags, fl)
		}
	})
	return flags
}

func manFlagList(doc *roff.Document, w *assets.Words, flags []*pflag.Flag) {
	for _, fl := range flags {
		doc.TaggedParagraph(-1)
		name := "--" + fl.Name
		if fl.Shorthand != "" {
			name = "-" + fl.Shorthand + ", " + name
		}
		doc.TextBold(name)
		doc.EndSection()
		text := fl.Usage
		if d := flagDefault(w, fl); d != "" {
			text += " (" + d + ")"
		}
		manText(doc, text)
	}
}
