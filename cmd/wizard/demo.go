package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"charm.land/huh/v2"
	"github.com/spf13/cobra"

	"wizard/client/sandbox"
	"wizard/steps"
	"wizard/store"
	"wizard/termsafe"
	"wizard/ui"
)

// `wizard demo`: a trainer's classroom mode. The same shell, the same steps,
// the same saves and holds as `wizard`, on the built-in sandbox set up for one
// story (a sandbox.Scenario), in a data file of its own (demo.db beside the
// default data file, with its own .sandbox state). Env.Classroom is set, and
// every signup it makes carries the scenario's name (store.Session.Demo).

// demoOptions are the options of `wizard demo`.
type demoOptions struct {
	sessionOptions
	Name string // the scenario; "" to pick one
	At   string // --at STEP
	List bool   // --list
}

func newDemoCmd(f *factory) *cobra.Command {
	opts := &demoOptions{}
	cmd := &cobra.Command{
		Use:  "demo [NAME]",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				opts.Name = args[0]
			}
			if opts.List {
				return printScenarios(f)
			}
			if err := f.demoSetup(); err != nil {
				return err
			}
			opts.sessionOptions = f.sessionOptions()
			opts.Words = f.Words()
			return runDemo(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.List, "list", false, "")
	cmd.Flags().StringVar(&opts.At, "at", "", "")
	cmd.AddCommand(newDemoResumeCmd(f), newDemoResetCmd(f))
	return cmd
}

// printScenarios is `wizard demo --list`: each scenario's name and what it shows.
func printScenarios(f *factory) error {
	w := f.Words()
	out := termsafe.NewWriter(f.IO.Out)
	width := 0
	for _, n := range sandbox.ScenarioNames() {
		width = max(width, len(n))
	}
	for _, n := range sandbox.ScenarioNames() {
		printf(out, "%-*s  %s\n", width, n, w.T("demo.title."+n))
	}
	return nil
}

// demoSetup refuses services other than the built-in sandbox and a team
// store, and makes the data file the demo's own unless --data names one.
func (f *factory) demoSetup() error {
	w := f.Words()
	if u := f.flags.urls; u.sandbox != "" || u.partner != "" || u.ocm != "" {
		return failT(w, 2, "demo.refuse_services")
	}
	if f.flags.storeURL != "" {
		return failT(w, 2, "demo.refuse_store")
	}
	if f.flags.dataPath == "" {
		p, err := demoDataPath()
		if err != nil {
			return failT(w, 1, "cli.data.no_default", err)
		}
		f.flags.dataPath = p
	}
	return nil
}

// demoDataPath is the demo's own data file: demo.db beside the default one
// (wizard.db), named like it.
func demoDataPath() (string, error) {
	p, err := store.DefaultPath()
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return filepath.Join(dir, "demo"+filepath.Ext(p)), nil
}

// pickScenario asks, in the terminal, which story to show.
func pickScenario(ctx context.Context, f *factory, opts *demoOptions) (string, error) {
	w := opts.Words
	var options []huh.Option[string]
	for _, n := range sandbox.ScenarioNames() {
		options = append(options, huh.NewOption(n+" — "+w.T("demo.title."+n), n))
	}
	name := sandbox.ScenarioNames()[0]
	q := huh.NewSelect[string]().Title(w.T("demo.pick_title")).Description(w.T("demo.pick_body")).
		Options(options...).Value(&name).Height(len(options) + 2)
	form := huh.NewForm(huh.NewGroup(q)).WithTheme(ui.Theme).WithProgramOptions(slices.Clip(opts.Program)...)
	if err := form.RunWithContext(ctx); err != nil {
		if errors.Is(err, huh.ErrUserAborted) {
			return "", fail(130, "cancelled")
		}
		return "", failT(w, 1, "demo.pick_failed", err)
	}
	return name, nil
}

// findScenario is the scenario of that name, or what to type instead.
func findScenario(opts *sessionOptions, name string) (sandbox.Scenario, error) {
	sc, ok := sandbox.FindScenario(name)
	if !ok {
		return sc, failT(opts.Words, 2, "demo.unknown", termsafe.Line(name), strings.Join(sandbox.ScenarioNames(), ", "))
	}
	return sc, nil
}

// demoServices starts the built-in sandbox set up for sc and hands it to the
// session's options, so that the session runs on it (and the sandbox is the
// one --at filled in): armed afresh for a new demo signup, or, resumed, going
// on with what its state file kept of the story. stop ends it.
func demoServices(f *factory, opts *sessionOptions, sc sandbox.Scenario, resumed bool) (*sandbox.Running, func(), error) {
	var running *sandbox.Running
	svc, err := f.builtinSandbox(func(r *sandbox.Running) error {
		running = r
		if resumed {
			return r.Server.Resume(sc)
		}
		return r.Server.Arm(sc)
	})
	if err != nil {
		return nil, nil, err
	}
	started := svc
	started.stop = func() {} // stopped by the demo, after the session
	opts.Services = func() (services, error) { return started, nil }
	env := opts.Env
	opts.Env = func(s services) *steps.Env {
		e := env(s)
		e.Classroom = true
		return e
	}
	return running, svc.stop, nil
}

// runDemo is `wizard demo [NAME] [--at STEP]`.
func runDemo(ctx context.Context, f *factory, opts *demoOptions) error {
	w := opts.Words
	// What was typed is checked first, so that a mistake is told at once.
	var sc sandbox.Scenario
	var err error
	if opts.Name != "" {
		if sc, err = findScenario(&opts.sessionOptions, opts.Name); err != nil {
			return err
		}
	}
	if opts.At != "" && (opts.Name != "" || !slices.Contains(seedableSteps, steps.ID(strings.TrimSpace(opts.At)))) {
		if _, err := demoStep(&opts.sessionOptions, sc, opts.At); err != nil {
			return err
		}
	}
	if err := needTerminal(&opts.sessionOptions, "wizard demo"); err != nil {
		return err
	}
	if opts.Name == "" {
		name, err := pickScenario(ctx, f, opts)
		if err != nil {
			return err
		}
		if sc, err = findScenario(&opts.sessionOptions, name); err != nil {
			return err
		}
	}
	at := steps.Terms
	if opts.At != "" {
		if at, err = demoStep(&opts.sessionOptions, sc, opts.At); err != nil {
			return err
		}
	}
	st, err := opts.OpenStore()
	if err != nil {
		return err
	}
	defer st.Close()
	sb, stop, err := demoServices(f, &opts.sessionOptions, sc, false)
	if err != nil {
		return err
	}
	defer stop()
	sess := store.Session{ID: store.NewID(), Demo: sc.Name, Language: w.Language().String()}
	hold, err := holdSignup(ctx, &opts.sessionOptions, st, sess.ID)
	if err != nil {
		return err
	}
	resumed := false
	if at != steps.Terms {
		printf(opts.IO.ErrOut, "%s\n", w.T("demo.seeding", w.T("step."+string(at))))
		svc, _ := opts.Services()
		if err := seedDemo(ctx, seedOptions{Env: opts.Env(svc), Sandbox: sb, Scenario: sc, Now: opts.Now, Who: opts.Who()},
			&sess, at); err != nil {
			releaseHold(st, hold)
			return failT(w, 1, "demo.seed_failed", w.T("step."+string(at)), err)
		}
		ev := steps.Said("history.demo_made", sc.Name, string(at)).
			Event(store.Event{At: opts.Now(), By: opts.Who(), Step: string(at), Kind: "created"})
		if err := st.Save(ctx, &sess, ev, hold); err != nil {
			releaseHold(st, hold)
			return failT(w, 1, "cli.save_failed", sess.ID, st.Where(), err)
		}
		resumed = true
	}
	printf(opts.IO.Out, "%s\n", w.T("demo.about", sc.Name, w.T("demo.line."+sc.Name)))
	return runHeldSession(ctx, &opts.sessionOptions, st, sess, resumed, hold)
}

// demoStep is the step --at names, if the story can start there.
func demoStep(opts *sessionOptions, sc sandbox.Scenario, name string) (steps.ID, error) {
	w := opts.Words
	id := steps.ID(strings.TrimSpace(name))
	var known []string
	for _, s := range seedableSteps {
		known = append(known, string(s))
	}
	if !slices.Contains(seedableSteps, id) {
		return "", failT(w, 2, "demo.unknown_step", termsafe.Line(name), strings.Join(known, ", "))
	}
	if sc.Until != "" && steps.Position(id) > steps.Position(steps.ID(sc.Until)) {
		return "", failT(w, 2, "demo.past_story", sc.Name, sc.Until, string(id))
	}
	if !storyWalks(sc, id) {
		return "", failT(w, 2, "demo.not_on_path", string(id), sc.Name)
	}
	return id, nil
}

// storyWalks says whether the scenario's signups pass through step id (a
// migration skips the display name and the phone).
func storyWalks(sc sandbox.Scenario, id steps.ID) bool {
	return !(sc.OnBusinessAPI && (id == steps.DisplayName || id == steps.Phone))
}

// demoResumeOptions are the options of `wizard demo resume`.
type demoResumeOptions struct {
	sessionOptions
	ID string
}

func newDemoResumeCmd(f *factory) *cobra.Command {
	opts := &demoResumeOptions{}
	return &cobra.Command{
		Use:  "resume [ID]",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				opts.ID = args[0]
			}
			if err := f.demoSetup(); err != nil {
				return err
			}
			opts.sessionOptions = f.sessionOptions()
			opts.Words = f.Words()
			return runDemoResume(cmd.Context(), f, opts)
		},
	}
}

// runDemoResume is `wizard demo resume [ID]`: `wizard resume` on a demo
// signup, its story going on in the sandbox (armed again only when the
// sandbox's state holds another story, and then without freeing its number).
func runDemoResume(ctx context.Context, f *factory, opts *demoResumeOptions) error {
	st, err := opts.OpenStore()
	if err != nil {
		return err
	}
	defer st.Close()
	ro := &resumeOptions{sessionOptions: opts.sessionOptions, ID: opts.ID}
	chosen, err := resumeChoice(ro, st, opts.ID)
	if err != nil {
		return err
	}
	if chosen.Demo == "" {
		return failT(opts.Words, 1, "demo.real_signup", chosen.ID)
	}
	sc, err := findScenario(&opts.sessionOptions, chosen.Demo)
	if err != nil {
		return err
	}
	if chosen.Status == store.StatusDone {
		return failT(opts.Words, 1, "cli.resume.done", chosen.ID)
	}
	if err := needTerminal(&opts.sessionOptions, "wizard demo resume "+chosen.ID); err != nil {
		return err
	}
	_, stop, err := demoServices(f, &ro.sessionOptions, sc, true)
	if err != nil {
		return err
	}
	defer stop()
	sess, hold, err := takeResumed(ctx, ro, st, chosen)
	if err != nil {
		return err
	}
	printf(opts.IO.Out, "%s\n", opts.Words.T("demo.about", sc.Name, opts.Words.T("demo.line."+sc.Name)))
	return runHeldSession(ctx, &ro.sessionOptions, st, sess, true, hold)
}
