package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// apiFetch runs a same-origin API call in a page (the teacher's session
// cookie goes along) and returns the JSON answer.
func apiFetch(t testing.TB, page context.Context, method, path string, body any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(body)
	expr := fmt.Sprintf(`fetch(%s, {method: %s, headers: {'Content-Type': 'application/json'}, body: %s}).then(r => r.text())`,
		jsString(path), jsString(method), jsString(string(b)))
	if body == nil {
		expr = fmt.Sprintf(`fetch(%s, {method: %s}).then(r => r.text())`, jsString(path), jsString(method))
	}
	raw := eval[string](t, page, expr)
	var out map[string]any
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatalf("%s %s answered %q", method, path, raw)
	}
	return out
}

func tileOf(name string) string {
	return `document.querySelector('.tile[data-name=' + JSON.stringify(` + jsString(name) + `) + ']')`
}

// A class of three: two join (one without camera), the third is marked
// excused; a late guest is admitted and marked late; a leave and rejoin
// are recorded; hands, call on, mute and send out work; the CSV export
// holds exactly these lines.
func TestRollCallOfAClass(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	teacher := newBrowser(t, "teacher")
	signIn(t, teacher, srv)
	class := apiFetch(t, teacher, "POST", "/api/classes", map[string]any{"name": "8a Englisch"})
	classID := class["id"].(string)
	class = apiFetch(t, teacher, "POST", "/api/classes/"+classID+"/students", map[string]any{"names": []string{"Anna Berg", "Ben Cho", "Cem Demir"}})
	links := map[string]string{}
	for _, s := range class["students"].([]any) {
		st := s.(map[string]any)
		links[st["name"].(string)] = st["link"].(string)
	}
	lesson := apiFetch(t, teacher, "POST", "/api/lessons", map[string]any{"classId": classID})
	lessonID := lesson["id"].(string)
	do(t, teacher, "open the lesson", chromedp.Navigate(srv.URL+"/lesson/"+lessonID))

	// Before anyone joins: a greyed tile for each listed student, all absent.
	waitFor(t, teacher, "three greyed tiles", `document.querySelectorAll('.tile.offline').length === 3`, 30*time.Second)
	for _, name := range []string{"Anna Berg", "Ben Cho", "Cem Demir"} {
		waitFor(t, teacher, name+" absent", rollCallEntry(name, "absent", "false"), 10*time.Second)
	}

	anna := newBrowser(t, "anna")
	do(t, anna, "Anna opens her link", chromedp.Navigate(links["Anna Berg"]))
	waitFor(t, anna, "join ready", `(document.querySelector('#join-camera') || {}).matches?.(':enabled')`, 30*time.Second)
	do(t, anna, "Anna joins with camera", chromedp.Click(chromedp.CSS("#join-camera")))
	ben := newBrowser(t, "ben")
	joinAsStudent(t, ben, srv.URL+"/join/"+class["code"].(string), "Ben Cho", false)

	waitFor(t, teacher, "Anna present", rollCallEntry("Anna Berg", "present", "true"), 30*time.Second)
	waitFor(t, teacher, "Ben present", rollCallEntry("Ben Cho", "present", "true"), 30*time.Second)
	waitFor(t, teacher, "Anna's tile shows her camera", tileBrightness("Anna Berg")+` > 12`, 30*time.Second)
	waitFor(t, teacher, "Ben's tile shows initials", `(`+tileOf("Ben Cho")+`.querySelector('.initials') || {}).textContent === 'BC'`, 10*time.Second)
	if eval[bool](t, teacher, tileOf("Cem Demir")+`.classList.contains('offline') === false`) {
		t.Error("Cem's tile is not greyed")
	}

	// Cem is excused: one click.
	do(t, teacher, "mark Cem excused", chromedp.Click(chromedp.CSS(`#rollcall li[data-name="Cem Demir"] .status-button[data-set="excused"]`)))
	waitFor(t, teacher, "Cem excused", rollCallEntry("Cem Demir", "excused", "false"), 10*time.Second)

	// From now on a first join is late; Dora, not on the list, waits and
	// is admitted late.
	apiFetch(t, teacher, "POST", "/api/classes/"+classID+"/settings", map[string]any{"lateAfterMinutes": 0})
	dora := newBrowser(t, "dora")
	joinAdmitted(t, teacher, dora, srv.URL+"/join/"+class["code"].(string), "Dora Engel", false)
	waitFor(t, teacher, "Dora late", rollCallEntry("Dora Engel", "late", "true"), 20*time.Second)

	// Hands, call on: Ben raises his hand, the teacher calls on him.
	do(t, ben, "Ben raises his hand", chromedp.Click(chromedp.CSS("#raise-hand")))
	waitFor(t, teacher, "Ben in the hand queue", `!!document.querySelector('#hand-queue li[data-name="Ben Cho"]')`, 10*time.Second)
	do(t, teacher, "call on Ben", chromedp.Click(chromedp.CSS(`#hand-queue li[data-name="Ben Cho"] .call`)))
	waitFor(t, ben, "Ben is told", `!!document.querySelector('#called-notice')`, 10*time.Second)
	waitFor(t, teacher, "Ben's tile is large and heard", tileOf("Ben Cho")+`?.classList.contains('called') && `+tileOf("Ben Cho")+`.querySelector('video').muted === false`, 10*time.Second)
	if !eval[bool](t, teacher, tileOf("Anna Berg")+`.querySelector('video').muted`) {
		t.Error("the teacher hears Anna, who is not called on")
	}

	// Mute: Anna's microphone goes off on her own page.
	do(t, teacher, "mute Anna", chromedp.Click(chromedp.CSS(`#rollcall li[data-name="Anna Berg"] .mute`)))
	waitFor(t, anna, "Anna's microphone is off", `window.__pcs[0].getSenders().some(s => s.track && s.track.kind === 'audio' && !s.track.enabled)`, 10*time.Second)
	waitFor(t, teacher, "Anna's tile says so", `!!`+tileOf("Anna Berg")+`.querySelector('.badge.mic-off')`, 10*time.Second)

	// Leave and rejoin.
	do(t, anna, "Anna leaves", chromedp.Click(chromedp.CSS("#leave")))
	waitFor(t, teacher, "Anna left", rollCallEntry("Anna Berg", "present", "false"), 20*time.Second)
	do(t, anna, "Anna comes back", chromedp.Navigate(links["Anna Berg"]))
	waitFor(t, anna, "join ready", `(document.querySelector('#join-nocamera') || {}).matches?.(':enabled')`, 30*time.Second)
	do(t, anna, "Anna joins again", chromedp.Click(chromedp.CSS("#join-nocamera")))
	waitFor(t, teacher, "Anna back, still present", rollCallEntry("Anna Berg", "present", "true"), 20*time.Second)

	// Send out: Dora's page is told, her line stays with its status.
	do(t, teacher, "send Dora out", chromedp.Click(chromedp.CSS(`#rollcall li[data-name="Dora Engel"] .remove`)))
	waitFor(t, dora, "Dora is told", `(document.querySelector('#join-status[data-state="closed"]') || {}).textContent?.includes('geschickt')`, 20*time.Second)
	waitFor(t, teacher, "Dora offline, still late", rollCallEntry("Dora Engel", "late", "false"), 20*time.Second)

	// The export holds exactly these four lines.
	csv := eval[string](t, teacher, `fetch('/api/lessons/`+lessonID+`/attendance.csv').then(r => r.text())`)
	lines := strings.Split(strings.TrimRight(strings.TrimPrefix(csv, "\ufeff"), "\r\n"), "\r\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "Name;Status;") {
		t.Fatalf("CSV:\n%s", csv)
	}
	want := map[string]string{"Anna Berg": "anwesend", "Ben Cho": "anwesend", "Cem Demir": "entschuldigt", "Dora Engel": "verspätet"}
	for _, line := range lines[1:] {
		f := strings.Split(line, ";")
		if want[f[0]] != f[1] {
			t.Errorf("CSV line %q: want status %q", line, want[f[0]])
		}
		delete(want, f[0])
		if f[0] == "Anna Berg" && strings.Count(f[len(f)-1], "–") != 2 {
			t.Errorf("Anna's times %q do not show the leave and the rejoin", f[len(f)-1])
		}
	}
	if len(want) != 0 {
		t.Errorf("CSV lacks %v", want)
	}
}
