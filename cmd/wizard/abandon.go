package main

import (
	"github.com/spf13/cobra"

	"wizard/store"
)

func newAbandonCmd(g *globals) *cobra.Command {
	reason := ""
	cmd := &cobra.Command{
		Use:   "abandon ID",
		Short: "Mark a signup abandoned: kept, but no longer offered for resume",
		Long: `Marks a signup abandoned: it and its history are kept ('wizard show ID'), but
'wizard' no longer offers to resume it and 'wizard list --status active,waiting' leaves it
out. 'wizard resume ID' reopens it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAbandon(g, args[0], reason)
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why, for the history (e.g. \"duplicate of K7MQ-4XPD\")")
	return cmd
}

func runAbandon(g *globals, id, reason string) error {
	st, err := g.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := g.loadSession(st, id)
	if err != nil {
		return err
	}
	w := g.words()
	switch s.Status {
	case store.StatusDone:
		return g.fail(1, "cli.abandon.done", s.ID)
	case store.StatusAbandoned:
		printf(g.stdout, "%s\n", w.T("cli.abandon.already", s.ID))
		return nil
	}
	detail := "marked abandoned"
	if reason != "" {
		detail += ": " + reason
	}
	s.Status, s.WaitingReason = store.StatusAbandoned, ""
	s.UpdatedAt, s.UpdatedBy = g.clock(), who()
	if err := st.Save(&s, store.Event{At: s.UpdatedAt, By: s.UpdatedBy, Kind: "abandoned", Detail: detail}); err != nil {
		return g.fail(1, "cli.save_failed", s.ID, st.Path(), err)
	}
	printf(g.stdout, "%s\n", w.T("cli.abandon.done_ok", s.ID))
	return nil
}
