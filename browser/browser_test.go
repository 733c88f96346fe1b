package browser

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func envOf(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestFromEnvDecides(t *testing.T) {
	tests := []struct {
		name    string
		goos    string
		env     []string
		why     string
		command []string
		source  string
	}{
		{name: "linux desktop, system launcher", goos: "linux", env: []string{"DISPLAY", ":0"}},
		{name: "wayland only", goos: "linux", env: []string{"WAYLAND_DISPLAY", "wayland-0"}},
		{name: "linux console", goos: "linux", why: ReasonNoDisplay},
		{name: "BROWSER without display is a text browser", goos: "linux", env: []string{"BROWSER", "w3m"}, why: ReasonNoDisplay},
		{name: "macOS needs no DISPLAY", goos: "darwin"},
		{name: "windows needs no DISPLAY", goos: "windows"},
		{name: "ssh tty", goos: "linux", env: []string{"DISPLAY", ":0", "SSH_TTY", "/dev/pts/3"}, why: ReasonSSH},
		{name: "ssh connection on a mac", goos: "darwin", env: []string{"SSH_CONNECTION", "10.0.0.2 51000 10.0.0.1 22"}, why: ReasonSSH},
		{name: "ssh client", goos: "linux", env: []string{"SSH_CLIENT", "10.0.0.2 51000 22", "BROWSER", "firefox"}, why: ReasonSSH},
		{name: "BROWSER on a desktop", goos: "linux", env: []string{"DISPLAY", ":0", "BROWSER", "firefox --new-window"},
			command: []string{"firefox", "--new-window"}, source: "BROWSER"},
		{name: "WIZARD_BROWSER wins over BROWSER", goos: "linux", env: []string{"DISPLAY", ":0", "BROWSER", "firefox", "WIZARD_BROWSER", "chromium"},
			command: []string{"chromium"}, source: "WIZARD_BROWSER"},
		{name: "WIZARD_BROWSER is honoured over SSH", goos: "linux", env: []string{"SSH_TTY", "/dev/pts/1", "WIZARD_BROWSER", "/usr/local/bin/forward-url"},
			command: []string{"/usr/local/bin/forward-url"}, source: "WIZARD_BROWSER"},
		{name: "WIZARD_BROWSER=none", goos: "darwin", env: []string{"WIZARD_BROWSER", "None"}, why: ReasonDisabled},
		{name: "blank WIZARD_BROWSER is unset", goos: "linux", env: []string{"DISPLAY", ":0", "WIZARD_BROWSER", "  "}},
		{name: "unbalanced quote", goos: "linux", env: []string{"DISPLAY", ":0", "BROWSER", `firefox "--profile`}, why: ReasonBadCommand},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := fromEnv(envOf(tt.env...), tt.goos)
			ok, why := o.Available()
			if why != tt.why || ok != (tt.why == "") {
				t.Errorf("Available() = %v, %q; want %q", ok, why, tt.why)
			}
			command, source := o.Command()
			if !reflect.DeepEqual(command, tt.command) || source != tt.source {
				t.Errorf("command %q from %q, want %q from %q", command, source, tt.command, tt.source)
			}
			if (o.Func(time.Second) == nil) != (tt.why != "") {
				t.Errorf("Func is nil: %v, want %v", o.Func(time.Second) == nil, tt.why != "")
			}
		})
	}
}

func TestCommandSplittingAndURL(t *testing.T) {
	const url = "http://127.0.0.1:8765/signup/su_1?a=1&b=2"
	tests := []struct {
		value string
		want  []string
	}{
		{"firefox", []string{"firefox", url}},
		{"firefox --new-window", []string{"firefox", "--new-window", url}},
		{`"/opt/My Browser/browser" --app=%s`, []string{"/opt/My Browser/browser", "--app=" + url}},
		{`open -a 'Google Chrome'`, []string{"open", "-a", "Google Chrome", url}},
		{`sh -c 'echo %s >> /tmp/urls'`, []string{"sh", "-c", "echo " + url + " >> /tmp/urls"}},
		{`my\ browser`, []string{"my browser", url}},
	}
	for _, tt := range tests {
		cmd, err := splitCommand(tt.value)
		if err != nil {
			t.Errorf("split %q: %v", tt.value, err)
			continue
		}
		if got := commandArgs(cmd, url); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q → %q, want %q", tt.value, got, tt.want)
		}
	}
	for _, bad := range []string{`"unclosed`, `# only a comment`} {
		if _, err := splitCommand(bad); err == nil {
			t.Errorf("split %q: no error", bad)
		}
	}
}

// script writes an executable shell script into a temporary directory.
func script(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "launcher")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFakeLauncherGetsTheURL(t *testing.T) {
	out := filepath.Join(t.TempDir(), "args")
	launcher := script(t, `for a in "$@"; do printf '%s\n' "$a"; done > "`+out+`"
echo "noise on stdout"; echo "noise on stderr" >&2
`)
	o := FromEnv(envOf("WIZARD_BROWSER", `"`+launcher+`" --new-tab`, "SSH_TTY", "/dev/pts/0"))
	const url = "http://127.0.0.1:1/signup/su_9?x=1&y=two words"
	start := time.Now()
	if err := o.Open(context.Background(), url); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("a launcher that exits at once took %v", d)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if want := "--new-tab\n" + url + "\n"; string(got) != want {
		t.Errorf("the launcher got %q, want %q", got, want)
	}
}

func TestFailingLauncherSaysWhy(t *testing.T) {
	launcher := script(t, "echo 'starting…'; echo 'Error: no DISPLAY environment variable specified' >&2; exit 1\n")
	o := FromEnv(envOf("WIZARD_BROWSER", launcher))
	err := o.Open(context.Background(), "http://example.test/")
	if err == nil {
		t.Fatal("no error from a launcher that failed")
	}
	for _, want := range []string{"WIZARD_BROWSER", "exit status 1", "no DISPLAY environment variable"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestMissingLauncher(t *testing.T) {
	o := FromEnv(envOf("DISPLAY", ":0", "BROWSER", "no-such-browser-here --flag"))
	err := o.Open(context.Background(), "http://example.test/")
	if err == nil || !strings.Contains(err.Error(), `BROWSER names "no-such-browser-here"`) {
		t.Fatalf("error %v, want one naming the missing program", err)
	}
}

func TestLauncherThatKeepsRunningCountsAsOpened(t *testing.T) {
	launcher := script(t, "exec sleep 30\n")
	o := FromEnv(envOf("WIZARD_BROWSER", launcher))
	o.Settle = 200 * time.Millisecond
	start := time.Now()
	if err := o.Open(context.Background(), "http://example.test/"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 150*time.Millisecond || d > 2*time.Second {
		t.Errorf("Open returned after %v, want about the settle time", d)
	}
}

func TestOpenTimesOut(t *testing.T) {
	launcher := script(t, "exec sleep 30\n")
	o := FromEnv(envOf("WIZARD_BROWSER", launcher))
	o.Settle = time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := o.Open(ctx, "http://example.test/")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want a timeout", err)
	}
}

func TestSystemLauncher(t *testing.T) {
	o := fromEnv(envOf("DISPLAY", ":0"), "linux")
	o.Settle = 100 * time.Millisecond

	var got string
	o.system = func(url string) error { got = url; return nil }
	if err := o.Open(context.Background(), "http://example.test/a"); err != nil || got != "http://example.test/a" {
		t.Fatalf("Open: %v, launcher got %q", err, got)
	}

	o.system = func(string) error {
		return systemError(errors.New("x")) // any error passes through
	}
	if err := o.Open(context.Background(), "http://example.test/"); err == nil {
		t.Error("no error from a failing system launcher")
	}

	block := make(chan struct{})
	defer close(block)
	o.system = func(string) error { <-block; return nil }
	if err := o.Open(context.Background(), "http://example.test/"); err != nil {
		t.Errorf("a launcher still running after the settle time: %v, want opened", err)
	}
}

func TestUnavailableOpenFails(t *testing.T) {
	o := fromEnv(envOf(), "linux")
	if err := o.Open(context.Background(), "http://example.test/"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("error %v, want ErrUnavailable", err)
	}
}

func TestSystemErrorInPlainWords(t *testing.T) {
	err := systemError(&exec.Error{Name: "xdg-open,x-www-browser,www-browser", Err: exec.ErrNotFound})
	if want := "no program to open web pages was found (looked for xdg-open, x-www-browser, www-browser)"; err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
}
