package httpapi

import (
	"encoding/base64"
	"html/template"
	"net/http"

	qrcode "github.com/skip2/go-qrcode"

	"ersatzraum/app/protocol"
	"ersatzraum/server/storage"
)

// printSheet is an HTML page a teacher prints: one card per student with
// the personal link as QR code and text, and the class code on top. It is
// plain HTML from the server (no app, no script) so that it prints the
// same in every browser.
var printSheet = template.Must(template.New("print").Parse(`<!doctype html>
<html lang="de"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Name}} – persönliche Links</title>
<link rel="stylesheet" href="/web/print.css">
<main class="sheet">
<header>
<h1>{{.Name}}</h1>
<p>Klassencode <strong class="code">{{.Code}}</strong> · {{.JoinURL}}</p>
<p class="hint screen-only">Drucken mit Strg+P (Mac: ⌘+P). Jede Karte gehört genau einer Schülerin oder einem Schüler.</p>
</header>
<section class="cards">
{{range .Cards}}<article class="card">
<h2>{{.Name}}</h2>
<img src="{{.QR}}" width="160" height="160" alt="QR-Code mit dem persönlichen Link von {{.Name}}">
<p class="link">{{.Link}}</p>
<p class="note">Code scannen oder Link öffnen: Du kommst direkt in die Stunde. Der Link ist persönlich – bitte nicht weitergeben.</p>
</article>
{{else}}<p>Auf der Klassenliste steht noch niemand.</p>{{end}}
</section>
</main></html>`))

type printCard struct {
	Name string
	Link string
	QR   template.URL
}

func (s *Server) printClass(w http.ResponseWriter, r *http.Request, c storage.Class) {
	detail, _, err := s.classDetail(r.Context(), c, baseURL(r))
	if err != nil {
		s.internal(w, "print class", err)
		return
	}
	data := struct {
		protocol.ClassDetail
		Cards []printCard
	}{ClassDetail: detail}
	for _, st := range detail.Students {
		png, err := qrcode.Encode(st.Link, qrcode.Medium, 320)
		if err != nil {
			s.internal(w, "make QR code", err)
			return
		}
		data.Cards = append(data.Cards, printCard{
			Name: st.Name,
			Link: st.Link,
			// A data URL, so that the sheet needs no second request per
			// student and prints offline once loaded.
			QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)),
		})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store") // the links are personal
	printSheet.Execute(w, data)
}
