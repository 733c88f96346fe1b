package callback

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func start(t *testing.T, opts ...Option) (*Server, string) {
	t.Helper()
	state := NewState()
	s, err := Start(state, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, state
}

func get(t *testing.T, s *Server, q url.Values) (int, string) {
	t.Helper()
	resp, err := http.Get(s.URL() + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func finish(state string) url.Values {
	return url.Values{"state": {state}, "signup_id": {"su_1"}, "status": {"finished"}, "event": {"FINISH"},
		"waba_id": {"105954558954427"}, "business_id": {"1234567890123456"}}
}

// noResult checks that nothing arrives for a moment.
func noResult(t *testing.T, s *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if r, err := s.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait = %+v, %v; want nothing yet", r, err)
	}
}

func TestStateIsRandomAndRequired(t *testing.T) {
	a, b := NewState(), NewState()
	if a == b || len(a) < 20 {
		t.Errorf("states %q and %q: want long and different", a, b)
	}
	if _, err := Start(""); err == nil {
		t.Error("Start without a state: no error")
	}
	if StateMatches("", "") || !StateMatches(a, a) || StateMatches(a, b) {
		t.Error("StateMatches is wrong")
	}
}

func TestListensOnLoopbackOnly(t *testing.T) {
	s, _ := start(t)
	u, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	if u.Hostname() != "127.0.0.1" || u.Path != Path || s.Port() == 0 || u.Port() == "0" {
		t.Errorf("URL %s, port %d", s.URL(), s.Port())
	}
}

func TestForgedOrMissingStateIsRejected(t *testing.T) {
	s, state := start(t)
	for name, q := range map[string]url.Values{
		"forged":  finish(NewState()),
		"missing": func() url.Values { q := finish(state); q.Del("state"); return q }(),
		"prefix":  finish(state[:len(state)-1]),
	} {
		code, body := get(t, s, q)
		if code != http.StatusBadRequest || !strings.Contains(body, "This answer is not for this wizard") {
			t.Errorf("%s state: %d %q, want 400 and the rejection page", name, code, body)
		}
	}
	noResult(t, s)

	// The right state still works afterwards: a forged request does not close the door.
	if code, _ := get(t, s, finish(state)); code != http.StatusOK {
		t.Fatalf("the real callback after forged ones: %d", code)
	}
	r, err := s.Wait(context.Background())
	if err != nil || r.WABAID != "105954558954427" {
		t.Fatalf("Wait = %+v, %v", r, err)
	}
}

func TestOneResultThenClosed(t *testing.T) {
	s, state := start(t)
	code, body := get(t, s, finish(state))
	if code != http.StatusOK || !strings.Contains(body, "return to the terminal") || !strings.Contains(body, "Your business is connected") {
		t.Fatalf("first callback: %d %q", code, body)
	}
	r, err := s.Wait(context.Background())
	want := Result{SignupID: "su_1", Status: "finished", Event: "FINISH", WABAID: "105954558954427", BusinessID: "1234567890123456"}
	if err != nil || r != want {
		t.Fatalf("Wait = %+v, %v; want %+v", r, err, want)
	}
	select {
	case <-s.Done():
	case <-time.After(3 * time.Second):
		t.Fatal("the server did not stop after its result")
	}
	if resp, err := http.Get(s.URL() + "?" + finish(state).Encode()); err == nil {
		resp.Body.Close()
		t.Fatalf("a second callback reached a stopped server: %d", resp.StatusCode)
	}
	// Wait keeps giving the same result.
	if r2, err := s.Wait(context.Background()); err != nil || r2 != want {
		t.Fatalf("second Wait = %+v, %v", r2, err)
	}
}

func TestDoubleCallback(t *testing.T) {
	s, state := start(t)
	// Two tabs answer at the same moment: one result, the other told so.
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range codes {
		q := finish(state)
		q.Set("waba_id", []string{"111", "222"}[i])
		wg.Go(func() {
			req := httptest.NewRequest(http.MethodGet, s.URL()+"?"+q.Encode(), nil)
			rec := httptest.NewRecorder()
			s.serve(rec, req)
			codes[i] = rec.Code
		})
	}
	wg.Wait()
	if !(codes[0] == 200 && codes[1] == 409 || codes[0] == 409 && codes[1] == 200) {
		t.Fatalf("codes %v, want one 200 and one 409", codes)
	}
	r, err := s.Wait(context.Background())
	if err != nil || (r.WABAID == "222") != (codes[1] == 200) {
		t.Fatalf("Wait = %+v, %v with codes %v", r, err, codes)
	}
	req := httptest.NewRequest(http.MethodGet, s.URL()+"?"+finish(state).Encode(), nil)
	rec := httptest.NewRecorder()
	s.serve(rec, req)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "already received") {
		t.Fatalf("a late callback: %d %q", rec.Code, rec.Body.String())
	}
}

func TestCancelResult(t *testing.T) {
	s, state := start(t)
	q := url.Values{"state": {state}, "event": {"CANCEL"}, "status": {"cancelled"}, "current_step": {"WABA_SETUP"}}
	code, body := get(t, s, q)
	if code != http.StatusOK || !strings.Contains(body, "The signup was not completed") {
		t.Fatalf("cancel: %d %q", code, body)
	}
	r, err := s.Wait(context.Background())
	if err != nil || r.Event != "CANCEL" || r.CurrentStep != "WABA_SETUP" {
		t.Fatalf("Wait = %+v, %v", r, err)
	}
}

func TestIncompleteAnswerIsIgnored(t *testing.T) {
	s, state := start(t)
	if code, _ := get(t, s, url.Values{"state": {state}}); code != http.StatusBadRequest {
		t.Fatalf("no event: %d, want 400", code)
	}
	noResult(t, s)
}

func TestOnlyGETOnItsOwnHost(t *testing.T) {
	s, state := start(t)
	resp, err := http.PostForm(s.URL(), finish(state))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL()+"?"+finish(state).Encode(), nil)
	req.Host = "evil.example:80"
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("foreign Host: %d", resp.StatusCode)
	}
	resp, err = http.Get(strings.TrimSuffix(s.URL(), Path) + "/other")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("other path: %d", resp.StatusCode)
	}
	noResult(t, s)
}

func TestTimeout(t *testing.T) {
	s, state := start(t, WithTimeout(50*time.Millisecond))
	start := time.Now()
	_, err := s.Wait(context.Background())
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Wait: %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("timed out after %v", d)
	}
	<-s.Done()
	if resp, err := http.Get(s.URL() + "?" + finish(state).Encode()); err == nil {
		resp.Body.Close()
		t.Fatal("a timed-out server still answers")
	}
}

func TestClose(t *testing.T) {
	s, _ := start(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Wait(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Wait after Close: %v", err)
	}
	_ = s.Close() // twice is fine
}

func TestTexts(t *testing.T) {
	s, state := start(t, WithTexts(Texts{Lang: "ru", Finished: Page{"Готово", "Вернитесь в терминал."}}))
	code, body := get(t, s, url.Values{"state": {NewState()}, "event": {"FINISH"}})
	if code != 400 || !strings.Contains(body, "This answer is not for this wizard") {
		t.Errorf("a page left out keeps its English text: %q", body)
	}
	_, body = get(t, s, finish(state))
	if !strings.Contains(body, `lang="ru"`) || !strings.Contains(body, "Готово") {
		t.Errorf("custom texts not used: %q", body)
	}
}
