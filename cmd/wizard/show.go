package main

import (
	"errors"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"wizard/steps"
	"wizard/store"
)

func newShowCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Print what a signup holds and its history, without the terminal UI",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			s, err := st.Load(args[0])
			if errors.Is(err, store.ErrNotFound) {
				return fail(1, "no signup with id %s in %s; 'wizard list' shows them", args[0], st.Path())
			}
			if err != nil {
				return fail(1, "cannot read signup %s: %v", args[0], err)
			}
			events, err := st.Events(s.ID)
			if err != nil {
				return fail(1, "cannot read the history of %s: %v", s.ID, err)
			}
			w := g.words()
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			for _, l := range steps.Summary(w, s) {
				printf(tw, "%s\t%s\n", l.Label, l.Value)
			}
			printf(tw, "\n%s\n", w.T("show.history"))
			for _, e := range events {
				line := e.Detail
				if e.Error != "" {
					line += " — " + e.Error
				}
				printf(tw, "%s\t%s\t%s\t%s\t%s\n", e.At.Local().Format("2006-01-02 15:04:05"), dash(e.By), e.Step, e.Kind, line)
			}
			return tw.Flush()
		},
	}
}
