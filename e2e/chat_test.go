package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// chatMsg finds a chat line on a page by its text.
func chatMsg(text string) string {
	return `[...document.querySelectorAll('#chat-messages .chat-msg:not(.pending)')].find(li => li.querySelector('.text').textContent === ` + jsString(text) + `)`
}

// writeChat types a message into the chat and sends it with the button.
func writeChat(t *testing.T, b context.Context, who, text string) {
	t.Helper()
	do(t, b, who+" writes "+strconv.Quote(text),
		chromedp.SendKeys(chromedp.CSS("#chat-input"), text),
		chromedp.Click(chromedp.CSS("#chat-send")),
	)
}

// The lesson chat and a quick check, through the UI of a teacher and
// three students: class messages reach everyone, a question only the
// teacher; HTML in names and messages stays text; the teacher's "off" is
// refused with a clear German message; a hostile client's flood and
// oversized message are refused to it alone; a quick check with a live
// tally, a changed answer, the result shown to the class and saved.
func TestLessonChatAndQuickCheck(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	teacher := newBrowser(t, "teacher")
	lea := newBrowser(t, "lea")
	omer := newBrowser(t, "omer")
	ida := newBrowser(t, "ida")
	idaName := `Ida <i>K</i>`

	_, link, lessonID := startLesson(t, teacher, srv, "7b Deutsch")
	for _, s := range []struct {
		b    context.Context
		name string
	}{{lea, "Lea"}, {omer, "Ömer"}, {ida, idaName}} {
		joinAsStudent(t, s.b, link, s.name, false)
		waitFor(t, s.b, s.name+" sees the waiting room", `document.querySelector('#join-status[data-state="lobby"]')`, 30*time.Second)
		// By a click in the page: a CSS selector cannot carry the name's
		// "<" as JSON escapes it.
		waitFor(t, teacher, "admit "+s.name, `(() => { const k = [...document.querySelectorAll('.knock')].find(k => k.dataset.name === `+jsString(s.name)+`); if (!k) return false; k.querySelector('.admit').click(); return true; })()`, 30*time.Second)
		waitFor(t, s.b, s.name+" can chat", `(document.querySelector('#chat-input') || {}).matches?.(':enabled')`, 30*time.Second)
	}
	waitFor(t, teacher, "teacher can chat", `(document.querySelector('#chat-input') || {}).matches?.(':enabled')`, 30*time.Second)

	// A class message with HTML and a link reaches the class and the
	// teacher as text, with its author's name and time.
	hello := `Hallo <b>alle</b>, Seite: https://example.org/buch?s=42.`
	writeChat(t, lea, "Lea", hello)
	for _, b := range []context.Context{teacher, omer, ida} {
		waitFor(t, b, "Lea's message arrives", chatMsg(hello)+`?.dataset.name === "Lea"`, 20*time.Second)
	}
	if eval[bool](t, omer, `!!document.querySelector('#chat-messages b')`) {
		t.Fatal("HTML in a message was rendered as HTML")
	}
	href := eval[string](t, omer, chatMsg(hello)+`.querySelector('a').getAttribute('href') + ' ' + `+chatMsg(hello)+`.querySelector('a').rel`)
	if href != "https://example.org/buch?s=42 noopener noreferrer nofollow" {
		t.Fatalf("link in the message: %q", href)
	}
	if at := eval[string](t, teacher, chatMsg(hello)+`.querySelector('time').textContent`); !strings.HasSuffix(at, " Uhr") {
		t.Fatalf("message time %q is not a German time", at)
	}
	waitFor(t, lea, "Lea sees her own message as hers", chatMsg(hello)+`?.classList.contains('mine')`, 10*time.Second)

	// A name with HTML is text too.
	writeChat(t, ida, "Ida", "Ich bin da")
	waitFor(t, teacher, "Ida's message under her literal name", chatMsg("Ich bin da")+`?.querySelector('.who').textContent === `+jsString(idaName), 20*time.Second)
	if eval[bool](t, teacher, `!!document.querySelector('#chat-messages i')`) {
		t.Fatal("HTML in a name was rendered as HTML")
	}

	// A question to the teacher reaches only the teacher.
	do(t, omer, "Ömer ticks 'to the teacher only'", chromedp.Click(chromedp.CSS("#chat-to-teacher")))
	question := "Ich verstehe Aufgabe 3 nicht"
	writeChat(t, omer, "Ömer", question)
	waitFor(t, teacher, "teacher gets the question", chatMsg(question)+`?.classList.contains('question')`, 20*time.Second)
	waitFor(t, omer, "Ömer sees his question", chatMsg(question)+`?.classList.contains('mine')`, 20*time.Second)
	// Ömer folds the chat away; the teacher answers the class.
	do(t, omer, "Ömer folds the chat", chromedp.Click(chromedp.CSS("#chat-toggle")))
	answer := "Aufgabe 3 machen wir gleich zusammen."
	writeChat(t, teacher, "teacher", answer)
	waitFor(t, lea, "Lea gets the teacher's answer", chatMsg(answer)+`?.classList.contains('from-teacher')`, 20*time.Second)
	// Messages arrive in order, so by now Lea would have the question.
	if eval[bool](t, lea, `!!(`+chatMsg(question)+`)`) {
		t.Fatal("a question to the teacher reached a classmate")
	}
	waitFor(t, omer, "folded chat counts one unread", `(document.querySelector('#chat-unread') || {}).textContent === "1 neu"`, 20*time.Second)
	waitFor(t, omer, "screen readers hear the answer", `document.querySelector('#chat-announcer').textContent === `+jsString(i18n.T(i18n.German, "chat.announce", "Lehrkraft", answer)), 10*time.Second)
	do(t, omer, "Ömer opens the chat", chromedp.Click(chromedp.CSS("#chat-toggle")))
	waitFor(t, omer, "unread count gone", `!document.querySelector('#chat-unread') && !!(`+chatMsg(answer)+`)`, 10*time.Second)

	// The teacher switches the chat off: the server refuses Lea's message
	// and her page says so in German.
	do(t, teacher, "teacher switches the chat off", chromedp.Click(chromedp.CSS("#chat-mode-off")))
	waitFor(t, lea, "Lea sees that the chat is off", `(document.querySelector('#chat-state') || {}).textContent === `+jsString(i18n.T(i18n.German, "chat.state.off")), 20*time.Second)
	writeChat(t, lea, "Lea", "Darf ich trotzdem?")
	waitFor(t, lea, "refusal in German", `(document.querySelector('#chat-error') || {}).textContent === `+jsString(i18n.T(i18n.German, "error.chat-off")), 20*time.Second)
	if eval[bool](t, teacher, `!!(`+chatMsg("Darf ich trotzdem?")+`)`) || eval[bool](t, omer, `!!(`+chatMsg("Darf ich trotzdem?")+`)`) {
		t.Fatal("a message sent while the chat was off was relayed")
	}
	do(t, teacher, "teacher switches the chat on", chromedp.Click(chromedp.CSS("#chat-mode-on")))
	waitFor(t, lea, "chat on again", `!document.querySelector('#chat-state')`, 20*time.Second)

	// 10,000 characters (the field stops at 1000; a page that goes past it
	// is refused by the server with a clear message).
	eval[any](t, lea, `(() => { const a = document.querySelector('#chat-input'); a.removeAttribute('maxlength'); a.value = 'x'.repeat(10000); a.dispatchEvent(new Event('input', {bubbles: true})); })()`)
	do(t, lea, "Lea sends 10,000 characters", chromedp.Click(chromedp.CSS("#chat-send")))
	waitFor(t, lea, "too long, in German", `(document.querySelector('#chat-error') || {}).textContent === `+jsString(i18n.T(i18n.German, "error.chat-too-long")), 20*time.Second)

	// A hostile client floods: 100 messages in a second. It is refused;
	// the class sees at most its burst, and Ömer's next message goes
	// through at once.
	flood := floodClient(t, srv.URL, link, teacher)
	var refused, taken int
	for i := 0; i < 100; i++ {
		flood.WriteMessage(websocket.TextMessage, protocol.MustEncode(protocol.TypeChat, protocol.ChatSend{ID: "f" + strconv.Itoa(i), To: protocol.ChatToClass, Text: "SPAM " + strconv.Itoa(i)}))
		time.Sleep(10 * time.Millisecond)
	}
	flood.SetReadDeadline(time.Now().Add(3 * time.Second))
	for {
		_, raw, err := flood.ReadMessage()
		if err != nil {
			break
		}
		env, _ := protocol.Decode(raw)
		if env.Type == protocol.TypeChatAck {
			var a protocol.ChatAck
			json.Unmarshal(env.Data, &a)
			switch a.Code {
			case "":
				taken++
			case protocol.ErrRateLimited:
				refused++
			}
		}
	}
	if taken > protocol.ChatBurst+1 || refused == 0 {
		t.Fatalf("flood: %d taken, %d refused", taken, refused)
	}
	calm := "Ich bin noch da"
	writeChat(t, omer, "Ömer", calm)
	waitFor(t, teacher, "Ömer's message goes through after the flood", `!!(`+chatMsg(calm)+`)`, 10*time.Second)
	spam := eval[float64](t, lea, `[...document.querySelectorAll('#chat-messages .chat-msg .text')].filter(p => p.textContent.startsWith('SPAM')).length`)
	if int(spam) != taken {
		t.Fatalf("Lea saw %v flood messages, the server took %d", spam, taken)
	}
	t.Logf("flood: %d taken, %d refused before the connection limit", taken, refused)

	// A quick check with three students and a live tally.
	do(t, teacher, "teacher asks a question",
		chromedp.SendKeys(chromedp.CSS("#check-question"), "Welche Aufgabe war am schwersten?"),
		chromedp.SendKeys(chromedp.CSS("#check-option-0"), "Aufgabe 1"),
		chromedp.SendKeys(chromedp.CSS("#check-option-1"), "Aufgabe 2"),
		chromedp.Click(chromedp.CSS("#check-add")),
	)
	do(t, teacher, "third answer",
		chromedp.SendKeys(chromedp.CSS("#check-option-2"), "Aufgabe 3"),
		chromedp.Click(chromedp.CSS("#check-ask")),
	)
	waitFor(t, teacher, "tally with nobody answered", `(document.querySelector('#check-answered') || {}).textContent === "0 von 3 haben geantwortet"`, 20*time.Second)
	tapAnswer := func(b context.Context, who string, option int) {
		t.Helper()
		sel := `#student-check .check-answer[data-option="` + strconv.Itoa(option) + `"]`
		waitFor(t, b, who+" sees the question", `(document.querySelector('`+sel+`') || {}).matches?.(':enabled')`, 20*time.Second)
		do(t, b, who+" answers "+strconv.Itoa(option), chromedp.Click(chromedp.CSS(sel)))
		waitFor(t, b, who+"'s answer pressed", `document.querySelector('`+sel+`').getAttribute('aria-pressed') === "true"`, 20*time.Second)
	}
	count := func(option int) string {
		return `(document.querySelector('#check-tally li[data-option="` + strconv.Itoa(option) + `"]') || {dataset: {}}).dataset.count`
	}
	tapAnswer(lea, "Lea", 0)
	tapAnswer(omer, "Ömer", 1)
	waitFor(t, teacher, "two answered, Ida waits", `document.querySelector('#check-answered').textContent === "2 von 3 haben geantwortet" && document.querySelector('#check-waiting').textContent.includes(`+jsString(idaName)+`)`, 20*time.Second)
	tapAnswer(ida, "Ida", 2)
	waitFor(t, teacher, "live tally 1/1/1", count(0)+` === "1" && `+count(1)+` === "1" && `+count(2)+` === "1"`, 20*time.Second)
	// Lea changes her mind.
	tapAnswer(lea, "Lea", 1)
	waitFor(t, teacher, "tally follows the change: 0/2/1", count(0)+` === "0" && `+count(1)+` === "2" && `+count(2)+` === "1" && document.querySelector('#check-answered').textContent === "3 von 3 haben geantwortet"`, 20*time.Second)
	if eval[bool](t, omer, `!!document.querySelector('#check-result')`) {
		t.Fatal("the class sees the result before the teacher shows it")
	}
	do(t, teacher, "show the result", chromedp.Click(chromedp.CSS("#check-show")))
	waitFor(t, omer, "Ömer sees the class's result", `(document.querySelector('#check-result li[data-option="1"]') || {dataset: {}}).dataset.count === "2"`, 20*time.Second)
	if strings.Contains(eval[string](t, omer, `document.querySelector('#student-check').textContent`), "Lea") {
		t.Fatal("the class learns who answered what")
	}
	do(t, teacher, "close the check", chromedp.Click(chromedp.CSS("#check-close")))
	waitFor(t, ida, "Ida's answers are closed", `document.querySelector('#student-check .check-answer').disabled`, 20*time.Second)
	do(t, teacher, "save the result", chromedp.Click(chromedp.CSS("#check-save")))
	waitFor(t, teacher, "saved", `!!document.querySelector('#check-saved')`, 20*time.Second)
	checks := eval[string](t, teacher, `fetch('/api/lessons/`+lessonID+`/checks').then(r => r.text())`)
	var recs []protocol.CheckRecord
	if err := json.Unmarshal([]byte(checks), &recs); err != nil || len(recs) != 1 {
		t.Fatalf("saved checks: %s (%v)", checks, err)
	}
	if r := recs[0]; r.Question != "Welche Aufgabe war am schwersten?" || len(r.Counts) != 3 || r.Counts[1] != 2 || r.Answered != 3 {
		t.Fatalf("saved check %+v", r)
	}
	if strings.Contains(checks, "Lea") || strings.Contains(checks, "Ömer") {
		t.Fatalf("the saved result names students: %s", checks)
	}
}

// floodClient joins the lesson as a plain WebSocket client (the teacher
// admits it from the lobby), the way a hostile script would.
func floodClient(t *testing.T, serverURL, link string, teacher context.Context) *websocket.Conn {
	t.Helper()
	code := link[strings.LastIndex(link, "/")+1:]
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(serverURL, "http")+"/ws", http.Header{"Origin": {serverURL}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	ws.WriteMessage(websocket.TextMessage, protocol.MustEncode(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: code, Name: "Flut"}))
	admit(t, teacher, "Flut")
	ws.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		_, raw, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("flood client: %v", err)
		}
		if env, _ := protocol.Decode(raw); env.Type == protocol.TypeWelcome {
			return ws
		}
	}
}
