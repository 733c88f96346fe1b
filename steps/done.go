package steps

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"wizard/assets"
	"wizard/store"
	"wizard/termsafe"
)

// finished is step 12: the session is marked done, and the screen sums up what
// it holds and what to do next. The flow ends here: Enter or q quits.
type finished struct {
	env      *Env
	sess     store.Session
	recorded bool
	saving   bool // "complete" is being saved: the summary shows once it is
}

// finishedSaved replies to the Record that marks the signup complete.
type finishedSaved struct{}

var doneKeyQuit = key.NewBinding(key.WithKeys("enter", "q"), key.WithHelp("enter/q", "keys.quit"))

func newFinished(env *Env, sess store.Session) Step {
	return &finished{env: env, sess: sess}
}

func (m *finished) ID() ID { return Finished }

// Help is the step's keys, in the user's language.
func (m *finished) Help() []key.Binding { return m.env.inWords(m.keyList()) }

func (m *finished) keyList() []key.Binding {
	if m.saving {
		return nil
	}
	return []key.Binding{doneKeyQuit}
}

func (m *finished) Init() tea.Cmd { return nil }

// Update marks the session done once it is on screen (Entered): a Record, not a
// Done, for nothing follows.
func (m *finished) Update(msg tea.Msg) (Step, tea.Cmd, Outcome) {
	switch msg := msg.(type) {
	case Entered:
		if m.sess.Status == store.StatusDone || m.recorded {
			return m, nil, nil
		}
		m.recorded, m.saving = true, true
		now := m.env.Clock.Now()
		m.sess.Status, m.sess.FinishedAt, m.sess.WaitingReason = store.StatusDone, now, ""
		return m, nil, Record{Step: Finished, Kind: "finished", Detail: Said("history.finished"),
			Apply: func(s *store.Session) {
				s.Status = store.StatusDone
				s.FinishedAt = now
				s.WaitingReason = ""
			}, Reply: finishedSaved{}}
	case finishedSaved:
		m.saving = false
	case tea.KeyPressMsg:
		if !m.saving && key.Matches(msg, doneKeyQuit) {
			return m, nil, Quit{}
		}
	}
	return m, nil, nil
}

func (m *finished) View(width int) string {
	env := m.env
	if m.saving {
		return paragraphs(width, env.S().Faint.Render(env.T("done.saving")))
	}
	card := SummaryCard(env.Words, m.sess, width)
	var steps []string
	for i, k := range nextStepKeys {
		text := env.T(k)
		if k == "done.next_ocm" {
			code := m.sess.Activation.AlphaCode
			if code == "" {
				code = "—"
			}
			text = env.T(k, code)
		}
		steps = append(steps, strconv.Itoa(i+1)+". "+text)
	}
	st := env.S()
	return paragraphs(width,
		st.OK.Render(st.Title.Render(env.T("done.title"))),
		env.T("done.body"),
		card,
		st.Title.Render(env.T("done.next_title"))+"\n"+strings.Join(steps, "\n"),
		st.Faint.Render(env.T("done.show_hint", m.sess.ID)))
}

// nextStepKeys are the guide's next steps, in order.
var nextStepKeys = []string{"done.next_ocm", "done.next_templates", "done.next_name_review",
	"done.next_facebook", "done.next_pin"}

// Attention says why a session that is not parked cannot go on by itself and
// needs someone to look at it (an activation the provider refused), or "" when
// nothing is wrong. It is a pure function of the session, for `wizard list`
// and `wizard show`.
func Attention(w *assets.Words, sess store.Session) string {
	if sess.Status != store.StatusActive {
		return ""
	}
	if a := sess.Activation; a.Status == "failed" && a.ActivatedAt.IsZero() {
		why := strings.TrimSpace(a.StatusText)
		if why == "" {
			why = w.T("attention.activation_failed_unknown")
		}
		return w.T("attention.activation_failed", why)
	}
	return ""
}

// SummaryLine is one line of a session's summary: a label and its value.
type SummaryLine struct {
	Label, Value string
}

// Summary lists what a session holds, in the order of the flow, for the last
// screen and for `wizard show`. Lines without a value are left out. It is a pure
// function of the session.
func Summary(w *assets.Words, sess store.Session) []SummaryLine {
	lang := w.Language()
	var out []SummaryLine
	add := func(key, value string) {
		if strings.TrimSpace(value) != "" {
			out = append(out, SummaryLine{Label: w.T(key), Value: termsafe.Line(value)})
		}
	}
	country := func(code string) string {
		if code == "" {
			return ""
		}
		return CountryName(lang, code)
	}
	add("done.label.id", sess.ID)
	if sess.Status != "" {
		status := string(sess.Status)
		if k := "done.status." + status; w.Has(k) {
			status = w.T(k)
		}
		if sess.Status == store.StatusWaiting && sess.WaitingReason != "" {
			status += " — " + sess.WaitingReason
		}
		if why := Attention(w, sess); why != "" {
			status = w.T("attention.status", why)
		}
		add("done.label.status", status)
	}
	company := sess.Company.CompanyName
	if c := country(sess.Company.Country); c != "" && company != "" {
		company += " (" + c + ")"
	}
	add("done.label.company", company)
	add("done.label.contact", sess.Company.FullName)
	if c := sess.Company; !c.ApprovedAt.IsZero() {
		add("done.label.approval", w.T("done.approval_value", w.Date(c.ApprovedAt), c.ApprovalRef, c.ApprovedBy))
	}
	add("done.label.email", sess.Account.Email)
	add("done.label.account", sess.Account.ID)
	if sess.Path != store.PathUnknown {
		path := string(sess.Path)
		if k := "done.path." + path; w.Has(k) {
			path = w.T(k)
		}
		add("done.label.path", path)
	}
	add("done.label.waba", sess.Signup.WABAID)
	add("done.label.business", sess.Signup.BusinessID)
	add("done.label.number", ShowNumber(sess.Phone))
	add("done.label.phone_id", sess.Phone.ID)
	name := sess.Profile.DisplayName
	if name == "" {
		name = sess.Signup.VerifiedName // a moved number brings the name Meta holds for it
	}
	add("done.label.display_name", name)
	if sess.Profile.Category != "" {
		add("done.label.category", verticalLabel(w, sess.Profile.Category))
	}
	add("done.label.website", sess.Profile.Website)
	add("done.label.alpha_code", sess.Activation.AlphaCode)
	alpha := sess.Alpha.Name
	if c := country(sess.Alpha.Country); c != "" && alpha != "" {
		alpha += " (" + c + ")"
	}
	add("done.label.alpha_name", alpha)
	if sess.Alpha.Name != "" || sess.Alpha.NameStatus != "" {
		// Whether Meta has approved the name: `wizard show` and the summary say it.
		add("done.label.name_review", NameReview(w, sess.Alpha.NameStatus))
	}
	add("done.label.started", summaryTime(w, sess.CreatedAt))
	add("done.label.finished", summaryTime(w, sess.FinishedAt))
	return out
}

// summaryTime is t in the user's language, with its zone: "21 November 2026, 10:00 UTC".
func summaryTime(w *assets.Words, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return w.DateTime(t) + " " + t.Format("MST")
}

// SummaryCard renders Summary as a bordered card of aligned label/value lines.
func SummaryCard(w *assets.Words, sess store.Session, width int) string {
	lines := Summary(w, sess)
	labelWidth := 0
	for _, l := range lines {
		labelWidth = max(labelWidth, lipgloss.Width(l.Label))
	}
	labelStyle := plainStyles.Faint.Width(labelWidth + 2)
	valueStyle := lipgloss.NewStyle()
	if width > 0 {
		// border (2) + padding (2) + labels
		valueStyle = valueStyle.MaxWidth(max(width-labelWidth-6, 10))
	}
	rows := make([]string, 0, len(lines))
	for _, l := range lines {
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, labelStyle.Render(l.Label), valueStyle.Render(l.Value)))
	}
	return plainStyles.Box.Render(strings.Join(rows, "\n"))
}
