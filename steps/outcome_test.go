package steps

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"wizard/client"
	"wizard/store"
)

// A step says what it decided in the value Update returns: the test calls
// Update and reads the outcome.
func TestTermsReportDoneOnceFromUpdate(t *testing.T) {
	h := newSHHarness(t)
	h.start(Terms)
	h.press('y')
	if len(h.dones) != 1 || h.dones[0].Step != Terms || h.sess.Terms.AcceptedAt.IsZero() {
		t.Fatalf("dones %+v, terms %+v", h.dones, h.sess.Terms)
	}
	// The completed form is acted on once: what still reaches it decides nothing.
	for _, msg := range []tea.Msg{tea.KeyPressMsg{Code: tea.KeyEnter}, huh.NextField(), tea.KeyPressMsg{Code: 'y', Text: "y"}} {
		if _, _, out := h.step.Update(msg); out != nil {
			t.Fatalf("%T after the form was done: outcome %+v", msg, out)
		}
	}
}

// What a step learned from a service is shown only after it is saved: the
// outcome is a Record whose Reply switches the screen.
func TestLearnedResultsAreShownOnlyAfterTheirSave(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		prepare   func(h *shHarness) Step
		msg       tea.Msg
		notYet    func(h *shHarness) string // shown only after the save
		appliedOK func(s store.Session) bool
	}{
		{
			name: "a verified code, before the PIN",
			prepare: func(h *shHarness) Step {
				h.sess.Phone = store.Phone{E164: "+77010001234", ID: "1", Country: "KZ"}
				h.sess.Code = store.Code{Method: MethodSMS, RequestedAt: now, ExpiresAt: now.Add(codeWindow), Requests: 1}
				return New(VerifyCode, h.env, h.sess)
			},
			msg:       codeChecked{},
			notYet:    func(h *shHarness) string { return h.T("code.pin_title") },
			appliedOK: func(s store.Session) bool { return !s.Code.VerifiedAt.IsZero() },
		},
		{
			name: "the activation's alpha-name code",
			prepare: func(h *shHarness) Step {
				h.sess.Phone = store.Phone{E164: "+77010001234", ID: "1", Country: "KZ"}
				h.sess.Activation = store.Activation{StartedAt: now, Status: client.ActivationPending}
				return New(Activation, h.env, h.sess)
			},
			msg:       activationPolled{a: client.Activation{Status: client.ActivationActive, AlphaCode: "AN-4148"}},
			notYet:    func(*shHarness) string { return "AN-4148" },
			appliedOK: func(s store.Session) bool { return s.Activation.AlphaCode == "AN-4148" },
		},
		{
			name: "the alpha name saved in the campaign database",
			prepare: func(h *shHarness) Step {
				h.sess.Profile.DisplayName = "Acme Pharma"
				m := New(AlphaName, h.env, h.sess)
				m.(*alphaName).phase = alphaSaving
				return m
			},
			msg:       alphaNameSaved{a: client.AlphaName{ID: "an_1", Name: "Acme Pharma", Country: "KZ"}, created: true},
			notYet:    func(h *shHarness) string { return h.T("alpha.saved", "Acme Pharma", "Kazakhstan") },
			appliedOK: func(s store.Session) bool { return s.Alpha.ID == "an_1" },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newSHHarness(t)
			h.step = tt.prepare(h)
			var out Outcome
			h.step, _, out = h.step.Update(tt.msg)
			r, ok := out.(Record)
			if !ok || r.Reply == nil {
				t.Fatalf("outcome %+v, want a Record with a reply", out)
			}
			h.mustNotSee(tt.notYet(h))
			r.Apply(&h.sess)
			if !tt.appliedOK(h.sess) {
				t.Fatalf("the Record does not save what was learned: %+v", h.sess)
			}
			h.step, _, _ = h.step.Update(r.Reply)
			h.mustSee(tt.notYet(h))
		})
	}
}

func TestPollerGrowsDropsStalePollsAndChecksNow(t *testing.T) {
	p := newPoller(10*time.Millisecond, 40*time.Millisecond)
	other := newPoller(10*time.Millisecond, 40*time.Millisecond)
	first := p.later(0)
	if p.interval != 15*time.Millisecond {
		t.Fatalf("interval after one poll = %v, want 15ms", p.interval)
	}
	msg := first()
	if due, ours := p.due(msg); !due || !ours {
		t.Fatalf("the scheduled poll is not due: %+v", msg)
	}
	if _, ours := other.due(msg); ours {
		t.Fatal("another poller took this poller's message")
	}
	stale := p.later(0)
	p.now() // "check now": the scheduled poll is dropped, the interval starts over
	if due, ours := p.due(stale()); due || !ours {
		t.Fatal("a poll scheduled before 'check now' is still due")
	}
	if p.interval != 10*time.Millisecond {
		t.Fatalf("interval after check now = %v", p.interval)
	}
	for range 10 {
		p.later(0)
	}
	if p.interval != 40*time.Millisecond {
		t.Fatalf("interval grew to %v, want the limit 40ms", p.interval)
	}
	// A wait that ends by itself brings its own message; one that runs out, the poll.
	own := struct{ x int }{1}
	if got := p.laterVia(func(context.Context) tea.Msg { return own })(); got != own {
		t.Fatalf("laterVia = %+v", got)
	}
	runsOut := p.laterVia(func(ctx context.Context) tea.Msg { <-ctx.Done(); return nil })
	if due, _ := p.due(runsOut()); !due {
		t.Fatal("a wait that ran out does not bring the poll")
	}
}
