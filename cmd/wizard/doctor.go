package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"wizard/assets"
	wbrowser "wizard/browser"
	"wizard/client/sandbox"
	"wizard/store"
	"wizard/termsafe"
)

// probeTimeout bounds each reachability check of doctor.
const probeTimeout = 3 * time.Second

// doctorOptions are the options of `wizard doctor`.
type doctorOptions struct {
	IO           ioStreams
	Words        *assets.Words
	DataFile     func() (string, error)
	TeamStore    func() (dataStore, error)                    // set with --store: the team store is checked instead of the file
	LockTimeout  time.Duration                                // --lock-timeout
	URLs         serviceURLs                                  // the services named, if any
	Getenv       func(string) string                          // the token, the browser settings
	StartSandbox func() (base string, stop func(), err error) // the built-in sandbox, for a probe
	HTTPClient   *http.Client                                 // the probes' client
	Version      string
	Now          func() time.Time // for the rules on saved times
}

func newDoctorCmd(f *factory, runF func(*doctorOptions) error) *cobra.Command {
	opts := &doctorOptions{IO: f.IO, DataFile: f.DataFile, Getenv: f.Getenv, StartSandbox: startSandbox,
		HTTPClient: http.DefaultClient, Version: f.Version, Now: f.Now}
	return &cobra.Command{
		Use:  "doctor",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Words, opts.LockTimeout, opts.URLs = f.Words(), f.flags.lockTimeout, f.flags.urls
			if f.flags.storeURL != "" {
				opts.TeamStore = f.openTeamStore
			}
			if runF != nil {
				return runF(opts)
			}
			return runDoctor(cmd.Context(), opts)
		},
	}
}

// startSandbox starts a built-in sandbox as `wizard` would, for doctor to probe.
func startSandbox() (string, func(), error) {
	sb, err := sandbox.Start("127.0.0.1:0", sandbox.Options{})
	if err != nil {
		return "", nil, err
	}
	return sb.URL, func() { _ = sb.Close() }, nil
}

// report prints the checks as they run and counts the failed ones.
type report struct {
	w        io.Writer
	problems int
}

func (r *report) section(title string) { printf(r.w, "\n%s\n", title) }
func (r *report) ok(text string)       { printf(r.w, "  ✓ %s\n", text) }
func (r *report) info(text string)     { printf(r.w, "  · %s\n", text) }
func (r *report) fail(text string) {
	r.problems++
	printf(r.w, "  ✗ %s\n", text)
}

// runDoctor is `wizard doctor`.
func runDoctor(ctx context.Context, opts *doctorOptions) error {
	w := opts.Words
	r := &report{w: termsafe.NewWriter(opts.IO.Out)} // paths, holders and answers of services
	printf(r.w, "%s\n", versionLine(opts.Version))
	r.section(w.T("cli.doctor.data"))
	if opts.TeamStore != nil {
		doctorTeam(opts, r)
	} else {
		doctorData(opts, r)
	}
	r.section(w.T("cli.doctor.services"))
	doctorServices(ctx, opts, r)
	r.section(w.T("cli.doctor.browser"))
	doctorBrowser(opts, r)
	printf(r.w, "\n")
	if r.problems > 0 {
		printf(r.w, "%s\n", w.T("cli.doctor.problems", r.problems))
		return exitError{code: 1} // the report says it all
	}
	printf(r.w, "%s\n", w.T("cli.doctor.all_ok"))
	return nil
}

// doctorData checks the data file without changing it: opened read-only.
func doctorData(opts *doctorOptions, r *report) {
	w := opts.Words
	path, err := opts.DataFile()
	if err != nil {
		r.fail(err.Error())
		return
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		r.info(w.T("cli.doctor.data_missing", path))
		return
	case err != nil:
		r.fail(w.T("cli.doctor.data_stat", path, err))
		return
	}
	mode, size := fmt.Sprintf("%04o", fi.Mode().Perm()), byteSize(w, fi.Size())
	if fi.Mode().Perm()&0o077 != 0 {
		r.fail(w.T("cli.doctor.mode_open", path, mode, size))
	} else {
		r.ok(w.T("cli.doctor.mode_ok", path, mode, size))
	}

	st, err := store.Open(path, store.Options{ReadOnly: true, Timeout: opts.LockTimeout})
	if err != nil {
		var locked *store.LockedError
		var schema *store.SchemaError
		var corrupt *store.CorruptError
		switch {
		case errors.As(err, &corrupt):
			r.fail(w.T("cli.doctor.corrupt", corrupt.Path, corrupt.Err))
		case errors.As(err, &locked):
			holder := w.T("cli.doctor.holder_unknown")
			if pids := lockHolders(path); len(pids) > 0 {
				holder = describeProcess(w, pids[0])
			}
			r.fail(w.T("cli.doctor.locked", holder))
		case errors.As(err, &schema) && schema.Have < schema.Want:
			r.info(w.T("cli.doctor.schema_old", strconv.Itoa(schema.Have), strconv.Itoa(schema.Want)))
		default:
			r.fail(err.Error())
		}
		return
	}
	defer st.Close()
	r.ok(w.T("cli.doctor.not_locked"))
	if v, err := st.SchemaVersion(context.Background()); err != nil {
		r.fail(err.Error())
	} else {
		r.ok(w.T("cli.doctor.schema", strconv.Itoa(v), strconv.Itoa(store.SchemaVersion)))
	}
	rep, ok := doctorCheck(opts, r, st)
	if !ok {
		return
	}
	switch {
	case rep.Meta.MayHaveLost():
		r.fail(oneLine(rep.Meta.String()))
	case rep.Meta != nil:
		r.info(w.T("cli.doctor.meta_older", oneLine(rep.Meta.String())))
	}
	if len(rep.Problems) > 0 {
		// the counts below would be of a damaged file
	} else if stats, err := st.Stats(context.Background()); err != nil {
		r.fail(w.T("cli.doctor.check_failed", err))
	} else {
		r.ok(w.T("cli.doctor.check_ok", stats.Sessions, statusCounts(w, stats), stats.Events))
	}
	if lf, err := os.Stat(logFile(path)); err == nil {
		r.info(w.T("cli.doctor.log", logFile(path), byteSize(w, lf.Size())))
	} else {
		r.info(w.T("cli.doctor.log_none", logFile(path)))
	}
}

// doctorCheck runs the store's own check and reports every problem it finds;
// ok is false when the store could not be checked at all.
func doctorCheck(opts *doctorOptions, r *report, st store.Engine) (store.Report, bool) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	rep, err := st.Check(context.Background(), now())
	if err != nil {
		r.fail(opts.Words.T("cli.doctor.check_failed", oneLine(err.Error())))
		return rep, false
	}
	for _, p := range rep.Problems {
		r.fail(opts.Words.T("cli.doctor.check_failed", oneLine(p.Error())))
	}
	for _, p := range rep.Invalid {
		r.fail(opts.Words.T("cli.doctor.invalid_session", oneLine(p.Error())))
	}
	return rep, true
}

// doctorTeam checks the team store: that it answers, its layout, every signup
// in it against the rules of a saved signup, and who holds what. It changes
// nothing (connecting creates the tables only if there are none yet).
func doctorTeam(opts *doctorOptions, r *report) {
	w := opts.Words
	st, err := opts.TeamStore()
	if err != nil {
		r.fail(oneLine(err.Error()))
		return
	}
	defer st.Close()
	r.ok(w.T("cli.doctor.team_ok", st.Where()))
	ctx := context.Background()
	rep, ok := doctorCheck(opts, r, st)
	if !ok {
		return
	}
	if stats, ok := st.(interface {
		Stats(context.Context) (store.Stats, error)
	}); ok && len(rep.Problems) == 0 {
		if s, err := stats.Stats(ctx); err != nil {
			r.fail(w.T("cli.doctor.check_failed", err))
		} else {
			r.ok(w.T("cli.doctor.check_ok", s.Sessions, statusCounts(w, s), s.Events))
		}
	}
	if holds, err := st.Holds(ctx); err == nil {
		for _, h := range holds {
			r.info(w.T("cli.doctor.held", h.ID, heldBy(w, h)))
		}
	}
}

// byteSize is e.g. "512 B", "48 KiB", "3.2 MiB", in the language's units and digits.
func byteSize(w *assets.Words, n int64) string {
	switch {
	case n < 1<<10:
		return w.T("cli.doctor.bytes", n)
	case n < 1<<20:
		return w.T("cli.doctor.kib", n>>10)
	}
	return w.T("cli.doctor.mib", float64(n)/(1<<20))
}

// statusCountKeys are the words of each status's count in doctor's report.
var statusCountKeys = []struct {
	status store.Status
	key    string
}{
	{store.StatusActive, "cli.doctor.count.active"}, {store.StatusWaiting, "cli.doctor.count.waiting"},
	{store.StatusDone, "cli.doctor.count.done"}, {store.StatusAbandoned, "cli.doctor.count.abandoned"},
}

// statusCounts is e.g. "3 active, 1 waiting, 7 done", in words.
func statusCounts(w *assets.Words, s store.Stats) string {
	var parts []string
	for _, c := range statusCountKeys {
		if n := s.ByStatus[c.status]; n > 0 {
			parts = append(parts, w.T(c.key, n))
		}
	}
	if len(parts) == 0 {
		return "–"
	}
	return strings.Join(parts, ", ")
}

// doctorServices checks that the services the wizard would use answer.
func doctorServices(ctx context.Context, opts *doctorOptions, r *report) {
	w, u := opts.Words, opts.URLs
	switch {
	case u.partner != "" || u.ocm != "":
		for _, svc := range []struct{ name, url string }{{w.T("cli.doctor.service.partner"), u.partner}, {w.T("cli.doctor.service.ocm"), u.ocm}} {
			if svc.url == "" {
				r.fail(w.T("cli.doctor.service_missing", svc.name))
				continue
			}
			probe(ctx, r, opts, svc.name, svc.url, false)
		}
		if opts.Getenv("WIZARD_PARTNER_TOKEN") == "" {
			r.fail(w.T("cli.doctor.token_missing"))
		} else {
			r.ok(w.T("cli.doctor.token_set"))
		}
	case u.sandbox != "":
		probe(ctx, r, opts, w.T("cli.doctor.service.sandbox"), strings.TrimRight(u.sandbox, "/")+"/sandbox/outbox.json", true)
	default:
		r.info(w.T("cli.doctor.builtin"))
		base, stop, err := opts.StartSandbox()
		if err != nil {
			r.fail(w.T("cli.doctor.builtin_failed", err))
			return
		}
		defer stop()
		probe(ctx, r, opts, w.T("cli.doctor.service.sandbox"), base+"/sandbox/outbox.json", true)
	}
}

// probe GETs u: any HTTP answer means the service is reachable (with strict,
// only 200).
func probe(ctx context.Context, r *report, opts *doctorOptions, name, u string, strict bool) {
	w := opts.Words
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		r.fail(w.T("cli.doctor.unreachable", name, u, err))
		return
	}
	resp, err := opts.HTTPClient.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err // it repeats the method and the URL
		}
		r.fail(w.T("cli.doctor.unreachable", name, u, err))
		return
	}
	resp.Body.Close()
	took := time.Since(start).Milliseconds()
	if strict && resp.StatusCode != http.StatusOK {
		r.fail(w.T("cli.doctor.bad_answer", name, u, resp.Status))
		return
	}
	r.ok(w.T("cli.doctor.reachable", name, u, resp.Status, w.T("cli.doctor.millis", took)))
}

// doctorBrowser says whether the wizard would try to open a browser here. Not
// being able to is no problem: the screens then show the link to open.
func doctorBrowser(opts *doctorOptions, r *report) {
	w := opts.Words
	o := wbrowser.FromEnv(opts.Getenv)
	ok, why := o.Available()
	if !ok {
		key := "cli.doctor.browser_no." + why
		if !w.Has(key) {
			key = "cli.doctor.browser_no.other"
		}
		r.info(w.T(key, why))
		return
	}
	if args, source := o.Command(); len(args) > 0 {
		r.info(w.T("cli.doctor.browser_command", source, strings.Join(args, " ")))
		return
	}
	r.info(w.T("cli.doctor.browser_system"))
}
