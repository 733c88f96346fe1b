package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

// showOptions are the options of `wizard show`.
type showOptions struct {
	IO        ioStreams
	Words     *assets.Words
	OpenStore func() (dataStore, error)

	ID   string
	JSON bool // --json
}

func newShowCmd(f *factory, runF func(*showOptions) error) *cobra.Command {
	opts := &showOptions{IO: f.IO, OpenStore: f.OpenStoreReadOnly}
	cmd := &cobra.Command{
		Use:  "show ID",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID, opts.Words = args[0], f.Words()
			if runF != nil {
				return runF(opts)
			}
			return runShow(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "")
	return cmd
}

// runShow is `wizard show ID`.
func runShow(opts *showOptions) error {
	w := opts.Words
	st, err := opts.OpenStore()
	if nf, none := errors.AsType[*store.NoFileError](err); none {
		return failT(w, 1, "cli.not_found", termsafe.Line(opts.ID), nf.Path)
	}
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := loadSession(w, st, opts.ID)
	if err != nil {
		return err
	}
	events, err := st.Events(context.Background(), s.ID)
	if err != nil {
		return failT(w, 1, "cli.show.history_failed", s.ID, err)
	}
	if events == nil {
		events = []store.Event{}
	}
	hold, held := holdsByID(context.Background(), st)[s.ID]
	if opts.JSON {
		var heldBy *heldEntry
		if held {
			heldBy = &heldEntry{Who: hold.Holder.Who, Machine: hold.Holder.Machine, PID: hold.Holder.PID,
				Since: hold.Since.UTC().Format(time.RFC3339), Expires: hold.Expires.UTC().Format(time.RFC3339)}
		}
		return writeJSON(opts.IO.Out, struct {
			Session store.Session `json:"session"`
			HeldBy  *heldEntry    `json:"held_by,omitempty"`
			Events  []store.Event `json:"events"`
		}{s, heldBy, events})
	}

	// What the signup holds came from users, services and perhaps an imported file.
	cell := termsafe.Line
	tw := tabwriter.NewWriter(termsafe.NewWriter(opts.IO.Out), 0, 4, 2, ' ', 0)
	for _, l := range steps.Summary(w, s) {
		printf(tw, "%s\t%s\n", l.Label, l.Value)
	}
	if s.Step != "" {
		printf(tw, "%s\t%s\n", w.T("cli.show.step"), cell(w.T("cli.show.step_value", w.T("step."+s.Step), s.Step)))
	}
	if s.Language != "" {
		printf(tw, "%s\t%s\n", w.T("cli.show.language"), cell(sessionLanguage(s.Language)))
	}
	printf(tw, "%s\t%s\n", w.T("cli.show.updated"),
		cell(w.T("cli.show.updated_value", w.DateTimeSeconds(s.UpdatedAt.Local())+" "+s.UpdatedAt.Local().Format("MST"), dash(s.UpdatedBy), strconv.FormatUint(uint64(s.Rev), 10))))
	if held {
		printf(tw, "%s\t%s\n", w.T("cli.show.in_use"), w.T("cli.show.in_use_value", heldBy(w, hold)))
	}

	printf(tw, "\n%s\n", w.T("cli.show.fields"))
	fields, err := flatten(s)
	if err != nil {
		return err
	}
	for _, f := range fields {
		printf(tw, "  %s\t%s\n", cell(f.name), cell(f.value))
	}

	printf(tw, "\n%s\n", w.T("show.history"))
	for _, e := range events {
		line := historyLine(w, e)
		cells := []string{w.DateTimeSeconds(e.At.Local()), cell(dash(e.By)), cell(dash(stepText(w, e.Step))), cell(kindText(w, e.Kind))}
		if line = oneLine(line); line != "" {
			cells = append(cells, cell(line))
		}
		printf(tw, "  %s\n", strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// loadSession loads a signup by id, or fails saying how to find one.
func loadSession(w *assets.Words, st dataStore, id string) (store.Session, error) {
	s, err := st.Load(context.Background(), id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return s, failT(w, 1, "cli.not_found", id, st.Where())
	case err != nil:
		return s, failT(w, 1, "cli.load_failed", id, err)
	}
	return s, nil
}

type field struct{ name, value string }

// flatten lists every saved field of v, in the order the JSON holds them, as
// dotted names ("phone.e164") with their values.
func flatten(v any) ([]field, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out []field
	err = flattenValue(dec, "", &out)
	return out, err
}

func flattenValue(dec *json.Decoder, name string, out *[]field) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim: // '{' or '[': read the members up to the closing one
		for i := 0; dec.More(); i++ {
			child := fmt.Sprintf("%s[%d]", name, i)
			if t == '{' {
				key, err := dec.Token()
				if err != nil {
					return err
				}
				child = fmt.Sprint(key)
				if name != "" {
					child = name + "." + child
				}
			}
			if err := flattenValue(dec, child, out); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	case nil:
		return nil
	default:
		*out = append(*out, field{name, fmt.Sprint(t)})
		return nil
	}
}

// kindText is what kind of event e is, in words; a kind this wizard has no
// words for as it is saved.
func kindText(w *assets.Words, kind string) string {
	if k := "show.kind." + kind; kind != "" && w.Has(k) {
		return w.T(k)
	}
	return kind
}

// oneLine keeps a history entry on its line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// historyLine is what an event says: its detail (in the reader's language
// when the event kept its words, as saved otherwise) and its error, each once
// (an error a step showed is saved as both: its detail is the error's text).
func historyLine(w *assets.Words, e store.Event) string {
	detail, errText := oneLine(e.Detail), oneLine(e.Error)
	if said, ok := steps.SayHistory(w, e.Words); ok {
		detail = oneLine(said)
	}
	switch {
	case errText == "":
		return detail
	case detail == "" || detail == errText:
		return w.T("cli.show.error", errText)
	case strings.Contains(detail, errText):
		return detail
	}
	return detail + " — " + w.T("cli.show.error", errText)
}
