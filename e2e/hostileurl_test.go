package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestNoRouteTakesMarkupFromTheAddress asks the real binary for every
// route of the app (app/ui/routes.go) and a few other addresses with
// markup in the path and in the query. None may come back with the markup
// in the page (go-app quotes the path into og:url the Go way, not the HTML
// way). Plain HTTP, no browser.
func TestNoRouteTakesMarkupFromTheAddress(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	routes := []string{"/", "/join/", "/s/", "/s/TOKEN/aufgaben", "/class/", "/lesson/", "/konto", "/login", "/unknown/"}
	payloads := []string{
		`x"><b>bold`,
		`x"><meta http-equiv="refresh" content="0;url=https://evil.example/">`,
		`x'><b>bold`,
		`x%22%3E%3Cb%3Ebold`,
	}
	for _, route := range routes {
		for _, p := range payloads {
			var targets []string
			switch {
			case strings.HasSuffix(route, "/") && route != "/":
				targets = append(targets, route+p)
			case route == "/s/TOKEN/aufgaben":
				targets = append(targets, "/s/"+p+"/aufgaben")
			}
			targets = append(targets, route+"?q="+p)
			for _, target := range targets {
				req, err := http.NewRequest("GET", srv.URL+"/", nil)
				if err != nil {
					t.Fatal(err)
				}
				req.URL.Opaque = strings.ReplaceAll(target, " ", "%20")
				resp, err := http.DefaultTransport.RoundTrip(req)
				if err != nil {
					t.Fatalf("GET %s: %v", target, err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				for _, bad := range []string{"<b>", "<meta http-equiv"} {
					if strings.Contains(string(b), bad) {
						t.Errorf("GET %s: %d, the page contains %q", target, resp.StatusCode, bad)
					}
				}
			}
		}
	}
}
