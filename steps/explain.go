package steps

import (
	"errors"
	"fmt"
	"strings"

	"wizard/assets"
	"wizard/client"
	"wizard/termsafe"
)

// Explain turns an error into plain words that say what to do next. Known
// service errors have their own sentence in the catalog; anything else is
// shown with the service's own message and a generic next step. What a
// service wrote is made safe for the terminal.
func Explain(w *assets.Words, err error) string {
	return termsafe.Text(explain(w, err))
}

func explain(w *assets.Words, err error) string {
	if err == nil {
		return ""
	}
	var ge *client.GraphError
	var ae *client.APIError
	var ne *client.NetError
	switch {
	case errors.As(err, &ge):
		if key := fmt.Sprintf("error.graph.%d", ge.Code); w.Has(key) {
			msg := w.T(key)
			if ge.RetryAfter > 0 {
				msg += " " + w.T("error.wait", elapsed(ge.RetryAfter))
			}
			if ge.Details != "" {
				msg += " " + w.T("error.details", ge.Details)
			}
			return msg
		}
		text := ge.UserMsg
		if text == "" {
			text = ge.Message
		}
		return w.T("error.graph.other", text, ge.Code)
	case errors.As(err, &ae):
		if ae.HTTPStatus == 429 || ae.RetryAfter > 0 {
			return w.T("error.rate_limited", elapsed(ae.RetryAfter))
		}
		if key := "error.partner." + ae.Code; ae.Code != "" && w.Has(key) {
			return w.T(key)
		}
		if ae.HTTPStatus >= 500 {
			return w.T("error.server", strings.TrimSpace(ae.Message))
		}
		return w.T("error.service", strings.TrimSpace(ae.Message))
	case errors.As(err, &ne):
		if ne.Timeout {
			return w.T("error.timeout")
		}
		return w.T("error.network", ne.Err)
	}
	return w.T("error.unknown", err)
}
