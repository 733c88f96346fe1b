package englishleft

import (
	"slices"
	"testing"
)

func TestFind(t *testing.T) {
	for _, c := range []struct {
		text string
		data []string
		want []string
	}{
		{"Нажмите Allow All или Not now, затем 'wizard resume K7MQ-4XPD'", nil, nil},
		{"Meta-ның Display Name (Alpha Name) · ctrl+c сақтап шығу · enter/q", nil, nil},
		{"https://acme.kz/a anna@acme.kz --status done WIZARD_LANG=ru ID", nil, nil},
		{"Статус: done, waiting: delete the app", nil, []string{"app", "delete", "done", "the", "waiting"}},
		{"Компания: Acme Trading LLP", []string{"Acme Trading LLP"}, nil},
		{"Embedded\n ┃ Signup ждёт", nil, nil},
		{"Saved: 3 signups", nil, []string{"Saved", "signups"}},
	} {
		if got := Find(c.text, c.data...); !slices.Equal(got, c.want) && (len(got) > 0 || len(c.want) > 0) {
			t.Errorf("Find(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}
