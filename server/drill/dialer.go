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
	ws      *websocket.Dialer
	url     string // ws(s)://HOST/ws
	origin  string
	sources []net.Addr
	target  string // resolved loopback HOST:PORT, when sources are used
	next    atomic.Uint64
}

func newDialer(base *url.URL, sourceAddrs int, timeout time.Duration) (*dialer, error) {
	d := &dialer{origin: base.String()}
	scheme := "ws"
	if base.Scheme == "https" {
		scheme = "wss"
	}
	d.url = scheme + "://" + base.Host + "/ws"
	d.ws = &websocket.Dialer{
		HandshakeTimeout: timeout,
		// Small buffers: 20,000 connections must fit on the drill's side
		// too. Idle connections hold no write buffer at all.
		ReadBufferSize:  1024,
		WriteBufferSize: 1024,
		WriteBufferPool: &sync.Pool{},
	}
	if sourceAddrs > 0 {
		if err := d.useLoopbackSources(base, sourceAddrs); err != nil {
			return nil, err
		}
	}
	nd := &net.Dialer{Timeout: timeout, KeepAlive: -1}
	d.ws.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if len(d.sources) == 0 {
			return nd.DialContext(ctx, network, addr)
		}
		local := d.sources[d.next.Add(1)%uint64(len(d.sources))]
		return (&net.Dialer{Timeout: timeout, KeepAlive: -1, LocalAddr: local}).DialContext(ctx, "tcp4", d.target)
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
	d.target = net.JoinHostPort(target.String(), port)
	for i := range n {
		d.sources = append(d.sources, &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i))})
	}
	return nil
}

// dial opens one connection; on failure it returns the reason to count.
func (d *dialer) dial(ctx context.Context, cookie string) (*websocket.Conn, string) {
	h := http.Header{"Origin": {d.origin}}
	if cookie != "" {
		h.Set("Cookie", cookie)
	}
	ws, resp, err := d.ws.DialContext(ctx, d.url, h)
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
