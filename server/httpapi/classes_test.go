package httpapi

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"ersatzraum/app/protocol"
)

func jsonBody(s string) io.Reader { return strings.NewReader(s) }

func (e *env) class(cookie *http.Cookie, method, path, body string) (*http.Response, protocol.ClassDetail) {
	e.t.Helper()
	resp := e.do(method, path, jsonBody(body), cookie)
	var d protocol.ClassDetail
	if resp.StatusCode < 300 && resp.StatusCode != http.StatusNoContent {
		decodeJSON(e.t, resp, &d)
	}
	return resp, d
}

func TestClassLifecycle(t *testing.T) {
	e := newEnv(t)
	_, tokA := e.teacher("Alice")
	_, tokB := e.teacher("Bob")
	alice, bob := e.login(tokA), e.login(tokB)

	resp, c := e.class(alice, "POST", "/api/classes", `{"name":"  7b Mathe "}`)
	if resp.StatusCode != http.StatusCreated || c.Name != "7b Mathe" || len(c.Code) != 9 || !strings.HasSuffix(c.JoinURL, "/join/"+c.Code) {
		t.Fatalf("create: %d %+v", resp.StatusCode, c)
	}
	_, c = e.class(alice, "POST", "/api/classes/"+c.ID+"/students", `{"names":["Lea Schulz","","Ömer Kaya"]}`)
	if len(c.Students) != 2 || c.Students[0].Name != "Lea Schulz" || !strings.Contains(c.Students[1].Link, "/s/") {
		t.Fatalf("students: %+v", c.Students)
	}
	if c.Students[0].Link == c.Students[1].Link {
		t.Fatal("two students share a link")
	}

	// Duplicates (by the name a student types) and bad names are refused,
	// and nothing of such a list is stored.
	resp, _ = e.class(alice, "POST", "/api/classes/"+c.ID+"/students", `{"names":["Ida","LEA  schulz"]}`)
	expectAPIError(t, resp, http.StatusBadRequest, protocol.ErrDuplicateName)
	resp, _ = e.class(alice, "POST", "/api/classes/"+c.ID+"/students", `{"names":["Ida","a\u0000b"]}`)
	expectAPIError(t, resp, http.StatusBadRequest, protocol.ErrBadName)
	_, again := e.class(alice, "GET", "/api/classes/"+c.ID, "")
	if len(again.Students) != 2 || again.Code != c.Code || again.Students[0].Link != c.Students[0].Link {
		t.Fatalf("class changed by refused lists, or codes not stable: %+v", again)
	}

	// CSV as a German Excel writes it: BOM, semicolons, first and last name.
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/classes/"+c.ID+"/students", strings.NewReader("\ufeffNachname;Vorname;Geburtsdatum\r\nRoth;Ida;01.02.2013\r\nBerg;Jan;03.04.2013\r\n"))
	req.Header.Set("Content-Type", "text/csv; charset=utf-8")
	req.AddCookie(alice)
	r2, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Body.Close()
	decodeJSON(t, r2, &c)
	names := []string{}
	for _, s := range c.Students {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "Ida Roth,Jan Berg,Lea Schulz,Ömer Kaya" {
		t.Fatalf("after CSV: %v", names)
	}

	// Another teacher and anonymous callers see nothing.
	for _, path := range []string{"/api/classes/" + c.ID, "/classes/" + c.ID + "/print"} {
		expectAPIError(t, e.do("GET", path, nil, bob), http.StatusNotFound, protocol.ErrUnknownClass)
		expectAPIError(t, e.do("GET", path, nil, nil), http.StatusUnauthorized, protocol.ErrUnauthorized)
	}
	var list []protocol.ClassSummary
	decodeJSON(t, e.do("GET", "/api/classes", nil, bob), &list)
	if len(list) != 0 {
		t.Fatalf("Bob sees %+v", list)
	}
	decodeJSON(t, e.do("GET", "/api/classes", nil, alice), &list)
	if len(list) != 1 || list[0].Students != 4 {
		t.Fatalf("Alice's classes: %+v", list)
	}

	// Renewing the code and a link replaces them.
	_, renewed := e.class(alice, "POST", "/api/classes/"+c.ID+"/code", "")
	if renewed.Code == c.Code {
		t.Fatal("code not renewed")
	}
	lea := c.Students[2]
	_, relinked := e.class(alice, "POST", "/api/classes/"+c.ID+"/students/"+lea.ID+"/link", "")
	if relinked.Students[2].Link == lea.Link {
		t.Fatal("link not renewed")
	}
	_, removed := e.class(alice, "DELETE", "/api/classes/"+c.ID+"/students/"+lea.ID, "")
	if len(removed.Students) != 3 {
		t.Fatalf("after remove: %+v", removed.Students)
	}
	expectAPIError(t, e.do("DELETE", "/api/classes/"+c.ID+"/students/"+lea.ID, nil, alice), http.StatusNotFound, protocol.ErrUnknownStudent)
	if resp := e.do("DELETE", "/api/classes/"+c.ID, nil, bob); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("Bob deleted Alice's class: %d", resp.StatusCode)
	}
	if resp := e.do("DELETE", "/api/classes/"+c.ID, nil, alice); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	expectAPIError(t, e.do("GET", "/api/classes/"+c.ID, nil, alice), http.StatusNotFound, protocol.ErrUnknownClass)
}

func TestPrintSheetEscapesNames(t *testing.T) {
	e := newEnv(t)
	_, tok := e.teacher("Alice")
	alice := e.login(tok)
	_, c := e.class(alice, "POST", "/api/classes", `{"name":"5a <b>Kunst</b>"}`)
	e.class(alice, "POST", "/api/classes/"+c.ID+"/students", `{"names":["<img src=x onerror=alert(1)>","Lea"]}`)
	resp := e.do("GET", "/classes/"+c.ID+"/print", nil, alice)
	body, _ := io.ReadAll(resp.Body)
	page := string(body)
	if resp.StatusCode != 200 || strings.Count(page, `src="data:image/png;base64,`) != 2 {
		t.Fatalf("print sheet %d without two QR codes:\n%s", resp.StatusCode, page)
	}
	if strings.Contains(page, "<img src=x") || strings.Contains(page, "<b>Kunst") || !strings.Contains(page, "&lt;img src=x") {
		t.Fatal("names are not escaped on the print sheet")
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Error("print sheet with personal links may be cached")
	}
}

// A lesson of a class: class-list names and personal links enter directly,
// anyone else waits in the lobby.
func TestClassLessonJoins(t *testing.T) {
	e := newEnv(t)
	_, tok := e.teacher("Alice")
	alice := e.login(tok)
	_, c := e.class(alice, "POST", "/api/classes", `{"name":"7b Mathe"}`)
	_, c = e.class(alice, "POST", "/api/classes/"+c.ID+"/students", `{"names":["Lea Schulz"]}`)

	// Before a lesson starts, the class code leads nowhere yet.
	early := dialWS(t, e, nil)
	sendWS(t, early, protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: c.Code, Name: "Lea Schulz"})
	var perr protocol.Error
	readWS(t, early, protocol.TypeError, &perr)
	if perr.Code != protocol.ErrNotStarted {
		t.Fatalf("before the lesson: %+v", perr)
	}

	var created protocol.CreatedLesson
	resp := e.do("POST", "/api/lessons", jsonBody(`{"classId":"`+c.ID+`"}`), alice)
	decodeJSON(t, resp, &created)
	if created.Title != "7b Mathe" {
		t.Fatalf("class lesson title %q", created.Title)
	}
	if stored, err := e.db.Lesson(context.Background(), created.ID); err != nil || stored.ClassID != c.ID {
		t.Fatalf("stored class lesson: %+v, %v", stored, err)
	}
	expectAPIError(t, e.do("POST", "/api/lessons", jsonBody(`{"classId":"nope"}`), alice), http.StatusNotFound, protocol.ErrUnknownClass)

	lea := dialWS(t, e, nil)
	sendWS(t, lea, protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: c.Code, Name: "lea schulz"})
	var w protocol.Welcome
	readWS(t, lea, protocol.TypeWelcome, &w)
	if w.Name != "Lea Schulz" || w.Lesson.ID != created.ID {
		t.Fatalf("Lea: %+v", w)
	}
	token := c.Students[0].Link[strings.LastIndex(c.Students[0].Link, "/")+1:]
	personal := dialWS(t, e, nil)
	sendWS(t, personal, protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Personal: token})
	readWS(t, personal, protocol.TypeWelcome, &w)
	if w.Self != "r-"+c.Students[0].ID {
		t.Fatalf("personal link: %+v", w)
	}
	stranger := dialWS(t, e, nil)
	sendWS(t, stranger, protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: c.Code, Name: "Eve"})
	readWS(t, stranger, protocol.TypeWaiting, nil)
	adhoc := dialWS(t, e, nil)
	sendWS(t, adhoc, protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: created.Code, Name: "Mallory"})
	readWS(t, adhoc, protocol.TypeWaiting, nil)
}

func TestNamesFromCSV(t *testing.T) {
	cases := map[string]string{
		"Lea Schulz\nÖmer Kaya\n":                         "Lea Schulz|Ömer Kaya",
		"Name,Klasse\nLea Schulz,7b\n\"Kaya, Ömer\",7b\n": "Lea Schulz|Kaya, Ömer",
		"\ufeffVorname;Nachname\r\nLea;Schulz\r\n":        "Lea Schulz",
		"Nachname\tVorname\nSchulz\tLea\n":                "Lea Schulz",
		"Schüler;Geburtstag\nLea Schulz;1.1.2013\n;\n":    "Lea Schulz",
	}
	for in, want := range cases {
		got, err := NamesFromCSV([]byte(in))
		if err != nil || strings.Join(got, "|") != want {
			t.Errorf("NamesFromCSV(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "Name\n", "a,\"b\n"} {
		if _, err := NamesFromCSV([]byte(bad)); err == nil {
			t.Errorf("NamesFromCSV(%q) accepted", bad)
		}
	}
}
