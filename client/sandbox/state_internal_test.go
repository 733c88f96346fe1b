package sandbox

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// An Embedded Signup code issued before a restart is good for its 30 seconds
// from when it was issued, not from the restart.
func TestESCodeExpiresAcrossARestart(t *testing.T) {
	clk := &testClock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	opts := Options{StatePath: filepath.Join(t.TempDir(), "state"), Now: clk.Now}
	exchange := func(s *Server, code string) (int, string) {
		ts := httptest.NewServer(s)
		defer ts.Close()
		q := url.Values{"client_id": {sandboxAppID}, "client_secret": {sandboxAppSecret}, "code": {code}}
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, ts.URL+"/graph/"+graphVersion+"/oauth/access_token?"+q.Encode(), nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b struct {
			Error struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&b)
		return resp.StatusCode, b.Error.Message
	}

	s := New(opts)
	s.mu.Lock()
	early, late := s.issueCode(s.wabaOrder[0], s.businesses[0].id), s.issueCode(s.wabaOrder[0], s.businesses[0].id)
	s.mu.Unlock()
	if err := s.persist(); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()

	clk.Add(20 * time.Second)
	s = New(opts)
	if st, msg := exchange(s, early); st != http.StatusOK {
		t.Fatalf("a code 20 s old after a restart: HTTP %d %s", st, msg)
	}
	_ = s.Close()
	clk.Add(11 * time.Second)
	s = New(opts)
	defer s.Close()
	if st, msg := exchange(s, early); st != http.StatusBadRequest || !strings.Contains(msg, "used") {
		t.Errorf("a code used before the restart: HTTP %d %s", st, msg)
	}
	if st, msg := exchange(s, late); st != http.StatusBadRequest || !strings.Contains(msg, "expired") {
		t.Errorf("a code 31 s old across restarts: HTTP %d %s", st, msg)
	}
}

// A state file of another version is set aside, not read.
func TestStateOfAnotherVersionIsSetAside(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(stateBucket)
		if err != nil {
			return err
		}
		return b.Put(stateKey, []byte(`{"version":99,"accounts":[]}`))
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{StatePath: path})
	defer s.Close()
	aside, _ := filepath.Glob(path + ".corrupt-*")
	if len(aside) != 1 || !strings.Contains(s.Notice(), "version 99") || !s.Persistent() {
		t.Fatalf("notice %q, set aside %v, persistent %v", s.Notice(), aside, s.Persistent())
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the new state file: %v %v", fi, err)
	}
}
