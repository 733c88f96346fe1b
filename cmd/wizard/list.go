package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"slices"
	"strconv"
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
	OpenStore func() (dataStore, error)

	Statuses []string // --status
	Search   string   // --search
	JSON     bool     // --json
	Limit    int      // --limit; defaultListLimit without it (0, all, with --json)
	Watch    bool     // --watch: print the list again at every change
	Wide     bool     // --wide: the full table, even in a terminal too narrow for it

	// Width is the width of the terminal the list is printed to, 0 when it
	// is printed to no terminal (a pipe, a file: the full table). See list_fit.go.
	Width func() int

	Context context.Context  // ends --watch; nil: never
	Now     func() time.Time // the clock of --watch's "as of" line

	// Resizes are the terminal's resizes, after which --watch prints the
	// list again for the new width (nil: none). See list_fit_unix.go.
	Resizes func() (resized <-chan os.Signal, stop func())
}

func newListCmd(f *factory, runF func(*listOptions) error) *cobra.Command {
	opts := &listOptions{IO: f.IO, OpenStore: f.OpenStoreReadOnly, Now: f.Now,
		Width: func() int { return terminalWidth(f.IO.Out) }, Resizes: terminalResizes}
	cmd := &cobra.Command{
		Use:  "list",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("limit") && !opts.JSON {
				opts.Limit = defaultListLimit
			}
			opts.Words, opts.Context = f.Words(), cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runList(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&opts.Statuses, "status", nil, "")
	fl.StringVar(&opts.Search, "search", "", "")
	fl.BoolVar(&opts.JSON, "json", false, "")
	fl.IntVar(&opts.Limit, "limit", 0, "")
	fl.BoolVar(&opts.Watch, "watch", false, "")
	fl.BoolVar(&opts.Wide, "wide", false, "")
	return cmd
}

// listEntry is one signup in `wizard list --json`.
type listEntry struct {
	ID            string     `json:"id"`
	Company       string     `json:"company"`
	Email         string     `json:"email"`
	Number        string     `json:"number"`
	Step          string     `json:"step"`
	Status        string     `json:"status"`
	WaitingReason string     `json:"waiting_reason,omitempty"`
	Attention     string     `json:"attention,omitempty"` // why it needs someone to look at it
	Demo          string     `json:"demo,omitempty"`      // a trainer's demo signup: its scenario (wizard demo)
	UpdatedAt     string     `json:"updated_at"`
	UpdatedBy     string     `json:"updated_by"`
	HeldBy        *heldEntry `json:"held_by,omitempty"` // a wizard at work on it now
}

// heldEntry is who holds a signup, in `wizard list --json`.
type heldEntry struct {
	Who     string `json:"who"`
	Machine string `json:"machine"`
	PID     int    `json:"pid"`
	Since   string `json:"since"`
	Expires string `json:"expires"` // unless renewed: a wizard renews its hold while it runs
}

// runList is `wizard list`.
func runList(opts *listOptions) error {
	w := opts.Words
	opt, err := listFilter(w, opts.Statuses, opts.Search)
	if err != nil {
		return err
	}
	if opts.Limit < 0 {
		return failT(w, 2, "cli.list.bad_limit", strconv.Itoa(opts.Limit))
	}
	st, err := opts.OpenStore()
	if nf, none := errors.AsType[*store.NoFileError](err); none {
		if opts.JSON {
			return writeJSON(opts.IO.Out, []listEntry{})
		}
		width := 0
		if !opts.Wide && opts.Width != nil {
			width = opts.Width()
		}
		printf(termsafe.NewWriter(opts.IO.Out), "%s\n", fitLines(w.T("list.empty", nf.Path), width))
		return nil
	}
	if err != nil {
		return err
	}
	defer st.Close()
	opt.Limit = opts.Limit
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	if !opts.Watch {
		_, err := printList(ctx, opts, st, opt)
		return err
	}
	return watchList(ctx, opts, st, opt)
}

// watchList is `wizard list --watch`: the list again each time a signup is
// saved, imported, taken or given up, until interrupted (or ctx ends).
func watchList(ctx context.Context, opts *listOptions, st dataStore, q store.Query) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	changes, err := st.Watch(ctx)
	if err != nil {
		return failT(opts.Words, 1, "cli.read_failed", st.Where(), err)
	}
	clear := !opts.JSON && isTerminal(opts.IO.Out)
	var resized <-chan os.Signal // a resized terminal: the list again, fitted to its new width
	if clear && !opts.Wide && opts.Resizes != nil {
		var stop func()
		resized, stop = opts.Resizes()
		defer stop()
	}
	for {
		if clear {
			printf(opts.IO.Out, "\x1b[H\x1b[2J") // from the top of a clean screen: no scrolling wall of tables
		}
		width, err := printList(ctx, opts, st, q)
		if err != nil {
			return err
		}
		if !opts.JSON {
			printf(opts.IO.Out, "%s\n", fitLines(opts.Words.T("cli.list.watching", opts.Words.TimeSeconds(opts.Now().Local())), width))
		}
		select {
		case _, ok := <-changes:
			if !ok {
				return nil
			}
		case <-resized:
		}
		// Several changes at once (a burst of saves, a window dragged wider) make one new list.
		for drained := false; !drained; {
			select {
			case _, ok := <-changes:
				if !ok {
					return nil
				}
			case <-resized:
			default:
				drained = true
			}
		}
	}
}

// printList prints one page of the signups q selects, with who holds them:
// the full table, or in a terminal (unless --wide) one that fits its width
// (see list_fit.go), and returns that width (0 for the full table).
func printList(ctx context.Context, opts *listOptions, st dataStore, opt store.Query) (int, error) {
	w := opts.Words
	page, err := st.List(ctx, opt)
	if err != nil {
		return 0, failT(w, 1, "cli.read_failed", st.Where(), err)
	}
	holds := holdsByID(ctx, st)
	sessions, more := page.Sessions, page.Next != ""
	out := opts.IO.Out
	if opts.JSON {
		return 0, writeJSON(out, listEntries(w, sessions, holds))
	}
	width := 0
	if !opts.Wide && opts.Width != nil {
		width = opts.Width() // again at every print: --watch follows a resized terminal
	}
	out = termsafe.NewWriter(out) // what the signups hold came from users and files
	cell := termsafe.Line
	if len(sessions) == 0 {
		if len(opt.Statuses) > 0 || opt.Search != "" {
			printf(out, "%s\n", fitLines(w.T("cli.list.none_match", st.Where()), width))
		} else {
			printf(out, "%s\n", fitLines(w.T("list.empty", st.Where()), width))
		}
		return width, nil
	}
	if width > 0 {
		table, note := fittedList(w, opts.now(), width, sessions, holds)
		for _, l := range table {
			printf(out, "%s\n", l)
		}
		if more {
			printf(out, "%s\n", fitLines(w.T("cli.list.more", opts.Limit), width))
		}
		if note != "" {
			printf(out, "%s\n", fitLines(note, width))
		}
		return width, nil
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	// A DEMO column, first, when a trainer's demo signup is among them: a
	// demo is never taken for a real signup, even in the same file.
	demos := slices.ContainsFunc(sessions, func(s store.Session) bool { return s.Demo != "" })
	if demos {
		printf(tw, "%s\t", w.T("demo.list_column"))
	}
	printf(tw, "%s\n", w.T("list.header"))
	for _, s := range sessions {
		inUse := "-"
		if h, ok := holds[s.ID]; ok {
			inUse = heldBy(w, h)
		}
		if demos {
			printf(tw, "%s\t", cell(dash(s.Demo)))
		}
		printf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cell(s.ID), cell(dash(s.Company.CompanyName)), cell(dash(s.Account.Email)),
			cell(dash(steps.ShowNumber(s.Phone))), cell(dash(stepText(w, s.Step))), cell(statusText(w, s)), w.DateTime(s.UpdatedAt.Local()),
			cell(dash(s.UpdatedBy)), inUse)
	}
	if err := tw.Flush(); err != nil {
		return 0, err
	}
	if more {
		printf(out, "%s\n", w.T("cli.list.more", opts.Limit))
	}
	return 0, nil
}

// now is the time by the clock of the options.
func (opts *listOptions) now() time.Time {
	if opts.Now == nil {
		return time.Now()
	}
	return opts.Now()
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

// statusText is the status as list prints it, in the language's words:
// "waiting: <why>" for a parked one, "needs attention: <why>" for one that cannot go on by itself.
func statusText(w *assets.Words, s store.Session) string {
	if why := steps.Attention(w, s); why != "" {
		return w.T("list.attention", why)
	}
	status := string(s.Status)
	if k := "list.status." + status; w.Has(k) {
		status = w.T(k)
	}
	if s.Status == store.StatusWaiting && s.WaitingReason != "" {
		return w.T("list.waiting", status, s.WaitingReason)
	}
	return status
}

// stepText is the step as list prints it: its id in English (the name
// 'wizard demo --at' takes), a short name in other languages; a step this
// wizard does not know as it is saved.
func stepText(w *assets.Words, step string) string {
	if k := "list.step." + step; step != "" && w.Has(k) {
		return w.T(k)
	}
	return step
}

func listEntries(w *assets.Words, sessions []store.Session, holds map[string]store.Hold) []listEntry {
	out := make([]listEntry, 0, len(sessions))
	for _, s := range sessions {
		var held *heldEntry
		if h, ok := holds[s.ID]; ok {
			held = &heldEntry{Who: h.Holder.Who, Machine: h.Holder.Machine, PID: h.Holder.PID,
				Since: h.Since.UTC().Format(time.RFC3339), Expires: h.Expires.UTC().Format(time.RFC3339)}
		}
		out = append(out, listEntry{HeldBy: held, ID: s.ID, Company: s.Company.CompanyName, Email: s.Account.Email,
			Number: s.Phone.E164, Step: s.Step, Status: string(s.Status), WaitingReason: s.WaitingReason,
			Attention: steps.Attention(w, s), Demo: s.Demo,
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
