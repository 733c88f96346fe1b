package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"wizard/assets"
	"wizard/steps"
	"wizard/store"
	"wizard/termsafe"
)

// defaultListLimit is how many signups `wizard list` prints without --limit.
const defaultListLimit = 50

// listOptions are the options of `wizard list`.
type listOptions struct {
	IO        ioStreams
	Words     *assets.Words
	OpenStore func() (*store.Store, error)

	Statuses []string // --status
	Search   string   // --search
	JSON     bool     // --json
	Limit    int      // --limit; defaultListLimit without it (0, all, with --json)
}

func newListCmd(f *factory, runF func(*listOptions) error) *cobra.Command {
	opts := &listOptions{IO: f.IO, OpenStore: f.OpenStoreReadOnly}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List saved signups, newest first",
		Long: `Lists the saved signups, the most recently updated first: id, company, e-mail,
number, current step, status (active, waiting and why, done, abandoned; "needs attention"
and why for an active one that cannot go on by itself, such as a failed activation), last
update and who made it.

  wizard list --status waiting            the parked ones
  wizard list --search acme               by company, e-mail, number or id
  wizard list --json --limit 0 | jq …     every one, for scripts`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("limit") && !opts.JSON {
				opts.Limit = defaultListLimit
			}
			opts.Words = f.Words()
			if runF != nil {
				return runF(opts)
			}
			return runList(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&opts.Statuses, "status", nil, "only these statuses: active, waiting, done, abandoned (repeat or separate with commas)")
	fl.StringVar(&opts.Search, "search", "", "only signups whose company, e-mail, number or id contains this (any case)")
	fl.BoolVar(&opts.JSON, "json", false, "print a JSON array for scripts")
	fl.IntVar(&opts.Limit, "limit", 0, "at most this many; 0 for all (default 50, all with --json)")
	return cmd
}

// listEntry is one signup in `wizard list --json`.
type listEntry struct {
	ID            string `json:"id"`
	Company       string `json:"company"`
	Email         string `json:"email"`
	Number        string `json:"number"`
	Step          string `json:"step"`
	Status        string `json:"status"`
	WaitingReason string `json:"waiting_reason,omitempty"`
	Attention     string `json:"attention,omitempty"` // why it needs someone to look at it
	UpdatedAt     string `json:"updated_at"`
	UpdatedBy     string `json:"updated_by"`
}

// runList is `wizard list`.
func runList(opts *listOptions) error {
	w := opts.Words
	opt, err := listFilter(w, opts.Statuses, opts.Search)
	if err != nil {
		return err
	}
	if opts.Limit < 0 {
		return failT(w, 2, "cli.list.bad_limit", opts.Limit)
	}
	st, err := opts.OpenStore()
	if nf, none := errors.AsType[*store.NoFileError](err); none {
		if opts.JSON {
			return writeJSON(opts.IO.Out, []listEntry{})
		}
		printf(termsafe.NewWriter(opts.IO.Out), "%s\n", w.T("list.empty", nf.Path))
		return nil
	}
	if err != nil {
		return err
	}
	defer st.Close()
	opt.Limit = opts.Limit
	page, err := st.List(context.Background(), opt)
	if err != nil {
		return failT(w, 1, "cli.read_failed", st.Path(), err)
	}
	sessions, more := page.Sessions, page.Next != ""
	out := opts.IO.Out
	if opts.JSON {
		return writeJSON(out, listEntries(w, sessions))
	}
	out = termsafe.NewWriter(out) // what the signups hold came from users and files
	cell := termsafe.Line
	if len(sessions) == 0 {
		if len(opt.Statuses) > 0 || opt.Search != "" {
			printf(out, "%s\n", w.T("cli.list.none_match", st.Path()))
		} else {
			printf(out, "%s\n", w.T("list.empty", st.Path()))
		}
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	printf(tw, "%s\n", w.T("list.header"))
	for _, s := range sessions {
		printf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cell(s.ID), cell(dash(s.Company.CompanyName)), cell(dash(s.Account.Email)),
			cell(dash(steps.ShowNumber(s.Phone))), cell(dash(s.Step)), cell(statusText(w, s)), s.UpdatedAt.Local().Format("2006-01-02 15:04"), cell(dash(s.UpdatedBy)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if more {
		printf(out, "%s\n", w.T("cli.list.more", opts.Limit))
	}
	return nil
}

// listFilter turns --status and --search into a store.Query. The search
// is the store's (store.MatchSearch): company, e-mail, id with or without
// its dash, or the digits of a number, in any case.
func listFilter(w *assets.Words, statuses []string, search string) (store.Query, error) {
	var opt store.Query
	known := []store.Status{store.StatusActive, store.StatusWaiting, store.StatusDone, store.StatusAbandoned}
	for _, s := range statuses {
		status := store.Status(strings.ToLower(strings.TrimSpace(s)))
		if !slices.Contains(known, status) {
			return opt, failT(w, 2, "cli.list.bad_status", s)
		}
		opt.Statuses = append(opt.Statuses, status)
	}
	opt.Search = strings.TrimSpace(search)
	return opt, nil
}

// statusText is the status as list prints it: "waiting: <why>" for a parked
// one, "needs attention: <why>" for one that cannot go on by itself.
func statusText(w *assets.Words, s store.Session) string {
	if why := steps.Attention(w, s); why != "" {
		return w.T("list.attention", why)
	}
	if s.Status == store.StatusWaiting && s.WaitingReason != "" {
		return string(s.Status) + ": " + s.WaitingReason
	}
	return string(s.Status)
}

func listEntries(w *assets.Words, sessions []store.Session) []listEntry {
	out := make([]listEntry, 0, len(sessions))
	for _, s := range sessions {
		out = append(out, listEntry{ID: s.ID, Company: s.Company.CompanyName, Email: s.Account.Email,
			Number: s.Phone.E164, Step: s.Step, Status: string(s.Status), WaitingReason: s.WaitingReason,
			Attention: steps.Attention(w, s),
			UpdatedAt: s.UpdatedAt.UTC().Format(time.RFC3339), UpdatedBy: s.UpdatedBy})
	}
	return out
}

// writeJSON prints v as indented JSON.
// writeJSON prints v as indented JSON, with what a terminal could act on
// escaped (the same JSON: see termsafe.JSON).
func writeJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(termsafe.JSON(data), '\n'))
	return err
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
