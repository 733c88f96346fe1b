package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// A trainer's controls (wizard demo, the outbox page): the pace of the
// sandbox's waits, a "now" that ends a wait at once, and the step the demo
// signup is on, which the wizard tells the sandbox so that the outbox page can
// show it. They are served under /sandbox/, with the outbox's token when it
// has one, and no injected fault ever spoils them (see ServeHTTP).

// Pace is how long the sandbox's two waits take: the e-mail confirmation
// (counted from when the address was given) and the activation (from its start).
type Pace struct {
	Name         string        `json:"pace"` // PaceFast, PaceReal, or "" for other delays
	EmailConfirm time.Duration `json:"-"`
	Activation   time.Duration `json:"-"`
}

// The named paces.
const (
	PaceFast = "fast"
	PaceReal = "real"
)

// Paces are the named paces. Fast is the built-in sandbox's own (a room sees
// each wait screen for a moment); real is close to the real world, shortened
// where it takes longer: a person finds the provider's e-mail (sometimes in
// spam) and clicks its link within a couple of minutes, and a provider's
// activation "usually takes a few minutes" (at some providers, for a
// migration, days: api-facts.md, guide-migration.md).
var Paces = []Pace{
	{Name: PaceFast, EmailConfirm: 5 * time.Second, Activation: DefaultActivationDelay},
	{Name: PaceReal, EmailConfirm: 2 * time.Minute, Activation: 10 * time.Minute},
}

// NamedPace is the pace called name.
func NamedPace(name string) (Pace, bool) {
	for _, p := range Paces {
		if p.Name == name {
			return p, true
		}
	}
	return Pace{}, false
}

// paceOf names the pace of two delays ("" when they are no named pace).
func paceOf(email, activation time.Duration) Pace {
	for _, p := range Paces {
		if p.EmailConfirm == email && p.Activation == activation {
			return p
		}
	}
	return Pace{EmailConfirm: email, Activation: activation}
}

// paceJSON is a Pace on the wire, with durations such as "2m0s" and in seconds.
type paceJSON struct {
	Name              string   `json:"pace"`
	EmailConfirm      string   `json:"email_confirm"`
	EmailSeconds      float64  `json:"email_confirm_seconds"`
	Activation        string   `json:"activation"`
	ActivationSeconds float64  `json:"activation_seconds"`
	Paces             []string `json:"paces"`
}

// MarshalJSON writes the pace with its durations.
func (p Pace) MarshalJSON() ([]byte, error) {
	names := []string{}
	for _, n := range Paces {
		names = append(names, n.Name)
	}
	return json.Marshal(paceJSON{Name: p.Name, EmailConfirm: p.EmailConfirm.String(), EmailSeconds: p.EmailConfirm.Seconds(),
		Activation: p.Activation.String(), ActivationSeconds: p.Activation.Seconds(), Paces: names})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (p *Pace) UnmarshalJSON(data []byte) error {
	var j paceJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	p.Name = j.Name
	p.EmailConfirm = time.Duration(j.EmailSeconds * float64(time.Second))
	p.Activation = time.Duration(j.ActivationSeconds * float64(time.Second))
	return nil
}

// snapPace is the pace in the state file, once a trainer has set one.
type snapPace struct {
	EmailConfirm time.Duration `json:"email_confirm"`
	Activation   time.Duration `json:"activation"`
}

// Pace is the sandbox's pace now.
func (s *Server) Pace() Pace {
	s.mu.Lock()
	defer s.mu.Unlock()
	return paceOf(s.opts.AutoVerifyEmail, s.opts.ActivationDelay)
}

// SetPace sets the pace of the waits, for those under way too (each counts
// from its saved start): an e-mail given 10 s ago is confirmed at once when
// the pace becomes fast. It is kept in the state file, when there is one.
func (s *Server) SetPace(name string) (Pace, error) {
	p, ok := NamedPace(name)
	if !ok {
		return Pace{}, fmt.Errorf("no pace %q (use fast or real)", name)
	}
	s.mu.Lock()
	s.opts.AutoVerifyEmail, s.opts.ActivationDelay, s.paceSet = p.EmailConfirm, p.Activation, true
	s.mu.Unlock()
	return p, s.persist()
}

// snapPaceLocked is the pace to save (nil when none was set). Called with s.mu held.
func (s *Server) snapPaceLocked() *snapPace {
	if !s.paceSet {
		return nil
	}
	return &snapPace{EmailConfirm: s.opts.AutoVerifyEmail, Activation: s.opts.ActivationDelay}
}

// restorePace takes the saved pace over the Options' delays.
func (s *Server) restorePace(p *snapPace) {
	if p == nil || p.Activation <= 0 {
		return
	}
	s.opts.AutoVerifyEmail, s.opts.ActivationDelay, s.paceSet = p.EmailConfirm, p.Activation, true
}

// ConfirmEmailNow confirms an account's e-mail address at once, as its link
// would. It reports false when there is no such account.
func (s *Server) ConfirmEmailNow(accountID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[accountID]
	if a == nil {
		return false
	}
	if !a.Verified {
		a.Verified, a.VerifiedAt = true, s.now()
	}
	return true
}

// ActivateNow ends a number's activation at once, as it would have ended
// (active, or declined for the magic number). It reports false when no
// activation was started for it.
func (s *Server) ActivateNow(phoneNumberID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	act := s.activations[phoneNumberID]
	if act == nil {
		return false
	}
	if now := s.now(); act.readyAt.IsZero() || act.readyAt.After(now) {
		act.readyAt = now
	}
	return true
}

// Showing is what the wizard of a demo shows: the signup, its step and that
// step's title on screen, its place in the flow, and when it was shown.
type Showing struct {
	SignupID string    `json:"signup_id"`
	Step     string    `json:"step"`
	Title    string    `json:"title"`
	Position int       `json:"position"`
	Of       int       `json:"of"`
	At       time.Time `json:"at"`
}

// maxShownText bounds what a wizard may tell the sandbox it shows.
const maxShownText = 200

// Show records what the wizard shows (kept in memory only: the wizard tells
// it again when it starts).
func (s *Server) Show(sh Showing) {
	cut := func(v string) string {
		if len(v) > maxShownText {
			return v[:maxShownText]
		}
		return v
	}
	sh.SignupID, sh.Step, sh.Title = cut(sh.SignupID), cut(sh.Step), cut(sh.Title)
	s.mu.Lock()
	defer s.mu.Unlock()
	sh.At = s.now()
	s.showing = &sh
}

// Shown is what the wizard said it shows, nil before it said anything.
func (s *Server) Shown() *Showing {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.showing == nil {
		return nil
	}
	sh := *s.showing
	return &sh
}

func (s *Server) classroomRoutes() {
	s.mux.HandleFunc("GET /sandbox/pace", func(w http.ResponseWriter, r *http.Request) {
		if s.authorized(w, r, false) {
			writeJSON(w, http.StatusOK, s.Pace())
		}
	})
	s.mux.HandleFunc("POST /sandbox/pace", func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(w, r, false) {
			return
		}
		var in struct {
			Pace string `json:"pace"`
		}
		if !decodeJSON(w, r, &in) {
			return
		}
		p, err := s.SetPace(in.Pace)
		if err != nil {
			apiError(w, http.StatusBadRequest, "invalid_pace", "The pace must be fast or real.", "pace")
			return
		}
		writeJSON(w, http.StatusOK, p)
	})
	s.mux.HandleFunc("POST /sandbox/now", func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(w, r, false) {
			return
		}
		var in struct {
			EmailOf      string `json:"email_of"`      // an account id
			ActivationOf string `json:"activation_of"` // a phone-number id
		}
		if !decodeJSON(w, r, &in) {
			return
		}
		switch {
		case in.EmailOf != "" && in.ActivationOf != "", in.EmailOf == "" && in.ActivationOf == "":
			apiError(w, http.StatusBadRequest, "invalid_now", "Say what to do now: email_of (an account id) or activation_of (a phone-number id).", "")
		case in.EmailOf != "" && !s.ConfirmEmailNow(in.EmailOf):
			apiError(w, http.StatusNotFound, "account_not_found", "No account with this id.", "email_of")
		case in.ActivationOf != "" && !s.ActivateNow(in.ActivationOf):
			apiError(w, http.StatusNotFound, "activation_not_found", "No activation was started for this number.", "activation_of")
		default:
			writeJSON(w, http.StatusOK, map[string]bool{"done": true})
		}
	})
	s.mux.HandleFunc("POST /sandbox/showing", func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(w, r, false) {
			return
		}
		var in Showing
		if !decodeJSON(w, r, &in) {
			return
		}
		s.Show(in)
		writeJSON(w, http.StatusOK, s.Shown())
	})
}

// Hints' classroom controls (steps.Training) ---------------------------------

// Pace is the pace of the sandbox's waits: its name ("fast", "real", "" for
// other delays) and how long the e-mail confirmation and the activation take.
func (h Hints) Pace(ctx context.Context) (name string, email, activation time.Duration, err error) {
	var p Pace
	err = h.control(ctx, http.MethodGet, "/sandbox/pace", nil, &p)
	return p.Name, p.EmailConfirm, p.Activation, err
}

// SetPace sets the pace by name ("fast" or "real").
func (h Hints) SetPace(ctx context.Context, name string) (email, activation time.Duration, err error) {
	var p Pace
	err = h.control(ctx, http.MethodPost, "/sandbox/pace", map[string]string{"pace": name}, &p)
	return p.EmailConfirm, p.Activation, err
}

// ConfirmEmailNow makes the sandbox confirm the account's e-mail address at once.
func (h Hints) ConfirmEmailNow(ctx context.Context, accountID string) error {
	return h.control(ctx, http.MethodPost, "/sandbox/now", map[string]string{"email_of": accountID}, nil)
}

// ActivateNow makes the sandbox end the number's activation at once.
func (h Hints) ActivateNow(ctx context.Context, phoneNumberID string) error {
	return h.control(ctx, http.MethodPost, "/sandbox/now", map[string]string{"activation_of": phoneNumberID}, nil)
}

// Showing tells the sandbox what the wizard shows, for the outbox page.
func (h Hints) Showing(ctx context.Context, signupID, step, title string, position, of int) error {
	return h.control(ctx, http.MethodPost, "/sandbox/showing",
		Showing{SignupID: signupID, Step: step, Title: title, Position: position, Of: of}, nil)
}

// control makes one call to the trainer's controls, with the token if any.
func (h Hints) control(ctx context.Context, method, path string, in, out any) error {
	var data []byte
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		data = b
	}
	body := bytes.NewReader(data)
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(h.BaseURL, "/")+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if h.Token != "" {
		req.Header.Set("Authorization", "Bearer "+h.Token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			return ue.Err
		}
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&e)
		return fmt.Errorf("sandbox %s: HTTP %d %s", path, resp.StatusCode, e.Error.Message)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}
