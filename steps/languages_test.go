package steps

import (
	"context"
	"strings"
	"testing"

	"wizard/assets"
	"wizard/browser"
	"wizard/client/sandbox"
)

// The code is asked for in the user's language: the request to the provider
// carries it, the provider passes it to Meta, and the SMS (the sandbox's
// phone) comes in that language.
func TestVerifyCodeIsRequestedInTheUsersLanguage(t *testing.T) {
	for _, c := range []struct {
		lang, meta, sms string
	}{
		{"en", "en_US", "WhatsApp code "},
		{"ru", "ru", "Код WhatsApp: "},
		{"kk", "kk", "WhatsApp коды: "},
	} {
		t.Run(c.lang, func(t *testing.T) {
			h := newSHHarness(t)
			h.env.Words = assets.NewWords(c.lang)
			h.addNumber("70100031" + map[string]string{"en": "01", "ru": "02", "kk": "03"}[c.lang])
			h.start(VerifyCode)
			h.press('s')
			h.mustSee(h.T("code.code"))
			out, err := sandbox.ReadOutbox(context.Background(), h.sb.URL)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Messages) == 0 {
				t.Fatal("no SMS was sent")
			}
			m := out.Messages[len(out.Messages)-1]
			if m.Language != c.meta || m.Method != "SMS" || !strings.HasPrefix(m.Text, c.sms) {
				t.Errorf("the SMS went out in %q as %q, want %s: %q…", m.Language, m.Text, c.meta, c.sms)
			}
		})
	}
}

// The browser pages the callback shows after Embedded Signup are built from
// signup.page.<page>.title and .body: every page has both, in every language.
func TestSignupPagesHaveWords(t *testing.T) {
	for _, tag := range assets.Languages() {
		env := &Env{Words: assets.NewWords(tag.String())}
		texts := (&signup{env: env}).pageTexts()
		if texts.Lang != tag.String() {
			t.Errorf("%s: the pages say they are in %q", tag, texts.Lang)
		}
		for name, p := range map[string]struct{ Title, Body string }{
			"finished": texts.Finished, "not_finished": texts.NotFinished, "rejected": texts.Rejected,
			"incomplete": texts.Incomplete, "already": texts.Already,
		} {
			if strings.HasPrefix(p.Title, "signup.page.") || strings.HasPrefix(p.Body, "signup.page.") {
				t.Errorf("%s: the %s page has no words: %q / %q", tag, name, p.Title, p.Body)
			}
		}
	}
}

// Why no browser can be opened is told in words for every reason the browser
// package gives, on the signup screen and by 'wizard doctor'.
func TestEveryBrowserReasonHasWords(t *testing.T) {
	w := assets.NewWords("en")
	for _, why := range []string{browser.ReasonSSH, browser.ReasonNoDisplay, browser.ReasonDisabled, browser.ReasonBadCommand} {
		for _, k := range []string{"signup.no_browser." + why, "cli.doctor.browser_no." + why} {
			if !w.Has(k) {
				t.Errorf("no words for %s", k)
			}
		}
	}
}

// The category list says in the user's language when its filter matches nothing.
func TestCategoryListNoMatchInTheLanguage(t *testing.T) {
	h := newSHHarness(t)
	h.env.Words = assets.NewWords("ru")
	h.start(DisplayName)
	h.typeText("Acme Pharma")
	h.enter()
	h.mustSee(h.T("display_name.category"))
	h.press('/')
	h.typeText("qqq")
	h.mustSee(h.T("picker.no_match"))
}
