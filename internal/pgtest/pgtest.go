// Package pgtest starts a private PostgreSQL server for the tests of one
// package, and hands each test a database of its own.
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
//	func TestSomething(t *testing.T) {
//		url := pgtest.NewDB(t) // a fresh, empty database, dropped when the test ends
//		…
//	}
//
// The server is started the first time a test asks for a database (so a run
// that selects no such test starts nothing), from the binaries of the newest
// PostgreSQL under /usr/lib/postgresql/*/bin (or PGTEST_BIN), in a temporary
// directory, listening on 127.0.0.1 on a free port with its unix socket in that
// directory. initdb and postgres refuse to run as root, so when the tests run
// as root (as here and in CI) the server runs as the "postgres" system user
// (Debian's package creates it), else as "nobody". Main stops it by its pid
// when the tests are done.
//
// Without the binaries, a test that asks for a database is skipped, unless CI
// is set: then it fails, as CI must run it (.ci/run installs postgresql).
package pgtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// startTimeout bounds initdb and the wait for the server to accept connections.
// The machine may be loaded: it is generous, and only a bound, never a pace.
const startTimeout = 2 * time.Minute

// Server is a running private PostgreSQL.
type Server struct {
	dir      string // temporary directory: data/, the socket, the log
	port     int
	password string // of the superuser "postgres"
	cmd      *exec.Cmd
	exited   chan struct{} // closed when the server process has exited
	log      string        // path of the server's log
}

var (
	once    sync.Once
	server  *Server
	missing string // why there is no server: no binaries
	failed  error  // the server could not be started
	dbSeq   atomic.Int64

	pkgOnce sync.Once
	pkgURL  string
	pkgErr  error
)

// Main runs the package's tests and then stops the server if one was started.
// It returns m.Run's exit code (or 1 if the server would not stop).
func Main(m *testing.M) int {
	code := m.Run()
	if server != nil {
		if err := server.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}

// get returns the package's server, starting it on first use; it skips or
// fails t when there is none.
func get(t testing.TB) *Server {
	t.Helper()
	once.Do(func() {
		bin, why := findBin()
		if bin == "" {
			missing = why
			return
		}
		server, failed = start(bin)
	})
	switch {
	case missing != "":
		if os.Getenv("CI") == "" {
			t.Skipf("no PostgreSQL server: %s (apt-get install -y postgresql); CI must have it", missing)
		}
		t.Fatalf("no PostgreSQL server: %s: .ci/run installs it with apt-get install -y postgresql", missing)
	case failed != nil:
		t.Fatalf("cannot start PostgreSQL: %v", failed)
	}
	return server
}

// DB returns the URL of the package's own database, created on first use
// and shared by the package's tests. Use it where tests do not need to be
// isolated from each other; NewDB where they do.
func DB(t testing.TB) string {
	t.Helper()
	s := get(t)
	pkgOnce.Do(func() {
		name := "pkg_" + sanitize(filepath.Base(os.Args[0]))
		pkgErr = s.createDB(name)
		pkgURL = s.URL(name)
	})
	if pkgErr != nil {
		t.Fatalf("pgtest: %v", pkgErr)
	}
	return pkgURL
}

// NewDB creates a new, empty database for this test and returns its URL
// (with the password). The database is dropped when the test ends, after the
// cleanups registered later (such as closing what the test opened on it).
func NewDB(t testing.TB) string {
	t.Helper()
	s := get(t)
	name := fmt.Sprintf("t%d_%s", dbSeq.Add(1), sanitize(t.Name()))
	if len(name) > 60 { // PostgreSQL cuts names at 63 bytes
		name = name[:60]
	}
	if err := s.createDB(name); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.exec(context.Background(), "DROP DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return s.URL(name)
}

// URL is the address of database name on the server, as the superuser.
func (s *Server) URL(name string) string {
	u := url.URL{
		Scheme: "postgres",
		User:   url.UserPassword("postgres", s.password),
		Host:   net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)),
		Path:   "/" + name,
		// No TLS on a private test server; a short connect timeout so a dead
		// server shows as an error, not a hang.
		RawQuery: "sslmode=disable&connect_timeout=10",
	}
	return u.String()
}

func (s *Server) createDB(name string) error {
	// template0: always there and never connected to, so CREATE never waits.
	return s.exec(context.Background(), "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE template0")
}

// exec runs one statement as the superuser in the "postgres" database.
func (s *Server) exec(ctx context.Context, sql string) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

func sanitize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// findBin returns the directory of the newest PostgreSQL server binaries, or
// "" and why there is none.
func findBin() (dir, why string) {
	if d := os.Getenv("PGTEST_BIN"); d != "" {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err != nil {
			return "", fmt.Sprintf("PGTEST_BIN=%s has no initdb", d)
		}
		return d, ""
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(found) == 0 {
		return "", "no /usr/lib/postgresql/*/bin/initdb"
	}
	version := func(p string) int { // /usr/lib/postgresql/15/bin/initdb → 15
		n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(p))))
		return n
	}
	sort.Slice(found, func(i, j int) bool { return version(found[i]) > version(found[j]) })
	return filepath.Dir(found[0]), ""
}

// runAs is the user the server runs as: the current one, unless that is root.
type runAs struct {
	cred *syscall.Credential // nil: as the current user
	uid  int
	gid  int
}

func serverUser() (runAs, error) {
	if os.Geteuid() != 0 {
		return runAs{uid: os.Geteuid(), gid: os.Getegid()}, nil
	}
	var errs []error
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		uid, err1 := strconv.Atoi(u.Uid)
		gid, err2 := strconv.Atoi(u.Gid)
		if err1 != nil || err2 != nil || uid == 0 {
			continue
		}
		return runAs{cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, uid: uid, gid: gid}, nil
	}
	return runAs{}, fmt.Errorf("running as root and no unprivileged user to run PostgreSQL as: %w", errors.Join(errs...))
}

func (r runAs) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential: r.cred,
		Setpgid:    true, // its own process group, so Stop can end the server's children too
		// If the test binary dies without running Stop (a test timeout, a
		// kill), the server shuts down at once (SIGQUIT: immediate shutdown)
		// rather than live on.
		Pdeathsig: syscall.SIGQUIT,
	}
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C", "LANG=C"}
	return cmd
}

// tempRoot is where the server's directory goes: os.TempDir(), unless the
// server's user could not reach it (a TMPDIR inside root's home) or the
// socket's path would be too long for a unix socket; then /tmp.
func tempRoot(as runAs) string {
	root := os.TempDir()
	if len(root) > 60 {
		return "/tmp"
	}
	if as.cred == nil {
		return root
	}
	for d := root; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return "/tmp"
		}
		if d == filepath.Dir(d) {
			return root
		}
	}
}

// start runs initdb and the server, and waits until it accepts connections.
func start(bin string) (*Server, error) {
	as, err := serverUser()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(tempRoot(as), "pgtest-")
	if err != nil {
		return nil, err
	}
	if err := os.Chown(dir, as.uid, as.gid); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{dir: dir, password: randomPassword(), exited: make(chan struct{}), log: filepath.Join(dir, "server.log")}
	if err := s.initdb(bin, as); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// A port that was free a moment ago may be taken by the time the server
	// binds it (other tests pick ports too): try a few.
	for attempt := 0; ; attempt++ {
		err = s.run(bin, as)
		if err == nil {
			return s, nil
		}
		if attempt == 4 || !strings.Contains(s.logText(), "could not bind") {
			os.RemoveAll(dir)
			return nil, err
		}
		s.exited = make(chan struct{})
	}
}

func (s *Server) initdb(bin string, as runAs) error {
	pwfile := filepath.Join(s.dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(s.password+"\n"), 0o600); err != nil {
		return err
	}
	defer os.Remove(pwfile)
	if err := os.Chown(pwfile, as.uid, as.gid); err != nil {
		return err
	}
	cmd := as.command(filepath.Join(bin, "initdb"),
		"--pgdata", filepath.Join(s.dir, "data"),
		"--username", "postgres",
		"--pwfile", pwfile,
		"--auth-local", "trust", // the socket is in a private directory
		"--auth-host", "scram-sha-256", // TCP (what the tests use) needs the password
		"--encoding", "UTF8",
		"--locale", "C",
		"--no-sync", // a test server's files need not survive a crash of the machine
		"--no-instructions",
	)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("initdb: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("initdb: %w\n%s", err, out.String())
		}
		return nil
	case <-ctx.Done():
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		return fmt.Errorf("initdb did not finish in %s\n%s", startTimeout, out.String())
	}
}

// run starts the server on a free port and waits until it accepts a connection.
func (s *Server) run(bin string, as runAs) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	s.port = port
	logf, err := os.OpenFile(s.log, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	// Speed over durability: this server's data lives for one test run.
	// fsync=off and full_page_writes=off are unsafe for real data and fine
	// here: a crash of the machine loses a test run, nothing else.
	// PGTEST_DURABLE=1 keeps PostgreSQL's defaults instead (every commit
	// flushed), for benchmarks that should see what a real server does.
	durability := "off"
	if os.Getenv("PGTEST_DURABLE") != "" {
		durability = "on"
	}
	cmd := as.command(filepath.Join(bin, "postgres"),
		"-D", filepath.Join(s.dir, "data"),
		"-h", "127.0.0.1",
		"-p", strconv.Itoa(port),
		"-k", s.dir, // the unix socket, in the private directory
		"-c", "fsync="+durability,
		"-c", "synchronous_commit="+durability,
		"-c", "full_page_writes="+durability,
		"-c", "max_connections=200",
		"-c", "shared_buffers=32MB",
		"-c", "max_wal_size=1GB",
		"-c", "listen_addresses=127.0.0.1",
		"-c", "log_min_messages=warning",
	)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	s.cmd = cmd
	exited := s.exited
	go func() { _ = cmd.Wait(); close(exited) }()

	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := s.waitReady(ctx); err != nil {
		_ = s.Stop()
		return err
	}
	return nil
}

// waitReady polls a connection until the server answers, the server exits, or
// ctx ends.
func (s *Server) waitReady(ctx context.Context) error {
	pause := 10 * time.Millisecond
	for {
		attempt, cancel := context.WithTimeout(ctx, 5*time.Second)
		conn, err := pgx.Connect(attempt, s.URL("postgres"))
		cancel()
		if err == nil {
			err = conn.Ping(ctx)
			conn.Close(context.Background())
			if err == nil {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("postgres exited at start: %v\n%s", s.cmd.ProcessState, s.logText())
		case <-ctx.Done():
			return fmt.Errorf("postgres did not accept connections in %s: %v\n%s", startTimeout, err, s.logText())
		case <-time.After(pause):
		}
		pause = min(2*pause, 200*time.Millisecond)
	}
}

// Stop ends the server by its pid: SIGINT (PostgreSQL's fast shutdown, which
// ends open sessions; SIGTERM would wait for them), then SIGKILL to its process
// group if it has not exited within 30 seconds. It removes the directory.
func (s *Server) Stop() error {
	if s.cmd == nil || s.cmd.Process == nil {
		return os.RemoveAll(s.dir)
	}
	pid := s.cmd.Process.Pid
	var err error
	select {
	case <-s.exited:
	default:
		_ = syscall.Kill(pid, syscall.SIGINT)
		select {
		case <-s.exited:
		case <-time.After(30 * time.Second):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			<-s.exited
			err = fmt.Errorf("postgres (pid %d) did not stop within 30s of SIGINT; killed", pid)
		}
	}
	if rmErr := os.RemoveAll(s.dir); err == nil {
		err = rmErr
	}
	return err
}

func (s *Server) logText() string {
	b, _ := os.ReadFile(s.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomPassword() string {
	return "pw" + rand.Text()
}
