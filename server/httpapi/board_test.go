package httpapi

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"ersatzraum/app/protocol"
	"ersatzraum/server/admission"
)

// Test contents with the magic bytes of their types.
var (
	testPDF  = append([]byte("%PDF-1.4\n% Arbeitsblatt\n"), bytes.Repeat([]byte("0123456789"), 300)...)
	testPNG  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 900)...)
	testELF  = append([]byte("\x7fELF\x02\x01\x01\x00"), bytes.Repeat([]byte{0}, 900)...)
	testHTML = []byte("<!doctype html><html><script>alert(document.cookie)</script></html>")
)

// authzBoundary marks a multipart body in the authorization table, whose
// rows are strings; doAs sends such a body as multipart/form-data.
const authzBoundary = "authz-boundary-7f3a"

type upload struct {
	field, name string
	content     []byte
}

// multipartBody builds a form with fields (in order: name, value, …) and files.
func multipartBody(t testing.TB, boundary string, fields []string, uploads ...upload) (string, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if boundary != "" {
		mw.SetBoundary(boundary)
	}
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	for _, u := range uploads {
		fw, err := mw.CreateFormFile(u.field, u.name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(u.content)
	}
	mw.Close()
	return b.String(), mw.FormDataContentType()
}

// doAs sends a request as a teacher (cookie) or a student (personal-link
// token), or both or neither.
func (e *env) doAs(method, path string, body io.Reader, contentType string, cookie *http.Cookie, token string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType == "" && body != nil {
		contentType = "application/json"
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// boardClass is a class of Alice's with Lea and Max on the list.
type boardClass struct {
	e                  *env
	alice              *http.Cookie
	class              protocol.ClassDetail
	leaToken, maxToken string
}

func newBoardClass(t *testing.T) *boardClass { return newBoardClassWith(t, nil) }

// newBoardClassWith is newBoardClass on a server changed by adjust.
func newBoardClassWith(t *testing.T, adjust func(*Server)) *boardClass {
	e := newEnvWith(t, adjust)
	_, tok := e.teacher("Alice")
	bc := &boardClass{e: e, alice: e.login(tok)}
	_, bc.class = e.class(bc.alice, "POST", "/api/classes", `{"name":"7b"}`)
	_, bc.class = e.class(bc.alice, "POST", "/api/classes/"+bc.class.ID+"/students", `{"names":["Lea","Max"]}`)
	bc.leaToken, bc.maxToken = lastPathPart(bc.class.Students[0].Link), lastPathPart(bc.class.Students[1].Link)
	return bc
}

func (bc *boardClass) assignment(t *testing.T, body string) protocol.BoardAssignment {
	t.Helper()
	resp := bc.e.doAs("POST", "/api/classes/"+bc.class.ID+"/board", jsonBody(body), "application/json", bc.alice, "")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create assignment: %d", resp.StatusCode)
	}
	var a protocol.BoardAssignment
	decodeJSON(t, resp, &a)
	return a
}

func (bc *boardClass) attach(t *testing.T, aid, name string, content []byte) *http.Response {
	body, ct := multipartBody(t, "", nil, upload{"file", name, content})
	return bc.e.doAs("POST", "/api/classes/"+bc.class.ID+"/board/"+aid+"/files", strings.NewReader(body), ct, bc.alice, "")
}

func (bc *boardClass) handIn(t *testing.T, token, aid, hid string, fields []string, uploads ...upload) *http.Response {
	body, ct := multipartBody(t, "", fields, uploads...)
	return bc.e.doAs("PUT", "/api/board/"+aid+"/handins/"+hid, strings.NewReader(body), ct, nil, token)
}

func (bc *boardClass) studentBoard(t *testing.T, token string) protocol.StudentBoard {
	t.Helper()
	resp := bc.e.doAs("GET", "/api/board", nil, "", nil, token)
	if resp.StatusCode != 200 {
		t.Fatalf("student board: %d", resp.StatusCode)
	}
	var sb protocol.StudentBoard
	decodeJSON(t, resp, &sb)
	return sb
}

func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func storedFiles(t *testing.T, dir string) int {
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

func TestBoardTeacherAndStudents(t *testing.T) {
	bc := newBoardClass(t)
	e, cid := bc.e, bc.class.ID
	now := time.Now()
	due := func(d time.Duration) string { return now.Add(d).UTC().Format(time.RFC3339) }
	a1 := bc.assignment(t, `{"title":"Bruchrechnung","body":"Seite 12\n\nhttps://example.org/aufgabe","due":"`+due(48*time.Hour)+`","graceMinutes":60}`)
	a2 := bc.assignment(t, `{"title":"Gedicht","due":"`+due(-time.Hour)+`","graceMinutes":120}`)  // in its grace window
	a3 := bc.assignment(t, `{"title":"Referat","due":"`+due(-3*time.Hour)+`","graceMinutes":60}`) // closed
	if a1.Position != 0 || a3.Position != 2 || a1.GraceMinutes != 60 || a1.Closes.IsZero() {
		t.Fatalf("created: %+v %+v", a1, a3)
	}

	// A worksheet for the first.
	resp := bc.attach(t, a1.ID, "Arbeitsblatt 1.pdf", testPDF)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("attach: %d %s", resp.StatusCode, readAll(t, resp))
	}
	decodeJSON(t, resp, &a1)
	if len(a1.Files) != 1 || a1.Files[0].Type != "application/pdf" || a1.Files[0].Name != "Arbeitsblatt 1.pdf" || a1.Files[0].Size != int64(len(testPDF)) {
		t.Fatalf("attachment: %+v", a1.Files)
	}
	sheet := a1.Files[0].Hash

	// Lea's board: three assignments in order, with their state for her.
	sb := bc.studentBoard(t, bc.leaToken)
	if sb.ClassName != "7b" || sb.Student.Name != "Lea" || len(sb.Assignments) != 3 || sb.UpdatedAt.IsZero() {
		t.Fatalf("student board: %+v", sb)
	}
	states := []string{sb.Assignments[0].State, sb.Assignments[1].State, sb.Assignments[2].State}
	if strings.Join(states, ",") != "open,open,missing" {
		t.Fatalf("states %v", states)
	}
	resp = e.doAs("GET", "/api/board/files/"+sheet, nil, "", nil, bc.leaToken)
	if got := readAll(t, resp); resp.StatusCode != 200 || !bytes.Equal(got, testPDF) ||
		resp.Header.Get("Content-Type") != "application/pdf" || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="Arbeitsblatt-1.pdf"`) {
		t.Fatalf("attachment download: %d %v", resp.StatusCode, resp.Header)
	}

	// Lea hands in text and a picture; the outbox sends it again.
	fields := []string{"kind", "handin", "text", "Meine Lösung:\n1/2 + 1/4 = 3/4", "clientAt", "2026-11-27T07:55:00.123456+01:00"}
	resp = bc.handIn(t, bc.leaToken, a1.ID, "01HZX3K6V9Q2W8AAAA", fields, upload{"files", "../Foto Heft.png", testPNG})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("hand in: %d %s", resp.StatusCode, readAll(t, resp))
	}
	var first protocol.HandInReceipt
	decodeJSON(t, resp, &first)
	if first.State != "handed-in" || first.HandIn.Late || len(first.HandIn.Files) != 1 || first.HandIn.Files[0].Name != "Foto Heft.png" ||
		first.HandIn.ClientAt.UnixMilli() != time.Date(2026, 11, 27, 6, 55, 0, 123e6, time.UTC).UnixMilli() {
		t.Fatalf("receipt: %+v", first)
	}
	resp = bc.handIn(t, bc.leaToken, a1.ID, "01HZX3K6V9Q2W8AAAA", fields, upload{"files", "../Foto Heft.png", testPNG})
	var replay protocol.HandInReceipt
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("replay: %d %s", resp.StatusCode, readAll(t, resp))
	}
	decodeJSON(t, resp, &replay)
	if !replay.HandIn.ReceivedAt.Equal(first.HandIn.ReceivedAt) || replay.HandIn.ID != first.HandIn.ID {
		t.Fatalf("replay answered %+v, first %+v", replay, first)
	}
	// Same id, other content: refused, nothing changes.
	expectAPIError(t, bc.handIn(t, bc.leaToken, a1.ID, "01HZX3K6V9Q2W8AAAA", []string{"kind", "handin", "text", "anders"}), http.StatusConflict, protocol.ErrConflict)
	// Max cannot take over Lea's id.
	expectAPIError(t, bc.handIn(t, bc.maxToken, a1.ID, "01HZX3K6V9Q2W8AAAA", fields), http.StatusConflict, protocol.ErrConflict)

	// In the grace window: late. After it: closed, but a replay of what was
	// accepted still answers 200.
	resp = bc.handIn(t, bc.leaToken, a2.ID, "lea-gedicht-0001", []string{"kind", "handin", "text", "Ein Gedicht"})
	var late protocol.HandInReceipt
	decodeJSON(t, resp, &late)
	if resp.StatusCode != http.StatusCreated || late.State != "late" || !late.HandIn.Late {
		t.Fatalf("late hand-in: %d %+v", resp.StatusCode, late)
	}
	expectAPIError(t, bc.handIn(t, bc.leaToken, a3.ID, "lea-referat-0001", []string{"kind", "handin", "text", "zu spät"}), http.StatusConflict, protocol.ErrClosed)
	// Max marks the first done (JSON is enough without files).
	resp = e.doAs("PUT", "/api/board/"+a1.ID+"/handins/max-done-00001", jsonBody(`{"kind":"done"}`), "application/json", nil, bc.maxToken)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("done: %d %s", resp.StatusCode, readAll(t, resp))
	}
	for _, bad := range [][]string{{"kind", "maybe"}, {"kind", "handin"}, {"kind", "handin", "text", "x", "clientAt", "gestern"}} {
		expectAPIError(t, bc.handIn(t, bc.maxToken, a1.ID, "max-bad-00001", bad), http.StatusBadRequest, protocol.ErrBadPayload)
	}
	expectAPIError(t, bc.handIn(t, bc.maxToken, a1.ID, "short", []string{"kind", "done"}), http.StatusBadRequest, protocol.ErrBadPayload)

	// The teacher's board: counts over the class list.
	var tb protocol.TeacherBoard
	decodeJSON(t, e.doAs("GET", "/api/classes/"+cid+"/board", nil, "", bc.alice, ""), &tb)
	if len(tb.Assignments) != 3 || tb.Students != 2 {
		t.Fatalf("teacher board: %+v", tb)
	}
	c1, c2, c3 := *tb.Assignments[0].Counts, *tb.Assignments[1].Counts, *tb.Assignments[2].Counts
	if c1 != (protocol.BoardCounts{HandedIn: 1, Done: 1}) || c2 != (protocol.BoardCounts{Late: 1, Open: 1}) || c3 != (protocol.BoardCounts{Missing: 2}) {
		t.Fatalf("counts %+v %+v %+v", c1, c2, c3)
	}

	// Editing keeps the hand-ins.
	resp = e.doAs("PUT", "/api/classes/"+cid+"/board/"+a1.ID, jsonBody(`{"title":"Bruchrechnung (neu)","body":"Seite 13"}`), "application/json", bc.alice, "")
	var edited protocol.BoardAssignment
	decodeJSON(t, resp, &edited)
	if resp.StatusCode != 200 || edited.Title != "Bruchrechnung (neu)" || !edited.Due.IsZero() || len(edited.Files) != 1 {
		t.Fatalf("edit: %d %+v", resp.StatusCode, edited)
	}
	var view protocol.HandInsView
	decodeJSON(t, e.doAs("GET", "/api/classes/"+cid+"/board/"+a1.ID+"/handins", nil, "", bc.alice, ""), &view)
	if len(view.Students) != 2 || view.Students[0].Student.Name != "Lea" || view.Students[0].State != "handed-in" ||
		len(view.Students[0].HandIns) != 1 || view.Students[1].State != "done" || view.Students[0].HandIns[0].Text != "Meine Lösung:\n1/2 + 1/4 = 3/4" {
		t.Fatalf("hand-ins after edit: %+v", view)
	}
	photo := view.Students[0].HandIns[0].Files[0]
	resp = e.doAs("GET", "/api/classes/"+cid+"/board/"+a1.ID+"/handins/01HZX3K6V9Q2W8AAAA/files/"+photo.Hash, nil, "", bc.alice, "")
	if got := readAll(t, resp); resp.StatusCode != 200 || !bytes.Equal(got, testPNG) || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("hand-in download: %d %v", resp.StatusCode, resp.Header)
	}
	// Lea may fetch her own file back, Max may not.
	if resp := e.doAs("GET", "/api/board/"+a1.ID+"/handins/01HZX3K6V9Q2W8AAAA/files/"+photo.Hash, nil, "", nil, bc.leaToken); resp.StatusCode != 200 {
		t.Fatalf("own file: %d", resp.StatusCode)
	}
	expectAPIError(t, e.doAs("GET", "/api/board/"+a1.ID+"/handins/01HZX3K6V9Q2W8AAAA/files/"+photo.Hash, nil, "", nil, bc.maxToken), http.StatusNotFound, protocol.ErrUnknownFile)

	// All hand-ins as a zip.
	resp = e.doAs("GET", "/api/classes/"+cid+"/board/"+a1.ID+"/handins.zip", nil, "", bc.alice, "")
	raw := readAll(t, resp)
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("zip: %v %v", err, resp.Header)
	}
	got := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		got[f.Name] = string(b)
	}
	if len(got) != 2 || got["Lea/Text.txt"] != "Meine Lösung:\r\n1/2 + 1/4 = 3/4" || got["Lea/Foto Heft.png"] != string(testPNG) {
		t.Fatalf("zip entries: %v", keys(got))
	}

	// Reorder, archive: the student's board follows; the archived
	// assignment's worksheet is no longer served to students.
	var reordered protocol.TeacherBoard
	decodeJSON(t, e.doAs("POST", "/api/classes/"+cid+"/board/order", jsonBody(`{"ids":["`+a3.ID+`","`+a1.ID+`"]}`), "application/json", bc.alice, ""), &reordered)
	if reordered.Assignments[0].ID != a3.ID || reordered.Assignments[1].ID != a1.ID || reordered.Assignments[2].ID != a2.ID {
		t.Fatalf("order: %+v", reordered.Assignments)
	}
	expectAPIError(t, e.doAs("POST", "/api/classes/"+cid+"/board/order", jsonBody(`{"ids":["nope"]}`), "application/json", bc.alice, ""), http.StatusNotFound, protocol.ErrUnknownAssignment)
	before := e.doAs("GET", "/api/board", nil, "", nil, bc.leaToken)
	etag := before.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/board", nil)
	req.Header.Set("Authorization", "Bearer "+bc.leaToken)
	req.Header.Set("If-None-Match", etag)
	if r2, err := e.client.Do(req); err != nil || r2.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match: %v %v", r2, err)
	} else {
		r2.Body.Close()
	}
	var archived protocol.BoardAssignment
	decodeJSON(t, e.doAs("POST", "/api/classes/"+cid+"/board/"+a1.ID+"/archive", jsonBody(`{"archived":true}`), "application/json", bc.alice, ""), &archived)
	if !archived.Archived {
		t.Fatal("not archived")
	}
	sb = bc.studentBoard(t, bc.leaToken)
	if len(sb.Assignments) != 2 || sb.Assignments[0].ID != a3.ID {
		t.Fatalf("board after archive: %+v", sb.Assignments)
	}
	expectAPIError(t, e.doAs("GET", "/api/board/files/"+sheet, nil, "", nil, bc.leaToken), http.StatusNotFound, protocol.ErrUnknownFile)
	expectAPIError(t, bc.handIn(t, bc.leaToken, a1.ID, "lea-new-000001", []string{"kind", "done"}), http.StatusNotFound, protocol.ErrUnknownAssignment)
	// Detaching a file.
	var detached protocol.BoardAssignment
	decodeJSON(t, e.doAs("DELETE", "/api/classes/"+cid+"/board/"+a1.ID+"/files/"+sheet, nil, "", bc.alice, ""), &detached)
	if len(detached.Files) != 0 {
		t.Fatalf("detach: %+v", detached)
	}
	// Bad links and missing ones.
	expectAPIError(t, e.doAs("GET", "/api/board", nil, "", nil, "nicht-echt"), http.StatusUnauthorized, protocol.ErrUnauthorized)
	expectAPIError(t, e.doAs("GET", "/api/board", nil, "", nil, ""), http.StatusUnauthorized, protocol.ErrUnauthorized)
	for _, body := range []string{`{"title":""}`, `{"title":"x","graceMinutes":20161,"due":"` + due(time.Hour) + `"}`, `{"title":"x","due":"morgen"}`} {
		expectAPIError(t, e.doAs("POST", "/api/classes/"+cid+"/board", jsonBody(body), "application/json", bc.alice, ""), http.StatusBadRequest, protocol.ErrBadPayload)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestBoardFileLimitsAndTypes(t *testing.T) {
	bc := newBoardClass(t)
	a := bc.assignment(t, `{"title":"Arbeitsblatt"}`)
	big := append(append([]byte{}, testPDF...), bytes.Repeat([]byte("x"), 10<<20+1-len(testPDF))...)
	expectAPIError(t, bc.attach(t, a.ID, "gross.pdf", big), http.StatusRequestEntityTooLarge, protocol.ErrTooLarge)
	expectAPIError(t, bc.attach(t, a.ID, "programm.pdf", testELF), http.StatusUnsupportedMediaType, protocol.ErrBadFileType)
	expectAPIError(t, bc.attach(t, a.ID, "seite.pdf", testHTML), http.StatusUnsupportedMediaType, protocol.ErrBadFileType)
	expectAPIError(t, bc.attach(t, a.ID, "notiz.txt", []byte("Text ist kein Arbeitsblatt")), http.StatusUnsupportedMediaType, protocol.ErrBadFileType)
	if n := storedFiles(t, bc.e.files.Dir()); n != 0 {
		t.Fatalf("%d files stored by refused uploads", n)
	}
	var sa protocol.BoardAssignment
	resp := bc.attach(t, a.ID, "genau.pdf", big[:10<<20])
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("10 MiB exactly: %d", resp.StatusCode)
	}
	decodeJSON(t, resp, &sa)
	if len(sa.Files) != 1 || sa.Files[0].Size != 10<<20 {
		t.Fatalf("%+v", sa.Files)
	}

	// Hand-ins: at most five files, each at most 20 MiB, of the allowed types.
	var six []upload
	for i := range 6 {
		six = append(six, upload{"files", fmt.Sprintf("s%d.png", i), append(testPNG, byte(i))})
	}
	expectAPIError(t, bc.handIn(t, bc.leaToken, a.ID, "lea-six-000001", []string{"kind", "handin"}, six...), http.StatusBadRequest, protocol.ErrTooManyFiles)
	expectAPIError(t, bc.handIn(t, bc.leaToken, a.ID, "lea-exe-000001", []string{"kind", "handin"}, upload{"files", "hausaufgabe.pdf", testELF}), http.StatusUnsupportedMediaType, protocol.ErrBadFileType)
	huge := append(append([]byte{}, testPDF...), bytes.Repeat([]byte("y"), 20<<20+1-len(testPDF))...)
	expectAPIError(t, bc.handIn(t, bc.leaToken, a.ID, "lea-big-000001", []string{"kind", "handin"}, upload{"files", "scan.pdf", huge}), http.StatusRequestEntityTooLarge, protocol.ErrTooLarge)
	resp = bc.handIn(t, bc.leaToken, a.ID, "lea-txt-000001", []string{"kind", "handin"}, upload{"files", "antwort.txt", []byte("Antwort: 42")})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("text file: %d %s", resp.StatusCode, readAll(t, resp))
	}
	var view protocol.HandInsView
	decodeJSON(t, bc.e.doAs("GET", "/api/classes/"+bc.class.ID+"/board/"+a.ID+"/handins", nil, "", bc.alice, ""), &view)
	if n := len(view.Students[0].HandIns); n != 1 {
		t.Fatalf("refused hand-ins were stored: %d", n)
	}
}

func TestBoardUnavailableWithoutFileStore(t *testing.T) {
	s := &Server{Classes: nil}
	w := newRecorder()
	if s.boardReady(w) || w.Code != http.StatusServiceUnavailable {
		t.Fatalf("%d", w.Code)
	}
	var body protocol.ErrorBody
	json.Unmarshal(w.Body.Bytes(), &body)
	if body.Error.Code != protocol.ErrUnavailable {
		t.Fatalf("%+v", body)
	}
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

// authzBoard is what the board rows of TestHTTPAuthorization work on.
type authzBoard struct {
	aid, sheet, hid, photo string
	upload                 string // a multipart body with one PDF (boundary authzBoundary)
}

func newAuthzBoard(t *testing.T, w *authzWorld) authzBoard {
	t.Helper()
	e, alice := w.e, w.cookies[owner]
	var ab authzBoard
	var a protocol.BoardAssignment
	decodeJSON(t, e.doAs("POST", "/api/classes/"+w.classA.ID+"/board", jsonBody(`{"title":"Aufgabe"}`), "", alice, ""), &a)
	ab.aid = a.ID
	ab.upload, _ = multipartBody(t, authzBoundary, nil, upload{"file", "blatt.pdf", testPDF})
	decodeJSON(t, e.doAs("POST", "/api/classes/"+w.classA.ID+"/board/"+a.ID+"/files", strings.NewReader(ab.upload), authzContentType(ab.upload), alice, ""), &a)
	ab.sheet = a.Files[0].Hash
	ab.hid = "authz-max-00001"
	body, ct := multipartBody(t, "", []string{"kind", "handin"}, upload{"files", "foto.png", testPNG})
	var rec protocol.HandInReceipt
	decodeJSON(t, e.doAs("PUT", "/api/board/"+a.ID+"/handins/"+ab.hid, strings.NewReader(body), ct, nil, w.studentToken(studentHere)), &rec)
	ab.photo = rec.HandIn.Files[0].Hash
	return ab
}

// authzContentType sends the table's multipart bodies as such.
func authzContentType(body string) string {
	if strings.HasPrefix(body, "--"+authzBoundary) {
		return "multipart/form-data; boundary=" + authzBoundary
	}
	if body != "" {
		return "application/json"
	}
	return ""
}

// studentToken is the personal link a caller sends over HTTP, if a
// student: Max's for 7b (the table renews Lea's link early on).
func (w *authzWorld) studentToken(caller string) string {
	switch caller {
	case studentHere:
		return lastPathPart(w.classA.Students[1].Link)
	case studentThere:
		return w.idaToken
	}
	return ""
}

// Guessing personal links over HTTP has a per-address budget (its own,
// not the join codes'): after 20 wrong links the address gets 429.
func TestWrongPersonalLinksAreLimited(t *testing.T) {
	e := newEnvWith(t, func(s *Server) {
		s.Guard = admission.NewGate(admission.Limits{TokenRate: rate.Every(time.Hour), TokenBurst: 20})
	})
	got429 := 0
	for i := 0; i < 25; i++ {
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/board", nil)
		req.Header.Set("Authorization", "Bearer "+fmt.Sprintf("guess%021d", i))
		resp, err := e.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusUnauthorized:
			if got429 > 0 {
				t.Fatalf("guess %d answered 401 after a 429", i)
			}
		case http.StatusTooManyRequests:
			got429++
		default:
			t.Fatalf("guess %d: HTTP %d", i, resp.StatusCode)
		}
	}
	if got429 != 5 {
		t.Fatalf("%d guesses refused with 429, want the 5 beyond the burst of 20", got429)
	}
}
