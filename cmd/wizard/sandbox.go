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
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the sandbox alone (partner, Graph and OCM services, signup page, outbox)",
		Long: `Serves the built-in sandbox until interrupted: for a trainer's second screen (the
outbox page shows the e-mails and SMS codes it "sent"), or for a wizard on another
terminal (wizard --sandbox-url URL).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := sandbox.Start(addr, opts)
			if err != nil {
				return fail(1, "cannot serve the sandbox on %s: %v", addr, err)
			}
			defer r.Close()
			w := g.words()
			printf(g.stdout, "%s\n", w.T("sandbox.serving", r.URL, r.URL+"/sandbox/", r.URL))
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
	return cmd
}
