// Package client holds the HTTP clients of the three services the wizard talks
// to: the partner (the BSP's own API), Meta's Graph API and the company's
// campaign database (OCM), with their typed errors. It knows nothing of the UI
// or the store. The contracts are written down in assets/contract.
package client

import (
	"net/http"
	"strings"
	"time"
)

// Config says where the three services are and how to reach them.
type Config struct {
	PartnerURL   string        // e.g. http://127.0.0.1:PORT/partner
	GraphURL     string        // e.g. http://127.0.0.1:PORT/graph (real Meta: https://graph.facebook.com)
	GraphVersion string        // default "v21.0"; requests go to GraphURL + "/" + GraphVersion + path
	OCMURL       string        // e.g. http://127.0.0.1:PORT/ocm
	Token        string        // bearer token for graph (comes from env, never stored)
	Timeout      time.Duration // per request, default 15s
	HTTPClient   *http.Client  // optional

	// OperatorToken is the provider's token for the person onboarding numbers,
	// sent to the partner as "Authorization: Bearer …" when set (it comes from
	// the environment, never from the database). Empty: no Authorization header.
	OperatorToken string
}

// Default settings.
const (
	DefaultGraphVersion = "v21.0"
	DefaultTimeout      = 15 * time.Second
	// SandboxToken is the token the wizard sends to the sandbox, which accepts any
	// non-empty bearer token.
	SandboxToken = "sandbox"
)

// Clients are the three service clients built from one Config.
type Clients struct {
	Partner *Partner
	Graph   *Graph
	OCM     *OCM
}

// Partner is the client of the BSP's API.
type Partner struct{ t *transport }

// Graph is the client of the parts of Meta's Graph API that onboard a number.
type Graph struct{ t *transport }

// OCM is the client of the company's campaign database.
type OCM struct{ t *transport }

// New builds the three clients, filling in defaults.
func New(cfg Config) *Clients {
	if cfg.GraphVersion == "" {
		cfg.GraphVersion = DefaultGraphVersion
	}
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
	apiErr := errorParser(parseAPIError)
	graphErr := func(status int, _ http.Header, body []byte) error { return parseGraphError(status, body) }
	graphBase := ""
	if g := strings.TrimRight(cfg.GraphURL, "/"); g != "" {
		graphBase = g + "/" + strings.Trim(cfg.GraphVersion, "/")
	}
	return &Clients{
		Partner: &Partner{mk(ServicePartner, cfg.PartnerURL, cfg.OperatorToken, parsePartnerError)},
		Graph:   &Graph{mk(ServiceGraph, graphBase, cfg.Token, graphErr)},
		OCM:     &OCM{mk(ServiceOCM, cfg.OCMURL, "", apiErr)},
	}
}

// SandboxConfig is the Config for a sandbox listening at baseURL (no trailing
// slash), e.g. http://127.0.0.1:8765, with the token the sandbox expects.
func SandboxConfig(baseURL string) Config {
	baseURL = strings.TrimRight(baseURL, "/")
	return Config{
		PartnerURL: baseURL + "/partner",
		GraphURL:   baseURL + "/graph",
		OCMURL:     baseURL + "/ocm",
		Token:      SandboxToken,
	}
}
