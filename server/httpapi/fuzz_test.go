package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ersatzraum/app/protocol"
)

// FuzzHTTPAPI sends arbitrary requests to the whole HTTP surface: any
// method, a path (with {class}, {lesson}, {aid}, {hid} standing for real
// ids, so that deep handlers are reached), a Content-Type, one more
// header, a body (malformed JSON, broken multipart), and one of four
// callers. Whatever arrives, the server must not panic or answer 500, an
// API error must be the protocol's JSON error body, and a caller who does
// not own Alice's class must leave it as it was. `make test` runs the
// seed corpus (the seeds below plus testdata/fuzz/FuzzHTTPAPI);
// `go test -fuzz FuzzHTTPAPI ./server/httpapi` explores further.
func FuzzHTTPAPI(f *testing.F) {
	mp := "--B\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nhandin\r\n--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.4 x\r\n--B--\r\n"
	seeds := []struct {
		method, path, ctype, header, body string
		caller                            byte
	}{
		{"GET", "/api/me", "", "", "", 1},
		{"POST", "/api/lessons", "application/json", "", `{"title":"Vertretung"}`, 1},
		{"POST", "/api/lessons", "application/json", "", `{"classId":"{class}"`, 2},
		{"POST", "/api/classes", "application/json", "", `{"name":` + strings.Repeat("[", 5000), 1},
		{"POST", "/api/classes/{class}/students", "application/json", "", `{"names":["\u202eevil","",null]}`, 3},
		{"POST", "/api/classes/{class}/students", "text/csv", "", "Name;Vorname\n\"unterminated", 1},
		{"POST", "/api/classes/{class}/settings", "application/json", "", `{"lateAfterMinutes":-1e308}`, 1},
		{"DELETE", "/api/classes/{class}/students/../../{class}", "", "", "", 3},
		{"GET", "/api/classes/%2e%2e/{class}", "", "", "", 3},
		{"POST", "/api/login", "application/json", "Origin: null", `{"name":"Alice","password":` + strings.Repeat("a", 10000) + `"}`, 0},
		{"POST", "/api/password", "application/json", "Sec-Fetch-Site: cross-site", `{"password":"neues-passwort-1"}`, 1},
		{"POST", "/login", "application/x-www-form-urlencoded", "", "token=%zz", 0},
		{"GET", "/login?token=" + strings.Repeat("x", 300), "", "", "", 0},
		{"GET", "/api/board", "", "Authorization: Bearer " + strings.Repeat("Z", 5000), "", 0},
		{"GET", "/api/board", "", "If-None-Match: \"\x00\"", "", 2},
		{"PUT", "/api/board/{aid}/handins/{hid}", "multipart/form-data; boundary=B", "", mp, 2},
		{"PUT", "/api/board/{aid}/handins/{hid}", "multipart/form-data; boundary=B", "", mp[:len(mp)/2], 2},
		{"PUT", "/api/board/{aid}/handins/{hid}", "multipart/form-data", "", mp, 2},
		{"PUT", "/api/board/{aid}/handins/short", "application/json", "", `{"kind":"done","clientAt":"gestern"}`, 2},
		{"PUT", "/api/board/{aid}/handins/{hid}", "application/json", "", `{"kind":"handin","text":"\u0000"}`, 2},
		{"POST", "/api/classes/{class}/board", "application/json", "", `{"title":"x","due":"2026-13-45T99:00:00Z","graceMinutes":1e9}`, 1},
		{"POST", "/api/classes/{class}/board/{aid}/files", "multipart/form-data; boundary=B", "", "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../etc/passwd\"\r\n\r\n#!/bin/sh\r\n--B--\r\n", 1},
		{"POST", "/api/classes/{class}/board/order", "application/json", "", `{"ids":["{aid}","{aid}","nope"]}`, 1},
		{"GET", "/api/classes/{class}/board/{aid}/handins/{hid}/files/" + strings.Repeat("0", 64), "", "", "", 1},
		{"GET", "/api/lessons/{lesson}/attendance.csv", "", "Range: bytes=9999999-", "", 3},
		{"GET", "/classes/{class}/print", "", "Accept-Language: \xff\xfe", "", 1},
		{"GET", "/web/../../etc/passwd", "", "Accept-Encoding: br, gzip;q=abc", "", 0},
		{"OPTIONS", "/api/classes", "", "Origin: https://evil.example", "", 0},
		{"BREW", "/", "", "", "", 0},
		{"GET", "/s/x\"><b>y", "", "", "", 0},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.ctype, s.header, []byte(s.body), s.caller)
	}
	f.Fuzz(func(t *testing.T, method, path, ctype, header string, body []byte, caller byte) {
		bc := newBoardClass(t)
		e := bc.e
		_, bobToken := e.teacher("Bob")
		bob := e.login(bobToken)
		a := bc.assignment(t, `{"title":"Aufgabe"}`)
		var lesson protocol.CreatedLesson
		decodeJSON(t, e.do("POST", "/api/lessons", jsonBody(`{"classId":"`+bc.class.ID+`"}`), bc.alice), &lesson)
		before := classState(t, e, bc)

		path = strings.NewReplacer("{class}", bc.class.ID, "{lesson}", lesson.ID, "{aid}", a.ID, "{hid}", "fuzz-handin-1").Replace(path)
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		req, err := http.NewRequest(method, "http://ersatzraum.test"+path, bytes.NewReader(body))
		if err != nil {
			return // not a request a client can send
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if k, v, ok := strings.Cut(header, ":"); ok && k != "" {
			req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
		}
		switch caller % 4 {
		case 1:
			req.AddCookie(bc.alice)
		case 2:
			req.Header.Set("Authorization", "Bearer "+bc.leaToken)
		case 3:
			req.AddCookie(bob)
		}
		req.RemoteAddr = "198.51.100.7:4000"
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)

		if rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("%s %q (%q, %q): HTTP %d %s", method, path, ctype, header, rec.Code, rec.Body.String())
		}
		if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") && rec.Code >= 400 {
			var eb protocol.ErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &eb); err != nil || eb.Error.Code == "" {
				t.Fatalf("%s %q: HTTP %d with a body that is no error: %q", method, path, rec.Code, rec.Body.String())
			}
		}
		if caller%4 != 1 && classState(t, e, bc) != before {
			t.Fatalf("%s %q by caller %d changed Alice's class", method, path, caller%4)
		}
	})
}

// classState is what the owner sees of the class: its list, code and
// assignments (without the counts, which a student's hand-in changes), as
// one string to compare.
func classState(t *testing.T, e *env, bc *boardClass) string {
	t.Helper()
	resp := e.do("GET", "/api/classes/"+bc.class.ID, nil, bc.alice)
	state := resp.Status + string(readAll(t, resp))
	var tb protocol.TeacherBoard
	decodeJSON(t, e.do("GET", "/api/classes/"+bc.class.ID+"/board", nil, bc.alice), &tb)
	for i := range tb.Assignments {
		tb.Assignments[i].Counts = nil
	}
	raw, _ := json.Marshal(tb)
	return state + string(raw)
}
