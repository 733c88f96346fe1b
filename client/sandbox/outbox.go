package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Mail is an e-mail the partner "sent".
type Mail struct {
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Link    string    `json:"link"`
	SentAt  time.Time `json:"sent_at"`
}

// Message is an SMS or a voice call with a verification code that Meta "sent".
type Message struct {
	PhoneNumberID string    `json:"phone_number_id"`
	To            string    `json:"to"`     // E.164
	Method        string    `json:"method"` // SMS or VOICE
	Language      string    `json:"language,omitempty"`
	Text          string    `json:"text"` // as the phone shows it: "WhatsApp code 123-456"
	Code          string    `json:"code"` // the 6 digits, for tests and trainers
	SentAt        time.Time `json:"sent_at"`
}

// Outbox is everything the sandbox "sent", newest last.
type Outbox struct {
	Mails    []Mail    `json:"mails"`
	Messages []Message `json:"messages"`
	// OperatorToken is what the partner half takes as "Authorization: Bearer
	// TOKEN": a provider hands one to each operator (partner.md, "Authentication").
	OperatorToken string `json:"operator_token,omitempty"`
}

// Outbox returns a copy of what the sandbox has sent so far.
func (s *Server) Outbox() Outbox {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Outbox{
		Mails:         append([]Mail{}, s.outbox.Mails...),
		Messages:      append([]Message{}, s.outbox.Messages...),
		OperatorToken: s.opts.OperatorToken,
	}
}

// Live is what the trainer's outbox page shows, newest first: the step the
// demo's wizard shows, the e-mails, SMS and calls, the faults armed and the
// pace. The page fetches it again every two seconds and updates itself in place.
type Live struct {
	Showing       *Showing  `json:"showing"`
	Pace          Pace      `json:"pace"`
	Mails         []Mail    `json:"mails"`
	Messages      []Message `json:"messages"`
	Faults        []Fault   `json:"faults"`
	OperatorToken string    `json:"operator_token,omitempty"`
}

// Live returns what the outbox page shows now.
func (s *Server) Live() Live {
	o := s.Outbox()
	slices.Reverse(o.Mails)
	slices.Reverse(o.Messages)
	return Live{Showing: s.Shown(), Pace: s.Pace(), Mails: o.Mails, Messages: o.Messages, Faults: s.Faults(),
		OperatorToken: o.OperatorToken}
}

func (s *Server) outboxRoutes() {
	s.mux.HandleFunc("GET /sandbox/outbox.json", func(w http.ResponseWriter, r *http.Request) {
		if s.authorized(w, r, false) {
			writeJSON(w, http.StatusOK, s.Outbox())
		}
	})
	trainer := func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(w, r, true) {
			return
		}
		w.Header().Set("Referrer-Policy", "no-referrer") // the address may carry the token
		s.page(w, http.StatusOK, "outbox.html", s.Live())
	}
	s.mux.HandleFunc("GET /sandbox/live.json", func(w http.ResponseWriter, r *http.Request) {
		if s.authorized(w, r, false) {
			writeJSON(w, http.StatusOK, s.Live())
		}
	})
	s.mux.HandleFunc("GET /sandbox/{$}", trainer)
	s.mux.HandleFunc("GET /sandbox", trainer)
}

// ReadOutbox fetches the outbox of the sandbox at baseURL over HTTP.
func ReadOutbox(ctx context.Context, baseURL string) (Outbox, error) {
	return readOutbox(ctx, baseURL, "")
}

// readOutbox is ReadOutbox with the sandbox's token, if it has one.
func readOutbox(ctx context.Context, baseURL, token string) (Outbox, error) {
	var o Outbox
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(baseURL, "/")+"/sandbox/outbox.json", nil)
	if err != nil {
		return o, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return o, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return o, fmt.Errorf("sandbox outbox: HTTP %d", resp.StatusCode)
	}
	return o, json.NewDecoder(resp.Body).Decode(&o)
}

// LatestCode returns the latest verification code sent to a number by the
// sandbox at baseURL.
func LatestCode(ctx context.Context, baseURL, phoneNumberID string) (string, error) {
	return latestCode(ctx, baseURL, "", phoneNumberID)
}

func latestCode(ctx context.Context, baseURL, token, phoneNumberID string) (string, error) {
	o, err := readOutbox(ctx, baseURL, token)
	if err != nil {
		return "", err
	}
	for _, m := range slices.Backward(o.Messages) {
		if m.PhoneNumberID == phoneNumberID {
			return m.Code, nil
		}
	}
	return "", fmt.Errorf("sandbox: no code has been sent to phone number %s", phoneNumberID)
}

// LatestVerifyLink returns the link of the latest verification e-mail sent to
// email by the sandbox at baseURL.
func LatestVerifyLink(ctx context.Context, baseURL, email string) (string, error) {
	o, err := ReadOutbox(ctx, baseURL)
	if err != nil {
		return "", err
	}
	for _, m := range slices.Backward(o.Mails) {
		if strings.EqualFold(m.To, email) {
			return m.Link, nil
		}
	}
	return "", fmt.Errorf("sandbox: no e-mail has been sent to %s", email)
}

// Hints reads a running sandbox's outbox for the trainer's hints on screen
// (it satisfies steps.Training without either package knowing the other).
type Hints struct {
	BaseURL string
	Token   string // the sandbox's token (Running.Token), when it has one
}

// OutboxURL is the page with the e-mails and codes the sandbox sent. It never
// carries the token, which would then be on the wizard's screen: a sandbox
// with a token asks for it on that page.
func (h Hints) OutboxURL() string { return h.BaseURL + "/sandbox/" }

// LatestCode is the last code the sandbox sent to phone-number id.
func (h Hints) LatestCode(ctx context.Context, phoneNumberID string) (string, error) {
	return latestCode(ctx, h.BaseURL, h.Token, phoneNumberID)
}
