package rules

import "testing"

func TestNormaliseCode(t *testing.T) {
	tests := []struct {
		in, code string
		ok       bool
	}{
		{"123456", "123456", true},
		{"123-456", "123456", true},
		{"123 456", "123456", true},
		{"000000", "000000", true},
		{"", "", false},
		{"12345", "", false},
		{"1234567", "", false},
		{"12-3456", "", false}, // separator not in the middle
		{"12345-6", "", false},
		{"-123456", "", false},
		{"123456-", "", false},
		{"123--456", "", false}, // two separators
		{"123 - 456", "", false},
		{"1 2 3 4 5 6", "", false},
		{" 123456", "", false}, // no trimming
		{"123456 ", "", false},
		{"123456\n", "", false},
		{"123_456", "", false},
		{"123–456", "", false}, // en dash
		{"123.456", "", false},
		{"12345a", "", false},
		{"١٢٣٤٥٦", "", false}, // Arabic-Indic digits
		{"１２３４５６", "", false}, // fullwidth digits
		{"+123456", "", false},
		{"WhatsApp code 123-456", "", false},
	}
	for _, tt := range tests {
		code, ok := NormaliseCode(tt.in)
		if code != tt.code || ok != tt.ok {
			t.Errorf("NormaliseCode(%q) = %q, %v; want %q, %v", tt.in, code, ok, tt.code, tt.ok)
		}
	}
}

func TestPIN(t *testing.T) {
	tests := []struct {
		in          string
		valid, weak bool
	}{
		{"482915", true, false},
		{"902174", true, false},
		{"111111", true, true},
		{"000000", true, true},
		{"123456", true, true},
		{"012345", true, true},
		{"456789", true, true},
		{"654321", true, true},
		{"987654", true, true},
		{"121212", true, true},
		{"123123", true, true},
		{"890123", true, false}, // wraps round: not counted as a run
		{"112233", true, false},
		{"", false, false},
		{"12345", false, false},
		{"1234567", false, false},
		{"123-456", false, false},
		{"12345a", false, false},
		{" 48291", false, false},
		{"４８２９１５", false, false},
	}
	for _, tt := range tests {
		if got := CheckPIN(tt.in); got != tt.valid {
			t.Errorf("CheckPIN(%q) = %v, want %v", tt.in, got, tt.valid)
		}
		if got := IsWeakPIN(tt.in); got != tt.weak {
			t.Errorf("IsWeakPIN(%q) = %v, want %v", tt.in, got, tt.weak)
		}
	}
}

func FuzzNormaliseCode(f *testing.F) {
	for _, s := range []string{"", "123456", "123-456", "123 456", "12-3456", "１２３４５６", "123\xff456"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, ok := NormaliseCode(s)
		if !ok {
			if code != "" {
				t.Fatalf("NormaliseCode(%q) refused but returned %q", s, code)
			}
			return
		}
		if len(code) != CodeLength {
			t.Fatalf("NormaliseCode(%q) = %q: not %d bytes", s, code, CodeLength)
		}
		for i := 0; i < len(code); i++ {
			if code[i] < '0' || code[i] > '9' {
				t.Fatalf("NormaliseCode(%q) = %q: not ASCII digits", s, code)
			}
		}
		if s != code && s != code[:3]+"-"+code[3:] && s != code[:3]+" "+code[3:] {
			t.Fatalf("NormaliseCode(%q) = %q: input had more than one middle separator", s, code)
		}
		if !CheckPIN(code) {
			t.Fatalf("code %q is not six digits for CheckPIN", code)
		}
	})
}
