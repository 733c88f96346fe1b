package picker

// Shown is what the list offers now, for the line-by-line front (package
// ui/plain), which says every choice rather than the rows in view: the labels
// of the options the filter lets through (every option without a filter), in
// order, whole (never cut to the field's width), and the index among them of
// the one under the cursor (-1 when none is shown). It changes nothing.
func (l *List) Shown() (labels []string, cursor int) {
	labels = make([]string, len(l.shown))
	for i, o := range l.shown {
		labels[i] = l.options[o].Label
	}
	if len(labels) == 0 {
		return labels, -1
	}
	return labels, l.cursor
}

// Len is how many options the list has, whatever the filter shows.
func (l *List) Len() int { return len(l.options) }
