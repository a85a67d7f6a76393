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

// Client keeps one signaling connection alive: it says hello on every
// (re)connect, hands messages to OnMessage in order on its own goroutine,
// and reconnects with backoff and jitter until the server closes with a
// final code or Stop is called.
type Client struct {
	URL       string
	Hello     func() protocol.Hello
	OnMessage func(protocol.Envelope)
	OnState   func(s State, closeCode int, reason string)

	mu    sync.Mutex
	sock  *Socket
	stop  chan struct{}
	tasks chan func()
	once  sync.Once
}

// Do runs f on the client's goroutine, in order with the messages, so
// that state touched by OnMessage needs no locks. It never blocks; it is
// safe to call from callbacks.
func (c *Client) Do(f func()) {
	go func() {
		select {
		case c.taskChan() <- f:
		case <-c.stopChan():
		}
	}()
}

func (c *Client) taskChan() chan func() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tasks == nil {
		c.tasks = make(chan func())
	}
	return c.tasks
}

func (c *Client) stopChan() chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stop == nil {
		c.stop = make(chan struct{})
	}
	return c.stop
}

// Run connects and serves until the end; call it on its own goroutine.
func (c *Client) Run() {
	stop, tasks := c.stopChan(), c.taskChan()
	attempt := 0
	for {
		events := make(chan Event, 64)
		sock, err := Dial(c.URL, events)
		if err != nil {
			c.OnState(Closed, 0, err.Error())
			return
		}
		c.mu.Lock()
		c.sock = sock
		c.mu.Unlock()
		code, reason, opened := c.serve(sock, events, stop, tasks)
		if opened {
			attempt = 0
		}
		select {
		case <-stop:
			c.OnState(Closed, CloseLeft, "left")
			return
		default:
		}
		if Final(code) {
			c.OnState(Closed, code, reason)
			return
		}
		attempt++
		c.OnState(Reconnecting, code, reason)
		wait := time.After(Backoff(attempt, rand.Float64()))
	waiting:
		for {
			select {
			case <-wait:
				break waiting
			case f := <-tasks:
				f()
			case <-stop:
				c.OnState(Closed, CloseLeft, "left")
				return
			}
		}
	}
}

// CloseLeft is the pseudo close code reported when the user left.
const CloseLeft = protocol.CloseNormal

func (c *Client) serve(sock *Socket, events chan Event, stop chan struct{}, tasks chan func()) (code int, reason string, opened bool) {
	for {
		select {
		case f := <-tasks:
			f()
		case <-stop:
			sock.Close()
			return CloseLeft, "left", opened
		case ev := <-events:
			switch ev.Kind {
			case EventOpen:
				opened = true
				sock.Send(protocol.TypeHello, c.Hello())
				c.OnState(Connected, 0, "")
			case EventMessage:
				c.OnMessage(ev.Env)
			case EventClosed:
				return ev.Code, ev.Reason, opened
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
	stop := c.stopChan()
	c.once.Do(func() { close(stop) })
}
