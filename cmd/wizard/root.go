package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/text/language"

	"wizard/assets"
	"wizard/client"
	"wizard/client/sandbox"
	"wizard/steps"
	"wizard/store"
)

// globals are the settings and streams every command shares.
type globals struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	dataPath    string
	sandboxURL  string
	partnerURL  string
	graphURL    string
	ocmURL      string
	lang        string
	lockTimeout time.Duration
	repair      bool

	now func() time.Time // the clock of the support commands; time.Now if nil
}

func newRootCmd(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "wizard",
		Short: "Put a company phone number on the WhatsApp Business Platform, step by step",
		Long: `wizard walks you through putting a company phone number on the WhatsApp Business
Platform through a Business Solution Provider: provider account, questions about the
number, Meta's Embedded Signup, display name, phone verification, activation and the
alpha name in the campaign database. Every step is saved: close the terminal at any
time and run wizard again to carry on.

With no service settings, wizard starts its built-in sandbox on 127.0.0.1 and talks to
it over HTTP: a safe place to try the whole flow or to train others.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
	}
	root.SetIn(g.stdin)
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	f := root.PersistentFlags()
	f.StringVar(&g.dataPath, "data", "", "the data file (default $XDG_DATA_HOME/wizard/wizard.db)")
	f.StringVar(&g.sandboxURL, "sandbox-url", os.Getenv("WIZARD_SANDBOX_URL"), "use a sandbox already running at this URL (see 'wizard sandbox')")
	f.StringVar(&g.partnerURL, "partner-url", os.Getenv("WIZARD_PARTNER_URL"), "the provider's (partner) API base URL")
	f.StringVar(&g.graphURL, "graph-url", os.Getenv("WIZARD_GRAPH_URL"), "Meta's Graph API base URL, e.g. https://graph.facebook.com")
	f.StringVar(&g.ocmURL, "ocm-url", os.Getenv("WIZARD_OCM_URL"), "the campaign database (OCM) API base URL")
	f.StringVar(&g.lang, "lang", "", "language of the screens (default from LANG)")
	f.DurationVar(&g.lockTimeout, "lock-timeout", time.Second, "how long to wait for another wizard to release the data file")
	f.BoolVar(&g.repair, "repair", false, "if the data file is damaged, move it aside (FILE.corrupt-TIME) and start a fresh one")

	newNew := false
	root.Flags().BoolVar(&newNew, "new", false, "start a new signup without offering to resume the latest one")
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		return runStart(cmd.Context(), g, newNew)
	}
	root.AddCommand(newResumeCmd(g), newListCmd(g), newShowCmd(g), newExportCmd(g), newImportCmd(g),
		newAbandonCmd(g), newDoctorCmd(g), newSandboxCmd(g), newVersionCmd(g))
	return root
}

// dataFile is the data file's path: --data, else the default under XDG_DATA_HOME.
func (g *globals) dataFile() (string, error) {
	if g.dataPath != "" {
		return g.dataPath, nil
	}
	p, err := store.DefaultPath()
	if err != nil {
		return "", g.fail(1, "cli.data.no_default", err)
	}
	return p, nil
}

// logFile is the support log kept next to the data file.
func logFile(dataPath string) string { return dataPath + ".log" }

// openStore opens the data file, turning the store's errors into what to do.
// With --repair, a damaged file is moved aside and a fresh one started. Every
// event saved through the store is also appended to the support log.
func (g *globals) openStore() (*store.Store, error) {
	path, err := g.dataFile()
	if err != nil {
		return nil, err
	}
	opt := store.Options{Timeout: g.lockTimeout}
	st, err := store.Open(path, opt)
	if _, corrupt := errors.AsType[*store.CorruptError](err); corrupt && g.repair {
		moved, merr := store.MoveAside(path, g.clock())
		if merr != nil {
			return nil, g.fail(1, "cli.repair.failed", path, merr)
		}
		printf(g.stderr, "%s\n", g.words().T("cli.repair.moved", path, moved))
		st, err = store.Open(path, opt)
	}
	if err != nil {
		return nil, g.openError(path, err)
	}
	if err := st.OpenLog(logFile(path)); err != nil {
		printf(g.stderr, "%s\n", g.words().T("cli.log.unavailable", logFile(path), err))
	}
	return st, nil
}

// openError says what went wrong opening the data file at path and what to do.
func (g *globals) openError(path string, err error) error {
	var locked *store.LockedError
	var corrupt *store.CorruptError
	var schema *store.SchemaError
	switch {
	case errors.As(err, &locked):
		if pids := lockHolders(path); len(pids) > 0 {
			return g.fail(1, "cli.open.locked_by", path, describeProcess(pids[0]))
		}
		return g.fail(1, "cli.open.locked", path)
	case errors.As(err, &corrupt), errors.As(err, &schema):
		return fail(1, "%v", err)
	case errors.Is(err, fs.ErrPermission):
		return g.fail(1, "cli.open.permission", path)
	}
	return g.fail(1, "cli.open.other", path, err)
}

// clock is the current time of the support commands.
func (g *globals) clock() time.Time {
	if g.now != nil {
		return g.now()
	}
	return time.Now()
}

// fail ends the command with code and the catalog text of key.
func (g *globals) fail(code int, key string, args ...any) error {
	return fail(code, "%s", g.words().T(key, args...))
}

// words picks the catalog from --lang, then LANG/LC_ALL/LC_MESSAGES.
func (g *globals) words() *assets.Words {
	if g.lang != "" {
		return assets.NewWords(g.lang)
	}
	return assets.NewWords(localeFromEnv())
}

func localeFromEnv() string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := os.Getenv(v); s != "" && s != "C" && s != "POSIX" {
			return s
		}
	}
	return ""
}

// regionFromEnv is the country of the user's locale (en_KZ → KZ), the default country.
func regionFromEnv() string {
	loc := localeFromEnv()
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
	stop       func()
}

func (g *globals) services() (services, error) {
	explicit := g.partnerURL != "" || g.graphURL != "" || g.ocmURL != ""
	switch {
	case explicit:
		if g.partnerURL == "" || g.graphURL == "" || g.ocmURL == "" {
			return services{}, fail(2, "give all three service URLs (--partner-url, --graph-url, --ocm-url), or none to use the built-in sandbox")
		}
		token := os.Getenv("WIZARD_GRAPH_TOKEN")
		if token == "" {
			return services{}, fail(2, "set WIZARD_GRAPH_TOKEN to the Graph API access token (it is read from the environment, never stored)")
		}
		return services{config: client.Config{PartnerURL: g.partnerURL, GraphURL: g.graphURL, OCMURL: g.ocmURL,
			Token: token}, stop: func() {}}, nil
	case g.sandboxURL != "":
		u := strings.TrimRight(g.sandboxURL, "/")
		cfg := client.SandboxConfig(u)
		cfg.Token = "sandbox"
		return services{config: cfg, sandboxURL: u, stop: func() {}}, nil
	default:
		r, err := sandbox.Start("127.0.0.1:0", sandbox.Options{AutoVerifyEmail: 5 * time.Second})
		if err != nil {
			return services{}, fail(1, "cannot start the built-in sandbox: %v", err)
		}
		cfg := client.SandboxConfig(r.URL)
		cfg.Token = "sandbox"
		return services{config: cfg, sandboxURL: r.URL, stop: func() { _ = r.Close() }}, nil
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

func (g *globals) env(svc services) *steps.Env {
	open, why := browserOpener()
	return &steps.Env{
		Clients:    client.New(svc.config),
		Clock:      steps.SystemClock{},
		Words:      g.words(),
		Training:   svc.training(),
		OpenURL:    open,
		BrowserWhy: why,
		Region:     regionFromEnv(),
	}
}

func printf(w io.Writer, format string, args ...any) { _, _ = fmt.Fprintf(w, format, args...) }

// training is the trainer's hints for the steps: the sandbox's outbox when the
// services are a sandbox, nil for real services.
func (s services) training() steps.Training {
	if s.sandboxURL == "" {
		return nil
	}
	return sandbox.Hints{BaseURL: s.sandboxURL}
}
