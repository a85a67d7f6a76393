package i18n

import "strings"

// The language a page is first drawn in must be the one the app then
// runs in, or the visitor sees the page redrawn in another language when
// the wasm starts. Both sides decide with the same rule, from the same
// inputs: the user's stored choice, else the browser's languages.
const (
	// ChoiceKey names the user's choice: the localStorage key the app
	// writes (JSON), and the cookie the page mirrors it into
	// (web/lang.js) so that the server can read it.
	ChoiceKey = "ersatzraum.lang"
	// PrerenderParam is the query parameter through which the server's
	// handler (server/httpapi) hands go-app's prerender the language it
	// chose for a request; the prerender sees no headers or cookies.
	PrerenderParam = "lang"
)

// Preferred picks the first of the browser's languages that has a
// catalog: ["fr", "en-GB", "de"] gives English; none gives German.
func Preferred(tags []string) Lang {
	for _, t := range tags {
		if len(t) >= 2 {
			switch strings.ToLower(t[:2]) {
			case "de":
				return German
			case "en":
				return English
			}
		}
	}
	return German
}
