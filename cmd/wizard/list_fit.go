package main

// `wizard list` in a terminal: the table fits the terminal's width. Support
// staff often work on an 80×24 terminal, where the full table (some 136
// columns in English, wider in Russian and Kazakh) wraps every row. So, when
// standard output is a terminal and neither --wide nor --json is given, the
// table is laid out for its width; elsewhere (a pipe, a file: scripts) it is
// the full table, as it always was.
//
// To fit, the table gives up, in this order, what is least needed to find a
// signup, and stops as soon as it fits:
//
//  1. IN USE BY is shown only when someone holds one of the signups listed
//     (otherwise it is a column of dashes);
//  2. UPDATED is shortened: the time for today, the day otherwise (with the
//     year for another year's);
//  3. BY (who saved it last) is left out;
//  4. IN USE BY says only who holds it, not on which computer since when;
//  5. E-MAIL is left out;
//  6. NUMBER is left out;
//  7. UPDATED is left out;
//  8. IN USE BY is left out;
//  9. COMPANY is left out (when it cannot keep even its first 8 columns).
//
// At every stage COMPANY and STATUS may be cut short, with "…", at a word
// boundary if that keeps at least two thirds of the room, else between two
// characters (never inside one): COMPANY to 8 columns, STATUS down to its
// status word ("waiting…", "needs attention…"), never less, and DEMO's
// scenario to 5 ("wron…": it still marks the demo). The room left over is
// shared between them, up to their full widths. ID, STEP, STATUS and DEMO (a
// trainer's demo signup is never taken for a real one) always stay: at 60
// columns they fit in every language. A line under the table says which columns were left out, or that
// texts were shortened, and how to see everything: `wizard list --wide`, or
// `wizard show ID` for one signup.

import (
	"io"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"

	"wizard/assets"
	"wizard/steps"
	"wizard/store"
	"wizard/termsafe"
)

// Limits of the fitted table.
const (
	fitGap        = 2 // spaces between two columns
	fitCompanyMin = 8 // COMPANY is cut to no fewer columns ("Acme Tr…"); left out instead
	fitDemoMin    = 5 // a demo's scenario is cut to no fewer ("wron…"): it still says it is one
)

// terminalWidth is the width of the terminal out is, 0 when it is none.
func terminalWidth(out io.Writer) int {
	f, ok := out.(term.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return 0
	}
	w, _, err := term.GetSize(f.Fd())
	if err != nil || w <= 0 {
		return 0
	}
	return w
}

// fitCol is one column of the fitted table.
type fitCol struct {
	name    string   // its header, as the catalog writes it
	cells   []string // one a row, safe for a terminal
	keep    []int    // cuttable columns: how many columns of each cell must stay (the rest may go, for "…")
	floor   int      // cuttable columns: a cell is cut to no fewer columns than this
	dropped bool
	width   int // as laid out
}

func (c *fitCol) cuttable() bool { return c.keep != nil }

// natural is the width of the column's widest cell, or of its header.
func (c *fitCol) natural() int {
	n := ansi.StringWidth(c.name)
	for _, s := range c.cells {
		n = max(n, ansi.StringWidth(s))
	}
	return n
}

// narrowest is the least width the column can be cut to.
func (c *fitCol) narrowest() int {
	if !c.cuttable() {
		return c.natural()
	}
	n := ansi.StringWidth(c.name)
	for i, s := range c.cells {
		n = max(n, min(ansi.StringWidth(s), max(c.floor, c.keep[i]+1)))
	}
	return n
}

// fittedList is the table of sessions laid out for a terminal width columns
// wide, and the line to print under it ("" when nothing was left out or cut).
func fittedList(w *assets.Words, now time.Time, width int, sessions []store.Session, holds map[string]store.Hold) (table []string, note string) {
	names := strings.Split(w.T("list.header"), "\t")
	// The header's columns, in its order.
	const (
		colID = iota
		colCompany
		colEmail
		colNumber
		colStep
		colStatus
		colUpdated
		colBy
		colInUse
		nCols
	)
	if len(names) != nCols { // a catalog that does not name them all: the full table's words as they are
		names = append(names, make([]string, nCols)...)[:nCols]
	}
	cols := make([]*fitCol, nCols)
	for i := range cols {
		cols[i] = &fitCol{name: names[i]}
	}
	cell := termsafe.Line
	held := false
	today := now.Local()
	for _, s := range sessions {
		status, keep := statusCell(w, s)
		company := cell(dash(s.Company.CompanyName))
		h, isHeld := holds[s.ID]
		held = held || isHeld
		inUse := "-"
		if isHeld {
			inUse = heldBy(w, h)
		}
		for i, v := range []string{cell(s.ID), company, cell(dash(s.Account.Email)), cell(dash(steps.ShowNumber(s.Phone))),
			cell(dash(stepText(w, s.Step))), cell(status), w.DateTime(s.UpdatedAt.Local()), cell(dash(s.UpdatedBy)), inUse} {
			cols[i].cells = append(cols[i].cells, v)
		}
		cols[colCompany].keep = append(cols[colCompany].keep, 0)
		cols[colStatus].keep = append(cols[colStatus].keep, min(keep, ansi.StringWidth(cell(status))))
	}
	cols[colCompany].floor = fitCompanyMin
	// A DEMO column, first, when a trainer's demo signup is among them (as in the full table).
	if slices.ContainsFunc(sessions, func(s store.Session) bool { return s.Demo != "" }) {
		demo := &fitCol{name: w.T("demo.list_column"), floor: fitDemoMin}
		for _, s := range sessions {
			demo.cells = append(demo.cells, cell(dash(s.Demo)))
			demo.keep = append(demo.keep, 0)
		}
		cols = append([]*fitCol{demo}, cols...)
	}
	col := func(i int) *fitCol { return cols[len(cols)-nCols+i] }

	col(colInUse).dropped = !held
	shortened := false
	ladder := []func(){
		func() { // UPDATED: the time today, the day otherwise
			for i, s := range sessions {
				col(colUpdated).cells[i] = shortDay(w, s.UpdatedAt.Local(), today)
			}
			shortened = true
		},
		func() { col(colBy).dropped = true },
		func() { // IN USE BY: only who
			for i, s := range sessions {
				if h, ok := holds[s.ID]; ok {
					col(colInUse).cells[i] = cell(dash(h.Holder.Who))
				}
			}
			shortened = true
		},
		func() { col(colEmail).dropped = true },
		func() { col(colNumber).dropped = true },
		func() { col(colUpdated).dropped = true },
		func() { col(colInUse).dropped = true },
		func() { col(colCompany).dropped = true },
	}
	need := func(narrowest bool) int {
		n := -fitGap
		for _, c := range cols {
			if c.dropped {
				continue
			}
			if narrowest {
				n += c.narrowest() + fitGap
			} else {
				n += c.natural() + fitGap
			}
		}
		return n
	}
	for _, step := range ladder {
		if need(true) <= width {
			break
		}
		step()
	}
	// Each column as wide as it needs; the cuttable ones from their
	// narrowest, sharing what room there is, one column at a time to the
	// narrower of them, up to their full widths.
	room := width - need(true)
	var grow []*fitCol
	for _, c := range cols {
		c.width = c.narrowest()
		if c.cuttable() && !c.dropped && c.width < c.natural() {
			grow = append(grow, c)
		}
	}
	for room > 0 && len(grow) > 0 {
		slices.SortStableFunc(grow, func(a, b *fitCol) int { return a.width - b.width })
		grow[0].width++
		room--
		if grow[0].width >= grow[0].natural() {
			grow = grow[1:]
		}
	}

	var shown, left []*fitCol
	for _, c := range cols {
		if c.dropped {
			if c != col(colInUse) || held {
				left = append(left, c)
			}
			continue
		}
		shown = append(shown, c)
	}
	row := func(cells func(c *fitCol) string) string {
		var b strings.Builder
		for i, c := range shown {
			s := cells(c)
			b.WriteString(s)
			if i < len(shown)-1 {
				b.WriteString(strings.Repeat(" ", c.width-ansi.StringWidth(s)+fitGap))
			}
		}
		return strings.TrimRight(b.String(), " ")
	}
	table = append(table, row(func(c *fitCol) string { return c.name }))
	for i := range sessions {
		table = append(table, row(func(c *fitCol) string {
			s := c.cells[i]
			if c.cuttable() && ansi.StringWidth(s) > c.width {
				shortened = true
				return cutCell(s, c.width, c.keep[i])
			}
			return s
		}))
	}
	switch {
	case len(left) > 0:
		names := make([]string, len(left))
		for i, c := range left {
			names[i] = c.name
		}
		note = w.T("list.fit.left_out", strings.Join(names, ", "))
	case shortened:
		note = w.T("list.fit.shortened")
	}
	return table, note
}

// statusCell is the status as list prints it, and how many columns of it
// must stay when it is cut: the status word of "waiting: <why>", the
// "needs attention" of "needs attention: <why>"; all of any other.
func statusCell(w *assets.Words, s store.Session) (string, int) {
	text := statusText(w, s)
	var prefix string
	switch {
	case steps.Attention(w, s) != "":
		prefix = strings.TrimRight(w.T("list.attention", ""), " :")
	case s.Status == store.StatusWaiting && s.WaitingReason != "":
		prefix = strings.TrimRight(w.T("list.waiting", statusText(w, store.Session{Status: s.Status}), ""), " :")
	}
	if prefix == "" || !strings.HasPrefix(text, prefix) {
		return text, ansi.StringWidth(text)
	}
	return text, ansi.StringWidth(termsafe.Line(prefix))
}

// shortDay is when, shortened for the fitted table: the time of day if it is
// today's, else the day (and the year, if it is not this year's).
func shortDay(w *assets.Words, when, today time.Time) string {
	y, m, d := when.Date()
	ty, tm, td := today.Date()
	switch {
	case y == ty && m == tm && d == td:
		return w.Time(when)
	case y == ty:
		return when.Format(w.T("list.fit.day"))
	default:
		return when.Format(w.T("list.fit.day_year"))
	}
}

// cutCell is s cut to width columns, ending in "…": at the end of a word if
// that keeps at least two thirds of them, else between two characters (graphemes,
// never inside one); its first keep columns always stay.
func cutCell(s string, width, keep int) string {
	if ansi.StringWidth(s) <= width {
		return s
	}
	width = max(width, keep+1)
	head := ansi.Truncate(s, width-1, "")
	if !strings.HasPrefix(s, head) { // (no escapes in a termsafe cell: never so)
		return head + "…"
	}
	if rest := s[len(head):]; !strings.HasPrefix(rest, " ") {
		if i := strings.LastIndexByte(head, ' '); i > 0 {
			if at := ansi.StringWidth(head[:i]); at >= keep && 3*at >= 2*(width-1) {
				head = head[:i]
			}
		}
	}
	if trimmed := strings.TrimRight(head, " ,;:"); ansi.StringWidth(trimmed) >= keep {
		head = trimmed
	}
	return head + "…"
}

// fitLines is text wrapped at words to width columns (unless width is 0).
func fitLines(text string, width int) string {
	if width <= 0 {
		return text
	}
	return wrap(text, width)
}
