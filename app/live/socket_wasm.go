//go:build wasm

package live

import (
	"syscall/js"

	"ersatzraum/app/protocol"
)

// Socket is one browser WebSocket to the signaling server. Its callbacks
// only hand their event on (deliver never blocks): nothing may wait inside
// a JavaScript callback.
type Socket struct {
	ws    js.Value
	funcs []js.Func
}

// browserDial opens a WebSocket to url; its events go to deliver.
func browserDial(url string, deliver func(Event)) (Conn, error) {
	ws := js.Global().Get("WebSocket").New(url)
	s := &Socket{ws: ws}
	on := func(name string, f func(js.Value)) {
		fn := js.FuncOf(func(this js.Value, args []js.Value) any {
			f(args[0])
			return nil
		})
		s.funcs = append(s.funcs, fn)
		ws.Set(name, fn)
	}
	on("onopen", func(js.Value) { deliver(Event{Kind: EventOpen}) })
	on("onmessage", func(e js.Value) {
		env, perr := protocol.Decode([]byte(e.Get("data").String()))
		if perr != nil {
			return // the server speaks the protocol; ignore what it does not
		}
		deliver(Event{Kind: EventMessage, Env: env})
	})
	on("onclose", func(e js.Value) {
		deliver(Event{Kind: EventClosed, Code: e.Get("code").Int(), Reason: e.Get("reason").String()})
		s.release()
	})
	return s, nil
}

// Send writes one message.
func (s *Socket) Send(msgType string, data any) error {
	raw, err := protocol.Encode(msgType, data)
	if err != nil {
		return err
	}
	if s.ws.Get("readyState").Int() != 1 {
		return errNotOpen
	}
	s.ws.Call("send", string(raw))
	return nil
}

// Close closes the socket; an EventClosed follows.
func (s *Socket) Close() { s.ws.Call("close", protocol.CloseNormal, "bye") }

func (s *Socket) release() {
	for _, f := range s.funcs {
		f.Release()
	}
	s.funcs = nil
}
