package live

import (
	"math/rand/v2"
	"sync"
	"time"

	"ersatzraum/app/protocol"
)

// State is the signaling connection's state as the UI shows it.
type State int

// Connection states.
const (
	Connecting State = iota
	Connected
	Reconnecting
	Closed // final: the server refused us or we left
)

// Conn is one signaling connection as the client uses it: the browser's
// WebSocket (Socket) in the page, a fake in tests.
type Conn interface {
	Send(msgType string, data any) error
	Close()
}

// Dialer opens a connection to url. Its events go to deliver, which never
// blocks and may be called from a JavaScript callback.
type Dialer func(url string, deliver func(Event)) (Conn, error)

// Client keeps one signaling connection alive: it says hello on every
// (re)connect, hands messages to OnMessage in order on its own goroutine,
// and reconnects with backoff and jitter until the server closes with a
// final code or Stop is called. Everything that touches a call's state
// runs on that goroutine (OnMessage, OnState and the functions given to
// Do), so a call needs no locks and a burst of messages only makes the
// queue longer: nothing that delivers work to the client ever waits.
type Client struct {
	URL       string
	Hello     func() protocol.Hello
	OnMessage func(protocol.Envelope)
	OnState   func(s State, closeCode int, reason string)
	// Dial opens the connection; nil means the browser's WebSocket.
	Dial Dialer

	setup sync.Once
	work  *inbox[task]  // socket events and Do's functions, in order
	stop  chan struct{} // closed by Stop
	once  sync.Once     // closes stop

	mu   sync.Mutex // guards sock
	sock Conn       // the current connection, nil between connections
}

// task is one unit of work for the client's goroutine: a socket event of
// connection number gen, or a function.
type task struct {
	gen int
	ev  Event
	fn  func()
}

func (c *Client) init() {
	c.setup.Do(func() {
		c.work = newInbox[task]()
		c.stop = make(chan struct{})
	})
}

// Do runs f on the client's goroutine, in order with the messages. It
// never blocks; it is safe to call from callbacks and from any goroutine.
// Functions given after the client ended are never run.
func (c *Client) Do(f func()) {
	c.init()
	c.work.put(task{fn: f})
}

// Run connects and serves until the end; call it on its own goroutine.
func (c *Client) Run() {
	c.init()
	dial := c.Dial
	if dial == nil {
		dial = browserDial
	}
	attempt := 0
	for gen := 1; ; gen++ {
		sock, err := dial(c.URL, func(ev Event) { c.work.put(task{gen: gen, ev: ev}) })
		if err != nil {
			c.OnState(Closed, 0, err.Error())
			return
		}
		c.setSock(sock)
		code, reason, opened, stopped := c.serve(gen, sock)
		c.setSock(nil)
		if stopped {
			c.OnState(Closed, CloseLeft, "left")
			return
		}
		if opened {
			attempt = 0
		}
		if Final(code) {
			c.OnState(Closed, code, reason)
			return
		}
		attempt++
		c.OnState(Reconnecting, code, reason)
		if c.wait(Backoff(attempt, rand.Float64())) {
			c.OnState(Closed, CloseLeft, "left")
			return
		}
	}
}

// CloseLeft is the pseudo close code reported when the user left.
const CloseLeft = protocol.CloseNormal

func (c *Client) setSock(s Conn) {
	c.mu.Lock()
	c.sock = s
	c.mu.Unlock()
}

// serve works through the queue while connection gen is open. It handles
// a whole batch even after the close event, so that no function given to
// Do is lost.
func (c *Client) serve(gen int, sock Conn) (code int, reason string, opened, stopped bool) {
	closed := false
	for !closed {
		select {
		case <-c.stop:
			sock.Close()
			return CloseLeft, "left", opened, true
		case <-c.work.ready:
		}
		for _, t := range c.work.take() {
			if t.fn != nil {
				t.fn()
				continue
			}
			if t.gen != gen || closed {
				continue // an event of an earlier connection
			}
			switch t.ev.Kind {
			case EventOpen:
				opened = true
				sock.Send(protocol.TypeHello, c.Hello())
				c.OnState(Connected, 0, "")
			case EventMessage:
				c.OnMessage(t.ev.Env)
			case EventClosed:
				closed, code, reason = true, t.ev.Code, t.ev.Reason
			}
		}
	}
	return code, reason, opened, false
}

// wait runs functions given to Do for d, and reports whether the client
// was stopped meanwhile.
func (c *Client) wait(d time.Duration) (stopped bool) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case <-timer.C:
			return false
		case <-c.stop:
			return true
		case <-c.work.ready:
			for _, t := range c.work.take() {
				if t.fn != nil {
					t.fn()
				}
			}
		}
	}
}

// Send sends a message on the current connection.
func (c *Client) Send(msgType string, data any) error {
	c.mu.Lock()
	sock := c.sock
	c.mu.Unlock()
	if sock == nil {
		return errNotOpen
	}
	return sock.Send(msgType, data)
}

// Stop closes the connection for good.
func (c *Client) Stop() {
	c.init()
	c.once.Do(func() { close(c.stop) })
}
