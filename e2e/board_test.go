package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBoardOfflineHandIn: the teacher posts an assignment with a worksheet
// through the class page; a student opens the board by the personal link
// and the worksheet; the server goes away; the student reloads, still sees
// the board, hands in text and a file into the outbox; the server comes
// back; the hand-in arrives exactly once and the teacher's overview shows
// it.
func TestBoardOfflineHandIn(t *testing.T) {
	addr, dir := freeAddr(t), t.TempDir()
	srv := startServer(t, addr, dir)
	teacher := newBrowser(t, "teacher")
	signIn(t, teacher, srv)
	class := apiFetch(t, teacher, "POST", "/api/classes", map[string]any{"name": "7b Mathe"})
	classID := class["id"].(string)
	class = apiFetch(t, teacher, "POST", "/api/classes/"+classID+"/students", map[string]any{"names": []string{"Anna Berg"}})
	link := class["students"].([]any)[0].(map[string]any)["link"].(string)
	token := link[strings.LastIndex(link, "/s/")+3:]

	files := t.TempDir()
	pdf := filepath.Join(files, "Arbeitsblatt 1.pdf")
	os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), 0o644)
	answer := filepath.Join(files, "loesung.txt")
	os.WriteFile(answer, []byte("1/2 + 1/4 = 3/4\n"), 0o644)

	// The teacher posts through the UI.
	do(t, teacher, "open the class page", chromedp.Navigate(srv.URL+"/class/"+classID))
	waitFor(t, teacher, "board form", `(document.querySelector('#board-title') || {}).matches?.(':enabled') && document.querySelector('#class-title').textContent === '7b Mathe'`, 30*time.Second)
	do(t, teacher, "fill in the assignment",
		chromedp.SendKeys(chromedp.CSS("#board-title"), "Bruchrechnung"),
		chromedp.SendKeys(chromedp.CSS("#board-body"), "Seite 12, Aufgabe 3.\n\nHilfe: https://example.org/brueche."),
		chromedp.SetUploadFiles(chromedp.CSS("#board-file"), []string{pdf}),
		chromedp.Click(chromedp.CSS("#board-save")),
	)
	item := `document.querySelector('.board-item[data-title="Bruchrechnung"]')`
	waitFor(t, teacher, "assignment listed with its worksheet", `(`+item+`?.querySelector('.attachments a') || {}).textContent === 'Arbeitsblatt 1.pdf'`, 20*time.Second)

	// The student opens the board and the worksheet.
	student := newBrowser(t, "student")
	do(t, student, "open the board", chromedp.Navigate(srv.URL+"/s/"+token+"/aufgaben"))
	card := `document.querySelector('.assignment[data-title="Bruchrechnung"]')`
	waitFor(t, student, "assignment shown", `!!`+card+` && `+card+`.querySelector('.state').dataset.state === 'open'`, 30*time.Second)
	if got := eval[string](t, student, card+`.querySelector('.board-body a').href`); got != "https://example.org/brueche" {
		t.Errorf("link in the text: %q", got)
	}
	waitFor(t, student, "service worker active", workerReady, 60*time.Second)
	do(t, student, "open the worksheet", chromedp.Click(chromedp.CSS(".assignment a.attachment")))
	waitFor(t, student, "worksheet kept offline", `document.querySelector('.assignment a.attachment').dataset.cached === 'true'`, 20*time.Second)

	// The network goes away.
	srv.stop(t)
	do(t, student, "reload offline", chromedp.Navigate(srv.URL+"/s/"+token+"/aufgaben"))
	waitFor(t, student, "board from the cache", `!!`+card+` && (document.querySelector('#board-updated') || {}).textContent?.includes('Zuletzt aktualisiert')`, 30*time.Second)
	waitFor(t, student, "worksheet still offline", `document.querySelector('.assignment a.attachment').dataset.cached === 'true'`, 20*time.Second)
	do(t, student, "type the answer", chromedp.SendKeys(chromedp.CSS(".assignment textarea.handin-text"), "Meine Lösung: 3/4"))
	// Nothing typed is lost: the tab closes (a reload), the draft is back.
	do(t, student, "reload before handing in", chromedp.Navigate(srv.URL+"/s/"+token+"/aufgaben"))
	waitFor(t, student, "draft restored", `(document.querySelector('.assignment textarea.handin-text') || {}).value === 'Meine Lösung: 3/4'`, 30*time.Second)
	do(t, student, "hand in offline",
		chromedp.SetUploadFiles(chromedp.CSS(".assignment input.handin-files"), []string{answer}),
		chromedp.Click(chromedp.CSS(".assignment .handin-submit")),
	)
	waitFor(t, student, "one hand-in waiting", `(document.querySelector('#outbox-status') || {}).dataset?.count === '1' && document.querySelector('#outbox-status').textContent.includes('1 Abgabe')`, 20*time.Second)

	// The network returns: the outbox sends.
	srv = startServer(t, addr, dir)
	waitFor(t, student, "outbox empty", `document.querySelector('#outbox-status').dataset.count === '0'`, 45*time.Second)
	waitFor(t, student, "state handed in", card+`.querySelector('.state').dataset.state === 'handed-in' && `+card+`.querySelector('.state').textContent === 'abgegeben'`, 30*time.Second)

	// The teacher's overview shows it once.
	do(t, teacher, "reopen the class page", chromedp.Navigate(srv.URL+"/class/"+classID))
	waitFor(t, teacher, "assignment listed", `!!`+item, 30*time.Second)
	do(t, teacher, "open the hand-ins", chromedp.Click(chromedp.CSS(`.board-item[data-title="Bruchrechnung"] .show-handins`)))
	row := `document.querySelector('.handin-row[data-name="Anna Berg"]')`
	waitFor(t, teacher, "Anna's hand-in", `!!`+row+` && `+row+`.dataset.state === 'handed-in' && `+row+`.dataset.count === '1'`, 20*time.Second)
	if got := eval[string](t, teacher, row+`.querySelector('.handin-text').textContent`); got != "Meine Lösung: 3/4" {
		t.Errorf("hand-in text %q", got)
	}
	if got := eval[string](t, teacher, row+`.querySelector('.handin-file').textContent`); got != "loesung.txt" {
		t.Errorf("hand-in file %q", got)
	}
	if got := eval[string](t, teacher, row+`.querySelector('.state').textContent`); got != "abgegeben" {
		t.Errorf("state %q", got)
	}
	if !eval[bool](t, teacher, `!!document.querySelector('#handins-zip[href$="handins.zip"]')`) {
		t.Error("no zip link")
	}
	fileText := eval[string](t, teacher, `fetch(`+row+`.querySelector('.handin-file').href).then(r => r.text())`)
	if fileText != "1/2 + 1/4 = 3/4\n" {
		t.Errorf("handed-in file %q", fileText)
	}

	// Exactly one hand-in, and a replay of its id changes nothing.
	board := apiFetch(t, teacher, "GET", "/api/classes/"+classID+"/board", nil)
	aid := board["assignments"].([]any)[0].(map[string]any)["id"].(string)
	handIns := func() []any {
		v := apiFetch(t, teacher, "GET", "/api/classes/"+classID+"/board/"+aid+"/handins", nil)
		return v["students"].([]any)[0].(map[string]any)["handIns"].([]any)
	}
	hs := handIns()
	if len(hs) != 1 {
		t.Fatalf("%d hand-ins, want 1: %v", len(hs), hs)
	}
	h := hs[0].(map[string]any)
	if id := h["id"].(string); len(id) != 26 {
		t.Errorf("hand-in id %q is not a 26-character client id", id)
	}
	replay := `(() => { const fd = new FormData(); fd.append('kind', 'handin'); fd.append('text', ` + jsString(h["text"].(string)) +
		`); fd.append('clientAt', ` + jsString(h["clientAt"].(string)) + `); fd.append('files', new Blob(['1/2 + 1/4 = 3/4\n'], {type: 'text/plain'}), 'loesung.txt');
		return fetch('/api/board/` + aid + `/handins/` + h["id"].(string) + `', {method: 'PUT', headers: {Authorization: 'Bearer ` + token + `'}, body: fd}).then(r => r.status); })()`
	if status := eval[float64](t, student, replay); status != 200 {
		t.Errorf("replay answered %v, want 200", status)
	}
	if hs := handIns(); len(hs) != 1 {
		t.Errorf("%d hand-ins after the replay, want 1", len(hs))
	}
}
