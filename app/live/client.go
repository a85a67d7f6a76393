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
// Do), so a call needs no locks, and a burst of messages only makes the
// queue longer: nothing that delivers work to the client ever waits.
//
// The client paces a burst: it handles one message at a time, and before
// each message every function given to Do. Those are the page's own
// events (a picture arrived, a connection came up, a click), so a class
// of 30 offers arriving at once does not hold back the first student's
// picture until the last offer is answered.
type Client struct {
	URL       string
	Hello     func() protocol.Hello
	OnMessage func(protocol.Envelope)
	OnState   func(s State, closeCode int, reason string)
	// Dial opens the connection; nil means the browser's WebSocket.
	Dial Dialer

	setup  sync.Once
	tasks  *inbox[func()] // functions given to Do
	events *inbox[event]  // socket events, oldest first
	stop   chan struct{}  // closed by Stop
	once   sync.Once      // closes stop

	mu   sync.Mutex // guards sock
	sock Conn       // the current connection, nil between connections
}

// event is a socket event of connection number gen.
type event struct {
	gen int
	Event
}

func (c *Client) init() {
	c.setup.Do(func() {
		c.tasks = newInbox[func()]()
		c.events = newInbox[event]()
		c.stop = make(chan struct{})
	})
}

// Do runs f on the client's goroutine, before any message that still
// waits. It never blocks; it is safe to call from callbacks and from any
// goroutine. Functions given after the client ended are never run.
func (c *Client) Do(f func()) {
	c.init()
	c.tasks.put(f)
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
		sock, err := dial(c.URL, func(ev Event) { c.events.put(event{gen: gen, Event: ev}) })
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

// runTasks runs every function given to Do so far.
func (c *Client) runTasks() {
	for _, f := range c.tasks.take() {
		f()
	}
}

// yieldEvery is how long the client may work through a burst before it
// lets the browser run its event loop: some browser calls (adding an ICE
// candidate, building a connection) are synchronous, so a queue of them
// would otherwise hold the page for seconds.
const yieldEvery = 50 * time.Millisecond

// serve works through the queues while connection gen is open.
func (c *Client) serve(gen int, sock Conn) (code int, reason string, opened, stopped bool) {
	lastYield := time.Now()
	for {
		if time.Since(lastYield) > yieldEvery {
			yieldToBrowser()
			lastYield = time.Now()
		}
		select {
		case <-c.stop:
			sock.Close()
			return CloseLeft, "left", opened, true
		default:
		}
		c.runTasks()
		ev, ok := c.events.pop()
		if !ok {
			select {
			case <-c.stop:
			case <-c.tasks.ready:
			case <-c.events.ready:
			}
			continue
		}
		if ev.gen != gen {
			continue // an event of an earlier connection
		}
		switch ev.Kind {
		case EventOpen:
			opened = true
			sock.Send(protocol.TypeHello, c.Hello())
			c.OnState(Connected, 0, "")
		case EventMessage:
			c.OnMessage(ev.Env)
		case EventClosed:
			return ev.Code, ev.Reason, opened, false
		}
	}
}

// wait runs functions given to Do for d, and reports whether the client
// was stopped meanwhile.
func (c *Client) wait(d time.Duration) (stopped bool) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		c.runTasks()
		select {
		case <-timer.C:
			return false
		case <-c.stop:
			return true
		case <-c.tasks.ready:
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
