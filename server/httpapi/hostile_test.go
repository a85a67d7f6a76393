package httpapi

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"ersatzraum/app/protocol"
	"ersatzraum/server/accounts"
	"ersatzraum/server/admission"
)

// Hostile input to the HTTP API (issue 16). Each test is one defence of
// docs/security.md, "Limits against a hostile student (issue 16, part A)".

// A student behind the school's NAT who uses up the address's wrong join
// codes, and then its wrong links, does not lock anyone's personal link
// out of the board: a right Bearer token is always let in.
func TestWrongCodesAndLinksNeverRefuseARightToken(t *testing.T) {
	bc := newBoardClassWith(t, func(s *Server) {
		s.Guard = admission.NewGate(admission.Limits{GuessRate: rate.Every(time.Hour), GuessBurst: 3, TokenRate: rate.Every(time.Hour), TokenBurst: 3})
	})
	e := bc.e
	for i := 0; i < 4; i++ {
		ws := dialWS(t, e, nil)
		sendWS(t, ws, protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: "ZZZZ-ZZZZ", Name: "Mallory"})
		var perr protocol.Error
		readWS(t, ws, protocol.TypeError, &perr)
		if want := map[bool]string{true: protocol.ErrRateLimited, false: protocol.ErrUnknownLesson}[i == 3]; perr.Code != want {
			t.Fatalf("wrong code %d: %s, want %s", i+1, perr.Code, want)
		}
	}
	if resp := e.doAs("GET", "/api/board", nil, "", nil, bc.leaToken); resp.StatusCode != http.StatusOK {
		t.Fatalf("Lea's board after someone's wrong codes: HTTP %d", resp.StatusCode)
	}
	for i, want := range []int{401, 401, 401, 429, 429} {
		if resp := e.doAs("GET", "/api/board", nil, "", nil, "wrong-link-guess-000"+string(rune('a'+i))); resp.StatusCode != want {
			t.Fatalf("wrong link %d: HTTP %d, want %d", i+1, resp.StatusCode, want)
		}
	}
	if resp := e.doAs("GET", "/api/board", nil, "", nil, bc.maxToken); resp.StatusCode != http.StatusOK {
		t.Fatalf("Max's board after someone's wrong links: HTTP %d", resp.StatusCode)
	}
}

// pdfOf is a PDF of n bytes, different for each tag.
func pdfOf(tag string, n int) []byte {
	b := append([]byte("%PDF-1.4\n% "+tag+"\n"), bytes.Repeat([]byte("x"), n)...)
	return b[:n]
}

// A student cannot fill the disk: hand-ins stop at the student's quota
// and at the class's, and a refused hand-in leaves no file behind.
func TestHandInQuotas(t *testing.T) {
	bc := newBoardClassWith(t, func(s *Server) { s.Quota = Quota{Student: 100 << 10, Class: 150 << 10} })
	e := bc.e
	a := bc.assignment(t, `{"title":"Referat"}`)
	put := func(token, hid string, content []byte) *http.Response {
		return bc.handIn(t, token, a.ID, hid, []string{"kind", "handin"}, upload{"files", "r.pdf", content})
	}
	if resp := put(bc.leaToken, "lea-00000001", pdfOf("1", 60<<10)); resp.StatusCode != http.StatusCreated {
		t.Fatalf("first hand-in: HTTP %d", resp.StatusCode)
	}
	before := storedFiles(t, e.files.Dir())
	// 60 KiB more would be 120 KiB: over Lea's 100 KiB.
	expectAPIError(t, put(bc.leaToken, "lea-00000002", pdfOf("2", 60<<10)), http.StatusRequestEntityTooLarge, protocol.ErrQuota)
	if n := storedFiles(t, e.files.Dir()); n != before {
		t.Fatalf("a refused hand-in left %d files behind", n-before)
	}
	// Max has room of his own, but the class (150 KiB) has 90 KiB left.
	if resp := put(bc.maxToken, "max-00000001", pdfOf("3", 80<<10)); resp.StatusCode != http.StatusCreated {
		t.Fatalf("Max's hand-in: HTTP %d", resp.StatusCode)
	}
	expectAPIError(t, put(bc.maxToken, "max-00000002", pdfOf("4", 20<<10)), http.StatusRequestEntityTooLarge, protocol.ErrQuota)
	if n := storedFiles(t, e.files.Dir()); n != before+1 {
		t.Fatalf("%d files stored, want %d", n, before+1)
	}
}

// Texts and "done" marks count too: at most MaxHandInsPerAssignment per
// student and assignment.
func TestHandInCountIsCapped(t *testing.T) {
	bc := newBoardClass(t)
	a := bc.assignment(t, `{"title":"Notizen"}`)
	for i := 0; i < protocol.MaxHandInsPerAssignment; i++ {
		resp := bc.handIn(t, bc.leaToken, a.ID, fmt.Sprintf("lea-text-%04d", i), []string{"kind", "handin", "text", "Notiz"})
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("hand-in %d: HTTP %d", i+1, resp.StatusCode)
		}
	}
	expectAPIError(t, bc.handIn(t, bc.leaToken, a.ID, "lea-text-over", []string{"kind", "handin", "text", "Notiz"}), http.StatusRequestEntityTooLarge, protocol.ErrQuota)
}

// Nothing is stored for a refused hand-in: not for a closed or archived
// assignment, not for an invalid form, and not for a resent id (closed
// or not), which is only compared with what is stored.
func TestRefusedHandInsStoreNothing(t *testing.T) {
	bc := newBoardClass(t)
	e := bc.e
	open := bc.assignment(t, `{"title":"Offen"}`)
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	closed := bc.assignment(t, `{"title":"Zu","due":"`+past+`"}`)
	archived := bc.assignment(t, `{"title":"Weg"}`)
	if resp := e.doAs("POST", "/api/classes/"+bc.class.ID+"/board/"+archived.ID+"/archive", jsonBody(`{"archived":true}`), "application/json", bc.alice, ""); resp.StatusCode != 200 {
		t.Fatalf("archive: HTTP %d", resp.StatusCode)
	}
	if resp := bc.handIn(t, bc.leaToken, open.ID, "lea-first-01", []string{"kind", "handin"}, upload{"files", "a.pdf", pdfOf("first", 2000)}); resp.StatusCode != http.StatusCreated {
		t.Fatalf("first hand-in: HTTP %d", resp.StatusCode)
	}
	// Close the open one too, after Lea handed in.
	if resp := e.doAs("PUT", "/api/classes/"+bc.class.ID+"/board/"+open.ID, jsonBody(`{"title":"Offen","due":"`+past+`"}`), "application/json", bc.alice, ""); resp.StatusCode != 200 {
		t.Fatalf("close: HTTP %d", resp.StatusCode)
	}
	before := storedFiles(t, e.files.Dir())
	big := upload{"files", "b.pdf", pdfOf("big", 200<<10)}
	cases := []struct {
		what, aid, hid string
		fields         []string
		status         int
		code           string
	}{
		{"closed", closed.ID, "lea-closed-1", []string{"kind", "handin"}, http.StatusConflict, protocol.ErrClosed},
		{"archived", archived.ID, "lea-archiv-1", []string{"kind", "handin"}, http.StatusNotFound, protocol.ErrUnknownAssignment},
		{"resent id, other file, closed", open.ID, "lea-first-01", []string{"kind", "handin"}, http.StatusConflict, protocol.ErrConflict},
	}
	for _, c := range cases {
		expectAPIError(t, bc.handIn(t, bc.leaToken, c.aid, c.hid, c.fields, big), c.status, c.code)
		if n := storedFiles(t, e.files.Dir()); n != before {
			t.Fatalf("%s: %d files left behind", c.what, n-before)
		}
	}
	// An invalid form on an open assignment: the file came first, the
	// refusal after it.
	again := bc.assignment(t, `{"title":"Noch offen"}`)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("files", "b.pdf")
	fw.Write(big.content)
	mw.WriteField("kind", "nonsense")
	mw.Close()
	body, ct := buf.String(), mw.FormDataContentType()
	expectAPIError(t, e.doAs("PUT", "/api/board/"+again.ID+"/handins/lea-invalid-1", strings.NewReader(body), ct, nil, bc.leaToken), http.StatusBadRequest, protocol.ErrBadPayload)
	if n := storedFiles(t, e.files.Dir()); n != before {
		t.Fatalf("invalid form: %d files left behind", n-before)
	}
	// The same hand-in again is still answered as stored.
	if resp := bc.handIn(t, bc.leaToken, open.ID, "lea-first-01", []string{"kind", "handin"}, upload{"files", "a.pdf", pdfOf("first", 2000)}); resp.StatusCode != http.StatusOK {
		t.Fatalf("resent hand-in after closing: HTTP %d", resp.StatusCode)
	}
}

// Every name a teacher downloads ends in the extension of the type
// detected from the content: the single download and the zip.
func TestDownloadedNamesEndInTheDetectedType(t *testing.T) {
	bc := newBoardClass(t)
	e := bc.e
	a := bc.assignment(t, `{"title":"Namen"}`)
	names := []string{"Loesung.bat", "Aufgabe1.pdf.js", ".url", "start.hta"}
	var ups []upload
	for i, n := range names {
		ups = append(ups, upload{"files", n, pdfOf(fmt.Sprint(i), 1000+i)})
	}
	resp := bc.handIn(t, bc.leaToken, a.ID, "lea-names-01", []string{"kind", "handin"}, ups...)
	var rec protocol.HandInReceipt
	decodeJSON(t, resp, &rec)
	if len(rec.HandIn.Files) != len(names) {
		t.Fatalf("receipt %+v", rec)
	}
	for _, f := range rec.HandIn.Files {
		resp := e.doAs("GET", "/api/classes/"+bc.class.ID+"/board/"+a.ID+"/handins/lea-names-01/files/"+f.Hash, nil, "", bc.alice, "")
		cd := resp.Header.Get("Content-Disposition")
		_, params, err := mime.ParseMediaType(cd)
		if err != nil || !strings.HasSuffix(params["filename"], ".pdf") {
			t.Errorf("stored as %q, downloaded as %q", f.Name, cd)
		}
	}
	resp = e.doAs("GET", "/api/classes/"+bc.class.ID+"/board/"+a.ID+"/handins.zip", nil, "", bc.alice, "")
	raw := readAll(t, resp)
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != len(names) {
		t.Fatalf("%d zip entries", len(zr.File))
	}
	for _, zf := range zr.File {
		if !strings.HasSuffix(zf.Name, ".pdf") {
			t.Errorf("zip entry %q", zf.Name)
		}
	}
}

// Changing the password needs the current one (a session may be a stolen
// cookie or a staff-room PC left signed in), or a session a login link
// opened a moment ago; afterwards every other session ends.
func TestPasswordChangeNeedsTheOldPasswordAndEndsOtherSessions(t *testing.T) {
	e := newEnv(t)
	tch, token := e.teacher("Dora")
	linked := e.login(token) // fresh from a login link: may set the first password
	if resp := e.postJSON("/api/password", `{"password":"erstes-passwort-1"}`, linked, nil); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("first password from a fresh link: HTTP %d", resp.StatusCode)
	}
	resp := e.postJSON("/api/login", `{"name":"Dora","password":"erstes-passwort-1"}`, nil, nil)
	pc := sessionCookie(resp) // the staff-room PC
	if pc == nil {
		t.Fatalf("password login: HTTP %d", resp.StatusCode)
	}
	// The link's freshness was used up; neither session may change the
	// password without the current one.
	for _, c := range []*http.Cookie{linked, pc} {
		expectAPIError(t, e.postJSON("/api/password", `{"password":"uebernommen-123"}`, c, nil), http.StatusForbidden, protocol.ErrWrongPassword)
		expectAPIError(t, e.postJSON("/api/password", `{"password":"uebernommen-123","current":"geraten-geraten"}`, c, nil), http.StatusForbidden, protocol.ErrWrongPassword)
	}
	if resp := e.postJSON("/api/password", `{"password":"zweites-passwort-2","current":"erstes-passwort-1"}`, pc, nil); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("change with the current password: HTTP %d", resp.StatusCode)
	}
	expectAPIError(t, e.do("GET", "/api/me", nil, linked), http.StatusUnauthorized, protocol.ErrUnauthorized)
	if resp := e.do("GET", "/api/me", nil, pc); resp.StatusCode != http.StatusOK {
		t.Fatalf("the changing session ended too: HTTP %d", resp.StatusCode)
	}
	expectAPIError(t, e.postJSON("/api/login", `{"name":"Dora","password":"erstes-passwort-1"}`, nil, nil), http.StatusUnauthorized, protocol.ErrBadLogin)
	// Forgot it: the admin's new login link may set one without it.
	link, err := e.accounts.IssueLoginLink(context.Background(), tch.ID)
	if err != nil {
		t.Fatal(err)
	}
	if resp := e.postJSON("/api/password", `{"password":"drittes-passwort-3"}`, e.login(link), nil); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("new password from a fresh link: HTTP %d", resp.StatusCode)
	}
	expectAPIError(t, e.do("GET", "/api/me", nil, pc), http.StatusUnauthorized, protocol.ErrUnauthorized)
}

// A student at the school (same address as the staff room) cannot lock
// the teacher out: her browser carries the device cookie of an earlier
// login, and with it her right password still works while the address is
// throttled for her name.
func TestWrongPasswordsFromTheSameAddressDoNotLockOutTheOwnersBrowser(t *testing.T) {
	e := newEnv(t)
	tch, _ := e.teacher("Emil")
	e.accounts.SetPassword(context.Background(), tch.ID, "richtiges-passwort")
	resp := e.postJSON("/api/login", `{"name":"Emil","password":"richtiges-passwort"}`, nil, nil)
	var device *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == accounts.DeviceCookieName {
			device = c
		}
	}
	if device == nil || !device.HttpOnly || device.SameSite != http.SameSiteStrictMode {
		t.Fatalf("login set no proper device cookie: %+v", resp.Cookies())
	}
	for range accounts.DefaultThrottleLimits.PairBurst {
		expectAPIError(t, e.postJSON("/api/login", `{"name":"Emil","password":"geraten-geraten"}`, nil, nil), http.StatusUnauthorized, protocol.ErrBadLogin)
	}
	expectAPIError(t, e.postJSON("/api/login", `{"name":"Emil","password":"richtiges-passwort"}`, nil, nil), http.StatusTooManyRequests, protocol.ErrRateLimited)
	if resp := e.postJSON("/api/login", `{"name":"Emil","password":"richtiges-passwort"}`, device, nil); resp.StatusCode != http.StatusOK || sessionCookie(resp) == nil {
		t.Fatalf("owner's browser locked out: HTTP %d", resp.StatusCode)
	}
}
