package steps

import (
	"time"

	"charm.land/huh/v2"
)

// The line-by-line front (package ui/plain, `wizard --accessible`) reads these
// optional interfaces to put a step's question as plain text: they only look
// at the step, never change it.

// FormHolder is a step with a form: Form is the form the step drives now (nil
// when it has none). It may be one the step keeps but does not show (a check
// screen after it): the front looks at the screen to tell.
type FormHolder interface {
	Form() *huh.Form
}

// Countdowner is a step with a countdown on screen (the 60-second code window):
// Countdown is what is left of it now, ok false when none is running.
type Countdowner interface {
	Countdown() (left time.Duration, ok bool)
}

// secretFields are the keys of the fields that take a password, a code or a
// PIN: their answers are read without echo and never printed back.
var secretFields = map[string]bool{"password": true, "repeat": true, "code": true, "pin": true, "pin2": true}

// SecretField reports whether the field with key holds a secret (a password,
// a code or a PIN).
func SecretField(key string) bool { return secretFields[key] }
