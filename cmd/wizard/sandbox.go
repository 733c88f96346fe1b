package main

import (
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"wizard/client/sandbox"
)

func newSandboxCmd(g *globals) *cobra.Command {
	addr := "127.0.0.1:8790"
	var opts sandbox.Options
	var faults []string
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the sandbox alone (partner, Graph and OCM services, signup page, outbox)",
		Long: `Serves the built-in sandbox until interrupted: for a trainer's second screen (the
outbox page shows the e-mails and SMS codes it "sent"), or for a wizard on another
terminal (wizard --sandbox-url URL).

To show what the wizard does when a service misbehaves, make requests fail on purpose
with --fault (repeatable), or while it runs with POST/GET/DELETE <url>/sandbox/faults:

  --fault prefix=/graph/,kind=status,status=503,count=2       two Graph calls answer 503
  --fault prefix=/ocm/,kind=status,status=429,retry_after=30s rate limited, wait 30s
  --fault prefix=/partner/,method=GET,kind=timeout,delay=20s  answers come too late
  --fault prefix=/graph/,kind=malformed,count=1               an answer that is not JSON
  --fault prefix=/partner/,kind=reset,count=1                 the connection is cut

count=0 (the default) fails every matching request until the faults are cleared.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := g.words()
			var parsed []sandbox.Fault
			for _, spec := range faults {
				f, err := sandbox.ParseFault(spec)
				if err != nil {
					return g.fail(2, "cli.sandbox.bad_fault", err)
				}
				parsed = append(parsed, f)
			}
			r, err := sandbox.Start(addr, opts)
			if err != nil {
				return fail(1, "cannot serve the sandbox on %s: %v", addr, err)
			}
			defer r.Close()
			for _, f := range parsed {
				if err := r.Server.AddFault(f); err != nil {
					return g.fail(2, "cli.sandbox.bad_fault", err)
				}
			}
			printf(g.stdout, "%s\n", w.T("sandbox.serving", r.URL, r.URL+"/sandbox/", r.URL))
			printf(g.stdout, "%s\n", w.T("cli.sandbox.fault_controls", r.URL+"/sandbox/faults"))
			for _, f := range r.Server.Faults() {
				printf(g.stdout, "%s\n", w.T("cli.sandbox.fault", f.String()))
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			<-ctx.Done()
			printf(g.stdout, "%s\n", w.T("sandbox.stopped"))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", addr, "address to listen on (keep it on 127.0.0.1)")
	f.DurationVar(&opts.AutoVerifyEmail, "auto-verify-email", 0, "verify new e-mail addresses by themselves after this long (0: only the link does)")
	f.DurationVar(&opts.ActivationDelay, "activation-delay", 5*time.Second, "how long an activation stays pending")
	f.DurationVar(&opts.Latency, "latency", 0, "added before every answer, to show the waiting screens")
	f.StringArrayVar(&faults, "fault", nil, "make matching requests fail: prefix=/graph/,kind=status|timeout|malformed|reset,status=503,count=2,retry_after=1s,delay=20s,method=GET (repeatable)")
	return cmd
}
