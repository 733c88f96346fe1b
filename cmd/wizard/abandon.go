package main

import (
	"context"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"wizard/assets"
	"wizard/steps"
	"wizard/store"
	"wizard/termsafe"
)

// abandonOptions are the options of `wizard abandon`.
type abandonOptions struct {
	IO        ioStreams
	Words     *assets.Words
	OpenStore func() (dataStore, error)
	Now       func() time.Time
	Who       func() string

	ID     string
	Reason string // --reason, for the history
}

func newAbandonCmd(f *factory, runF func(*abandonOptions) error) *cobra.Command {
	opts := &abandonOptions{IO: f.IO, OpenStore: f.OpenStore, Now: f.Now, Who: f.Who}
	cmd := &cobra.Command{
		Use:  "abandon ID",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID, opts.Words = args[0], f.Words()
			if runF != nil {
				return runF(opts)
			}
			return runAbandon(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "")
	return cmd
}

// runAbandon is `wizard abandon ID`.
func runAbandon(opts *abandonOptions) error {
	w := opts.Words
	st, err := opts.OpenStore()
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := loadSession(w, st, opts.ID)
	if err != nil {
		return err
	}
	switch s.Status {
	case store.StatusDone:
		return failT(w, 1, "cli.abandon.done", s.ID)
	case store.StatusAbandoned:
		printf(termsafe.NewWriter(opts.IO.Out), "%s\n", w.T("cli.abandon.already", s.ID))
		return nil
	}
	detail := steps.Said("history.abandoned")
	if opts.Reason != "" {
		detail = steps.Said("history.abandoned_because", opts.Reason)
	}
	s.Status, s.WaitingReason = store.StatusAbandoned, ""
	s.UpdatedAt, s.UpdatedBy = opts.Now(), opts.Who()
	err = st.Save(context.Background(), &s, detail.Event(store.Event{At: s.UpdatedAt, By: s.UpdatedBy, Kind: "abandoned"}), nil)
	if he, held := errors.AsType[*store.HeldError](err); held {
		return failT(w, 1, "cli.held.change", s.ID, heldBy(w, he.Hold))
	}
	if err != nil {
		return failT(w, 1, "cli.save_failed", s.ID, st.Where(), err)
	}
	printf(termsafe.NewWriter(opts.IO.Out), "%s\n", w.T("cli.abandon.done_ok", s.ID))
	return nil
}
