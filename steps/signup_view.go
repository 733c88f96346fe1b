package steps

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"wizard/client"
	"wizard/termsafe"
)

// signupKeys are the signup screen's keys, with help in the user's language.
type signupKeys struct{ open, copy, paste, again, retry, use, close key.Binding }

func newSignupKeys(env *Env) signupKeys {
	t := env.T
	b := func(k, help string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, t(help))) }
	return signupKeys{
		open:  b("enter", "signup.key.open"),
		copy:  b("c", "signup.key.copy"),
		paste: b("p", "signup.key.paste"),
		again: b("n", "signup.key.again"),
		retry: b("r", "signup.key.retry"),
		use:   b("enter", "signup.key.use"),
		close: b("esc", "signup.key.close"),
	}
}

// Help is the step's keys, in the user's language.
func (m *signup) Help() []key.Binding { return m.env.inWords(m.keyList()) }

func (m *signup) keyList() []key.Binding {
	k := m.keys
	switch {
	case m.paste != nil:
		return []key.Binding{k.use, k.close}
	case m.starting:
		return nil
	case m.failedStart:
		return []key.Binding{k.retry}
	case m.reading && m.readFailed:
		return []key.Binding{k.retry, k.again}
	case m.reading:
		return []key.Binding{k.again}
	case m.cancelled():
		return []key.Binding{k.again}
	case m.waiting():
		if m.env.OpenURL == nil {
			return []key.Binding{k.copy, k.paste, k.again}
		}
		return []key.Binding{k.open, k.copy, k.paste, k.again}
	}
	return nil
}

func (m *signup) View(width int) string {
	t := m.env.T
	intro := []string{m.env.S().Title.Render(t("signup.title")),
		bullets(width, t("signup.need_account"), t("signup.popups"), t("signup.in_browser"))}
	switch {
	case m.cancelled():
		// Only the title above it: a reported error's ids must fit beside it.
		return paragraphs(width, intro[0], InView(m.env.S().Error.Render(m.cancelText())), InView(t("signup.try_again")))
	case m.reading:
		var note, retry string
		if m.stageNote != "" {
			note = m.env.S().Faint.Render(termsafe.Text(t("signup.not_ready", m.stageNote)))
		}
		if m.readFailed {
			retry = t("signup.read_failed")
		}
		return paragraphs(width, append(intro, InView(m.env.S().OK.Render(t("signup.finished_in_browser"))), InView(m.poll.view()), note, InView(m.errorLine()), InView(retry))...)
	case !m.waiting():
		var retry string
		if m.failedStart {
			retry = t("signup.start_failed")
		}
		return paragraphs(width, append(intro, InView(m.poll.view()), InView(m.errorLine()), InView(retry))...)
	}
	var wait string
	if m.poll.on {
		wait = m.poll.view() + "  " + m.env.S().Faint.Render(elapsed(m.env.Clock.Now().Sub(m.sess.Signup.StartedAt)))
	}
	var note string
	switch {
	case m.resumed:
		note = t("signup.resumed")
	case m.lost:
		note = t("signup.callback_lost")
	}
	if m.unconfirmed {
		note = m.env.S().Error.Render(t("signup.unconfirmed"))
	}
	top := paragraphs(width, append(intro, InView(t("signup.url")))...) + "\n\n" + InView(m.urlBlock(width)) + "\n\n"
	if m.paste != nil { // the form keeps its own layout: a long address scrolls in its field
		out := top + paragraphs(width, InView(m.browserLine()), InView(wait), note) + "\n\n" + InView(m.paste.View())
		if e := m.errorLine(); e != "" {
			out += "\n\n" + paragraphs(width, InView(e))
		}
		return out
	}
	return top + paragraphs(width, InView(m.browserLine()), InView(wait), note, t("signup.paste_hint"), InView(m.errorLine()))
}

// urlBlock prints the signup page's address whole: cut into lines of the
// screen's width (a longer line would be cut off, not wrapped), and marked as
// one link for terminals that understand links.
func (m *signup) urlBlock(width int) string {
	u := termsafe.Line(m.sess.Signup.URL) // the provider's address, made safe before it is a link
	style := m.env.S().Accent.Hyperlink(u)
	if width <= 0 {
		return style.Render(u)
	}
	var lines []string
	for _, line := range hardWrap(u, width) {
		lines = append(lines, style.Render(line))
	}
	return strings.Join(lines, "\n")
}

// hardWrap cuts s into pieces of at most width cells, anywhere.
func hardWrap(s string, width int) []string {
	var out []string
	for ansi.StringWidth(s) > width {
		cut := ansi.Truncate(s, width, "")
		if cut == "" { // a character wider than the screen
			break
		}
		out = append(out, cut)
		s = s[len(cut):]
	}
	return append(out, s)
}

// browserLine says what Enter does, what opening the browser did, or why no
// browser is opened from here.
func (m *signup) browserLine() string {
	t := m.env.T
	switch {
	case m.openErr != nil:
		return m.env.S().Error.Render(termsafe.Text(t("signup.open_failed", m.openErr)))
	case m.notice != "":
		return m.env.S().OK.Render(m.notice)
	case m.env.OpenURL != nil:
		return t("signup.open_hint")
	case m.env.BrowserWhy != "" && m.env.Words.Has("signup.no_browser."+m.env.BrowserWhy):
		return t("signup.no_browser." + m.env.BrowserWhy)
	}
	return t("signup.no_browser")
}

// cancelText says how the last signup ended without a FINISH (or with a
// FINISH whose code expired): the screen they stopped at, in words, or the
// error they reported with what Meta's support asks for.
func (m *signup) cancelText() string {
	t, sg := m.env.T, m.sess.Signup
	if sg.Stage == client.StageExchangeFailed {
		return t("signup.exchange_failed")
	}
	if sg.ErrorMessage != "" {
		out := t("signup.error", termsafe.Line(sg.ErrorMessage))
		var ids []string
		for _, kv := range [][2]string{{"signup.error_id", sg.ErrorID}, {"signup.error_session", sg.ErrorSessionID},
			{"signup.error_time", m.errorTime(sg.ErrorTime)}} {
			if kv[1] != "" {
				ids = append(ids, t(kv[0], termsafe.Line(kv[1])))
			}
		}
		if len(ids) > 0 {
			out += "\n" + t("signup.error_support") + "\n" + strings.Join(ids, "\n")
		}
		return out
	}
	step := termsafe.Line(sg.CancelStep)
	if k := "signup.stopped." + step; step != "" && m.env.Words.Has(k) {
		return t("signup.cancelled") + " " + t(k) + " (" + step + ")"
	}
	if step != "" {
		return t("signup.cancelled_at", step)
	}
	return t("signup.cancelled")
}

// errorTime shows Meta's timestamp (seconds since 1970) as a time in UTC, in
// the user's words for the day, with the number itself, which is what support
// asks for; anything else as it is.
func (m *signup) errorTime(ts string) string {
	if ts == "" {
		return ""
	}
	if n, err := strconv.ParseInt(ts, 10, 64); err == nil && n > 0 {
		return ts + " (" + m.env.Words.DateTimeSeconds(time.Unix(n, 0).UTC()) + " UTC)"
	}
	return ts
}

func (m *signup) errorLine() string {
	if m.lastErr == nil {
		return ""
	}
	return m.env.S().Error.Render(Explain(m.env.Words, m.lastErr))
}

// bullets renders items as a list with hanging indents.
func bullets(width int, items ...string) string {
	var out []string
	for _, it := range items {
		body := it
		if width > 4 {
			body = lipgloss.NewStyle().Width(width - 2).Render(it)
		}
		lines := strings.Split(body, "\n")
		for i := range lines {
			if i == 0 {
				lines[i] = "• " + lines[i]
			} else {
				lines[i] = "  " + lines[i]
			}
		}
		out = append(out, strings.Join(lines, "\n"))
	}
	return strings.Join(out, "\n")
}
