package httpapi

import (
	"net/http"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

var registerHostileRoutes = func() func() {
	done := false
	return func() {
		if !done {
			done = true
			// Routes shaped like the app's (app/ui/routes.go): a token or
			// id in the last path segment.
			app.RouteWithRegexp(`^/hostile/[^/]+$`, func() app.Composer { return &testPage{} })
		}
	}
}()

// hostilePaths put markup into the address. go-app writes the request
// path into og:url with Go quoting, not HTML escaping, so each would add
// an element to the page if it reached the prerenderer.
var hostilePaths = []string{
	`/x"><b>bold`,
	`/x"><meta http-equiv="refresh" content="0;url=https://evil.example/">`,
	`/x'><b>bold`,
	`/x<b>bold`,
	`/x&quot;><b>bold`,
}

// TestAddressCannotPutMarkupIntoPrerenderedPages: markup in the path or
// the query never appears in a prerendered page, and such addresses get
// a short refusal that does not echo them.
func TestAddressCannotPutMarkupIntoPrerenderedPages(t *testing.T) {
	registerHostileRoutes()
	e := newEnv(t)
	for _, p := range hostilePaths {
		for _, target := range []string{
			"/hostile" + p,
			"/hostile" + strings.ReplaceAll(strings.ReplaceAll(p, `"`, "%22"), "<", "%3C"),
			"/hostile/ok?q=" + strings.TrimPrefix(p, "/"),
		} {
			req, err := http.NewRequest("GET", e.srv.URL+"/", nil)
			if err != nil {
				t.Fatal(err)
			}
			// The raw target goes out unencoded (spaces aside, which
			// would end the request line), as an attacker's tool sends it.
			req.URL.Opaque = strings.ReplaceAll(target, " ", "%20")
			resp, err := e.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := string(readAll(t, resp))
			for _, bad := range []string{"<b>", "<meta http-equiv"} {
				if strings.Contains(body, bad) {
					t.Errorf("GET %s: %d, page contains %q:\n%s", target, resp.StatusCode, bad, body)
				}
			}
		}
	}
	// An ordinary address still renders the page.
	resp, err := e.client.Get(e.srv.URL + "/hostile/ABCD-1234_x.y~z")
	if err != nil {
		t.Fatal(err)
	}
	if body := string(readAll(t, resp)); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Ersatzraum test page") {
		t.Fatalf("ordinary address: %d %s", resp.StatusCode, body)
	}
}
