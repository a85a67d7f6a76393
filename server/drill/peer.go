package drill

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"ersatzraum/app/protocol"
)

// Connection states.
const (
	stJoining int32 = iota
	stJoined
	stClosing // the drill is closing it: its end is no drop
	stGone
)

const writeTimeout = 10 * time.Second

// peer is one simulated client's connection: small, one reader goroutine.
type peer struct {
	ws    *websocket.Conn
	wmu   sync.Mutex // one writer at a time (gorilla's rule)
	state atomic.Int32
	took  time.Duration // the join's latency, once joined
}

func (p *peer) write(msg []byte) error {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	p.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	return p.ws.WriteMessage(websocket.TextMessage, msg)
}

// send builds a message in a pooled buffer and writes it.
func (r *run) send(p *peer, build func([]byte) []byte) error {
	bp := r.msgs.Get().(*[]byte)
	b := build((*bp)[:0])
	err := p.write(b)
	*bp = b
	r.msgs.Put(bp)
	return err
}

// read returns the next message in a pooled buffer (give it back with
// r.bufs.Put) and the time it arrived.
func (r *run) read(ws *websocket.Conn) (*bytes.Buffer, time.Time, error) {
	_, rd, err := ws.NextReader()
	if err != nil {
		return nil, time.Time{}, err
	}
	buf := r.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	if _, err := buf.ReadFrom(rd); err != nil {
		r.bufs.Put(buf)
		return nil, time.Time{}, err
	}
	return buf, time.Now(), nil
}

// join dials, says hello and waits for the welcome. Join latency runs from
// the start of the dial to the welcome. A failed join is counted by reason.
func (r *run) join(ctx context.Context, p *peer, cookie string, hello []byte) (inbound, bool) {
	r.attempted.Add(1)
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	ws, reason := r.dialer.dial(ctx, cookie)
	if ws == nil {
		r.failures.add(reason)
		return inbound{}, false
	}
	deadline := start.Add(r.cfg.Timeout)
	ws.SetReadDeadline(deadline)
	ws.SetWriteDeadline(deadline)
	if err := ws.WriteMessage(websocket.TextMessage, hello); err != nil {
		ws.Close()
		r.failures.add("write hello: " + readReason(err))
		return inbound{}, false
	}
	for {
		buf, at, err := r.read(ws)
		if err != nil {
			ws.Close()
			r.failures.add(readReason(err))
			return inbound{}, false
		}
		m, ok := decode(buf.Bytes())
		r.bufs.Put(buf)
		switch {
		case !ok:
			continue
		case m.Type == protocol.TypeWelcome:
			p.took = at.Sub(start)
			r.joinLat.add(p.took)
			ws.SetReadDeadline(time.Time{})
			p.ws = ws
			p.state.Store(stJoined)
			r.succeeded.Add(1)
			return m, true
		case m.Type == protocol.TypeError:
			ws.Close()
			r.failures.add("refused: " + m.Data.Code)
			return inbound{}, false
		case m.Type == protocol.TypeWaiting:
			// In the lobby: the join completes when the teacher admits.
			r.lobbied.Add(1)
		}
	}
}

// readLoop reads until the connection ends; handle sees every decoded
// message. An end the drill did not ask for is a drop.
func (r *run) readLoop(p *peer, handle func(inbound)) {
	defer p.ws.Close()
	for {
		buf, at, err := r.read(p.ws)
		if err != nil {
			if p.state.CompareAndSwap(stJoined, stGone) {
				r.drops.add(readReason(err))
			} else {
				p.state.Store(stGone)
			}
			return
		}
		raw := buf.Bytes()
		if !r.measureChat(raw, at) {
			r.measure(raw, at)
		}
		if m, ok := decode(raw); ok {
			if m.Type == protocol.TypeError {
				r.serverErrors.add(m.Data.Code)
			}
			handle(m)
		}
		r.bufs.Put(buf)
	}
}

// measure records the relay latency of a stamped signal.
func (r *run) measure(raw []byte, at time.Time) {
	hold, sent, ok := stamp(raw)
	if !ok {
		return
	}
	d := time.Duration(at.UnixNano() - sent)
	r.relayLat.add(d)
	if hold {
		r.holdLat.add(d)
	}
}

// closeNormally asks the server to close; the reader sees the echo.
func (p *peer) closeNormally() {
	if p.state.CompareAndSwap(stJoined, stClosing) {
		p.ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseNormalClosure, "drill over"),
			time.Now().Add(2*time.Second))
	}
}

// forceClose drops a connection that did not close in time.
func (p *peer) forceClose() {
	if p.ws != nil && p.state.Load() != stGone {
		p.state.Store(stClosing)
		p.ws.Close()
	}
}
