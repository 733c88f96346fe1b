package sandbox

import "testing"

// The sandbox's phone gets the code in the language it was asked in, as
// Meta sends it; a language it has no words for gets English.
func TestCodeTextInTheAskedLanguage(t *testing.T) {
	for _, c := range []struct{ method, lang, want string }{
		{"SMS", "en_US", "WhatsApp code 123-456"},
		{"SMS", "ru", "Код WhatsApp: 123-456"},
		{"SMS", "kk_KZ", "WhatsApp коды: 123-456"},
		{"SMS", "pt_BR", "WhatsApp code 123-456"},
		{"VOICE", "ru", "(звонок) Ваш код WhatsApp: 1 2 3 4 5 6"},
		{"VOICE", "kk", "(қоңырау) Сіздің WhatsApp кодыңыз: 1 2 3 4 5 6"},
		{"VOICE", "", "(voice call) Your WhatsApp code is 1 2 3 4 5 6"},
	} {
		if got := codeText(c.method, c.lang, "123456"); got != c.want {
			t.Errorf("%s in %q: %q, want %q", c.method, c.lang, got, c.want)
		}
	}
}
