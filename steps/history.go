package steps

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"wizard/assets"
	"wizard/store"
)

// History is a line for the event history, never a secret: phrases of the
// catalog ("history.…" keys and the values they name), said one after
// another, so that `wizard show` says the line in the reader's language; or a
// service's own words (an error's text), quoted as they came. The event keeps
// the line in English too (Detail), for the support log and older wizards.
type History struct {
	phrases []store.Phrase
	quoted  string
}

// Said is a history line of one phrase: key and the values it names.
func Said(key string, args ...string) History {
	return History{phrases: []store.Phrase{{Key: key, Args: args}}}
}

// And adds a phrase to the line.
func (h History) And(key string, args ...string) History {
	h.phrases = append(append([]store.Phrase{}, h.phrases...), store.Phrase{Key: key, Args: args})
	return h
}

// Quote is a history line in a service's own words (an error's text): it is
// shown as it came, in every language.
func Quote(text string) History { return History{quoted: text} }

// English is the line as the event's Detail keeps it.
func (h History) English() string {
	if len(h.phrases) == 0 {
		return h.quoted
	}
	line, _ := SayHistory(english(), h.phrases)
	return line
}

// english is the catalog a history line is kept in.
var english = sync.OnceValue(func() *assets.Words { return assets.NewWords(assets.DefaultLanguage.String()) })

// seconds is a duration as a history line names it: whole seconds.
func seconds(d time.Duration) string { return strconv.Itoa(int(d.Round(time.Second) / time.Second)) }

// Phrases are the line's phrases, for the event's Words (nil for a quote).
func (h History) Phrases() []store.Phrase { return h.phrases }

// Event fills ev's Detail and Words with the line.
func (h History) Event(ev store.Event) store.Event {
	ev.Detail, ev.Words = h.English(), h.Phrases()
	return ev
}

// SayHistory says an event's phrases in w's language, joined by "; ". It
// reports false when w has no words for one of them (a key of a newer
// wizard): the caller shows the event's Detail then.
func SayHistory(w *assets.Words, phrases []store.Phrase) (string, bool) {
	if len(phrases) == 0 {
		return "", false
	}
	parts := make([]string, 0, len(phrases))
	for _, p := range phrases {
		if !w.Has(p.Key) {
			return "", false
		}
		args := make([]any, len(p.Args))
		for i, a := range p.Args {
			args[i] = a
		}
		parts = append(parts, w.T(p.Key, args...))
	}
	return strings.Join(parts, "; "), true
}
