package httpapi

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
)

// langPage renders the language the prerender was handed, as
// app/ui/lang.go reads it on the server.
type langPage struct {
	app.Compo
	lang string
}

func (p *langPage) OnNav(ctx app.Context) {
	p.lang = ctx.Page().URL().Query().Get(i18n.PrerenderParam)
}

func (p *langPage) Render() app.UI { return app.Main().Text("lang=" + p.lang) }

var registerLangRoute sync.Once

// TestPagesInVisitorsLanguage: the prerender gets the stored choice
// (cookie) over Accept-Language, else Accept-Language, else German; the
// answer says what it varies on and which language it is, and a copy in
// one language never revalidates as the other.
func TestPagesInVisitorsLanguage(t *testing.T) {
	registerLangRoute.Do(func() { app.RouteWithRegexp(`^/langtest/[^/]+$`, func() app.Composer { return &langPage{} }) })
	e := newEnv(t)
	for _, c := range []struct {
		accept, cookie, want string
	}{
		{"", "", "de"},
		{"en-US,en;q=0.9", "", "en"},
		{"de-DE,de;q=0.9,en;q=0.8", "", "de"},
		{"fr-FR, de;q=0.5, en;q=0.7", "", "en"},
		{"en;q=0, de", "", "de"},
		{"en-US,en", "de", "de"},
		{"de-DE,de", "en", "en"},
		{"en-US", "fr", "en"},
	} {
		hdr := map[string]string{"Accept-Language": c.accept}
		if c.cookie != "" {
			hdr["Cookie"] = i18n.ChoiceKey + "=" + c.cookie
		}
		rec := e.get("/langtest/ABCD-EFGH?lang=xx", hdr)
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.Contains(body, "lang="+c.want+"<") {
			t.Errorf("Accept-Language %q, cookie %q: %d, want the prerender in %s:\n%s", c.accept, c.cookie, rec.Code, c.want, body)
		}
		if got := rec.Header().Get("Content-Language"); got != c.want {
			t.Errorf("Accept-Language %q, cookie %q: Content-Language %q, want %q", c.accept, c.cookie, got, c.want)
		}
		if vary := rec.Header().Values("Vary"); !slices.Contains(vary, "Cookie, Accept-Language") {
			t.Errorf("Vary %q", vary)
		}
	}

	de := e.get("/langtest/x", map[string]string{"Accept-Language": "de"})
	en := e.get("/langtest/x", map[string]string{"Accept-Language": "en"})
	deTag, enTag := de.Header().Get("ETag"), en.Header().Get("ETag")
	if deTag == "" || deTag == enTag {
		t.Fatalf("ETags %q (de) and %q (en): each language needs its own", deTag, enTag)
	}
	if rec := e.get("/langtest/x", map[string]string{"Accept-Language": "de", "If-None-Match": deTag}); rec.Code != http.StatusNotModified {
		t.Errorf("German copy revalidated in German: %d, want 304", rec.Code)
	}
	if rec := e.get("/langtest/x", map[string]string{"Accept-Language": "en", "If-None-Match": deTag}); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "lang=en<") {
		t.Errorf("German copy revalidated in English: %d, want the English page", rec.Code)
	}
	// go-app's own ETag (the version) no longer answers 304 for a page.
	if rec := e.get("/langtest/x", map[string]string{"If-None-Match": `"` + e.assets.Version() + `"`}); rec.Code != http.StatusOK {
		t.Errorf("go-app's ETag: %d, want 200", rec.Code)
	}
	// The files go-app generates are the same in every language.
	if rec := e.get("/app.js", map[string]string{"Accept-Language": "en"}); rec.Header().Get("Content-Language") != "" || len(rec.Header().Values("Vary")) != 0 {
		t.Errorf("/app.js: Content-Language %q, Vary %q", rec.Header().Get("Content-Language"), rec.Header().Values("Vary"))
	}
}
