package main

// Shell completion: `wizard completion bash|zsh|fish|powershell` is cobra's;
// these complete what cobra cannot know: the ids of the saved signups (for
// resume, show, export and abandon), read from the store the flags on the
// line name — read-only, never creating a data file, never waiting long for
// one in use — and the values of `list --status`.

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"wizard/store"
	"wizard/termsafe"
)

// completionLockTimeout is how long a completion waits for a data file in
// use, unless --lock-timeout is on the line: a shell waits for the answer.
const completionLockTimeout = 200 * time.Millisecond

// completionWait bounds reaching a team store, and reading the signups.
const completionWait = 2 * time.Second

// errNoAnswer is openForCompletion's error for a store that did not open in time.
var errNoAnswer = errors.New("the store did not open in time")

// openForCompletion opens the store of the flags to read, giving up after
// completionWait (a team store out of reach would keep the shell waiting
// for its connect timeout); the process ends soon after, whatever is left.
func openForCompletion(f *factory) (dataStore, error) {
	type opened struct {
		st  dataStore
		err error
	}
	done := make(chan opened, 1)
	go func() {
		st, err := f.OpenStoreReadOnly()
		done <- opened{st, err}
	}()
	select {
	case o := <-done:
		return o.st, o.err
	case <-time.After(completionWait):
		return nil, errNoAnswer
	}
}

// completionLimit is how many signups a completion offers at most, newest first.
const completionLimit = 200

// idCompletions are the commands that take a signup id and the statuses
// of the signups each offers (none: any).
var idCompletions = map[string][]store.Status{
	"resume":  {store.StatusActive, store.StatusWaiting, store.StatusAbandoned},
	"show":    nil,
	"export":  nil,
	"abandon": store.Resumable,
}

// addCompletions adds the completion of signup ids and of --status under root.
func addCompletions(root *cobra.Command, f *factory) {
	for _, c := range root.Commands() {
		if statuses, ok := idCompletions[c.Name()]; ok {
			c.ValidArgsFunction = signupIDs(f, statuses)
		}
		if c.Name() == "list" && c.Flags().Lookup("status") != nil {
			_ = c.RegisterFlagCompletionFunc("status", completeStatuses)
		}
	}
}

// signupIDs completes the first argument with the ids of the saved signups
// of these statuses (any, if none), each described by its company (or
// e-mail) and status.
func signupIDs(f *factory, statuses []store.Status) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		if fl := cmd.Flags().Lookup("lock-timeout"); fl == nil || !fl.Changed {
			f.flags.lockTimeout = completionLockTimeout
		}
		st, err := openForCompletion(f)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp // no file yet, in use, or out of reach: nothing to offer
		}
		defer st.Close()
		ctx, cancel := context.WithTimeout(context.Background(), completionWait)
		defer cancel()
		page, err := st.List(ctx, store.Query{Statuses: statuses, Limit: completionLimit})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var ids []cobra.Completion
		for _, s := range page.Sessions {
			if !strings.HasPrefix(strings.ToUpper(s.ID), strings.ToUpper(toComplete)) || !store.ValidID(s.ID) {
				continue
			}
			// The description is one line for the shell: no tabs, no controls.
			desc := strings.ReplaceAll(termsafe.Line(describe(s)+" · "+string(s.Status)), "\t", " ")
			ids = append(ids, cobra.CompletionWithDesc(s.ID, desc))
		}
		return ids, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeStatuses completes --status: one status, or the next after commas.
func completeStatuses(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	done, last := "", toComplete
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		done, last = toComplete[:i+1], toComplete[i+1:]
	}
	var out []cobra.Completion
	for _, s := range []store.Status{store.StatusActive, store.StatusWaiting, store.StatusDone, store.StatusAbandoned} {
		if strings.HasPrefix(string(s), last) && !strings.Contains(","+done, ","+string(s)+",") {
			out = append(out, done+string(s))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}
