package httpapi

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"ersatzraum/app/protocol"
)

// csrfRequest sends a cookie-authenticated request with the headers a
// browser would set, or none of them where a value is "".
func (e *env) csrfRequest(method, path, body, contentType, origin, fetchSite string, cookie *http.Cookie) *http.Response {
	e.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	req.AddCookie(cookie)
	for k, v := range map[string]string{"Content-Type": contentType, "Origin": origin, "Sec-Fetch-Site": fetchSite} {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// TestCookieStateChangesRefuseForeignPagesAndSimpleBodies: a sibling
// subdomain of the school is "same site", so the teacher's SameSite=Lax
// cookie goes along with its requests. Every state change that rests on
// that cookie must check where the request comes from (Origin,
// Sec-Fetch-Site) and take only bodies no foreign page can send without
// asking first (JSON, the class list as CSV; multipart only for uploads).
func TestCookieStateChangesRefuseForeignPagesAndSimpleBodies(t *testing.T) {
	w := newAuthzWorld(t)
	e, a, alice := w.e, w.classA, w.cookies[owner]
	bw := newAuthzBoard(t, w)
	self := e.srv.URL
	type endpoint struct{ method, path, body string }
	endpoints := []endpoint{
		{"POST", "/api/lessons", `{"title":"Vertretung"}`},
		{"POST", "/api/classes", `{"name":"neu"}`},
		{"POST", "/api/classes/" + a.ID + "/students", `{"names":["Neu"]}`},
		{"POST", "/api/classes/" + a.ID + "/students/" + a.Students[0].ID + "/link", ""},
		{"POST", "/api/classes/" + a.ID + "/code", ""},
		{"POST", "/api/classes/" + a.ID + "/settings", `{"lateAfterMinutes":7}`},
		{"POST", "/api/password", `{"password":"ein langes Passwort 123"}`},
		{"POST", "/api/classes/" + a.ID + "/board", `{"title":"Neu"}`},
		{"PUT", "/api/classes/" + a.ID + "/board/" + bw.aid, `{"title":"Geändert"}`},
		{"POST", "/api/classes/" + a.ID + "/board/order", `{"ids":["` + bw.aid + `"]}`},
		{"POST", "/api/classes/" + a.ID + "/board/" + bw.aid + "/archive", `{"archived":true}`},
		{"POST", "/api/classes/" + a.ID + "/board/" + bw.aid + "/files", bw.upload},
		{"DELETE", "/api/classes/" + a.ID + "/board/" + bw.aid + "/files/" + bw.sheet, ""},
		{"DELETE", "/api/classes/" + a.ID + "/students/" + a.Students[0].ID, ""},
		{"DELETE", "/api/classes/" + a.ID, ""},
		{"POST", "/logout", ""},
	}
	type attempt struct {
		what, contentType, origin, fetchSite string
		status                               int
		code                                 string
	}
	for _, ep := range endpoints {
		typ := "application/json"
		if strings.HasPrefix(ep.body, "--"+authzBoundary) {
			typ = authzContentType(ep.body)
		}
		if ep.body == "" {
			typ = ""
		}
		attempts := []attempt{
			{"sibling subdomain, fetch", typ, "https://intranet.schule.example", "same-site", http.StatusForbidden, protocol.ErrCrossSite},
			{"sibling subdomain, old browser", typ, "https://intranet.schule.example", "", http.StatusForbidden, protocol.ErrCrossSite},
			{"foreign site", typ, "https://evil.example", "cross-site", http.StatusForbidden, protocol.ErrCrossSite},
			{"sandboxed frame", typ, "null", "same-site", http.StatusForbidden, protocol.ErrCrossSite},
			{"no Origin, same-site", typ, "", "same-site", http.StatusForbidden, protocol.ErrCrossSite},
		}
		if ep.body != "" {
			// What a foreign form or no-cors fetch can send: text/plain,
			// a form, or a Blob without a type. Refused even from the
			// server's own origin, so that no missed header lets them in.
			for _, simple := range []string{"text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", ""} {
				if simple == typ {
					continue
				}
				attempts = append(attempts, attempt{"simple body " + simple, simple, self, "same-origin", http.StatusUnsupportedMediaType, protocol.ErrBadPayload})
			}
			if !strings.HasPrefix(typ, "multipart/") {
				attempts = append(attempts, attempt{"multipart to a JSON endpoint", "multipart/form-data; boundary=x", self, "same-origin", http.StatusUnsupportedMediaType, protocol.ErrBadPayload})
			}
		}
		for _, at := range attempts {
			resp := e.csrfRequest(ep.method, ep.path, ep.body, at.contentType, at.origin, at.fetchSite, alice)
			var eb protocol.ErrorBody
			raw, _ := io.ReadAll(resp.Body)
			json.Unmarshal(raw, &eb)
			if resp.StatusCode != at.status || eb.Error.Code != at.code {
				t.Errorf("%s %s, %s: %d %q, want %d %q", ep.method, ep.path, at.what, resp.StatusCode, eb.Error.Code, at.status, at.code)
			}
		}
	}
	// Nothing of the above took effect: Alice is still signed in, has only
	// her class 7b with its two students, and its code is the old one.
	var classes []protocol.ClassSummary
	decodeJSON(t, e.do("GET", "/api/classes", nil, alice), &classes)
	if len(classes) != 1 {
		t.Fatalf("classes after the attempts: %+v", classes)
	}
	var c protocol.ClassDetail
	decodeJSON(t, e.do("GET", "/api/classes/"+a.ID, nil, alice), &c)
	if c.Code != a.Code || len(c.Students) != 2 {
		t.Fatalf("class changed: %+v", c)
	}
	// The app's own requests still work, with the headers a browser sends
	// on them, and so do clients that send no such headers (curl).
	for _, h := range [][2]string{{self, "same-origin"}, {"", ""}} {
		resp := e.csrfRequest("POST", "/api/classes", `{"name":"eigene Seite"}`, "application/json; charset=utf-8", h[0], h[1], alice)
		if resp.StatusCode != http.StatusCreated {
			t.Errorf("same-origin create with %q/%q: %d", h[0], h[1], resp.StatusCode)
		}
	}
	if resp := e.csrfRequest("POST", "/api/classes/"+a.ID+"/code", "", "", self, "same-origin", alice); resp.StatusCode != http.StatusOK {
		t.Errorf("renew code from the own page: %d", resp.StatusCode)
	}
	if resp := e.csrfRequest("POST", "/logout", "", "", self, "same-origin", alice); resp.StatusCode != http.StatusOK {
		t.Errorf("logout from the own page: %d", resp.StatusCode)
	}
}
