package e2e

import (
	"testing"
	"time"
)

// boardOffline is the student's board without a network, in any engine:
// the board and a worksheet opened once are there offline, a hand-in made
// offline waits in the outbox (IndexedDB) and is sent once after the
// network returns. installHint says whether the page must ask to install
// the app while the outbox holds something (an iPad's Safari, which wipes
// the storage of sites not on the home screen).
func boardOffline(t *testing.T, p enginePage, installHint bool) {
	addr, dir := freeAddr(t), t.TempDir()
	srv := startServer(t, addr, dir)
	teacher := signInGo(t, srv)
	classID, token := teacher.classWithStudent(t, "7b Mathe", "Anna Berg")
	teacher.postAssignment(t, classID, "Bruchrechnung", "Seite 12, Aufgabe 3.")
	board := srv.URL + "/s/" + token + "/aufgaben"

	p.navigate(t, board)
	card := `document.querySelector('.assignment[data-title="Bruchrechnung"]')`
	pageWait(t, p, "assignment shown", `!!`+card+` && `+card+`.querySelector('.state').dataset.state === 'open'`, 30*time.Second)
	pageWait(t, p, "service worker active", workerReady, 60*time.Second)
	pageClick(t, p, ".assignment a.attachment")
	pageWait(t, p, "worksheet kept offline (IndexedDB)", `document.querySelector('.assignment a.attachment').dataset.cached === 'true'`, 20*time.Second)

	srv.stop(t)
	p.navigate(t, board)
	pageWait(t, p, "board from the cache", `!!`+card+` && (document.querySelector('#board-updated') || {}).textContent?.includes('Zuletzt aktualisiert')`, 30*time.Second)
	pageWait(t, p, "worksheet still offline", `document.querySelector('.assignment a.attachment').dataset.cached === 'true'`, 20*time.Second)
	if pageEval[bool](t, p, `!!document.querySelector('#install-to-keep')`) {
		t.Error("the install request is shown with an empty outbox")
	}
	pageType(t, p, ".assignment textarea.handin-text", "Meine Lösung: 3/4")
	pageAttach(t, p, ".assignment input.handin-files", "loesung.txt", "text/plain", "1/2 + 1/4 = 3/4\n")
	pageClick(t, p, ".assignment .handin-submit")
	pageWait(t, p, "one hand-in waiting", `(document.querySelector('#outbox-status') || {}).dataset?.count === '1' && document.querySelector('#outbox-status').textContent.includes('1 Abgabe')`, 20*time.Second)
	// The file waits as bytes: WebKit's IndexedDB refuses Blobs.
	if got := pageEval[string](t, p, outboxFileKept); got != "ArrayBuffer 16" {
		t.Errorf("the waiting file is kept in IndexedDB as %q, want its 16 bytes in an ArrayBuffer", got)
	}
	if installHint {
		pageWait(t, p, "the page asks to install the app", `(document.querySelector('#install-to-keep') || {}).textContent?.includes('Home-Bildschirm')`, 10*time.Second)
	} else if pageEval[bool](t, p, `!!document.querySelector('#install-to-keep')`) {
		t.Error("the install request is shown where the browser does not wipe storage")
	}

	srv = startServer(t, addr, dir)
	pageWait(t, p, "outbox empty", `document.querySelector('#outbox-status').dataset.count === '0'`, 45*time.Second)
	pageWait(t, p, "state handed in", card+`.querySelector('.state').dataset.state === 'handed-in'`, 30*time.Second)

	board2 := teacher.api(t, "GET", "/api/classes/"+classID+"/board", nil)
	aid := board2["assignments"].([]any)[0].(map[string]any)["id"].(string)
	v := teacher.api(t, "GET", "/api/classes/"+classID+"/board/"+aid+"/handins", nil)
	hs := v["students"].([]any)[0].(map[string]any)["handIns"].([]any)
	if len(hs) != 1 {
		t.Fatalf("%d hand-ins, want 1: %v", len(hs), hs)
	}
	h := hs[0].(map[string]any)
	if h["text"] != "Meine Lösung: 3/4" {
		t.Errorf("hand-in text %q", h["text"])
	}
	if files, _ := h["files"].([]any); len(files) != 1 || files[0].(map[string]any)["name"] != "loesung.txt" {
		t.Errorf("hand-in files %v, want loesung.txt", h["files"])
	}
}

// outboxFileKept names how the first waiting hand-in's file is kept in
// the app's IndexedDB outbox, and its size.
const outboxFileKept = `new Promise((resolve, reject) => {
  const q = indexedDB.open('ersatzraum');
  q.onerror = () => reject(q.error);
  q.onsuccess = () => {
    const r = q.result.transaction('outbox').objectStore('outbox').getAll();
    r.onerror = () => reject(r.error);
    r.onsuccess = () => { q.result.close(); const d = r.result[0]?.files[0]?.data;
      resolve(d instanceof ArrayBuffer ? 'ArrayBuffer ' + d.byteLength : String(d)); };
  };
})`
