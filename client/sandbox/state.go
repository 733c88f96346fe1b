package sandbox

import (
	"bytes"
	"crypto/pbkdf2"
	crand "crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"wizard/client"
)

// The sandbox's state on disk (Options.StatePath): one bbolt file, mode 0600,
// with one key holding a versioned JSON snapshot of the whole state. Every
// request that changed the state writes the snapshot, in one transaction,
// before its answer is sent (ServeHTTP), so a wizard killed at any moment never
// holds an answer the sandbox forgot. The snapshot keeps what a real provider
// and Meta would keep: no password (the sandbox never keeps one), the two-step
// PIN only as a salted hash, the codes it "sent" (as Meta does) and the links
// of the e-mails it "sent". The faults armed by hand and the operator token
// are not kept: a restarted sandbox starts with none of those faults and makes
// a fresh token (the wizard that starts it is given the new one). A classroom
// scenario's faults and code times are kept (scenarios.go).

// stateVersion is the snapshot's format; a file of another version is set aside.
const stateVersion = 1

var (
	stateBucket = []byte("sandbox")
	stateKey    = []byte("state")
)

// snapshot is the whole state, as it is written.
type snapshot struct {
	Version      int                 `json:"version"`
	BaseURLs     []string            `json:"base_urls,omitempty"` // every address the sandbox was reached at, latest last
	Accounts     []snapAccount       `json:"accounts"`
	CreateKeys   map[string]string   `json:"create_keys,omitempty"`
	VerifyTokens map[string]string   `json:"verify_tokens,omitempty"`
	Signups      []snapSignup        `json:"signups"`
	Activations  []snapActivation    `json:"activations"`
	Businesses   []snapBusiness      `json:"businesses"`
	WABAs        []snapWABA          `json:"wabas"` // in wabaOrder
	Phones       []snapPhone         `json:"phones"`
	AlphaNames   []client.AlphaName  `json:"alpha_names"`
	Mails        []Mail              `json:"mails"`
	Messages     []Message           `json:"messages"`
	OAuthCodes   map[string]snapCode `json:"oauth_codes,omitempty"`
	CreditLineID string              `json:"credit_line_id"`
	Pace         *snapPace           `json:"pace,omitempty"`  // set by a trainer (classroom.go); nil: the Options' delays
	Armed        *snapArmed          `json:"armed,omitempty"` // the classroom scenario armed (scenarios.go)
}

type snapAccount struct {
	client.Account
	EmailSetAt time.Time `json:"email_set_at"`
	LastMail   time.Time `json:"last_mail"`
}

type snapSignup struct {
	Result      client.SignupResult `json:"result"`
	AccountID   string              `json:"account_id"`
	Mode        string              `json:"mode"`
	CallbackURL string              `json:"callback_url,omitempty"`
	State       string              `json:"state,omitempty"`
	CreatedAt   time.Time           `json:"created_at"`
	Code        string              `json:"code,omitempty"`  // the Embedded Signup code the pop-up was given
	Token       string              `json:"token,omitempty"` // the business token the provider holds for the signup
	Draft       snapDraft           `json:"draft"`
}

type snapDraft struct {
	BusinessID  string `json:"business_id,omitempty"`
	WABAID      string `json:"waba_id,omitempty"`
	PhoneID     string `json:"phone_id,omitempty"`
	DisplayName string `json:"display_name,omitempty"`
	Category    string `json:"category,omitempty"`
}

type snapActivation struct {
	AccountID string    `json:"account_id"`
	PhoneID   string    `json:"phone_id"`
	StartedAt time.Time `json:"started_at"`
	AlphaCode string    `json:"alpha_code"`
	Fails     bool      `json:"fails,omitempty"`
	ReadyAt   time.Time `json:"ready_at,omitzero"`
}

type snapBusiness struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type snapWABA struct {
	ID         string `json:"id"`
	BusinessID string `json:"business_id"`
	Name       string `json:"name"`
}

type snapPhone struct {
	ID            string                 `json:"id"`
	WABAID        string                 `json:"waba_id"`
	CC            string                 `json:"cc"`
	National      string                 `json:"national"`
	VerifiedName  string                 `json:"verified_name"`
	Verified      bool                   `json:"verified,omitempty"`
	Code          string                 `json:"code,omitempty"`
	CodeAt        time.Time              `json:"code_at,omitzero"`
	Requests      map[string][]time.Time `json:"requests,omitempty"`
	Registered    bool                   `json:"registered,omitempty"`
	PINHash       string                 `json:"pin_hash,omitempty"` // hashPIN's, never the PIN
	RegisterCalls []time.Time            `json:"register_calls,omitempty"`
	NameStatus    string                 `json:"name_status"`
	NewName       string                 `json:"new_name,omitempty"`
	NewNameStatus string                 `json:"new_name_status,omitempty"`
	Profile       map[string]any         `json:"profile,omitempty"`
	FromPopup     bool                   `json:"from_popup,omitempty"`
}

type snapCode struct {
	IssuedAt   time.Time `json:"issued_at"`
	Used       bool      `json:"used,omitempty"`
	WABAID     string    `json:"waba_id"`
	BusinessID string    `json:"business_id"`
}

// snapshotLocked copies the state. Called with s.mu held.
func (s *Server) snapshotLocked() snapshot {
	sn := snapshot{Version: stateVersion, BaseURLs: slices.Clone(s.baseURLs), CreateKeys: s.createKeys,
		VerifyTokens: s.verifyTokens, AlphaNames: s.alphaNames, Mails: s.outbox.Mails, Messages: s.outbox.Messages,
		OAuthCodes: map[string]snapCode{}, CreditLineID: s.creditLineID, Pace: s.snapPaceLocked(),
		Accounts: []snapAccount{}, Signups: []snapSignup{}, Activations: []snapActivation{}, Phones: []snapPhone{}}
	for _, id := range sortedKeys(s.accounts) {
		a := s.accounts[id]
		sn.Accounts = append(sn.Accounts, snapAccount{a.Account, a.emailSetAt, a.lastMail})
	}
	for _, id := range sortedKeys(s.signups) {
		su := s.signups[id]
		d := su.draft
		sn.Signups = append(sn.Signups, snapSignup{Result: su.result, AccountID: su.accountID, Mode: su.mode,
			CallbackURL: su.callbackURL, State: su.state, CreatedAt: su.createdAt, Code: su.code, Token: su.token,
			Draft: snapDraft{d.businessID, d.wabaID, d.phoneID, d.displayName, d.category}})
	}
	for _, id := range sortedKeys(s.activations) {
		a := s.activations[id]
		sn.Activations = append(sn.Activations, snapActivation{a.accountID, a.phoneID, a.startedAt, a.alphaCode, a.fails, a.readyAt})
	}
	for _, b := range s.businesses {
		sn.Businesses = append(sn.Businesses, snapBusiness{b.id, b.name})
	}
	for _, id := range s.wabaOrder {
		wa := s.wabas[id]
		sn.WABAs = append(sn.WABAs, snapWABA{wa.id, wa.businessID, wa.name})
	}
	for _, id := range sortedKeys(s.phones) {
		p := s.phones[id]
		sn.Phones = append(sn.Phones, snapPhone{ID: p.id, WABAID: p.wabaID, CC: p.cc, National: p.national,
			VerifiedName: p.verifiedName, Verified: p.verified, Code: p.code, CodeAt: p.codeAt, Requests: p.requests,
			Registered: p.registered, PINHash: p.pin, RegisterCalls: p.registerCalls, NameStatus: p.nameStatus,
			NewName: p.newName, NewNameStatus: p.newNameStatus, Profile: p.profile, FromPopup: p.fromPopup})
	}
	for c, oc := range s.oauthCodes {
		sn.OAuthCodes[c] = snapCode{oc.issuedAt, oc.used, oc.wabaID, oc.businessID}
	}
	sn.Armed = s.armedSnapLocked()
	return sn
}

// restore replaces the state with a snapshot's. Called before the server serves.
func (s *Server) restore(sn snapshot) {
	s.baseURLs = sn.BaseURLs
	s.accounts, s.byEmail = map[string]*account{}, map[string]string{}
	for _, a := range sn.Accounts {
		s.accounts[a.ID] = &account{Account: a.Account, emailSetAt: a.EmailSetAt, lastMail: a.LastMail}
		s.byEmail[strings.ToLower(a.Email)] = a.ID
	}
	s.createKeys, s.verifyTokens = orEmpty(sn.CreateKeys), orEmpty(sn.VerifyTokens)
	s.signups = map[string]*signup{}
	for _, su := range sn.Signups {
		d := su.Draft
		s.signups[su.Result.ID] = &signup{result: su.Result, accountID: su.AccountID, mode: su.Mode,
			callbackURL: su.CallbackURL, state: su.State, createdAt: su.CreatedAt, code: su.Code, token: su.Token,
			draft: popupDraft{d.BusinessID, d.WABAID, d.PhoneID, d.DisplayName, d.Category}}
	}
	s.activations = map[string]*activation{}
	for _, a := range sn.Activations {
		s.activations[a.PhoneID] = &activation{a.AccountID, a.PhoneID, a.StartedAt, a.AlphaCode, a.Fails, a.ReadyAt}
	}
	s.businesses = nil
	for _, b := range sn.Businesses {
		s.businesses = append(s.businesses, &business{b.ID, b.Name})
	}
	s.wabas, s.wabaOrder = map[string]*waba{}, nil
	for _, wa := range sn.WABAs {
		s.addWABA(&waba{wa.ID, wa.BusinessID, wa.Name})
	}
	s.phones, s.phoneByE164 = map[string]*phone{}, map[string]string{}
	for _, p := range sn.Phones {
		req := p.Requests
		if req == nil {
			req = map[string][]time.Time{}
		}
		s.phones[p.ID] = &phone{id: p.ID, wabaID: p.WABAID, cc: p.CC, national: p.National, verifiedName: p.VerifiedName,
			verified: p.Verified, code: p.Code, codeAt: p.CodeAt, requests: req, registered: p.Registered, pin: p.PINHash,
			registerCalls: p.RegisterCalls, nameStatus: p.NameStatus, newName: p.NewName, newNameStatus: p.NewNameStatus,
			profile: p.Profile, fromPopup: p.FromPopup}
		s.phoneByE164[p.CC+p.National] = p.ID
	}
	s.alphaNames = sn.AlphaNames
	s.outbox = Outbox{Mails: sn.Mails, Messages: sn.Messages}
	s.oauthCodes = map[string]*oauthCode{}
	for c, oc := range sn.OAuthCodes {
		s.oauthCodes[c] = &oauthCode{oc.IssuedAt, oc.Used, oc.WABAID, oc.BusinessID}
	}
	s.creditLineID = sn.CreditLineID
	s.restorePace(sn.Pace)
	s.restoreArmed(sn.Armed)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// openState opens (or creates) the state file and loads what it holds. A
// file that cannot be read as the sandbox's state is moved aside (PATH.corrupt-TIME)
// and the sandbox starts afresh; one another program holds is left alone and
// the sandbox keeps its state in memory. Either way Notice says so.
func (s *Server) openState(path string) {
	db, sn, err := loadState(path)
	if err != nil && errors.Is(err, berrors.ErrTimeout) {
		s.notice = fmt.Sprintf("The sandbox's saved state %s is in use by another program (another wizard?); "+
			"this sandbox keeps its state in memory only, and forgets it when it stops.", path)
		return
	}
	if err != nil {
		aside := fmt.Sprintf("%s.corrupt-%s", path, s.now().Format("20060102-150405"))
		for i := 2; fileExists(aside); i++ { // never over an earlier one
			aside = fmt.Sprintf("%s.corrupt-%s-%d", path, s.now().Format("20060102-150405"), i)
		}
		if rerr := os.Rename(path, aside); rerr != nil {
			s.notice = fmt.Sprintf("The sandbox's saved state %s could not be read (%v) nor moved aside (%v); "+
				"this sandbox keeps its state in memory only. Move or delete that file.", path, err, rerr)
			return
		}
		s.notice = fmt.Sprintf("The sandbox's saved state %s could not be read (%v); it was moved to %s "+
			"and the sandbox starts afresh.", path, err, aside)
		if db, sn, err = loadState(path); err != nil {
			s.notice += fmt.Sprintf(" A new state file could not be made either (%v): the state is kept in memory only.", err)
			return
		}
	}
	s.db, s.stateful = db, true
	if sn != nil {
		s.restore(*sn)
	}
	s.mu.Lock()
	s.saved, _ = json.Marshal(s.snapshotLocked())
	s.mu.Unlock()
}

func fileExists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// loadState opens the bbolt file at path, 0600, and reads its snapshot (nil
// for a new file). A panic in bbolt on a damaged file is an error here.
func loadState(path string) (db *bolt.DB, sn *snapshot, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if db != nil {
				_ = db.Close()
			}
			db, sn, err = nil, nil, fmt.Errorf("damaged file: %v", r)
		}
	}()
	db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: 500 * time.Millisecond})
	if err != nil {
		return nil, nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
		_ = db.Close()
		return nil, nil, err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(stateBucket)
		if err != nil {
			return err
		}
		data := b.Get(stateKey)
		if data == nil {
			return nil
		}
		var v struct {
			Version int `json:"version"`
		}
		if err := json.Unmarshal(data, &v); err != nil {
			return fmt.Errorf("the saved state is not JSON: %w", err)
		}
		if v.Version != stateVersion {
			return fmt.Errorf("the saved state is of version %d, not %d", v.Version, stateVersion)
		}
		sn = new(snapshot)
		if err := json.Unmarshal(data, sn); err != nil {
			return fmt.Errorf("the saved state cannot be read: %w", err)
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, nil, err
	}
	return db, sn, nil
}

// persist writes the state when it changed since it was last written.
func (s *Server) persist() error {
	if !s.stateful {
		return nil
	}
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	if s.db == nil {
		return errors.New("the sandbox's state file is closed")
	}
	s.mu.Lock()
	data, err := json.Marshal(s.snapshotLocked())
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if bytes.Equal(data, s.saved) {
		return nil
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(stateBucket)
		if err != nil {
			return err
		}
		return b.Put(stateKey, data)
	})
	if err != nil {
		return err
	}
	s.saved = data
	return nil
}

// Notice is what the sandbox has to tell about its saved state (a damaged
// file moved aside, a file another program holds), "" when all is well.
func (s *Server) Notice() string { return s.notice }

// Persistent says whether the sandbox keeps its state on disk.
func (s *Server) Persistent() bool { return s.stateful }

// Close closes the state file. Every change was written as it was made, so
// there is nothing left to write: a sandbox that is killed loses nothing.
func (s *Server) Close() error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	if s.db == nil {
		return nil
	}
	err := s.db.Close()
	s.db = nil
	return err
}

// listening records the address the sandbox is reached at (Start's URL) and
// moves what it saved with an earlier address (the links of e-mails already
// sent) to this one.
func (s *Server) listening(base string) {
	s.mu.Lock()
	for i, m := range s.outbox.Mails {
		s.outbox.Mails[i].Link = s.rebaseLocked(m.Link, base)
	}
	s.baseURLs = slices.DeleteFunc(s.baseURLs, func(u string) bool { return u == base })
	s.baseURLs = append(s.baseURLs, base)
	if n := len(s.baseURLs); n > 16 {
		s.baseURLs = s.baseURLs[n-16:]
	}
	s.base = base
	s.mu.Unlock()
	_ = s.persist()
}

// Rebase turns an address this sandbox gave out at an earlier address of its
// own (a signup page's, from before a restart on another port) into the same
// address at its current one. Any other address comes back unchanged.
func (s *Server) Rebase(u string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rebaseLocked(u, s.base)
}

func (s *Server) rebaseLocked(raw, base string) string {
	if base == "" {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return raw
	}
	origin := u.Scheme + "://" + u.Host
	if origin == base || !slices.Contains(s.baseURLs, origin) {
		return raw
	}
	return base + strings.TrimPrefix(raw, origin)
}

// The two-step PIN is kept as Meta would keep it: a salted, slow hash.

const pinHashIterations = 4096

func hashPIN(pin string) string {
	salt := make([]byte, 16)
	_, _ = crand.Read(salt)
	return hex.EncodeToString(salt) + "$" + hex.EncodeToString(pinKey(pin, salt))
}

func pinKey(pin string, salt []byte) []byte {
	k, _ := pbkdf2.Key(sha256.New, pin, salt, pinHashIterations, 32)
	return k
}

// pinMatches says whether pin is the one hashPIN made stored from.
func pinMatches(stored, pin string) bool {
	saltHex, keyHex, ok := strings.Cut(stored, "$")
	salt, err1 := hex.DecodeString(saltHex)
	key, err2 := hex.DecodeString(keyHex)
	if !ok || err1 != nil || err2 != nil {
		return false
	}
	return subtle.ConstantTimeCompare(key, pinKey(pin, salt)) == 1
}

// bufferedAnswer holds a handler's answer back until the state it changed is
// written (see ServeHTTP).
type bufferedAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedAnswer) Header() http.Header { return b.header }

func (b *bufferedAnswer) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedAnswer) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// send writes the held answer to w.
func (b *bufferedAnswer) send(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range b.header {
		h[k] = v
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}
