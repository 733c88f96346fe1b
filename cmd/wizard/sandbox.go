package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"strconv"
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
		Use:  "sandbox",
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
	fl.StringVar(&opts.Addr, "addr", opts.Addr, "")
	fl.BoolVar(&opts.Sandbox.AllowRemote, "allow-remote", false, "")
	fl.DurationVar(&opts.Sandbox.AutoVerifyEmail, "auto-verify-email", 0, "")
	fl.DurationVar(&opts.Sandbox.ActivationDelay, "activation-delay", 5*time.Second, "")
	fl.DurationVar(&opts.Sandbox.Latency, "latency", 0, "")
	fl.StringVar(&opts.Sandbox.StatePath, "state", "", "")
	fl.StringArrayVar(&opts.Faults, "fault", nil, "")
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
		return failT(w, codeError, "cli.sandbox.serve_failed", opts.Addr, err)
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
		printf(out, "%s\n", w.T("cli.sandbox.fault", faultText(w, f)))
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	printf(out, "%s\n", w.T("sandbox.stopped"))
	return nil
}

// faultText says what a fault does, in words: "status 503 on /graph/* (next 2
// requests)". The path and the method are as the flag takes them, the
// durations in words.
func faultText(w *assets.Words, f sandbox.Fault) string {
	kind := string(f.Kind)
	switch f.Kind {
	case sandbox.FaultStatus:
		kind = w.T("cli.sandbox.fault_kind.status", strconv.Itoa(f.Status))
	case sandbox.FaultTimeout:
		kind = w.T("cli.sandbox.fault_kind.timeout", w.Duration(f.Delay))
	case sandbox.FaultMalformed:
		kind = w.T("cli.sandbox.fault_kind.malformed")
	case sandbox.FaultReset:
		kind = w.T("cli.sandbox.fault_kind.reset")
	}
	target := f.PathPrefix + "*"
	if f.Method != "" {
		target = f.Method + " " + target
	}
	n := w.T("cli.sandbox.fault_every")
	if f.Count > 0 {
		n = w.T("cli.sandbox.fault_next", f.Count)
	}
	if f.Lasts > 0 {
		n = w.T("cli.sandbox.fault_lasts", n, w.Duration(f.Lasts))
	}
	return w.T("cli.sandbox.fault_on", kind, target, n)
}
