// Package client holds the HTTP clients of the two services the wizard talks
// to: the partner (the BSP's own API, which makes every Meta call for the
// wizard, server to server) and the company's campaign database (OCM), with
// their typed errors. The wizard holds no Meta token and never calls Meta's
// Graph API itself: Meta's errors reach it through the provider, unchanged
// (GraphError). It knows nothing of the UI or the store. The contracts are
// written down in assets/contract.
package client

import (
	"net/http"
	"strings"
	"time"
)

// Config says where the two services are and how to reach them.
type Config struct {
	PartnerURL string        // e.g. http://127.0.0.1:PORT/partner
	OCMURL     string        // e.g. http://127.0.0.1:PORT/ocm
	Timeout    time.Duration // per request, default 15s
	HTTPClient *http.Client  // optional

	// OperatorToken is the provider's token for the person onboarding numbers,
	// sent to the partner as "Authorization: Bearer …" when set (it comes from
	// the environment, never from the database). Empty: no Authorization header.
	OperatorToken string
}

// DefaultTimeout is the default time one request may take.
const DefaultTimeout = 15 * time.Second

// Clients are the two service clients built from one Config.
type Clients struct {
	Partner *Partner
	OCM     *OCM
}

// Partner is the client of the BSP's API.
type Partner struct{ t *transport }

// OCM is the client of the company's campaign database.
type OCM struct{ t *transport }

// New builds the two clients, filling in defaults.
func New(cfg Config) *Clients {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	mk := func(service, base, token string, p errorParser) *transport {
		return &transport{service: service, hc: hc, base: strings.TrimRight(base, "/"), timeout: cfg.Timeout, token: token, parse: p}
	}
	return &Clients{
		Partner: &Partner{mk(ServicePartner, cfg.PartnerURL, cfg.OperatorToken, parsePartnerError)},
		OCM:     &OCM{mk(ServiceOCM, cfg.OCMURL, "", parseAPIError)},
	}
}

// SandboxConfig is the Config for a sandbox listening at baseURL (no trailing
// slash), e.g. http://127.0.0.1:8765 (the operator token is the caller's to set).
func SandboxConfig(baseURL string) Config {
	baseURL = strings.TrimRight(baseURL, "/")
	return Config{
		PartnerURL: baseURL + "/partner",
		OCMURL:     baseURL + "/ocm",
	}
}
