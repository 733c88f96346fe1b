package steps

import (
	"context"
	"strings"
	"testing"

	"wizard/assets"
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
