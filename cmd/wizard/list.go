package main

import (
	"text/tabwriter"

	"github.com/spf13/cobra"

	"wizard/store"
)

func newListCmd(g *globals) *cobra.Command {
	limit := 0
	return &cobra.Command{
		Use:   "list",
		Short: "List saved signups, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := g.openStore()
			if err != nil {
				return err
			}
			defer st.Close()
			sessions, err := st.List(store.ListOptions{Limit: limit})
			if err != nil {
				return fail(1, "cannot read the data file %s: %v", st.Path(), err)
			}
			w := g.words()
			if len(sessions) == 0 {
				printf(g.stdout, "%s\n", w.T("list.empty", st.Path()))
				return nil
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			printf(tw, "%s\n", w.T("list.header"))
			for _, s := range sessions {
				status := string(s.Status)
				if s.Status == store.StatusWaiting && s.WaitingReason != "" {
					status += ": " + s.WaitingReason
				}
				printf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, dash(s.Company.CompanyName), dash(s.Account.Email),
					dash(s.Phone.E164), s.Step, status, s.UpdatedAt.Local().Format("2006-01-02 15:04"), dash(s.UpdatedBy))
			}
			return tw.Flush()
		},
	}
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
