package ui

import (
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// chatText renders a chat message as text: go-app writes text nodes, so
// HTML in a message is shown, never run. Web addresses (http and https
// only) become links that open in a new tab without telling the other
// site where they came from.
func chatText(text string) []app.UI {
	var out []app.UI
	for text != "" {
		at, n := nextLink(text)
		if at < 0 {
			out = append(out, app.Text(text))
			break
		}
		if at > 0 {
			out = append(out, app.Text(text[:at]))
		}
		link := text[at : at+n]
		out = append(out, app.A().Href(link).Target("_blank").Rel("noopener noreferrer nofollow").Text(link))
		text = text[at+n:]
	}
	return out
}

// nextLink finds the next http(s) address in text: its start and length,
// or -1. An address ends at white space; trailing punctuation belongs to
// the sentence.
func nextLink(text string) (int, int) {
	from := 0
	for {
		rest := text[from:]
		i := strings.Index(rest, "http")
		if i < 0 {
			return -1, 0
		}
		start := from + i
		cand := text[start:]
		if strings.HasPrefix(cand, "http://") || strings.HasPrefix(cand, "https://") {
			end := strings.IndexAny(cand, " \n\t<>\"")
			if end < 0 {
				end = len(cand)
			}
			link := strings.TrimRight(cand[:end], ".,;:!?)]}'")
			if u, err := url.Parse(link); err == nil && u.Host != "" && (u.Scheme == "http" || u.Scheme == "https") {
				return start, len(link)
			}
		}
		from = start + 4
	}
}
