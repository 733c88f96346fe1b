package sandbox_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wizard/client"
	"wizard/client/sandbox"
)

// restart closes a sandbox and starts a new one on the same state file, with
// the same clock: what a wizard quit and started again does.
func restart(t *testing.T, sb *sandbox.Running, opts sandbox.Options) (*sandbox.Running, *client.Clients) {
	t.Helper()
	if sb != nil {
		if err := sb.Close(); err != nil {
			t.Fatal(err)
		}
	}
	sb2, c := start(t, opts)
	if n := sb2.Server.Notice(); n != "" {
		t.Fatalf("notice after a restart: %s", n)
	}
	if !sb2.Server.Persistent() {
		t.Fatal("the sandbox does not keep its state on disk")
	}
	return sb2, c
}

// A sandbox started again on the same state file finds the account, the
// signup, the number, its code, the activation, the alpha names and the outbox
// again, and its clocks go on from the saved times.
func TestRestartedSandboxRemembers(t *testing.T) {
	clk := &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "wizard.db.sandbox")
	opts := sandbox.Options{StatePath: path, AutoVerifyEmail: 10 * time.Second, ActivationDelay: time.Minute, Now: clk.Now}
	ctx := t.Context()

	sb, c := restart(t, nil, opts)
	a, err := c.Partner.CreateAccount(ctx, "restart@example.kz", "Str0ng!pass")
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v %v, want mode 0600", fi, err)
	}

	// E-mail auto-confirmation counts from the saved time of the address.
	clk.Add(6 * time.Second)
	sb, c = restart(t, sb, opts)
	if got, err := c.Partner.GetAccount(ctx, a.ID); err != nil || got.Verified {
		t.Fatalf("after a restart: %+v %v (want the account, not verified yet)", got, err)
	}
	clk.Add(4 * time.Second)
	sb, c = restart(t, sb, opts)
	if got, err := c.Partner.GetAccount(ctx, a.ID); err != nil || !got.Verified || !got.VerifiedAt.Equal(clk.Now().UTC()) {
		t.Fatalf("after the delay across restarts: %+v %v", got, err)
	}
	if _, err := c.Partner.UpdateCompany(ctx, a.ID, client.Company{OrgType: "company", FullName: "Aru Sandbox",
		CompanyName: "Acme Pharma", Country: "KZ"}); err != nil {
		t.Fatal(err)
	}

	// The signup, its pop-up's number (code sent, verified) and the setup.
	sess, err := c.Partner.StartSignup(ctx, a.ID, client.SignupRequest{})
	if err != nil {
		t.Fatal(err)
	}
	sb, c = restart(t, sb, opts)
	oldURL := sess.URL
	sess.URL = sb.Server.Rebase(sess.URL)
	if want := sb.URL + "/signup/" + sess.ID; sess.URL != want {
		t.Fatalf("signup page %s rebased to %s, want %s", oldURL, sess.URL, want)
	}
	if other := "http://127.0.0.1:1/signup/x"; sb.Server.Rebase(other) != other {
		t.Error("an address the sandbox never had was rebased")
	}
	in := map[string]string{"waba_name": "Acme", "display_name": "Acme Pharma", "cc": "7", "phone_number": "7015556677"}
	n := popupPost(t, sess.URL, "/number", in, 200)
	popupPost(t, sess.URL, "/number/code", map[string]string{"phone_number_id": n["phone_number_id"], "method": "SMS"}, 200)
	sb, c = restart(t, sb, opts)
	sess.URL = sb.Server.Rebase(sess.URL) // from any address it had before
	code, err := sandbox.LatestCode(ctx, sb.URL, n["phone_number_id"])
	if err != nil {
		t.Fatal(err)
	}
	popupPost(t, sess.URL, "/number/verify", map[string]string{"phone_number_id": n["phone_number_id"], "code": code}, 200)
	popupPost(t, sess.URL, "/result", map[string]string{"event": "FINISH", "phone_number_id": n["phone_number_id"], "waba_id": n["waba_id"]}, 200)
	sb, c = restart(t, sb, opts)
	res, err := c.Partner.GetSignup(ctx, sess.ID)
	if err != nil || res.Status != client.SignupFinished || res.Stage != client.StageReady || res.PhoneNumberID != n["phone_number_id"] {
		t.Fatalf("signup after a restart: %+v %v", res, err)
	}
	phoneID := res.PhoneNumberID
	if nums, err := c.Partner.Numbers(ctx, sess.ID); err != nil || len(nums) != 1 || nums[0].CodeVerificationStatus != "VERIFIED" {
		t.Fatalf("numbers after a restart: %+v %v", nums, err)
	}

	// Registration: the PIN is kept as a hash, and still checked.
	if err := c.Partner.RegisterNumber(ctx, sess.ID, phoneID, "246810"); err != nil {
		t.Fatal(err)
	}
	sb, c = restart(t, sb, opts)
	if err := c.Partner.RegisterNumber(ctx, sess.ID, phoneID, "135791"); err == nil {
		t.Error("another PIN was taken after a restart")
	}
	if err := c.Partner.RegisterNumber(ctx, sess.ID, phoneID, "246810"); err != nil {
		t.Errorf("the number's PIN after a restart: %v", err)
	}

	// The activation goes on from its saved start.
	act, err := c.Partner.StartActivation(ctx, a.ID, phoneID)
	if err != nil || act.Status != client.ActivationPending {
		t.Fatalf("activation: %+v %v", act, err)
	}
	clk.Add(40 * time.Second)
	sb, c = restart(t, sb, opts)
	if got, err := c.Partner.GetActivation(ctx, phoneID); err != nil || got.Status != client.ActivationPending || !got.StartedAt.Equal(act.StartedAt) {
		t.Fatalf("activation after a restart: %+v %v", got, err)
	}
	clk.Add(20 * time.Second)
	sb, c = restart(t, sb, opts)
	done, err := c.Partner.GetActivation(ctx, phoneID)
	if err != nil || done.Status != client.ActivationActive || done.AlphaCode == "" || !done.ActivatedAt.Equal(act.StartedAt.Add(time.Minute)) {
		t.Fatalf("activation after its delay: %+v %v", done, err)
	}

	// Alpha names.
	if _, _, err := c.OCM.SaveAlphaName(ctx, "Acme Pharma", "KZ"); err != nil {
		t.Fatal(err)
	}
	before := sb.Server.Outbox()
	sb, c = restart(t, sb, opts)
	if names, err := c.OCM.ListAlphaNames(ctx, "KZ"); err != nil || len(names) != 1 || names[0].Name != "Acme Pharma" {
		t.Fatalf("alpha names after a restart: %+v %v", names, err)
	}
	if got, _ := c.Partner.GetActivation(ctx, phoneID); got.AlphaCode != done.AlphaCode {
		t.Errorf("alpha code %q after a restart, was %q", got.AlphaCode, done.AlphaCode)
	}

	// The outbox: the same mails (their links at the sandbox's new address) and codes.
	after := sb.Server.Outbox()
	if len(after.Mails) != len(before.Mails) || len(after.Mails) == 0 || len(after.Messages) != len(before.Messages) ||
		after.Messages[0].Code != code {
		t.Fatalf("outbox after a restart: %+v, was %+v", after, before)
	}
	if !strings.HasPrefix(after.Mails[0].Link, sb.URL+"/partner/verify?token=") {
		t.Errorf("mail link %q not at the sandbox's address %s", after.Mails[0].Link, sb.URL)
	}

	// Nothing a provider would not keep: no password, no PIN.
	_ = sb.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Str0ng!pass", "246810"} {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("the state file holds %q", secret)
		}
	}
}

// A code's window counts from when it was sent, across a restart.
func TestRestartedSandboxCodeExpires(t *testing.T) {
	clk := &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	opts := sandbox.Options{StatePath: filepath.Join(t.TempDir(), "state"), Now: clk.Now}
	sb, _ := restart(t, nil, opts)
	id := graphAddNumber(t, sb, sb.Server.WABAIDs()[0], "7", "7016667788", "Acme")
	for range sandbox.CodeRequestLimit {
		graphMust(t, sb, "POST", "/"+id+"/request_code", `{"code_method":"SMS","language":"en_US"}`)
	}
	code, err := sandbox.LatestCode(t.Context(), sb.URL, id)
	if err != nil {
		t.Fatal(err)
	}
	// The request limit's window: the requests before the restart count.
	sb, _ = restart(t, sb, opts)
	if st, body := graphCall(t, sb, "POST", "/"+id+"/request_code", `{"code_method":"SMS"}`); st != 400 || !strings.Contains(body, "136024") {
		t.Errorf("a request over the limit after a restart: HTTP %d %s", st, body)
	}
	clk.Add(sandbox.CodeTTL + time.Second)
	sb, _ = restart(t, sb, opts)
	if st, body := graphCall(t, sb, "POST", "/"+id+"/verify_code", `{"code":"`+code+`"}`); st != 400 || !strings.Contains(body, "expired") {
		t.Fatalf("an expired code after a restart: HTTP %d %s", st, body)
	}
}

// A damaged state file is moved aside, said so, and the sandbox starts afresh
// on a new file.
func TestDamagedStateIsMovedAside(t *testing.T) {
	for name, content := range map[string][]byte{
		"not bbolt": bytes.Repeat([]byte("garbage!"), 1024),
		"too short": []byte("x"),
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "wizard.db.sandbox")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			sb, c := start(t, sandbox.Options{StatePath: path, AutoVerifyEmail: time.Nanosecond})
			n := sb.Server.Notice()
			aside, _ := filepath.Glob(path + ".corrupt-*")
			if len(aside) != 1 || !strings.Contains(n, "could not be read") || !strings.Contains(n, aside[0]) {
				t.Fatalf("notice %q, files set aside %v", n, aside)
			}
			if got, _ := os.ReadFile(aside[0]); !bytes.Equal(got, content) {
				t.Error("the damaged file was not kept as it was")
			}
			if !sb.Server.Persistent() {
				t.Fatal("no new state file")
			}
			a := verifiedAccount(t, c, "fresh@example.kz")
			sb2, c2 := restart(t, sb, sandbox.Options{StatePath: path})
			_ = sb2
			if _, err := c2.Partner.GetAccount(t.Context(), a.ID); err != nil {
				t.Fatalf("the new state file: %v", err)
			}
		})
	}
}

// A state file another program holds is left alone: the sandbox says so and
// keeps its state in memory.
func TestStateInUseIsLeftAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state")
	first, _ := start(t, sandbox.Options{StatePath: path})
	second, _ := start(t, sandbox.Options{StatePath: path})
	if second.Server.Persistent() || !strings.Contains(second.Server.Notice(), "in use") {
		t.Fatalf("second sandbox on a held file: persistent %v, notice %q", second.Server.Persistent(), second.Server.Notice())
	}
	if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) != 0 || !first.Server.Persistent() {
		t.Errorf("a file in use was set aside: %v", aside)
	}
}

// The in-memory sandbox (no StatePath) writes nothing.
func TestInMemorySandboxWritesNothing(t *testing.T) {
	sb, _ := start(t, sandbox.Options{})
	if sb.Server.Persistent() || sb.Server.Notice() != "" {
		t.Fatal("an in-memory sandbox with a state file")
	}
}

// Writing the state stays cheap at the sizes a demo makes: many accounts and
// codes, one write per change.
func BenchmarkPersistedRequest(b *testing.B) {
	sb, err := sandbox.Start("127.0.0.1:0", sandbox.Options{StatePath: filepath.Join(b.TempDir(), "state"), AutoVerifyEmail: time.Nanosecond})
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close()
	c := client.New(client.SandboxConfig(sb.URL))
	for i := range 50 {
		if _, err := c.Partner.CreateAccount(b.Context(), "demo"+string(rune('a'+i%26))+strings.Repeat("x", i)+"@example.kz", "Str0ng!pass"); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		if _, _, err := c.OCM.SaveAlphaName(b.Context(), "Name "+strings.Repeat("n", i%100)+string(rune('a'+i%26)), "KZ"); err != nil {
			b.Fatal(err)
		}
	}
}
