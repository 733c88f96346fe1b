package rules

import (
	"strings"
	"testing"
)

func TestCheckDescription(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"", true},
		{"Acme Pharma is a pharmaceutical company in Kazakhstan.", true},
		{"Строка\nс переводом", true},
		{strings.Repeat("я", DescriptionMaxLength), true}, // 1024 bytes, 512 characters
		{strings.Repeat("я", DescriptionMaxLength+1), false},
		{strings.Repeat("a", DescriptionMaxLength+1), false},
		{"\xff", false},
	}
	for _, tt := range tests {
		if got := CheckDescription(tt.in); got != tt.ok {
			t.Errorf("CheckDescription(%.20q…) = %v, want %v", tt.in, got, tt.ok)
		}
	}
}
