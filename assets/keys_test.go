package assets

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// keyish is a string that reads as a catalog key ("company.approval_required")
// or as the start of one built at run time ("step.").
var keyish = regexp.MustCompile(`^[a-z][a-z0-9_\-]*((\.[a-z0-9_\-]+)+\.?|\.)$`)

// Keys reach the catalog through helpers too (required("company.x"),
// a list of keys ranged over, an option's yes/no keys), not only through T("…"):
// every string literal of the packages that speak to the user (assets, steps,
// ui, cmd/wizard) that reads as a key of one of the catalog's namespaces is in
// the English catalog — or is the start of a key built at run time, ending
// in ".", whose every ending is tested where it is built (the step names,
// the rules' problems, Meta's codes, the months …). An event's Kind
// ("signup.finished") is a name in the history, not a key.
// builtKeys are the starts of the keys the code builds at run time, each with
// the test that shows every ending the code can build has words (or, "Has",
// that the code asks the catalog first and has words for the rest).
var builtKeys = map[string]string{
	"step.":                     "steps: TestEveryStepHasAName",
	"rules.":                    "steps: TestEveryStepHasAName (the e-mail problems)",
	"migration.":                "steps: TestEveryStepHasAName (the checklist items and their _why)",
	"phone.":                    "steps: TestSecondHalfCatalog (every rules.PhoneProblem)",
	"display_name.":             "steps: TestDisplayNameProblemCatalog",
	"display_name.warn.":        "steps: TestDisplayNameProblemCatalog",
	"display_name.vertical.":    "steps: TestSecondHalfCatalog (every vertical); Has",
	"display_name.meta_status.": "Has: Meta's other states are shown as Meta writes them",
	"done.status.":              "steps: TestSecondHalfCatalog (every store.Status); Has",
	"done.path.":                "steps: TestSecondHalfCatalog (every store.Path); Has",
	"list.status.":              "cmd/wizard: TestListAndDoctorHaveWordsForEveryStepAndStatus; Has",
	"list.step.":                "cmd/wizard: TestListAndDoctorHaveWordsForEveryStepAndStatus; Has",
	"show.kind.":                "Has: an event's other kinds are shown as saved (cmd/wizard: TestSupportCommandsSpeakTheLanguage)",
	"name_status.":              "steps: TestSecondHalfCatalog (every name status); Has",
	"error.graph.":              "steps: TestSecondHalfCatalog (the codes the wizard explains); Has: error.graph.other",
	"error.graph.sub.":          "steps: TestSecondHalfCatalog; Has",
	"error.partner.":            "Has: the provider's other codes are told with its message (error.service)",
	"error.who.":                "Has: an unnamed service is told as 'the service'",
	"signup.page.":              "steps: TestSignupPagesHaveWords",
	"signup.no_browser.":        "steps: TestEveryBrowserReasonHasWords; Has: signup.no_browser",
	"signup.stopped.":           "Has: another pop-up screen is named as Meta names it (signup.cancelled_at)",
	"cli.doctor.browser_no.":    "steps: TestEveryBrowserReasonHasWords; Has: cli.doctor.browser_no.other",
	"ui.part.":                  "ui: TestEverySessionPartHasWords",
	"keys.":                     "not built: keyhelp looks up a help text that starts with it (each written in full, checked here)",
	"date.month.":               "assets: TestEveryMonthHasAName",
	"presenter.":                "ui: TestEveryNoteFits80x24InEveryLanguage (every note screen, each part, in every language)",
	"demo.title.":               "cmd/wizard: TestDemoListsItsScenarios (every scenario)",
	"demo.line.":                "cmd/wizard: TestDemoListsItsScenarios (every scenario)",
	"help.":                     "cmd/wizard: TestEveryCommandHasItsHelpInTheCatalog (every command)",
	"help.flag.":                "cmd/wizard: TestEveryCommandHasItsHelpInTheCatalog (every flag)",
}

// builtFormat is a format that builds a key from a value: "error.graph.%d".
var builtFormat = regexp.MustCompile(`^([a-z][a-z0-9_\-]*(\.[a-z0-9_\-]+)*\.)%[dsv]$`)

func TestEveryKeyWrittenInCodeIsInTheEnglishCatalog(t *testing.T) {
	w := NewWords("en")
	spaces := map[string]bool{}
	for _, k := range Keys(DefaultLanguage) {
		ns, _, _ := strings.Cut(k, ".")
		spaces[ns] = true
	}
	seen := 0
	prefixes := map[string][]string{}
	for _, dir := range []string{".", "../steps", "../ui", "../cmd/wizard"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
			if err != nil {
				return err
			}
			kinds := map[*ast.BasicLit]bool{}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.KeyValueExpr:
					if id, ok := n.Key.(*ast.Ident); ok && id.Name == "Kind" {
						if lit, ok := n.Value.(*ast.BasicLit); ok {
							kinds[lit] = true
						}
					}
				case *ast.BasicLit:
					s, err := strconv.Unquote(n.Value)
					if m := builtFormat.FindStringSubmatch(s); n.Kind == token.STRING && err == nil && m != nil {
						s = m[1]
					}
					if n.Kind != token.STRING || err != nil || !keyish.MatchString(s) || kinds[n] {
						return true
					}
					if ns, _, _ := strings.Cut(s, "."); !spaces[ns] {
						return true
					}
					seen++
					if strings.HasSuffix(s, ".") {
						prefixes[s] = append(prefixes[s], path)
					}
					if !strings.HasSuffix(s, ".") && !w.Has(s) {
						t.Errorf("%s: %q reads as a catalog key, but the English catalog lacks it", path, s)
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for p, where := range prefixes {
		if _, ok := builtKeys[p]; !ok {
			t.Errorf("%v build keys from %q at run time: test that every ending has words, and name the test in builtKeys", where, p)
		}
	}
	for p := range builtKeys {
		if _, ok := prefixes[p]; !ok {
			t.Errorf("builtKeys names %q, which no code builds keys from any more", p)
		}
	}
	if seen < 300 {
		t.Fatalf("found only %d keys in the code: is the walk still right?", seen)
	}
}
