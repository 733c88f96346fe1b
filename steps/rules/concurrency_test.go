package rules

import (
	"sync"
	"testing"
)

// TestConcurrentUse runs every validator from many goroutines at once, so that
// `go test -race` would catch any shared mutable state (ours or a library's).
func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for range 50 {
				if !CheckPassword("Пароль123").OK() || !IsCommonPassword("Password1") {
					t.Error("password checks changed under load")
				}
				if CheckEmail("a@b.kz") != EmailOK {
					t.Error("e-mail check changed under load")
				}
				region := []string{"KZ", "RU", "UZ", "KG", "DE", "US", "GB"}[i%7]
				if _, p := ParsePhone("+7 701 123 4567", region); p != PhoneOK && p != PhoneNotForRegion {
					t.Errorf("ParsePhone: %q", p)
				}
				if _, p := ParsePhone("112", region); p != PhoneShortCode && p != PhoneTooShort {
					t.Errorf("ParsePhone(112, %s): %q", region, p)
				}
				if len(CheckDisplayName("Acme Pharma")) != 0 || CheckWebsite("https://acme.kz") != URLOK {
					t.Error("name or website check changed under load")
				}
				if _, ok := NormaliseCode("123-456"); !ok || !IsVertical("OTHER") {
					t.Error("code or vertical check changed under load")
				}
			}
		})
	}
	wg.Wait()
}
