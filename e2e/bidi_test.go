package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/gorilla/websocket"
)

// bidi is a WebDriver BiDi connection: Firefox's built-in remote
// protocol, one JSON text frame per command or event. A command's reply
// carries the command's id; events carry a method and no id. No Go BiDi
// client was found, and these few commands are all the tests need.
type bidi struct {
	conn    *websocket.Conn
	writeMu sync.Mutex

	mu      sync.Mutex
	next    int
	pending map[int]chan bidiReply
	onEvent func(method string, params json.RawMessage) // set before the first event
	closed  error
}

type bidiReply struct {
	Type    string          `json:"type"` // "success", "error" or "event"
	ID      *int            `json:"id"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
}

// dialBiDi connects to a BiDi endpoint (ws://HOST:PORT/session).
func dialBiDi(url string, onEvent func(string, json.RawMessage)) (*bidi, error) {
	conn, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(64 << 20)
	b := &bidi{conn: conn, pending: map[int]chan bidiReply{}, onEvent: onEvent}
	go b.read()
	return b, nil
}

func (b *bidi) read() {
	for {
		var r bidiReply
		if err := b.conn.ReadJSON(&r); err != nil {
			b.mu.Lock()
			b.closed = err
			for id, ch := range b.pending {
				close(ch)
				delete(b.pending, id)
			}
			b.mu.Unlock()
			return
		}
		if r.ID == nil {
			if b.onEvent != nil {
				b.onEvent(r.Method, r.Params)
			}
			continue
		}
		b.mu.Lock()
		ch := b.pending[*r.ID]
		delete(b.pending, *r.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- r
		}
	}
}

// call sends one command and decodes its result into out (if not nil).
func (b *bidi) call(ctx context.Context, method string, params, out any) error {
	if params == nil {
		params = map[string]any{}
	}
	b.mu.Lock()
	if b.closed != nil {
		b.mu.Unlock()
		return fmt.Errorf("bidi %s: connection closed: %w", method, b.closed)
	}
	b.next++
	id := b.next
	ch := make(chan bidiReply, 1)
	b.pending[id] = ch
	b.mu.Unlock()

	b.writeMu.Lock()
	err := b.conn.WriteJSON(map[string]any{"id": id, "method": method, "params": params})
	b.writeMu.Unlock()
	if err != nil {
		return fmt.Errorf("bidi %s: %w", method, err)
	}
	select {
	case r, ok := <-ch:
		if !ok {
			return fmt.Errorf("bidi %s: connection closed", method)
		}
		if r.Type == "error" {
			return fmt.Errorf("bidi %s: %s: %s", method, r.Error, r.Message)
		}
		if out != nil {
			return json.Unmarshal(r.Result, out)
		}
		return nil
	case <-ctx.Done():
		b.mu.Lock()
		delete(b.pending, id)
		b.mu.Unlock()
		return fmt.Errorf("bidi %s: %w", method, ctx.Err())
	}
}

func (b *bidi) close() { b.conn.Close() }

// bidiValue is a serialized script result (a "RemoteValue").
type bidiValue struct {
	Type     string          `json:"type"`
	Value    json.RawMessage `json:"value"`
	SharedID string          `json:"sharedId"`
}

// bidiEvaluate is the result of script.evaluate.
type bidiEvaluate struct {
	Type             string    `json:"type"` // "success" or "exception"
	Result           bidiValue `json:"result"`
	ExceptionDetails struct {
		Text string `json:"text"`
	} `json:"exceptionDetails"`
}

// evaluate runs expr in a browsing context, awaiting a promise, and
// returns the value as JSON: the page stringifies it itself, so that
// objects and arrays come back whole (BiDi's own serialization of them
// is a list of typed pairs).
func (b *bidi) evaluate(ctx context.Context, browsingContext, expr string, userGesture bool) (json.RawMessage, error) {
	wrapped := `(async () => { const v = await (` + expr + `); return v === undefined ? 'null' : JSON.stringify(v); })()`
	var r bidiEvaluate
	err := b.call(ctx, "script.evaluate", map[string]any{
		"expression":      wrapped,
		"target":          map[string]any{"context": browsingContext},
		"awaitPromise":    true,
		"userActivation":  userGesture,
		"resultOwnership": "none",
	}, &r)
	if err != nil {
		return nil, err
	}
	if r.Type == "exception" {
		return nil, errors.New(r.ExceptionDetails.Text)
	}
	var s string
	if err := json.Unmarshal(r.Result.Value, &s); err != nil {
		return nil, fmt.Errorf("evaluate %s: result %s", expr, r.Result.Value)
	}
	return json.RawMessage(s), nil
}
