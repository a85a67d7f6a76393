package httpapi

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"ersatzraum/app/protocol"
	"ersatzraum/server/accounts"
)

// postForm posts a form, as the login page's button does.
func (e *env) postForm(path string, form url.Values, hdr map[string]string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// postJSON posts a JSON body with optional headers.
func (e *env) postJSON(path, body string, cookie *http.Cookie, hdr map[string]string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == accounts.CookieName && c.Value != "" {
			return c
		}
	}
	return nil
}

// Opening a login link (as a chat app's preview or a mail scanner does)
// shows a button and does not use the link up.
func TestLoginLinkGetDoesNotConsume(t *testing.T) {
	e := newEnv(t)
	_, token := e.teacher("Alice")
	for range 3 {
		resp := e.do("GET", "/login?token="+token, nil, nil)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || len(resp.Cookies()) != 0 {
			t.Fatalf("GET /login: %d, cookies %v", resp.StatusCode, resp.Cookies())
		}
		page := string(body)
		for _, want := range []string{`<form method="post" action="/login">`, `name="token" value="` + token + `"`, `id="login-submit"`, "Anmelden", `href="/web/app.css"`} {
			if !strings.Contains(page, want) {
				t.Fatalf("login page lacks %q:\n%s", want, page)
			}
		}
		if strings.Contains(page, "<script") {
			t.Fatal("login page has a script")
		}
		// same-origin, not no-referrer: with no-referrer the browser sends
		// "Origin: null" with the form, which looks cross-site.
		if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Referrer-Policy") != "same-origin" {
			t.Fatalf("login page headers: %v", resp.Header)
		}
	}
	// An HTML-looking token is escaped, not injected.
	resp := e.do("GET", "/login?token="+url.QueryEscape(`"><script>x</script>`), nil, nil)
	body, _ := io.ReadAll(resp.Body)
	if strings.Contains(string(body), "<script>x") {
		t.Fatal("token not escaped")
	}
	if c := e.login(token); c == nil {
		t.Fatal("link used up by GET")
	}
}

func TestLoginPostRedirectsByPassword(t *testing.T) {
	e := newEnv(t)
	tch, token := e.teacher("Bernd")
	resp := e.postForm("/login", url.Values{"token": {token}}, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/konto" || sessionCookie(resp) == nil {
		t.Fatalf("first login without password: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if err := e.accounts.SetPassword(context.Background(), tch.ID, "ein-gutes-passwort"); err != nil {
		t.Fatal(err)
	}
	token2, _ := e.accounts.IssueLoginLink(context.Background(), tch.ID)
	resp = e.postForm("/login", url.Values{"token": {token2}}, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login with password set: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestLoginPostRefusesCrossSite(t *testing.T) {
	e := newEnv(t)
	_, token := e.teacher("Carla")
	for _, hdr := range []map[string]string{
		{"Origin": "https://evil.example"},
		{"Origin": "null"},
		{"Origin": "null", "Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
		{"Origin": e.srv.URL, "Sec-Fetch-Site": "cross-site"},
	} {
		resp := e.postForm("/login", url.Values{"token": {token}}, hdr)
		if resp.StatusCode != http.StatusForbidden || sessionCookie(resp) != nil {
			t.Fatalf("%v: %d, want 403 without a cookie", hdr, resp.StatusCode)
		}
	}
	// The refusals did not use the link up; same-origin posts work, also
	// with "Origin: null" when the browser vouches with Sec-Fetch-Site.
	resp := e.postForm("/login", url.Values{"token": {token}}, map[string]string{"Origin": e.srv.URL, "Sec-Fetch-Site": "same-origin"})
	if resp.StatusCode != http.StatusSeeOther || sessionCookie(resp) == nil {
		t.Fatalf("same-origin post: %d", resp.StatusCode)
	}
	_, token2 := e.teacher("Carlos")
	resp = e.postForm("/login", url.Values{"token": {token2}}, map[string]string{"Origin": "null", "Sec-Fetch-Site": "same-origin"})
	if resp.StatusCode != http.StatusSeeOther || sessionCookie(resp) == nil {
		t.Fatalf("Origin null, same-origin post: %d", resp.StatusCode)
	}
}

func TestAPILoginAndPassword(t *testing.T) {
	e := newEnv(t)
	_, token := e.teacher("Dora")
	cookie := e.login(token)

	// Setting a password needs a session and 10 characters.
	expectAPIError(t, e.postJSON("/api/password", `{"password":"lang-genug-123"}`, nil, nil), http.StatusUnauthorized, protocol.ErrUnauthorized)
	expectAPIError(t, e.postJSON("/api/password", `{"password":"zu-kurz"}`, cookie, nil), http.StatusBadRequest, protocol.ErrWeakPassword)
	expectAPIError(t, e.postJSON("/api/password", `{"password":"lang-genug-123"}`, cookie, map[string]string{"Origin": "https://evil.example"}), http.StatusForbidden, protocol.ErrCrossSite)
	expectAPIError(t, e.postJSON("/api/password", `nope`, cookie, nil), http.StatusBadRequest, protocol.ErrBadPayload)
	if resp := e.postJSON("/api/password", `{"password":"lang-genug-123"}`, cookie, nil); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("set password: %d", resp.StatusCode)
	}
	var me protocol.Me
	decodeJSON(t, e.do("GET", "/api/me", nil, cookie), &me)
	if !me.Teacher.HasPassword {
		t.Fatal("/api/me does not report the password")
	}

	// Password login.
	expectAPIError(t, e.postJSON("/api/login", `{"name":"Dora","password":"falsch-falsch"}`, nil, nil), http.StatusUnauthorized, protocol.ErrBadLogin)
	expectAPIError(t, e.postJSON("/api/login", `{"name":"Niemand","password":"lang-genug-123"}`, nil, nil), http.StatusUnauthorized, protocol.ErrBadLogin)
	resp := e.postJSON("/api/login", `{"name":"Dora","password":"lang-genug-123"}`, nil, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	session := sessionCookie(resp)
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure {
		t.Fatalf("session cookie %+v", session)
	}
	decodeJSON(t, resp, &me)
	if me.Teacher.Name != "Dora" {
		t.Fatalf("login answer %+v", me)
	}
	if resp := e.do("GET", "/api/me", nil, session); resp.StatusCode != http.StatusOK {
		t.Fatalf("/api/me after password login: %d", resp.StatusCode)
	}

	// Logout ends that session.
	if resp := e.do("POST", "/logout", nil, session); resp.StatusCode != http.StatusOK {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	expectAPIError(t, e.do("GET", "/api/me", nil, session), http.StatusUnauthorized, protocol.ErrUnauthorized)
}

func TestAPILoginRateLimited(t *testing.T) {
	e := newEnv(t)
	tch, _ := e.teacher("Emil")
	e.accounts.SetPassword(context.Background(), tch.ID, "richtiges-passwort")
	for range accounts.DefaultThrottleLimits.PairBurst {
		expectAPIError(t, e.postJSON("/api/login", `{"name":"Emil","password":"falsches-passwort"}`, nil, nil), http.StatusUnauthorized, protocol.ErrBadLogin)
	}
	resp := e.postJSON("/api/login", `{"name":"Emil","password":"richtiges-passwort"}`, nil, nil)
	retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	if retry < 1 || retry > 60 {
		t.Fatalf("Retry-After %q", resp.Header.Get("Retry-After"))
	}
	expectAPIError(t, resp, http.StatusTooManyRequests, "rate-limited")
	if sessionCookie(resp) != nil {
		t.Fatal("throttled login set a cookie")
	}
}
