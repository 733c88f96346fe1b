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

// copyOptions are the options of `wizard copy`.
type copyOptions struct {
	IO    ioStreams
	Words *assets.Words
	// Open opens a store by its name: a data file's path or a team store's
	// address; readOnly for the source.
	Open func(where string, readOnly bool) (dataStore, error)
	Now  func() time.Time // when the history says it was copied
	Who  func() string    // who it says copied it

	From, To string // --from, --to
}

func newCopyCmd(f *factory, runF func(*copyOptions) error) *cobra.Command {
	opts := &copyOptions{IO: f.IO, Open: f.openStoreAt, Now: f.Now, Who: f.Who}
	cmd := &cobra.Command{
		Use:  "copy --from FILE|URL --to FILE|URL",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Words = f.Words()
			if runF != nil {
				return runF(opts)
			}
			return runCopy(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.From, "from", "", "")
	cmd.Flags().StringVar(&opts.To, "to", "", "")
	return cmd
}

// copyTally counts what `wizard copy` did.
type copyTally struct{ added, replaced, same, refused int }

// runCopy is `wizard copy`.
func runCopy(ctx context.Context, opts *copyOptions) error {
	w := opts.Words
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.From == "" || opts.To == "" {
		return failT(w, 2, "cli.copy.usage")
	}
	if opts.From == opts.To {
		return failT(w, 2, "cli.copy.same")
	}
	src, err := opts.Open(opts.From, true)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := opts.Open(opts.To, false)
	if err != nil {
		return err
	}
	defer dst.Close()

	out := termsafe.NewWriter(opts.IO.Out)
	var t copyTally
	q := store.Query{Limit: 200}
	for {
		page, err := src.List(ctx, q)
		if err != nil {
			return failT(w, 1, "cli.read_failed", src.Where(), err)
		}
		for _, s := range page.Sessions {
			if err := copyOne(ctx, opts, src, dst, s, &t); err != nil {
				return err
			}
		}
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	printf(out, "%s\n", w.T("cli.copy.done", t.added, t.replaced, t.same, t.refused, src.Where(), dst.Where()))
	if t.refused > 0 {
		return fail(1, "")
	}
	return nil
}

// copyOne copies signup s from src to dst unless dst has it as new or newer,
// or someone holds it there.
func copyOne(ctx context.Context, opts *copyOptions, src, dst dataStore, s store.Session, t *copyTally) error {
	w := opts.Words
	out := termsafe.NewWriter(opts.IO.Out)
	replace := false
	there, err := dst.Load(ctx, s.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return failT(w, 1, "cli.read_failed", dst.Where(), err)
	case !s.UpdatedAt.After(there.UpdatedAt):
		// Copied before and unchanged since, or changed there since: not overwritten.
		if s.UpdatedAt.Equal(there.UpdatedAt) {
			t.same++
			return nil
		}
		t.refused++
		printf(out, "%s\n", w.T("cli.copy.newer_there", s.ID, w.DateTime(there.UpdatedAt.Local()), dash(there.UpdatedBy)))
		return nil
	default:
		replace = true
	}
	b, err := src.Export(ctx, s.ID, opts.Now(), opts.Who())
	if err != nil {
		return failT(w, 1, "cli.read_failed", src.Where(), err)
	}
	// The signup keeps its own last update, so that a later copy can tell
	// whether the source changed since; the history says who copied it.
	note := steps.Said("history.copied", src.Where(), dst.Where()).Event(store.Event{At: opts.Now(), By: opts.Who(), Kind: "imported"})
	_, err = dst.Import(ctx, b.Session, append(b.Events, note), replace)
	switch {
	case errors.As(err, new(*store.HeldError)):
		he, _ := errors.AsType[*store.HeldError](err)
		t.refused++
		printf(out, "%s\n", w.T("cli.copy.held", s.ID, heldBy(w, he.Hold)))
	case errors.As(err, new(*store.ConflictError)):
		ce, _ := errors.AsType[*store.ConflictError](err)
		t.refused++
		printf(out, "%s\n", w.T("cli.copy.newer_there", s.ID, w.DateTime(ce.Current.UpdatedAt.Local()), dash(ce.Current.UpdatedBy)))
	case errors.Is(err, store.ErrInvalidData):
		t.refused++
		printf(out, "%s\n", w.T("cli.copy.invalid", s.ID, err))
	case err != nil:
		return failT(w, 1, "cli.save_failed", s.ID, dst.Where(), err)
	case replace:
		t.replaced++
	default:
		t.added++
	}
	return nil
}
