package termsafe

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Acme Pharma", "Acme Pharma"},
		{"ТОО «Ақ Жол»", "ТОО «Ақ Жол»"},
		{"red\x1b[31mtext", `red\x1b[31mtext`},
		{"\x1b]8;;https://evil\x07link\x1b]8;;\x07", `\x1b]8;;https://evil\alink\x1b]8;;\a`},
		{"\x1b]52;c;aGVsbG8=\x07", `\x1b]52;c;aGVsbG8=\a`},
		{"ask\x1b[6n", `ask\x1b[6n`},
		{"c1\u009b31m", `c1\u009b31m`},
		{"raw\x9b31m", `raw\x9b31m`},
		{"two\nlines\tand tab", `two\nlines\tand tab`},
		{"del\x7f", `del\x7f`},
		{"bidi \u202egnp.exe", `bidi \u202egnp.exe`},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Line(tt.in); got != tt.want {
			t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if HasControl(Line(tt.in)) {
			t.Errorf("Line(%q) still has a control: %q", tt.in, Line(tt.in))
		}
	}
}

func TestTextKeepsLinesAndTabs(t *testing.T) {
	if got := Text("a\nb\tc\x1bd"); got != "a\nb\tc\\x1bd" {
		t.Fatalf("Text = %q", got)
	}
}

func TestHasControl(t *testing.T) {
	for _, s := range []string{"\x1b", "\x07", "\u009b", "\x9b", "a\x00", "\x7f"} {
		if !HasControl(s) {
			t.Errorf("HasControl(%q) = false", s)
		}
	}
	for _, s := range []string{"plain", "две\nстроки\t", "Қазақстан", "\r\n"} {
		if HasControl(s) {
			t.Errorf("HasControl(%q) = true", s)
		}
	}
}

func FuzzLine(f *testing.F) {
	for _, s := range []string{"Acme", "\x1b[31m", "\u009b", "\x9b", "\u202e", "Қ\n\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		line, text := Line(s), Text(s)
		if HasControl(line) || HasControl(text) {
			t.Fatalf("control left in %q / %q", line, text)
		}
		if strings.ContainsAny(line, "\n\t") {
			t.Fatalf("Line kept a new line or tab: %q", line)
		}
		if !needsEscape(s, false) && line != s {
			t.Fatalf("a safe string was changed: %q → %q", s, line)
		}
	})
}

func TestWriter(t *testing.T) {
	var b strings.Builder
	w := NewWriter(&b)
	n, err := w.Write([]byte("a\tb\n\x1b[6n\u009b"))
	if err != nil || n != 10 {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if got := b.String(); got != "a\tb\n\\x1b[6n\\u009b" {
		t.Fatalf("wrote %q", got)
	}
}

func TestJSONStaysTheSameJSON(t *testing.T) {
	in := map[string]string{"a": "x\u009by\u202ez\x7f\u2028 Қ \x1b"}
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	safe := JSON(raw)
	if HasControl(string(safe)) {
		t.Fatalf("JSON left a control: %q", safe)
	}
	var back map[string]string
	if err := json.Unmarshal(safe, &back); err != nil || back["a"] != in["a"] {
		t.Fatalf("not the same JSON: %v %q", err, back)
	}
}
