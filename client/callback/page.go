package callback

import (
	"html/template"
	"net/http"
)

// Page is one page the browser may show: a heading and a sentence.
type Page struct{ Title, Body string }

// Texts are the pages of the server, in the user's language.
type Texts struct {
	Lang        string // the pages' language tag, e.g. "en"
	Finished    Page   // a FINISH result was received
	NotFinished Page   // a CANCEL or an error was received
	Rejected    Page   // the state is missing or wrong
	Incomplete  Page   // the state is right but there is no event
	Already     Page   // a result had already been received
}

var defaultTexts = Texts{
	Lang:        "en",
	Finished:    Page{"Your business is connected", "You can close this tab and return to the terminal: the wizard carries on by itself."},
	NotFinished: Page{"The signup was not completed", "You can close this tab and return to the terminal: it shows what happened and lets you try again."},
	Rejected:    Page{"This answer is not for this wizard", "It does not carry the code the wizard started the signup with, so it was ignored. Start the signup again from the terminal."},
	Incomplete:  Page{"The answer is incomplete", "It does not say how the signup ended, so it was ignored. Return to the terminal and start the signup again."},
	Already:     Page{"The result was already received", "You can close this tab and return to the terminal."},
}

// orDefaults fills in the English text of every page left empty.
func (t Texts) orDefaults() Texts {
	d := defaultTexts
	if t.Lang == "" {
		t.Lang = d.Lang
	}
	for _, p := range []struct{ got, def *Page }{{&t.Finished, &d.Finished}, {&t.NotFinished, &d.NotFinished},
		{&t.Rejected, &d.Rejected}, {&t.Incomplete, &d.Incomplete}, {&t.Already, &d.Already}} {
		if p.got.Title == "" {
			*p.got = *p.def
		}
	}
	return t
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{{.Title}}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f0f2f5; color: #1c1e21; margin: 0; }
  main { max-width: 500px; margin: 3em auto; background: #fff; border-radius: 8px; padding: 1.5em 1.8em;
         box-shadow: 0 2px 12px rgba(0,0,0,.15); }
  h1 { font-size: 1.3em; margin: 0 0 .6em; }
</style>
</head>
<body>
<main><h1 id="title">{{.Title}}</h1><p id="body">{{.Body}}</p></main>
</body>
</html>
`))

// page writes one of the server's pages. Nothing on it links anywhere, and no
// referrer leaves it: the state in the address stays in the browser.
func (s *Server) page(w http.ResponseWriter, status int, p Page) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	w.WriteHeader(status)
	_ = pageTemplate.Execute(w, struct {
		Lang string
		Page
	}{s.texts.Lang, p})
}
