package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"wizard/assets"
	"wizard/client/sandbox"
	"wizard/termsafe"
)

// sandboxOptions are the options of `wizard sandbox`.
type sandboxOptions struct {
	IO    ioStreams
	Words *assets.Words

	Addr    string          // --addr
	Sandbox sandbox.Options // --auto-verify-email, --activation-delay, --latency, --state
	Faults  []string        // --fault, as written
}

func newSandboxCmd(f *factory, runF func(*sandboxOptions) error) *cobra.Command {
	opts := &sandboxOptions{IO: f.IO, Addr: "127.0.0.1:8790"}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the sandbox alone (the provider, its stand-in for Meta, the OCM, signup page, outbox)",
		Long: `Serves the built-in sandbox until interrupted: for a trainer's second screen (the
outbox page shows the e-mails and SMS codes it "sent"), or for a wizard on another
terminal (wizard --sandbox-url URL).

To show what the wizard does when a service misbehaves, make requests fail on purpose
with --fault (repeatable), or while it runs with POST/GET/DELETE <url>/sandbox/faults:

  --fault prefix=/graph/,kind=status,status=503,count=2       Meta answers the provider 503 twice
  --fault prefix=/ocm/,kind=status,status=429,retry_after=30s rate limited, wait 30s
  --fault prefix=/partner/,method=GET,kind=timeout,delay=20s  answers come too late
  --fault prefix=/graph/,kind=malformed,count=1               Meta's answer to the provider is not JSON
  --fault prefix=/partner/,kind=reset,count=1                 the connection is cut
  --fault prefix=/partner/,method=PATCH,status=503,lasts=30s  an outage of 30s from the first
  --fault prefix=/partner/v1/accounts/*/signups,method=POST,status=429,count=1
                                                              the next signup start is rate limited

Keys: prefix (a segment * matches any one), method, kind, status, code (a Graph error
code), count, retry_after, delay, lasts. count=0 (the default) fails every matching
request until the faults are cleared; lasts=D makes a fault an outage that ends D after
the first request it spoils.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Words = f.Words()
			if runF != nil {
				return runF(opts)
			}
			return runSandbox(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", opts.Addr, "address to listen on (keep it on 127.0.0.1; anything else needs --allow-remote)")
	fl.BoolVar(&opts.Sandbox.AllowRemote, "allow-remote", false, "allow an --addr off loopback (e.g. 0.0.0.0:8790 for a classroom); the outbox and the faults controls then need a token, printed at start (or $WIZARD_SANDBOX_TOKEN)")
	fl.DurationVar(&opts.Sandbox.AutoVerifyEmail, "auto-verify-email", 0, "verify new e-mail addresses by themselves after this long (0: only the link does)")
	fl.DurationVar(&opts.Sandbox.ActivationDelay, "activation-delay", 5*time.Second, "how long an activation stays pending")
	fl.DurationVar(&opts.Sandbox.Latency, "latency", 0, "added before every answer, to show the waiting screens")
	fl.StringVar(&opts.Sandbox.StatePath, "state", "", "keep the sandbox's state in this file, so that a restart forgets nothing (default: in memory only)")
	fl.StringArrayVar(&opts.Faults, "fault", nil, "make matching requests fail: prefix=/graph/,kind=status|timeout|malformed|reset,status=503,code=133016,count=2,retry_after=1s,delay=20s,lasts=30s,method=GET (repeatable)")
	return cmd
}

// runSandbox is `wizard sandbox`: it serves until ctx ends or a signal comes.
func runSandbox(ctx context.Context, opts *sandboxOptions) error {
	w, out := opts.Words, opts.IO.Out
	var parsed []sandbox.Fault
	for _, spec := range opts.Faults {
		f, err := sandbox.ParseFault(spec)
		if err != nil {
			return failT(w, 2, "cli.sandbox.bad_fault", err)
		}
		parsed = append(parsed, f)
	}
	if opts.Sandbox.Token == "" {
		opts.Sandbox.Token = os.Getenv("WIZARD_SANDBOX_TOKEN") // given, not generated; kept off the process list
	}
	r, err := sandbox.Start(opts.Addr, opts.Sandbox)
	if errors.Is(err, sandbox.ErrNotLoopback) {
		return failT(w, 2, "cli.sandbox.not_loopback", opts.Addr)
	}
	if err != nil {
		return fail(1, "cannot serve the sandbox on %s: %v", opts.Addr, err)
	}
	defer r.Close()
	if n := r.Server.Notice(); n != "" {
		printf(opts.IO.ErrOut, "%s\n", w.T("cli.sandbox.state", termsafe.Text(n)))
	}
	for _, f := range parsed {
		if err := r.Server.AddFault(f); err != nil {
			return failT(w, 2, "cli.sandbox.bad_fault", err)
		}
	}
	switch {
	case r.EveryInterface():
		printf(out, "%s\n", w.T("cli.sandbox.exposed_all", r.ListenAddr()))
	case r.Exposed():
		printf(out, "%s\n", w.T("cli.sandbox.exposed", r.ListenAddr()))
	}
	if tok := r.Token(); tok != "" {
		printf(out, "%s\n", w.T("cli.sandbox.token", tok, r.URL))
	}
	printf(out, "%s\n", w.T("sandbox.serving", r.URL, r.URL+"/sandbox/", r.URL))
	printf(out, "%s\n", w.T("cli.sandbox.fault_controls", r.URL+"/sandbox/faults"))
	for _, f := range r.Server.Faults() {
		printf(out, "%s\n", w.T("cli.sandbox.fault", f.String()))
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	printf(out, "%s\n", w.T("sandbox.stopped"))
	return nil
}
