package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gorilla/websocket"
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/protocol"
	"ersatzraum/server/accounts"
	"ersatzraum/server/admission"
	"ersatzraum/server/codes"
	"ersatzraum/server/files"
	"ersatzraum/server/roster"
	"ersatzraum/server/signaling"
	"ersatzraum/server/storage"
)

// Fake build outputs: the compressed copies differ from the raw file so
// that a test can tell which one was served.
var (
	rawWasm = bytes.Repeat([]byte("\x00asm-raw-"), 100)
	brWasm  = []byte("brotli-packed")
	gzWasm  = []byte("gzip-packed-wasm")
	appCSS  = []byte("body{margin:0}")
)

func testFiles() fstest.MapFS {
	return fstest.MapFS{
		"app.wasm":    {Data: rawWasm},
		"app.wasm.br": {Data: brWasm},
		"app.wasm.gz": {Data: gzWasm},
		"app.css":     {Data: appCSS},
		"icon.svg":    {Data: []byte("<svg/>")},
		"embed.go":    {Data: []byte("package web\n")},
		".hidden.css": {Data: []byte("secret{}")},
	}
}

type env struct {
	t        *testing.T
	db       *storage.DB
	accounts *accounts.Service
	writer   *roster.Writer
	hub      *signaling.Hub
	assets   *Assets
	handler  http.Handler
	srv      *httptest.Server
	client   *http.Client // does not follow redirects
	files    *files.Store // the board's files
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, nil)
}

// newEnvWith is newEnv with the server changed by adjust before it
// serves (limits of a test).
func newEnvWith(t *testing.T, adjust func(*Server)) *env {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	db, err := storage.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	accts := &accounts.Service{Store: db}
	writer := roster.NewWriter(db, log, nil)
	t.Cleanup(writer.Close)
	hub := signaling.NewHub(writer, log)
	assets, err := NewAssets(testFiles())
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{
		Accounts: accts,
		Lessons:  db,
		Host:     hub,
		Signaling: &signaling.Endpoint{
			Hub:      hub,
			Identify: TeacherIdentity(accts),
			Log:      log,
		},
		Assets: assets,
		Pages: &app.Handler{
			Name:                    "Ersatzraum",
			Title:                   "Ersatzraum",
			Lang:                    "de",
			Styles:                  []string{"/web/app.css"},
			Version:                 assets.Version(),
			Resources:               assets,
			WasmContentLengthHeader: WasmLengthHeader,
		},
		Log: log,
	}
	s.Classes, s.ClassHost, s.Records, s.Board = db, hub, db, db
	// One gate for the WebSocket and the HTTP API, as in production.
	gate := admission.NewGate(admission.DefaultLimits)
	s.Guard, hub.Guard = gate, gate
	s.Checks, hub.Checks = db, db
	s.Files = files.New(t.TempDir())
	if s.Sealer, err = codes.NewSealer(make([]byte, 32)); err != nil {
		t.Fatal(err)
	}
	accts.Devices = s.Sealer
	if adjust != nil {
		adjust(s)
		if g, ok := s.Guard.(*admission.Gate); ok {
			hub.Guard = g
		}
	}
	e := &env{t: t, db: db, accounts: accts, writer: writer, hub: hub, assets: assets, handler: s.Handler(), files: s.Files}
	e.srv = httptest.NewServer(e.handler)
	t.Cleanup(e.srv.Close)
	e.client = &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{DisableCompression: true},
		Timeout:       10 * time.Second,
	}
	return e
}

// teacher creates a teacher account and returns it with a login token.
func (e *env) teacher(name string) (storage.Teacher, string) {
	e.t.Helper()
	ctx := context.Background()
	tch, err := e.accounts.AddTeacher(ctx, name)
	if err != nil {
		e.t.Fatal(err)
	}
	token, err := e.accounts.IssueLoginLink(ctx, tch.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return tch, token
}

func (e *env) do(method, path string, body io.Reader, cookie *http.Cookie) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
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

// login redeems a token through POST /login (the button on the page that
// GET /login shows) and returns the session cookie.
func (e *env) login(token string) *http.Cookie {
	e.t.Helper()
	resp := e.postForm("/login", url.Values{"token": {token}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login: %d", resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == accounts.CookieName {
			return c
		}
	}
	e.t.Fatal("login set no session cookie")
	return nil
}

func decodeJSON(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want JSON", ct)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func expectAPIError(t *testing.T, resp *http.Response, status int, code string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d", resp.StatusCode, status)
	}
	var body protocol.ErrorBody
	decodeJSON(t, resp, &body)
	if body.Error.Code != code {
		t.Fatalf("error code %q, want %q (%s)", body.Error.Code, code, body.Error.Message)
	}
}

func TestLoginLink(t *testing.T) {
	e := newEnv(t)
	tch, token := e.teacher("Alice")

	resp := e.postForm("/login", url.Values{"token": {token}}, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/konto" {
		t.Fatalf("login: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == accounts.CookieName {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatal("no session cookie")
	}
	if !cookie.HttpOnly || cookie.Value == "" || cookie.Value == token || cookie.Path != "/" ||
		cookie.SameSite != http.SameSiteLaxMode || cookie.Secure {
		t.Fatalf("session cookie = %+v", cookie)
	}
	if !strings.Contains(resp.Header.Get("Set-Cookie"), "HttpOnly") {
		t.Fatalf("Set-Cookie = %q", resp.Header.Get("Set-Cookie"))
	}

	// The cookie identifies the teacher.
	resp = e.do("GET", "/api/me", nil, cookie)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/api/me with cookie: %d", resp.StatusCode)
	}
	var me protocol.Me
	decodeJSON(t, resp, &me)
	if me.Teacher.ID != tch.ID || me.Teacher.Name != "Alice" {
		t.Fatalf("/api/me = %+v", me)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("/api/me Cache-Control %q", cc)
	}

	// A used, unknown or missing token is refused with a page, no cookie.
	for _, path := range []string{"/login?token=" + token, "/login?token=nope", "/login"} {
		u, _ := url.Parse(path)
		resp := e.postForm("/login", u.Query(), nil)
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: %d, want 400", path, resp.StatusCode)
		}
		if len(resp.Cookies()) != 0 {
			t.Fatalf("%s set cookies %v", path, resp.Cookies())
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Fatalf("%s: Content-Type %q", path, ct)
		}
	}

	// Logout ends the session.
	resp = e.do("POST", "/logout", nil, cookie)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	cleared := false
	for _, c := range resp.Cookies() {
		if c.Name == accounts.CookieName && c.MaxAge < 0 {
			cleared = true
		}
	}
	if !cleared {
		t.Error("logout did not clear the cookie")
	}
	expectAPIError(t, e.do("GET", "/api/me", nil, cookie), http.StatusUnauthorized, protocol.ErrUnauthorized)
}

func TestMe(t *testing.T) {
	e := newEnv(t)
	expectAPIError(t, e.do("GET", "/api/me", nil, nil), http.StatusUnauthorized, protocol.ErrUnauthorized)
	forged := &http.Cookie{Name: accounts.CookieName, Value: "0123456789abcdef"}
	expectAPIError(t, e.do("GET", "/api/me", nil, forged), http.StatusUnauthorized, protocol.ErrUnauthorized)
}

func createLesson(t *testing.T, e *env, cookie *http.Cookie, body string) *http.Response {
	t.Helper()
	return e.do("POST", "/api/lessons", strings.NewReader(body), cookie)
}

var codePattern = regexp.MustCompile(`^[` + codes.CodeAlphabet + `]{4}-[` + codes.CodeAlphabet + `]{4}$`)

func TestCreateLesson(t *testing.T) {
	e := newEnv(t)
	tch, token := e.teacher("Alice")
	cookie := e.login(token)

	expectAPIError(t, createLesson(t, e, nil, `{"title":"Mathe"}`), http.StatusUnauthorized, protocol.ErrUnauthorized)

	for name, body := range map[string]string{
		"not json":   `title=Mathe`,
		"empty body": ``,
		"wrong type": `{"title":7}`,
		"too large":  `{"title":"` + strings.Repeat("a", 8<<10) + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			expectAPIError(t, createLesson(t, e, cookie, body), http.StatusBadRequest, protocol.ErrBadPayload)
		})
	}
	for name, title := range map[string]string{
		"missing":   ``,
		"blank":     `   `,
		"control":   `Mathe\u0007`,
		"bidi":      `Mathe\u202e`,
		"81 runes":  strings.Repeat("ä", protocol.MaxTitleRunes+1),
		"only tabs": `\t\t`,
	} {
		t.Run("title "+name, func(t *testing.T) {
			expectAPIError(t, createLesson(t, e, cookie, `{"title":"`+title+`"}`), http.StatusBadRequest, protocol.ErrBadName)
		})
	}
	if n := e.hub.LessonCount(); n != 0 {
		t.Fatalf("refused requests created %d lessons", n)
	}

	resp := createLesson(t, e, cookie, `{"title":"  Mathe 7b  "}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	var created protocol.CreatedLesson
	decodeJSON(t, resp, &created)
	if created.ID == "" || created.Title != "Mathe 7b" {
		t.Fatalf("created = %+v", created)
	}
	if !codePattern.MatchString(created.Code) {
		t.Fatalf("code %q is not XXXX-XXXX from the code alphabet", created.Code)
	}
	if created.JoinURL != e.srv.URL+"/join/"+created.Code {
		t.Fatalf("joinUrl = %q", created.JoinURL)
	}

	// It is stored, with the code only as a hash.
	stored, err := e.db.Lesson(context.Background(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.TeacherID != tch.ID || stored.Title != "Mathe 7b" ||
		!bytes.Equal(stored.CodeHash, codes.HashCode(codes.NormalizeCode(created.Code))) || !stored.EndedAt.IsZero() {
		t.Fatalf("stored lesson = %+v", stored)
	}
	if e.hub.LessonCount() != 1 {
		t.Fatalf("LessonCount = %d", e.hub.LessonCount())
	}

	// The teacher opens it over the WebSocket and gets the code.
	teacherWS := dialWS(t, e, cookie)
	sendWS(t, teacherWS, protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: created.ID})
	var tw protocol.Welcome
	readWS(t, teacherWS, protocol.TypeWelcome, &tw)
	if tw.Lesson.ID != created.ID || tw.Lesson.Code != created.Code || tw.Lesson.Title != "Mathe 7b" {
		t.Fatalf("teacher welcome = %+v", tw)
	}

	// The hub accepts the code, typed in any usual way.
	for _, code := range []string{created.Code, strings.ToLower(strings.ReplaceAll(created.Code, "-", ""))} {
		_, sw := joinAdmitted(t, e, teacherWS, code, "Ada")
		if sw.Lesson.ID != created.ID {
			t.Fatalf("student joined %+v", sw.Lesson)
		}
	}

	// Two lessons never share a code.
	resp = createLesson(t, e, cookie, `{"title":"Mathe 7c"}`)
	var second protocol.CreatedLesson
	decodeJSON(t, resp, &second)
	if second.ID == created.ID || second.Code == created.Code {
		t.Fatalf("second lesson = %+v, first %+v", second, created)
	}
}

func dialWS(t *testing.T, e *env, cookie *http.Cookie) *websocket.Conn {
	t.Helper()
	hdr := http.Header{"Origin": {e.srv.URL}}
	if cookie != nil {
		hdr.Set("Cookie", cookie.String())
	}
	ws, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.srv.URL, "http")+"/ws", hdr)
	if err != nil {
		t.Fatalf("dial /ws: %v (%v)", err, resp)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func sendWS(t *testing.T, ws *websocket.Conn, typ string, data any) {
	t.Helper()
	if err := ws.WriteMessage(websocket.TextMessage, protocol.MustEncode(typ, data)); err != nil {
		t.Fatal(err)
	}
}

func readWS(t *testing.T, ws *websocket.Conn, typ string, v any) {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, raw, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("waiting for %q: %v", typ, err)
	}
	env, perr := protocol.Decode(raw)
	if perr != nil || env.Type != typ {
		t.Fatalf("expected %q, got %s", typ, raw)
	}
	if v != nil {
		if perr := protocol.DecodeData(env, v); perr != nil {
			t.Fatal(perr)
		}
	}
}

func TestAttendance(t *testing.T) {
	e := newEnv(t)
	_, tokenA := e.teacher("Alice")
	_, tokenB := e.teacher("Bob")
	alice, bob := e.login(tokenA), e.login(tokenB)

	resp := createLesson(t, e, alice, `{"title":"Mathe"}`)
	var created protocol.CreatedLesson
	decodeJSON(t, resp, &created)
	path := "/api/lessons/" + created.ID + "/attendance"

	// Empty roll call: an empty list, not null.
	resp = e.do("GET", path, nil, alice)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("owner: %d", resp.StatusCode)
	}
	raw, _ := io.ReadAll(resp.Body)
	if strings.TrimSpace(string(raw)) != "[]" {
		t.Fatalf("empty attendance = %s", raw)
	}

	// Two students join over the WebSocket (the teacher lets them in from
	// the lobby); one leaves again.
	teacherWS := dialWS(t, e, alice)
	sendWS(t, teacherWS, protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: created.ID})
	readWS(t, teacherWS, protocol.TypeWelcome, nil)
	joinAdmitted(t, e, teacherWS, created.Code, "Ada")
	bea, _ := joinAdmitted(t, e, teacherWS, created.Code, "Bea")
	bea.Close()

	// Bea's leave is recorded once the transport notices and the writer
	// has stored it.
	var lines []protocol.AttendanceLine
	deadline := time.Now().Add(5 * time.Second)
	for {
		e.writer.Sync()
		resp = e.do("GET", path, nil, alice)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("owner: %d", resp.StatusCode)
		}
		lines = nil
		decodeJSON(t, resp, &lines)
		if len(lines) == 2 && !lines[1].LeftAt.IsZero() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("attendance never showed Bea's leave: %+v", lines)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if lines[0].Name != "Ada" || lines[0].Status != protocol.StatusPresent || lines[0].JoinedAt.IsZero() || !lines[0].LeftAt.IsZero() {
		t.Errorf("Ada's line = %+v", lines[0])
	}
	if lines[1].Name != "Bea" || lines[1].LeftAt.Before(lines[1].JoinedAt) {
		t.Errorf("Bea's line = %+v", lines[1])
	}
	// Nothing but name, status and times leaves the server.
	resp = e.do("GET", path, nil, alice)
	var generic []map[string]any
	decodeJSON(t, resp, &generic)
	for _, l := range generic {
		for k := range l {
			switch k {
			case "name", "status", "joinedAt", "leftAt":
			default:
				t.Errorf("attendance line has field %q", k)
			}
		}
	}

	// Another teacher sees a missing lesson; nobody signed in sees nothing.
	expectAPIError(t, e.do("GET", path, nil, bob), http.StatusNotFound, protocol.ErrUnknownLesson)
	expectAPIError(t, e.do("GET", "/api/lessons/no-such-lesson/attendance", nil, alice), http.StatusNotFound, protocol.ErrUnknownLesson)
	expectAPIError(t, e.do("GET", path, nil, nil), http.StatusUnauthorized, protocol.ErrUnauthorized)
}

func TestHealthAndSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/healthz", "/readyz", "/api/me", "/web/app.css"} {
		resp := e.do("GET", path, nil, nil)
		h := resp.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" ||
			h.Get("Referrer-Policy") != "same-origin" || !strings.Contains(h.Get("Permissions-Policy"), "camera=(self)") {
			t.Errorf("%s: security headers missing: %v", path, h)
		}
	}
	if resp := e.do("GET", "/readyz", nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz: %d", resp.StatusCode)
	}
	e.db.Close()
	if resp := e.do("GET", "/readyz", nil, nil); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/readyz with a closed database: %d", resp.StatusCode)
	}
	if resp := e.do("GET", "/healthz", nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz: %d", resp.StatusCode)
	}
}

// get serves one request through the whole handler (go-app's page handler
// hands /web/ to Assets).
func (e *env) get(path string, hdr map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec
}

func TestAssetsEncoding(t *testing.T) {
	e := newEnv(t)
	rawLen := strconv.Itoa(len(rawWasm))
	tests := []struct {
		accept   string
		encoding string
		body     []byte
	}{
		{"gzip, deflate, br, zstd", "br", brWasm},
		{"br", "br", brWasm},
		{"gzip", "gzip", gzWasm},
		{"deflate, gzip;q=0.5", "gzip", gzWasm},
		{"br;q=0, gzip", "gzip", gzWasm},
		{"br;q=0, gzip;q=0", "", rawWasm},
		{"", "", rawWasm},
		{"identity", "", rawWasm},
		{"deflate", "", rawWasm},
		{"brotli, gzipx", "", rawWasm},
	}
	for _, tc := range tests {
		t.Run(tc.accept, func(t *testing.T) {
			rec := e.get("/web/app.wasm", map[string]string{"Accept-Encoding": tc.accept})
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			h := rec.Header()
			if h.Get("Content-Encoding") != tc.encoding {
				t.Fatalf("Content-Encoding %q, want %q", h.Get("Content-Encoding"), tc.encoding)
			}
			if !bytes.Equal(rec.Body.Bytes(), tc.body) {
				t.Fatalf("body %q, want %q", rec.Body.Bytes(), tc.body)
			}
			if h.Get("Content-Length") != strconv.Itoa(len(tc.body)) {
				t.Errorf("Content-Length %q for %d bytes", h.Get("Content-Length"), len(tc.body))
			}
			if h.Get(WasmLengthHeader) != rawLen {
				t.Errorf("%s = %q, want the raw size %s", WasmLengthHeader, h.Get(WasmLengthHeader), rawLen)
			}
			if h.Get("Content-Type") != "application/wasm" {
				t.Errorf("Content-Type %q", h.Get("Content-Type"))
			}
			if !strings.Contains(strings.Join(h.Values("Vary"), ","), "Accept-Encoding") {
				t.Errorf("Vary %q", h.Values("Vary"))
			}
		})
	}

	// A file without a compressed copy is served as is, with no wasm size.
	rec := e.get("/web/app.css", map[string]string{"Accept-Encoding": "br, gzip"})
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "" || !bytes.Equal(rec.Body.Bytes(), appCSS) {
		t.Fatalf("app.css: %d %q %q", rec.Code, rec.Header().Get("Content-Encoding"), rec.Body.Bytes())
	}
	if rec.Header().Get("Content-Type") != "text/css; charset=utf-8" || rec.Header().Get(WasmLengthHeader) != "" {
		t.Errorf("app.css headers: %v", rec.Header())
	}

	// HEAD gives the headers only.
	req := httptest.NewRequest("HEAD", "/web/app.wasm", nil)
	req.Header.Set("Accept-Encoding", "br")
	hrec := httptest.NewRecorder()
	e.handler.ServeHTTP(hrec, req)
	if hrec.Code != http.StatusOK || hrec.Body.Len() != 0 || hrec.Header().Get("Content-Length") != strconv.Itoa(len(brWasm)) {
		t.Errorf("HEAD: %d, %d body bytes, Content-Length %q", hrec.Code, hrec.Body.Len(), hrec.Header().Get("Content-Length"))
	}
}

func TestAssetsCaching(t *testing.T) {
	e := newEnv(t)
	v := e.assets.Version()

	rec := e.get("/web/app.wasm?v="+v, nil)
	if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Fatalf("versioned wasm: Cache-Control %q", cc)
	}
	for _, path := range []string{"/web/app.wasm", "/web/app.wasm?v=0000000000000000", "/web/app.wasm?v=", "/web/app.css"} {
		rec := e.get(path, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("%s: Cache-Control %q, want no-cache", path, cc)
		}
	}

	// The ETag names the version and the encoding; a match is a 304.
	rec = e.get("/web/app.wasm?v="+v, map[string]string{"Accept-Encoding": "br"})
	etag := rec.Header().Get("ETag")
	if etag == "" || !strings.Contains(etag, v) {
		t.Fatalf("ETag %q", etag)
	}
	rec = e.get("/web/app.wasm?v="+v, map[string]string{"Accept-Encoding": "br", "If-None-Match": etag})
	if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Fatalf("If-None-Match %s: %d with %d bytes", etag, rec.Code, rec.Body.Len())
	}
	// The brotli copy's ETag does not validate the gzip copy.
	rec = e.get("/web/app.wasm?v="+v, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": etag})
	if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), gzWasm) {
		t.Fatalf("gzip with the brotli ETag: %d", rec.Code)
	}
}

func TestAssetsPrivateFiles(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{
		"/web/embed.go",
		"/web/.hidden.css",
		"/web/app.wasm.br",
		"/web/app.wasm.gz",
		"/web/missing.css",
		"/web/",
	} {
		rec := e.get(path, nil)
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, rec.Code)
		}
		if strings.Contains(rec.Body.String(), "package web") || strings.Contains(rec.Body.String(), "secret") {
			t.Errorf("%s leaked its content", path)
		}
	}
	// Over the network too (the mux cleans paths before go-app sees them).
	for _, path := range []string{"/web/embed.go", "/web/x/../embed.go"} {
		resp := e.do("GET", path, nil, nil)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode == http.StatusOK || bytes.Contains(body, []byte("package web")) {
			t.Errorf("%s: %d %q", path, resp.StatusCode, body)
		}
	}
}

// testPage stands in for the app's pages, which register their routes in
// the wasm build's packages.
type testPage struct{ app.Compo }

func (*testPage) Render() app.UI { return app.Main().Text("Ersatzraum test page") }

var registerRoutes sync.Once

func TestPagesUseVersionedWasm(t *testing.T) {
	registerRoutes.Do(func() { app.Route("/", func() app.Composer { return &testPage{} }) })
	e := newEnv(t)
	rec := e.get("/", nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("/: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if !strings.Contains(rec.Body.String(), "Ersatzraum test page") || !strings.Contains(rec.Body.String(), "/web/app.css") {
		t.Fatalf("page lacks its content or stylesheet: %s", rec.Body.String())
	}
	rec = e.get("/app.js", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("/app.js: %d", rec.Code)
	}
	if want := "/web/app.wasm?v=" + e.assets.Version(); !strings.Contains(rec.Body.String(), want) {
		t.Fatalf("app.js does not load %s", want)
	}
	if !strings.Contains(rec.Body.String(), WasmLengthHeader) {
		t.Fatalf("app.js does not read %s", WasmLengthHeader)
	}
}

func TestAssetsVersion(t *testing.T) {
	files := testFiles()
	a1, err := NewAssets(files)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := NewAssets(testFiles())
	if err != nil {
		t.Fatal(err)
	}
	if a1.Version() != a2.Version() {
		t.Fatalf("same content, versions %q and %q", a1.Version(), a2.Version())
	}
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(a1.Version()) {
		t.Fatalf("version %q", a1.Version())
	}
	if a1.WasmSize() != int64(len(rawWasm)) {
		t.Fatalf("WasmSize = %d", a1.WasmSize())
	}
	if got := a1.Resolve("/web/app.wasm"); got != "/web/app.wasm?v="+a1.Version() {
		t.Errorf("Resolve(/web/app.wasm) = %q", got)
	}
	if got := a1.Resolve("web/app.css"); got != "/web/app.css" {
		t.Errorf("Resolve(web/app.css) = %q", got)
	}
	if got := a1.Resolve("https://example.org/x.css"); got != "https://example.org/x.css" {
		t.Errorf("Resolve(absolute) = %q", got)
	}

	changed := map[string]func(fstest.MapFS){
		"one byte of css": func(f fstest.MapFS) { f["app.css"] = &fstest.MapFile{Data: []byte("body{margin:1}")} },
		"wasm":            func(f fstest.MapFS) { f["app.wasm"] = &fstest.MapFile{Data: append(bytes.Clone(rawWasm), 0)} },
		"new file":        func(f fstest.MapFS) { f["icon-192.png"] = &fstest.MapFile{Data: []byte("png")} },
		"renamed file":    func(f fstest.MapFS) { f["icon2.svg"] = f["icon.svg"]; delete(f, "icon.svg") },
		"removed file":    func(f fstest.MapFS) { delete(f, "app.wasm.gz") },
	}
	for name, change := range changed {
		t.Run(name, func(t *testing.T) {
			f := testFiles()
			change(f)
			a, err := NewAssets(f)
			if err != nil {
				t.Fatal(err)
			}
			if a.Version() == a1.Version() {
				t.Fatalf("version unchanged after changing %s", name)
			}
		})
	}

	// Without app.wasm the size is 0.
	f := testFiles()
	delete(f, "app.wasm")
	a, _ := NewAssets(f)
	if a.WasmSize() != 0 {
		t.Fatalf("WasmSize without wasm = %d", a.WasmSize())
	}

	// A file that cannot be read is an error, not a silent version.
	if _, err := NewAssets(brokenFS{}); err == nil {
		t.Fatal("NewAssets on an unreadable folder succeeded")
	}
}

type brokenFS struct{}

func (brokenFS) Open(string) (fs.File, error) { return nil, errors.New("disk on fire") }

// joinAdmitted joins a student who waits in the lobby until the teacher
// (connected on teacherWS) admits them.
func joinAdmitted(t *testing.T, e *env, teacherWS *websocket.Conn, code, name string) (*websocket.Conn, protocol.Welcome) {
	t.Helper()
	stu := dialWS(t, e, nil)
	sendWS(t, stu, protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: code, Name: name})
	readWS(t, stu, protocol.TypeWaiting, nil)
	var knock protocol.Knock
	readWS(t, teacherWS, protocol.TypeLobbyAdd, &knock)
	if knock.Name != name {
		t.Fatalf("knock = %+v", knock)
	}
	sendWS(t, teacherWS, protocol.TypeAdmit, protocol.Admission{IDs: []string{knock.ID}})
	var w protocol.Welcome
	readWS(t, stu, protocol.TypeWelcome, &w)
	readWS(t, teacherWS, protocol.TypeParticipant, nil)
	readWS(t, teacherWS, protocol.TypeLobbyRemove, nil)
	return stu, w
}
