package ui

import (
	"strings"
	"sync"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/i18n"
	"ersatzraum/app/protocol"
)

// What the teacher's and the student's board pages share; the board's
// data types are in app/protocol (api.go).

// stateText names an assignment's state for a student.
func stateText(l i18n.Lang, state string) string {
	switch state {
	case protocol.BoardStateHandedIn:
		return i18n.T(l, "board.state.handedin")
	case protocol.BoardStateLate:
		return i18n.T(l, "board.state.late")
	case protocol.BoardStateDone:
		return i18n.T(l, "board.state.done")
	case protocol.BoardStateMissing:
		return i18n.T(l, "board.state.missing")
	}
	return i18n.T(l, "board.state.open")
}

// dateTime writes a moment as date and time of day, local time.
func dateTime(l i18n.Lang, t time.Time) string {
	t = t.Local()
	return i18n.Date(l, t) + ", " + i18n.Clock(l, t)
}

// paragraphs shows plain text: paragraphs split at blank lines, http(s)
// addresses as links. Everything becomes text nodes, never HTML.
func paragraphs(text string) []app.UI {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []app.UI
	for _, p := range strings.Split(text, "\n\n") {
		if p = strings.Trim(p, "\n"); p == "" {
			continue
		}
		out = append(out, app.P().Class("board-text").Body(linkify(p)...))
	}
	return out
}

// linkify splits text into text nodes and links for http(s) addresses.
func linkify(text string) []app.UI {
	var out []app.UI
	for {
		i := indexURL(text)
		if i < 0 {
			if text != "" {
				out = append(out, app.Text(text))
			}
			return out
		}
		end := i
		for end < len(text) && !strings.ContainsRune(" \t\n<>\"", rune(text[end])) {
			end++
		}
		for end > i && strings.ContainsRune(".,;:!?)]}'", rune(text[end-1])) {
			end--
		}
		url := text[i:end]
		if i > 0 {
			out = append(out, app.Text(text[:i]))
		}
		if url == "http://" || url == "https://" {
			out = append(out, app.Text(url))
		} else {
			out = append(out, app.A().Href(url).Target("_blank").Rel("noopener noreferrer").Text(url))
		}
		text = text[end:]
	}
}

func indexURL(s string) int {
	a, b := strings.Index(s, "https://"), strings.Index(s, "http://")
	if a < 0 || (b >= 0 && b < a) {
		return b
	}
	return a
}

// --- the outbox ---

// outboxItem is a hand-in or "done" mark waiting in IndexedDB. The record
// there is the browser's own; what goes to the server is the multipart
// form of outboxFlush, with protocol's field names.
type outboxItem struct {
	Seq   int
	ID    string
	AID   string
	Kind  string
	Error string
	Files []string
	v     app.Value
}

var outboxMu sync.Mutex

// newClientID makes a hand-in id: 26 random base32 characters.
func newClientID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	arr := app.Window().Get("Uint8Array").New(26)
	app.Window().Get("crypto").Call("getRandomValues", arr)
	b := make([]byte, 26)
	app.CopyBytesToGo(b, arr)
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return string(b)
}

// outboxAdd queues a hand-in: files is a FileList (or nil).
func outboxAdd(token, aid, kind, text string, files app.Value) error {
	var list []any
	if files != nil && files.Truthy() {
		for i := 0; i < files.Length(); i++ {
			f := files.Index(i)
			rec, err := idbBytes(f)
			if err != nil {
				return err
			}
			rec["name"] = f.Get("name").String()
			list = append(list, rec)
		}
	}
	if list == nil {
		list = []any{}
	}
	item := map[string]any{
		"id": newClientID(), "token": token, "aid": aid, "kind": kind, "text": text,
		"clientAt": time.Now().UTC().Format(time.RFC3339Nano), "files": list, "error": "",
	}
	return idbPut(storeOut, item, nil)
}

// outboxList returns the student's waiting items, oldest first.
func outboxList(token string) ([]outboxItem, error) {
	all, err := idbAll(storeOut)
	if err != nil {
		return nil, err
	}
	var out []outboxItem
	for _, v := range all {
		if v.Get("token").String() != token {
			continue
		}
		it := outboxItem{Seq: v.Get("seq").Int(), ID: v.Get("id").String(), AID: v.Get("aid").String(),
			Kind: v.Get("kind").String(), Error: v.Get("error").String(), v: v}
		fs := v.Get("files")
		for i := 0; i < fs.Length(); i++ {
			it.Files = append(it.Files, fs.Index(i).Get("name").String())
		}
		out = append(out, it)
	}
	return out, nil
}

// outboxFlush sends the waiting items in order. It stops at the first
// network failure (the rest waits for the next try); a 2xx removes an
// item, 409 conflict drops it with a warning, other refusals (409 closed
// first) keep it marked with the error. It returns the warnings.
func outboxFlush(token string) (warnings []string, err error) {
	if !outboxMu.TryLock() {
		return nil, nil
	}
	defer outboxMu.Unlock()
	items, err := outboxList(token)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if it.Error != "" {
			continue
		}
		fd := newFormData()
		fd.Call("append", protocol.FieldKind, it.Kind)
		fd.Call("append", protocol.FieldText, it.v.Get("text").String())
		fd.Call("append", protocol.FieldClientAt, it.v.Get("clientAt").String())
		fs := it.v.Get("files")
		for i := 0; i < fs.Length(); i++ {
			f := fs.Index(i)
			fd.Call("append", protocol.FieldFiles, idbBlob(f), f.Get("name").String())
		}
		err := fetchAPI("PUT", "/api/board/"+it.AID+"/handins/"+it.ID, fd, bearer(token), nil)
		if err == nil {
			if err := idbDelete(storeOut, it.Seq); err != nil {
				return warnings, err
			}
			continue
		}
		he, refused := isRefusal(err)
		if !refused || he.status >= 500 {
			return warnings, err // try again later, in order
		}
		if he.status == 409 && he.code == protocol.ErrConflict {
			warnings = append(warnings, protocol.ErrConflict)
			if err := idbDelete(storeOut, it.Seq); err != nil {
				return warnings, err
			}
			continue
		}
		code := he.code
		if code == "" {
			code = he.Error()
		}
		it.v.Set("error", code)
		if err := idbPut(storeOut, it.v, nil); err != nil {
			return warnings, err
		}
	}
	return warnings, nil
}

// outboxDrop removes one item (one the server refused for good).
func outboxDrop(seq int) error { return idbDelete(storeOut, seq) }
