package ui

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wizard/internal/englishleft"
)

// No English is left on a Russian or Kazakh screen but names (englishleft:
// Meta's and the provider's products, buttons and fields, keys, commands).
// The screens are TestScreensFit's golden files, which that test keeps equal
// to what the shell draws: every step, its branches and its errors at 80×24.

// fitData is what the walks of TestScreensFit type in and get back from the
// services, as users and Meta wrote it.
var fitData = []string{
	"Acme Pharma", "ACME PHARMA", "Acme", "Anna Ivanova", testEmail, "Medicines for Kazakhstan",
	"The SMS with the code never arrived on the phone", // the pop-up's error, in Meta's words
}

func TestNoEnglishLeftOnRussianOrKazakhScreens(t *testing.T) {
	for _, lang := range []string{"ru", "kk"} {
		dir := filepath.Join("testdata", "TestScreensFit", lang+"-80x24")
		n := 0
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".golden") {
				return err
			}
			n++
			screen, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if left := englishleft.Find(string(screen), fitData...); len(left) > 0 {
				t.Errorf("%s shows English %q:\n%s", path, left, screen)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n < 30 {
			t.Errorf("%s: only %d screens: has TestScreensFit moved its golden files?", dir, n)
		}
	}
}
