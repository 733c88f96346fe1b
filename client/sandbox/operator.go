package sandbox

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// The operator token: what a provider hands the people who onboard numbers
// through it, for the wizard to send as "Authorization: Bearer TOKEN" on every
// partner call (partner.md, "Authentication"). The sandbox makes one when it
// starts (Options.OperatorToken, or a fresh random one) and shows it on its
// outbox, where a trainer finds the codes and links too.

// operatorTokenPrefix marks the sandbox's operator tokens, so that one pasted
// in the wrong place is recognisable.
const operatorTokenPrefix = "op_"

// OperatorToken is the token the partner half accepts as
// "Authorization: Bearer TOKEN".
func (s *Server) OperatorToken() string { return s.opts.OperatorToken }

// operatorAuth checks the operator token of a partner call. A request that
// carries an Authorization header must carry the sandbox's operator token in
// it; one without any is let through unless Options.RequireOperatorToken is
// set (the wizard does not send the token yet).
func (s *Server) operatorAuth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if auth == "" && !s.opts.RequireOperatorToken {
			h(w, r)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="partner"`)
		if auth == "" {
			apiError(w, http.StatusUnauthorized, "missing_token",
				"This call needs an operator token (Authorization: Bearer <token>): ask your provider for an operator token.", "")
			return
		}
		scheme, cred, _ := strings.Cut(auth, " ")
		cred = strings.TrimSpace(cred)
		if !strings.EqualFold(scheme, "Bearer") || cred == "" ||
			subtle.ConstantTimeCompare([]byte(cred), []byte(s.opts.OperatorToken)) != 1 {
			apiError(w, http.StatusUnauthorized, "invalid_token",
				"The operator token is not valid (wrong, revoked or mistyped): ask your provider for an operator token.", "")
			return
		}
		w.Header().Del("WWW-Authenticate")
		h(w, r)
	}
}
