package steps

import (
	"errors"
	"net/http"
	"strconv"
	"testing"

	"wizard/client"
	"wizard/client/sandbox"
	"wizard/store"
)

// lastError is the last error Record the step made: the error the screen
// shows now was saved first (the shell saves a Record before its Reply).
func (h *shHarness) lastError() Record {
	h.t.Helper()
	for i := len(h.records) - 1; i >= 0; i-- {
		if h.records[i].Kind == "error" {
			return h.records[i]
		}
	}
	h.t.Fatalf("no error was recorded: %+v", h.records)
	return Record{}
}

// phoneTyped walks the phone step to "add this number" with national typed.
func (h *shHarness) phoneTyped(national string) {
	h.t.Helper()
	h.sess.Profile = store.Profile{DisplayName: "Acme Pharma", Category: "OTHER", ConfirmedAt: h.clock.Now()}
	h.start(Phone)
	h.enter() // the company's country
	h.typeText(national)
	h.enter()
	h.mustSee(h.T("phone.check_title"))
	h.enter()
}

// A provider that answers 401, 403, 404 or 5xx on the number routes: each
// has a sentence saying what happened and what to do, saved before it is
// shown, and the number typed is still there to try again.
func TestProviderRefusalsOnTheNumberRoutesAreExplained(t *testing.T) {
	for _, c := range []struct {
		name  string
		setup func(h *shHarness)
		says  string
		code  string // the provider's error code, if its own
	}{
		{"401 wrong operator token", func(h *shHarness) {
			cfg := client.SandboxConfig(h.sb.URL)
			cfg.OperatorToken = "op_not_the_one"
			h.env.Clients = client.New(cfg)
		}, "error.partner.invalid_token", "invalid_token"},
		{"403 from the provider", func(h *shHarness) {
			h.fault(sandbox.Fault{PathPrefix: "/partner/v1/signups/", Kind: sandbox.FaultStatus, Status: http.StatusForbidden})
		}, "error.partner_access", ""},
		{"404 an unknown signup", func(h *shHarness) { h.sess.Signup.SessionID = "su_unknown00000" },
			"error.partner.signup_not_found", "signup_not_found"},
		{"500 the provider's own failure", func(h *shHarness) {
			h.fault(sandbox.Fault{PathPrefix: "/partner/v1/signups/", Kind: sandbox.FaultStatus, Status: http.StatusInternalServerError})
		}, "error.server", ""},
		{"502 Meta out of the provider's reach", func(h *shHarness) {
			h.fault(sandbox.Fault{PathPrefix: "/graph/", Kind: sandbox.FaultReset})
		}, "error.partner.graph_unreachable", "graph_unreachable"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newSHHarness(t)
			c.setup(h)
			h.phoneTyped("701 000 4545")
			rec := h.lastError()
			var ae *client.APIError
			if !errors.As(rec.Err, &ae) || (c.code != "" && ae.Code != c.code) {
				t.Fatalf("recorded %v, want the provider's %q", rec.Err, c.code)
			}
			want := h.T(c.says)
			if c.says == "error.partner_access" {
				want = h.T(c.says, strconv.Itoa(ae.HTTPStatus), ae.Message)
			} else if c.says == "error.server" {
				want = h.T(c.says, ae.Message)
			}
			h.mustSee(want)
			// Nothing typed is lost: the number is on screen, to add again or to change.
			h.mustSee("+7 701 000 4545")
			if !h.helpHas("retry") || !h.helpHas("change the number") {
				t.Fatalf("help after the refusal: %v", h.step.Help())
			}
			if len(h.dones) != 0 || h.sess.Phone.ID != "" {
				t.Fatalf("a refused add went on: dones %d, phone %+v", len(h.dones), h.sess.Phone)
			}
			// Once the provider is right again, r adds the same number.
			h.sb.Server.ClearFaults()
			h.env.Clients = client.New(client.SandboxConfig(h.sb.URL))
			if c.code == "signup_not_found" {
				return // that signup stays unknown
			}
			h.press('r')
			if len(h.dones) != 1 || h.sess.Phone.E164 != "+77010004545" {
				t.Fatalf("retry: dones %d, phone %+v", len(h.dones), h.sess.Phone)
			}
		})
	}
}

// A number the provider does not find on the signup's account (404
// number_not_found) is said so at the code step, and the step waits.
func TestNumberUnknownToTheProviderIsExplained(t *testing.T) {
	h := newSHHarness(t)
	h.addNumber("7010004646")
	h.sess.Phone.ID = "106999999999999" // not on the signup's WABA
	h.start(VerifyCode)
	h.press('s')
	rec := h.lastError()
	var ae *client.APIError
	if !errors.As(rec.Err, &ae) || ae.Code != "number_not_found" || ae.HTTPStatus != http.StatusNotFound {
		t.Fatalf("recorded %v", rec.Err)
	}
	h.mustSee(h.T("error.partner.number_not_found"))
	h.mustSee(h.T("code.not_sent"))
	if len(h.dones) != 0 || !h.sess.Code.VerifiedAt.IsZero() {
		t.Fatal("the step went on")
	}
}

// fault arms a sandbox fault for the test.
func (h *shHarness) fault(f sandbox.Fault) {
	h.t.Helper()
	if err := h.sb.Server.AddFault(f); err != nil {
		h.t.Fatal(err)
	}
}
