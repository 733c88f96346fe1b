package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/text/language"

	"wizard/assets"
	"wizard/client"
	"wizard/client/sandbox"
	"wizard/steps"
	"wizard/store"
	"wizard/termsafe"
)

// Every command is built in the manner of cli/cli: newXCmd(f, runF) fills an
// xOptions struct from the factory and the command's flags and calls runX(opts)
// (or runF, in a test of the flags). runX reads and writes only through its
// options — streams, clock, user name, words, data file — so a test can call it
// with buffers, a fixed clock and a data file of its own, without a terminal.

// ioStreams are the standard streams of a command.
type ioStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// factory is what the commands are built from: the streams, the clock, who is
// at work, the environment, and the global flags, through which (once cobra has
// parsed them) it opens the data file, picks the words and the services.
type factory struct {
	IO      ioStreams
	Now     func() time.Time    // the clock of the support commands
	Who     func() string       // the name recorded in the history
	Getenv  func(string) string // the environment
	Version string              // as `wizard version` prints it

	flags globalFlags
	words *assets.Words // picked on first use, after the flags are parsed
}

// globalFlags are the settings every command shares.
type globalFlags struct {
	dataPath    string
	storeURL    string // --store / WIZARD_STORE: a team store (PostgreSQL) instead of the file
	urls        serviceURLs
	lang        string
	lockTimeout time.Duration
	repair      bool
	accessible  bool // --accessible: the line-by-line screens
}

// serviceURLs are the services named on the command line or in the environment.
type serviceURLs struct {
	sandbox, partner, ocm string
}

// newFactory is the factory of the program: the real clock, user and environment.
func newFactory(in io.Reader, out, errOut io.Writer) *factory {
	return &factory{IO: ioStreams{In: in, Out: out, ErrOut: errOut},
		Now: time.Now, Who: who, Getenv: os.Getenv, Version: version}
}

func newRootCmd(f *factory) *cobra.Command {
	opts := &startOptions{sessionOptions: f.sessionOptions()}
	// The texts of every command and flag are in the catalog (help.go).
	root := &cobra.Command{
		Use:           "wizard",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Words = f.Words()
			return runStart(cmd.Context(), opts)
		},
	}
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	g := &f.flags
	fl := root.PersistentFlags()
	fl.StringVar(&g.dataPath, "data", "", "")
	fl.StringVar(&g.storeURL, "store", f.Getenv("WIZARD_STORE"), "")
	fl.StringVar(&g.urls.sandbox, "sandbox-url", f.Getenv("WIZARD_SANDBOX_URL"), "")
	fl.StringVar(&g.urls.partner, "partner-url", f.Getenv("WIZARD_PARTNER_URL"), "")
	fl.StringVar(&g.urls.ocm, "ocm-url", f.Getenv("WIZARD_OCM_URL"), "")
	fl.StringVar(&g.lang, "lang", "", "")
	fl.DurationVar(&g.lockTimeout, "lock-timeout", time.Second, "")
	fl.BoolVar(&g.repair, "repair", false, "")

	addAccessibleFlag(root, g)
	root.Flags().BoolVar(&opts.New, "new", false, "")
	root.AddCommand(newResumeCmd(f, nil), newListCmd(f, nil), newShowCmd(f, nil), newExportCmd(f, nil),
		newImportCmd(f, nil), newCopyCmd(f, nil), newAbandonCmd(f, nil), newDoctorCmd(f, nil), newSandboxCmd(f, nil), newVersionCmd(f, nil), newDemoCmd(f))
	checkLanguageFirst(f, root)
	return root
}

// DataFile is the data file's path: --data, else the default under XDG_DATA_HOME.
func (f *factory) DataFile() (string, error) {
	if f.flags.dataPath != "" {
		return f.flags.dataPath, nil
	}
	p, err := store.DefaultPath()
	if err != nil {
		return "", failT(f.Words(), 1, "cli.data.no_default", err)
	}
	return p, nil
}

// logFile is the support log kept next to the data file.
func logFile(dataPath string) string { return dataPath + ".log" }

// OpenStore opens the data file, turning the store's errors into what to do.
// With --repair, a damaged file is moved aside and a fresh one started. Every
// event saved through the store is also appended to the support log.
func (f *factory) OpenStore() (dataStore, error) {
	if f.flags.storeURL != "" {
		return f.openTeamStore()
	}
	path, err := f.DataFile()
	if err != nil {
		return nil, err
	}
	w := f.Words()
	// With --repair, every page is read (damage anywhere counts); without,
	// Open reads only what it needs and damage further in is reported by the
	// call that meets it (and by doctor).
	opt := store.Options{Timeout: f.flags.lockTimeout, Verify: f.flags.repair}
	if d, err := time.ParseDuration(f.Getenv("WIZARD_TEST_SYNC_DELAY")); err == nil {
		opt.SyncDelay = d // for the kill tests only: every save is slow, as on a slow disk
	}
	st, err := store.Open(path, opt)
	if _, corrupt := errors.AsType[*store.CorruptError](err); corrupt && f.flags.repair {
		moved, merr := store.MoveAside(path, f.Now())
		if merr != nil {
			return nil, failT(w, 1, "cli.repair.failed", path, merr)
		}
		printf(f.IO.ErrOut, "%s\n", w.T("cli.repair.moved", path, moved))
		st, err = store.Open(path, opt)
	}
	if err != nil {
		return nil, openError(w, path, err)
	}
	if err := st.OpenLog(logFile(path)); err != nil {
		printf(f.IO.ErrOut, "%s\n", w.T("cli.log.unavailable", logFile(path), err))
	}
	if d := st.MetaDamage(); d.MayHaveLost() {
		// bbolt fell back to the previous transaction: say which step may need doing again.
		printf(f.IO.ErrOut, "%s\n", termsafe.Text(d.String()))
	}
	return st, nil
}

// OpenStoreReadOnly opens the data file only to read it (list, show, export,
// doctor): nothing is created, a read-only mount works. A missing file is a
// *store.NoFileError for the command to answer as "nothing saved yet".
func (f *factory) OpenStoreReadOnly() (dataStore, error) {
	if f.flags.storeURL != "" {
		return f.openTeamStore() // a database has no read-only open: its commands only read
	}
	if f.flags.repair {
		return f.OpenStore() // --repair moves a damaged file aside and starts a fresh one: a write
	}
	path, err := f.DataFile()
	if err != nil {
		return nil, err
	}
	st, err := store.OpenReadOnly(path, f.flags.lockTimeout)
	if _, none := errors.AsType[*store.NoFileError](err); none {
		return nil, err
	}
	if err != nil {
		return nil, openError(f.Words(), path, err)
	}
	return st, nil
}

// openError says what went wrong opening the data file at path and what to do.
func openError(w *assets.Words, path string, err error) error {
	var locked *store.LockedError
	var corrupt *store.CorruptError
	var schema *store.SchemaError
	switch {
	case errors.As(err, &locked):
		if pids := lockHolders(path); len(pids) > 0 {
			return failT(w, 1, "cli.open.locked_by", path, describeProcess(w, pids[0]))
		}
		return failT(w, 1, "cli.open.locked", path)
	case errors.As(err, &corrupt):
		return failT(w, 1, "cli.open.corrupt", corrupt.Path, corrupt.Err)
	case errors.As(err, &schema) && schema.Have > schema.Want:
		return failT(w, 1, "cli.open.schema_newer", schema.Path, strconv.Itoa(schema.Have), strconv.Itoa(schema.Want))
	case errors.As(err, &schema):
		return failT(w, 1, "cli.open.schema_older", schema.Path, strconv.Itoa(schema.Have), strconv.Itoa(schema.Want))
	case errors.Is(err, fs.ErrPermission):
		return failT(w, 1, "cli.open.permission", path)
	}
	return failT(w, 1, "cli.open.other", path, err)
}

// regionFromEnv is the country of the user's locale (en_KZ → KZ), the default country.
func regionFromEnv(getenv func(string) string) string {
	loc := localeFromEnv(getenv)
	if i := strings.IndexAny(loc, ".@"); i >= 0 {
		loc = loc[:i]
	}
	tag, err := language.Parse(strings.ReplaceAll(loc, "_", "-"))
	if err != nil {
		return ""
	}
	if r, conf := tag.Region(); conf == language.Exact {
		return r.String()
	}
	return ""
}

// services decides which services to talk to: explicit URLs, a named sandbox, or
// (with neither) a sandbox started here on 127.0.0.1. stop ends what was started.
type services struct {
	config     client.Config
	sandboxURL string
	// rebase, for the built-in sandbox, moves an address it gave out in an
	// earlier run (a signup page's) to the port it listens on now.
	rebase func(string) string
	stop   func()
}

// Services are the services the global flags name (see services).
func (f *factory) Services() (services, error) {
	u := f.flags.urls
	explicit := u.partner != "" || u.ocm != ""
	switch {
	case explicit:
		if u.partner == "" || u.ocm == "" {
			return services{}, failT(f.Words(), codeUsage, "cli.services.both_urls")
		}
		// The operator's token for the provider, from the environment only (never
		// stored). Every Meta call goes through the provider: the wizard holds no Meta token.
		token := f.Getenv("WIZARD_PARTNER_TOKEN")
		if token == "" {
			return services{}, failT(f.Words(), codeUsage, "cli.services.no_token")
		}
		return services{config: client.Config{PartnerURL: u.partner, OCMURL: u.ocm, OperatorToken: token},
			stop: func() {}}, nil
	case u.sandbox != "":
		base := strings.TrimRight(u.sandbox, "/")
		cfg := client.SandboxConfig(base)
		cfg.OperatorToken = f.Getenv("WIZARD_PARTNER_TOKEN") // the outbox shows the sandbox's
		return services{config: cfg, sandboxURL: base, stop: func() {}}, nil
	default:
		return f.builtinSandbox(nil)
	}
}

// The built-in sandbox listens on BuiltinSandboxPort, or the next free one of
// builtinSandboxPorts, or else any free port: the outbox's address on a
// trainer's second screen stays the same from one run to the next.
const (
	builtinSandboxPort  = 8790
	builtinSandboxPorts = 20 // 8790–8809
)

// builtinSandbox starts the sandbox in this process, keeping its state next to
// the data file (sandboxStatePath), so that a signup resumed later finds its
// account, signup, number and activation again. setup, when given, prepares
// the sandbox before it is used (a classroom scenario: see demo.go).
func (f *factory) builtinSandbox(setup func(*sandbox.Running) error) (services, error) {
	w := f.Words()
	opts := sandbox.Options{AutoVerifyEmail: 5 * time.Second, StatePath: f.sandboxStatePath()}
	var r *sandbox.Running
	var err error
	for port := builtinSandboxPort; r == nil && port < builtinSandboxPort+builtinSandboxPorts; port++ {
		r, err = sandbox.Start(net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), opts)
	}
	if r == nil {
		r, err = sandbox.Start("127.0.0.1:0", opts)
	}
	if err != nil {
		return services{}, failT(w, codeError, "cli.sandbox.builtin_failed", err)
	}
	if n := r.Server.Notice(); n != "" {
		printf(f.IO.ErrOut, "%s\n", w.T("cli.sandbox.state", termsafe.Text(n)))
	}
	if setup != nil {
		if err := setup(r); err != nil {
			_ = r.Close()
			return services{}, failT(w, codeError, "cli.sandbox.builtin_failed", err)
		}
	}
	if _, port, _ := net.SplitHostPort(r.ListenAddr()); port != strconv.Itoa(builtinSandboxPort) {
		printf(f.IO.ErrOut, "%s\n", w.T("cli.sandbox.builtin_port", r.URL, strconv.Itoa(builtinSandboxPort), sandbox.Hints{BaseURL: r.URL}.OutboxURL()))
	}
	if file := f.Getenv("WIZARD_TEST_SANDBOX_URL_FILE"); file != "" {
		_ = os.WriteFile(file, []byte(r.URL), 0o600) // for the tests only: where the built-in sandbox listens this run
	}
	cfg := client.SandboxConfig(r.URL)
	cfg.OperatorToken = r.Server.OperatorToken() // the built-in sandbox's own
	return services{config: cfg, sandboxURL: r.URL, rebase: r.Server.Rebase, stop: func() { _ = r.Close() }}, nil
}

// sandboxStatePath is where the built-in sandbox keeps its state: next to
// the data file (DATA.sandbox) or, with a team store, in the data directory
// of this computer. "" (in memory) when there is no such place.
func (f *factory) sandboxStatePath() string {
	if f.flags.storeURL != "" {
		p, err := store.DefaultPath()
		if err != nil {
			return ""
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return ""
		}
		return filepath.Join(filepath.Dir(p), "team-store.sandbox")
	}
	p, err := f.DataFile()
	if err != nil {
		return ""
	}
	return p + ".sandbox"
}

// Env is what the steps are given to work with the services svc.
func (f *factory) Env(svc services) *steps.Env {
	open, why := browserOpener(f.Getenv)
	return &steps.Env{
		Clients:    client.New(svc.config),
		Clock:      steps.SystemClock{},
		Words:      f.Words(),
		Training:   svc.training(),
		OpenURL:    open,
		BrowserWhy: why,
		Region:     regionFromEnv(f.Getenv),
	}
}

// who is the name recorded in the event history.
func who() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if s := os.Getenv("USER"); s != "" {
		return s
	}
	return "unknown"
}

func printf(w io.Writer, format string, args ...any) { _, _ = fmt.Fprintf(w, format, args...) }

// training is the trainer's hints for the steps: the sandbox's outbox when the
// services are a sandbox, nil for real services. In a classroom demo
// (Env.Classroom) the shell and the steps also use its controls: the pace,
// "now" on the waits, and the step on screen for the outbox page.
func (s services) training() steps.Training {
	if s.sandboxURL == "" {
		return nil
	}
	return sandbox.Hints{BaseURL: s.sandboxURL, Token: os.Getenv("WIZARD_SANDBOX_TOKEN")}
}

var _ steps.Training = sandbox.Hints{} // the sandbox's hints are what the steps ask of a training service
