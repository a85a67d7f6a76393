package drill

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// dialer opens signaling connections. When the server is on loopback it
// dials from several source addresses in turn, so that 20,000 connections
// do not run out of the ~28,000 ephemeral ports of one address, and so
// that the server's per-address connection limit sees several clients.
type dialer struct {
	ws *websocket.Dialer
	// nodes are the servers connections go to, in turn (several with
	// Config.Spread, as a load balancer would spread them).
	nodes   []wsNode
	pick    atomic.Uint64
	sources []net.Addr
	// targets maps a node's HOST:PORT to its resolved loopback address,
	// when sources are used.
	targets map[string]string
	next    atomic.Uint64
}

type wsNode struct {
	url    string // ws(s)://HOST/ws
	origin string
}

func newDialer(base *url.URL, spread []*url.URL, sourceAddrs int, timeout time.Duration) (*dialer, error) {
	d := &dialer{targets: make(map[string]string)}
	for _, u := range append([]*url.URL{base}, spread...) {
		scheme := "ws"
		if u.Scheme == "https" {
			scheme = "wss"
		}
		d.nodes = append(d.nodes, wsNode{url: scheme + "://" + u.Host + "/ws", origin: u.String()})
	}
	d.ws = &websocket.Dialer{
		HandshakeTimeout: timeout,
		// Small buffers: 20,000 connections must fit on the drill's side
		// too. Idle connections hold no write buffer at all.
		ReadBufferSize:  1024,
		WriteBufferSize: 1024,
		WriteBufferPool: &sync.Pool{},
	}
	if sourceAddrs > 0 {
		for _, u := range append([]*url.URL{base}, spread...) {
			if err := d.useLoopbackSources(u, sourceAddrs); err != nil {
				return nil, err
			}
		}
	}
	nd := &net.Dialer{Timeout: timeout, KeepAlive: -1}
	d.ws.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		target, ok := d.targets[addr]
		if len(d.sources) == 0 || !ok {
			return nd.DialContext(ctx, network, addr)
		}
		local := d.sources[d.next.Add(1)%uint64(len(d.sources))]
		return (&net.Dialer{Timeout: timeout, KeepAlive: -1, LocalAddr: local}).DialContext(ctx, "tcp4", target)
	}
	return d, nil
}

// useLoopbackSources sets up source addresses 127.0.0.2 ... when the
// server's host is an IPv4 loopback address (or a name for one).
func (d *dialer) useLoopbackSources(base *url.URL, n int) error {
	host, port := base.Hostname(), base.Port()
	if port == "" {
		port = "80"
		if base.Scheme == "https" {
			port = "443"
		}
	}
	ips, err := net.DefaultResolver.LookupNetIP(context.Background(), "ip", host)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", host, err)
	}
	var target netip.Addr
	for _, ip := range ips {
		ip = ip.Unmap()
		if !ip.IsLoopback() {
			return nil // not (only) loopback: dial normally
		}
		if ip.Is4() && !target.IsValid() {
			target = ip
		}
	}
	if !target.IsValid() {
		return nil
	}
	d.targets[net.JoinHostPort(host, port)] = net.JoinHostPort(target.String(), port)
	if len(d.sources) == 0 {
		for i := range n {
			d.sources = append(d.sources, &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i))})
		}
	}
	return nil
}

// dial opens one connection; on failure it returns the reason to count.
func (d *dialer) dial(ctx context.Context, cookie string) (*websocket.Conn, string) {
	node := d.nodes[d.pick.Add(1)%uint64(len(d.nodes))]
	h := http.Header{"Origin": {node.origin}}
	if cookie != "" {
		h.Set("Cookie", cookie)
	}
	ws, resp, err := d.ws.DialContext(ctx, node.url, h)
	if err == nil {
		return ws, ""
	}
	if resp != nil {
		resp.Body.Close()
		return nil, fmt.Sprintf("http %d", resp.StatusCode)
	}
	return nil, dialReason(err)
}

func dialReason(err error) string {
	var errno syscall.Errno
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return "timeout (dial)"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &errno):
		return "dial: " + errno.Error()
	case errors.Is(err, websocket.ErrBadHandshake):
		return "bad handshake"
	}
	return "dial: other"
}

// readReason names why a connection ended while reading.
func readReason(err error) string {
	var ce *websocket.CloseError
	var ne net.Error
	switch {
	case errors.As(err, &ce):
		if ce.Text != "" {
			return fmt.Sprintf("close %d %s", ce.Code, ce.Text)
		}
		return fmt.Sprintf("close %d", ce.Code)
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout (no welcome)"
	case errors.Is(err, net.ErrClosed):
		return "closed by drill"
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return "read: " + errno.Error()
	}
	return "read: other"
}
