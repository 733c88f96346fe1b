package steps

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"wizard/assets"
	"wizard/client"
	"wizard/termsafe"
)

// Explain turns an error into plain words that say what to do next. Known
// service errors have their own sentence in the catalog; anything else is
// shown with the service's own message and a generic next step. What a
// service wrote is made safe for the terminal.
//
// A rate limit is said to be one only when it is: a 429 answer, or one of
// Meta's rate-limit codes (4, 80007, 80008, 130429, each with its own
// sentence). A 503 with Retry-After is an outage that says when to come back.
//
// Meta's codes and the Embedded Signup subcodes: the sentences in
// errors.json ("error.graph.*", "error.graph.sub.*") follow
//   - developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
//     (10 Permission Denied, 200-299 API Permission, 368 Temporarily blocked
//     for policies violations, 131031 Business Account locked, 80007 and
//     130429 rate limits), and the Graph API's rate-limit page for 80008
//     (too many calls to one WhatsApp Business account);
//   - developers.facebook.com/documentation/business-messaging/whatsapp/embedded-signup/errors
//     ("Your Facebook account is too new to create a business account. Try
//     again in an hour."; "You have reached the limit for the number of
//     Businesses you can create": use an existing one), as summarised in
//     docs/api-facts.md for the subcodes 3441030, 2494158, 1690114, 2494067,
//     2388098, 2388091 and 2388093.
//
// Meta calls error_subcode deprecated but still sends it for these, so a
// subcode with a sentence of its own wins over the code.
func Explain(w *assets.Words, err error) string {
	return termsafe.Text(explain(w, err))
}

// saidError is an error already in the user's words (a catalog sentence), for
// a refusal the wizard words itself, e.g. a pasted id the provider does not know.
type saidError string

func (e saidError) Error() string { return string(e) }

func explain(w *assets.Words, err error) string {
	if err == nil {
		return ""
	}
	if se, ok := errors.AsType[saidError](err); ok {
		return string(se)
	}
	var ge *client.GraphError
	var ae *client.APIError
	var ne *client.NetError
	switch {
	case errors.As(err, &ge):
		return explainGraph(w, ge)
	case errors.As(err, &ae):
		if ae.HTTPStatus == 429 {
			if ae.RetryAfter > 0 {
				return w.T("error.rate_limited", elapsed(ae.RetryAfter))
			}
			return w.T("error.rate_limited_briefly")
		}
		if key := "error.partner." + ae.Code; ae.Code != "" && ae.Service != client.ServiceOCM && w.Has(key) {
			msg := w.T(key)
			if ae.HTTPStatus >= 500 && ae.RetryAfter > 0 {
				msg += " " + w.T("error.back_in", elapsed(ae.RetryAfter))
			}
			return msg
		}
		switch {
		case ae.HTTPStatus >= 500:
			msg := w.T("error.server", strings.TrimSpace(ae.Message))
			if ae.RetryAfter > 0 {
				msg += " " + w.T("error.back_in", elapsed(ae.RetryAfter))
			}
			return msg
		case (ae.HTTPStatus == 401 || ae.HTTPStatus == 403) && ae.Service == client.ServiceOCM:
			return w.T("error.ocm_access", strconv.Itoa(ae.HTTPStatus), strings.TrimSpace(ae.Message))
		case ae.HTTPStatus == 401 || ae.HTTPStatus == 403:
			// A refusal the provider did not word as a token problem (a proxy, a
			// permission of the operator's): the token is still what to check.
			return w.T("error.partner_access", strconv.Itoa(ae.HTTPStatus), strings.TrimSpace(ae.Message))
		case ae.HTTPStatus == 404:
			return w.T("error.not_found", who(w, ae.Service), strings.TrimSpace(ae.Message))
		}
		return w.T("error.service", strings.TrimSpace(ae.Message))
	case errors.As(err, &ne):
		switch {
		case ne.Malformed:
			return w.T("error.malformed", who(w, ne.Service))
		case ne.Timeout:
			return w.T("error.timeout")
		}
		return w.T("error.network", ne.Err)
	}
	return w.T("error.unknown", err)
}

// who names a service ("the provider") for a sentence.
func who(w *assets.Words, service string) string {
	if k := "error.who." + service; service != "" && w.Has(k) {
		return w.T(k)
	}
	return w.T("error.who.other")
}

// tooNewAccount is how Meta words the Embedded Signup refusal for a new
// Facebook account, which comes with no code of its own.
const tooNewAccount = "account is too new"

func explainGraph(w *assets.Words, ge *client.GraphError) string {
	key := ""
	switch code := ge.Code; {
	case ge.Subcode != 0 && w.Has(fmt.Sprintf("error.graph.sub.%d", ge.Subcode)):
		key = fmt.Sprintf("error.graph.sub.%d", ge.Subcode)
	case strings.Contains(strings.ToLower(ge.UserMsg+" "+ge.Message), tooNewAccount):
		key = "error.graph.account_too_new"
	case w.Has(fmt.Sprintf("error.graph.%d", code)):
		key = fmt.Sprintf("error.graph.%d", code)
	case code > 200 && code <= 299: // Meta's 200–299 are all "API Permission"
		key = "error.graph.200"
	}
	if key == "" {
		text := ge.UserMsg
		if text == "" {
			text = ge.Message
		}
		return w.T("error.graph.other", text, strconv.Itoa(ge.Code))
	}
	msg := w.T(key)
	if ge.Subcode != 0 {
		// As strings: the catalog's printer would group digits ("3,441,030").
		msg += " " + w.T("error.graph.codes", strconv.Itoa(ge.Code), strconv.Itoa(ge.Subcode))
	}
	if ge.RetryAfter > 0 {
		msg += " " + w.T("error.wait", elapsed(ge.RetryAfter))
	}
	if ge.Details != "" {
		msg += " " + w.T("error.details", ge.Details)
	}
	return msg
}

// otherMethodHelps reports whether err is Meta's "could not send the code
// this way" (136024), whose remedy is the other method (SMS or voice call);
// not when it says the code was requested too many times (2494158), nor for an
// outage or a rate limit, which no method gets round.
func otherMethodHelps(err error) bool {
	var ge *client.GraphError
	return errors.As(err, &ge) && ge.Code == 136024 && ge.Subcode != 2494158
}
