package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// goTeacher is a teacher's session held by the test itself (an HTTP
// client with the session cookie), for tests whose browser is the
// student's: what the teacher sets up needs no second browser.
type goTeacher struct {
	srv    *server
	client *http.Client
}

// signInGo redeems the server's printed login link as the link's button
// would.
func signInGo(t testing.TB, srv *server) *goTeacher {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	u, err := url.Parse(srv.LoginURL)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"token": {u.Query().Get("token")}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("login: %s", resp.Status)
	}
	return &goTeacher{srv: srv, client: c}
}

// api sends a JSON body (or none) and decodes the JSON answer.
func (g *goTeacher) api(t testing.TB, method, path string, body any) map[string]any {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, g.srv.URL+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return g.do(t, req)
}

func (g *goTeacher) do(t testing.TB, req *http.Request) map[string]any {
	t.Helper()
	resp, err := g.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if resp.StatusCode >= 300 || json.Unmarshal(raw, &out) != nil {
		t.Fatalf("%s %s: %s %s", req.Method, req.URL.Path, resp.Status, raw)
	}
	return out
}

// postAssignment puts an assignment with one PDF worksheet on a class's
// board, as the board editor does: the assignment, then its file.
func (g *goTeacher) postAssignment(t testing.TB, classID, title, body string) {
	t.Helper()
	a := g.api(t, "POST", "/api/classes/"+classID+"/board", map[string]any{"title": title, "body": body})
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "Arbeitsblatt 1.pdf")
	fw.Write([]byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"))
	mw.Close()
	req, _ := http.NewRequest("POST", g.srv.URL+"/api/classes/"+classID+"/board/"+a["id"].(string)+"/files", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	g.do(t, req)
}

// classWithStudent makes a class with one listed student and returns the
// class id and the student's personal-link token.
func (g *goTeacher) classWithStudent(t testing.TB, className, student string) (classID, token string) {
	t.Helper()
	class := g.api(t, "POST", "/api/classes", map[string]any{"name": className})
	classID = class["id"].(string)
	class = g.api(t, "POST", "/api/classes/"+classID+"/students", map[string]any{"names": []string{student}})
	link := class["students"].([]any)[0].(map[string]any)["link"].(string)
	return classID, link[strings.LastIndex(link, "/s/")+3:]
}
