package signaling

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"ersatzraum/app/protocol"
)

// Connection limits. pingInterval is well below the 60 s after which common
// reverse proxies cut an idle connection.
const (
	sendQueueLength    = 32   // a student's queue
	teacherQueueLength = 1024 // a teacher's: a class joining at once
	writeDeadline      = 10 * time.Second
	pingInterval       = 25 * time.Second
	pongWait           = 2*pingInterval + 10*time.Second
	// helloWait is how long a new connection may stay silent before its
	// hello: a page sends it as soon as the socket opens, so a connection
	// that says nothing holds a file descriptor for no one.
	helloWait = 10 * time.Second
)

// Endpoint serves the signaling WebSocket.
type Endpoint struct {
	Hub *Hub
	// Identify reads who the client is from the upgrade request (its
	// session cookie).
	Identify func(*http.Request) Identity
	// CheckOrigin decides whether a page from the request's Origin may
	// connect. Without it, only the same host is allowed.
	CheckOrigin func(*http.Request) bool
	// ClientAddr returns the client's address (see package admission).
	ClientAddr func(*http.Request) netip.Addr
	// Gate, when set, limits new and open connections per address.
	Gate Gate
	// Router, when set, chooses who takes each connection (package
	// cluster: this node's Hub, or the node that hosts the lesson);
	// without it, Hub does.
	Router Router
	// HelloWait overrides helloWait (tests).
	HelloWait time.Duration
	Log       *slog.Logger
}

// Gate limits connections per address (package admission): the rate of
// new ones, and how many are open at once (Open true must be followed by
// one Closed).
type Gate interface {
	AllowConnect(netip.Addr) bool
	Open(netip.Addr) bool
	Closed(netip.Addr)
}

func (e *Endpoint) upgrader() *websocket.Upgrader {
	// A nil CheckOrigin is gorilla's default: the Origin's host must equal
	// the request's Host.
	return &websocket.Upgrader{
		ReadBufferSize:  1024,
		WriteBufferSize: 1024,
		CheckOrigin:     e.CheckOrigin,
		// The buffer pool lets idle connections hold no write buffer.
		WriteBufferPool: &sync.Pool{},
	}
}

func (e *Endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var addr netip.Addr
	if e.ClientAddr != nil {
		addr = e.ClientAddr(r)
	}
	if e.Gate != nil && !e.Gate.AllowConnect(addr) {
		e.Hub.Meter.Disconnected("connect-rate")
		w.Header().Set("Retry-After", "5")
		http.Error(w, "too many connections from your address", http.StatusTooManyRequests)
		return
	}
	release := func() {}
	if e.Gate != nil {
		if !e.Gate.Open(addr) {
			e.Hub.Meter.Disconnected("open-limit")
			w.Header().Set("Retry-After", "30")
			http.Error(w, "too many open connections from your address", http.StatusTooManyRequests)
			return
		}
		release = func() { e.Gate.Closed(addr) }
	}
	ws, err := e.upgrader().Upgrade(w, r, nil)
	if err != nil {
		release()
		// Upgrade has already answered with a 4xx.
		e.Log.Info("websocket upgrade refused", "err", err, "origin", r.Header.Get("Origin"))
		return
	}
	var id Identity
	if e.Identify != nil {
		id = e.Identify(r)
	}
	id.Addr = addr
	e.Hub.Meter.Connected(1)
	c := newWSConn(ws)
	c.release = release
	if e.HelloWait > 0 {
		c.helloWait = e.HelloWait
	}
	var recv Receiver
	if e.Router != nil {
		recv = e.Router.Connect(c, id)
	} else {
		recv = e.Hub.Connect(c, id)
	}
	// Return from the handler and read on a fresh goroutine: the HTTP
	// server's goroutine, with its grown stack, its buffers and the
	// request, would otherwise stay alive for every idle connection.
	go c.writeLoop()
	go c.readLoop(recv, e.Hub.Meter)
}

// wsConn adapts a gorilla connection to the hub's Conn. Its send queue is
// a slice under a lock rather than a channel, so that an idle connection
// holds no queue memory and the hub can give a teacher a longer queue
// than a student (a whole class's offers arrive at the teacher at once).
type wsConn struct {
	ws      *websocket.Conn
	wake    chan struct{} // capacity 1: "the queue is not empty"
	closing chan struct{}

	// mu guards the following fields: Send appends from hub goroutines,
	// the write loop takes the queue, SetQueueLimit changes the limit.
	mu    sync.Mutex
	queue [][]byte
	limit int

	once        sync.Once
	closeCode   int
	closeReason string
	// release gives the address's open-connection slot back; called once,
	// by the read loop when it ends.
	release   func()
	helloWait time.Duration
}

func newWSConn(ws *websocket.Conn) *wsConn {
	return &wsConn{ws: ws, wake: make(chan struct{}, 1), closing: make(chan struct{}), limit: sendQueueLength, release: func() {}, helloWait: helloWait}
}

func (c *wsConn) Send(msg []byte) bool {
	select {
	case <-c.closing:
		return true // already going away; nothing to report
	default:
	}
	c.mu.Lock()
	if len(c.queue) >= c.limit {
		c.mu.Unlock()
		return false
	}
	c.queue = append(c.queue, msg)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return true
}

// SetQueueLimit changes how many messages may wait for this client.
func (c *wsConn) SetQueueLimit(n int) {
	c.mu.Lock()
	c.limit = n
	c.mu.Unlock()
}

// take removes and returns everything queued.
func (c *wsConn) take() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	q := c.queue
	c.queue = nil
	return q
}

func (c *wsConn) Close(code int, reason string) {
	c.once.Do(func() {
		c.closeCode, c.closeReason = code, reason
		close(c.closing)
	})
}

func (c *wsConn) readLoop(s Receiver, meter Meter) {
	defer func() {
		s.Closed()
		c.Close(protocol.CloseNormal, "")
		meter.Connected(-1)
		c.release()
	}()
	c.ws.SetReadLimit(protocol.MaxMessageBytes)
	// Until hello, the deadline stays helloWait from the start: pongs
	// (which a client may send unasked) do not extend it. The read loop
	// is the session's own goroutine, so s.Joined may be asked here.
	joined := false
	c.ws.SetReadDeadline(time.Now().Add(c.helloWait))
	c.ws.SetPongHandler(func(string) error {
		if !joined {
			return nil
		}
		return c.ws.SetReadDeadline(time.Now().Add(pongWait))
	})
	for {
		kind, msg, err := c.ws.ReadMessage()
		if err != nil {
			var ne net.Error
			switch {
			case errors.Is(err, websocket.ErrReadLimit):
				meter.Disconnected("too-large")
				c.Close(protocol.CloseTooLarge, protocol.ErrTooLarge)
			case !joined && errors.As(err, &ne) && ne.Timeout():
				meter.Disconnected("hello-timeout")
				c.Close(protocol.CloseBadHello, protocol.ErrHelloTimeout)
			}
			return
		}
		if kind != websocket.TextMessage {
			c.Send(protocol.MustEncode(protocol.TypeError, protocol.Error{Code: protocol.ErrMalformed, Message: "only text messages are accepted"}))
			c.Close(protocol.CloseProtocolError, protocol.ErrMalformed)
			continue
		}
		s.Receive(msg)
		if !joined && s.Joined() {
			joined = true
			c.ws.SetReadDeadline(time.Now().Add(pongWait))
		}
	}
}

func (c *wsConn) writeLoop() {
	ping := time.NewTicker(pingInterval)
	defer func() {
		ping.Stop()
		c.ws.Close()
	}()
	for {
		select {
		case <-c.wake:
			for _, msg := range c.take() {
				if !c.write(msg) {
					return
				}
			}
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeDeadline)); err != nil {
				return
			}
		case <-c.closing:
			// Flush what was queued before the close (usually the error
			// that explains it), then say goodbye.
			for _, msg := range c.take() {
				if !c.write(msg) {
					return
				}
			}
			frame := websocket.FormatCloseMessage(c.closeCode, c.closeReason)
			c.ws.WriteControl(websocket.CloseMessage, frame, time.Now().Add(time.Second))
			return
		}
	}
}

func (c *wsConn) write(msg []byte) bool {
	c.ws.SetWriteDeadline(time.Now().Add(writeDeadline))
	return c.ws.WriteMessage(websocket.TextMessage, msg) == nil
}

// AllowOrigins returns an origin check that admits pages from the
// request's own host and from the listed origins (such as the web server
// that hosts the exported static app). Clients that send no Origin are not
// browsers and cannot be abused by another site, so they pass.
func AllowOrigins(allowed []string) func(*http.Request) bool {
	set := make(map[string]bool, len(allowed))
	for _, o := range allowed {
		set[strings.TrimRight(strings.ToLower(o), "/")] = true
	}
	return func(r *http.Request) bool {
		origin := r.Header.Get("Origin")
		if origin == "" {
			return true
		}
		u, err := url.Parse(origin)
		if err != nil {
			return false
		}
		if strings.EqualFold(u.Host, r.Host) {
			return true
		}
		return set[strings.ToLower(origin)]
	}
}
