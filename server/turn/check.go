package turn

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	pionturn "github.com/pion/turn/v5"
)

// CheckOptions tune Check.
type CheckOptions struct {
	Timeout time.Duration // per URL; 5 s when zero
	Pings   int           // round trips through the relay per URL; 5 when zero
}

// Result is the outcome for one URL.
type Result struct {
	URL       string        `json:"url"`
	Transport string        `json:"transport"` // udp or tcp
	OK        bool          `json:"ok"`
	Skipped   bool          `json:"skipped,omitempty"` // a URL the check cannot test (turns:, stuns:)
	RTT       time.Duration `json:"-"`                 // median round trip through the relay (turn) or of the binding (stun)
	RTTMillis float64       `json:"rtt_ms,omitempty"`
	Sent      int           `json:"sent,omitempty"`
	Received  int           `json:"received,omitempty"`
	Relayed   string        `json:"relayed_address,omitempty"` // the relayed candidate the server gave
	Mapped    string        `json:"mapped_address,omitempty"`  // this machine as the server sees it (stun)
	Error     string        `json:"error,omitempty"`
}

// Report is the outcome of Check.
type Report struct {
	OK      bool     `json:"ok"` // every URL that was not skipped passed
	Results []Result `json:"results"`
}

// Check tests the TURN and STUN servers in servers the way a browser uses
// them. For a turn: URL it opens two allocations over the URL's transport
// with the given credentials, lets the first send pings through its relay to
// the second's relay, which echoes them, and measures the round trip: a
// relayed media path between two participants who both need the relay. For
// a stun: URL it sends a binding request. It returns an error only when
// there is nothing to check.
func Check(ctx context.Context, servers []ICEServer, opt CheckOptions) (Report, error) {
	if opt.Timeout <= 0 {
		opt.Timeout = 5 * time.Second
	}
	if opt.Pings <= 0 {
		opt.Pings = 5
	}
	var rep Report
	for _, s := range servers {
		for _, raw := range s.URLs {
			rep.Results = append(rep.Results, checkURL(ctx, raw, s, opt))
		}
	}
	if len(rep.Results) == 0 {
		return rep, errors.New("turn: no URLs to check")
	}
	rep.OK = true
	for _, r := range rep.Results {
		if !r.OK && !r.Skipped {
			rep.OK = false
		}
	}
	return rep, nil
}

func checkURL(ctx context.Context, raw string, s ICEServer, opt CheckOptions) Result {
	res := Result{URL: raw}
	u, err := ParseURL(raw)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.Transport = u.Transport
	if u.Scheme == "turns" || u.Scheme == "stuns" {
		res.Skipped, res.Error = true, "TLS URLs are not checked"
		return res
	}
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()
	if u.Scheme == "stun" {
		err = checkSTUN(ctx, u, &res)
	} else {
		err = checkTURN(ctx, u, s.Username, s.Credential, opt.Pings, &res)
	}
	if err != nil {
		res.Error = err.Error()
	} else {
		res.OK = true
	}
	res.RTTMillis = float64(res.RTT.Microseconds()) / 1000
	return res
}

// dialClient connects a pion TURN client to u over u's transport. The
// returned close function releases everything; closing ctx does too.
func dialClient(ctx context.Context, u URL, user, pass string) (*pionturn.Client, func(), error) {
	var conn net.PacketConn
	var d net.Dialer
	if u.Transport == "tcp" {
		c, err := d.DialContext(ctx, "tcp4", u.Addr())
		if err != nil {
			return nil, nil, err
		}
		conn = pionturn.NewSTUNConn(c)
	} else {
		c, err := (&net.ListenConfig{}).ListenPacket(ctx, "udp4", "0.0.0.0:0")
		if err != nil {
			return nil, nil, err
		}
		conn = c
	}
	addr, err := net.DefaultResolver.LookupNetIP(ctx, "ip4", u.Host)
	if err != nil || len(addr) == 0 {
		conn.Close()
		return nil, nil, fmt.Errorf("resolve %s: no IPv4 address (%v)", u.Host, err)
	}
	server := net.JoinHostPort(addr[0].String(), fmt.Sprint(u.Port))
	c, err := pionturn.NewClient(&pionturn.ClientConfig{
		STUNServerAddr:         server,
		TURNServerAddr:         server,
		Username:               user,
		Password:               pass,
		Conn:                   conn,
		RequestedAddressFamily: pionturn.RequestedAddressFamilyIPv4,
		LoggerFactory:          slogFactory{discard},
	})
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	if err := c.Listen(); err != nil {
		c.Close()
		conn.Close()
		return nil, nil, err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	return c, func() { stop(); c.Close(); conn.Close() }, nil
}

func checkSTUN(ctx context.Context, u URL, res *Result) error {
	c, closeFn, err := dialClient(ctx, u, "", "")
	if err != nil {
		return err
	}
	defer closeFn()
	start := time.Now()
	mapped, err := c.SendBindingRequest()
	if err != nil {
		return ctxErr(ctx, fmt.Errorf("binding request: %w", err))
	}
	res.RTT = time.Since(start)
	res.Mapped = mapped.String()
	return nil
}

func checkTURN(ctx context.Context, u URL, user, pass string, pings int, res *Result) error {
	if user == "" || pass == "" {
		return errors.New("no credentials for this URL")
	}
	a, closeA, err := dialClient(ctx, u, user, pass)
	if err != nil {
		return err
	}
	defer closeA()
	relayA, err := a.AllocateWithContext(ctx)
	if err != nil {
		return ctxErr(ctx, fmt.Errorf("allocate: %w", explain(err)))
	}
	defer relayA.Close()
	res.Relayed = relayA.LocalAddr().String()

	b, closeB, err := dialClient(ctx, u, user, pass)
	if err != nil {
		return err
	}
	defer closeB()
	relayB, err := b.AllocateWithContext(ctx)
	if err != nil {
		return ctxErr(ctx, fmt.Errorf("second allocate: %w", explain(err)))
	}
	defer relayB.Close()

	// Each relay only passes packets from peers it has a permission for.
	if err := a.CreatePermission(relayB.LocalAddr()); err != nil {
		return ctxErr(ctx, fmt.Errorf("permission for the second relay %s: %w", relayB.LocalAddr(), explain(err)))
	}
	if err := b.CreatePermission(relayA.LocalAddr()); err != nil {
		return ctxErr(ctx, fmt.Errorf("permission for the first relay %s: %w", relayA.LocalAddr(), explain(err)))
	}

	go func() { // the far participant: echo everything
		buf := make([]byte, 1500)
		for {
			n, from, err := relayB.ReadFrom(buf)
			if err != nil {
				return
			}
			if _, err := relayB.WriteTo(buf[:n], from); err != nil {
				return
			}
		}
	}()

	var rtts []time.Duration
	buf := make([]byte, 1500)
	for i := range pings {
		msg := fmt.Appendf(nil, "ersatzraum turn-check %d", i)
		start := time.Now()
		deadline := start.Add(time.Second)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		if _, err := relayA.WriteTo(msg, relayB.LocalAddr()); err != nil {
			return ctxErr(ctx, fmt.Errorf("send through relay: %w", err))
		}
		res.Sent++
		_ = relayA.SetReadDeadline(deadline)
		for {
			n, _, err := relayA.ReadFrom(buf)
			if err != nil {
				break // lost; counted below
			}
			if string(buf[:n]) == string(msg) {
				rtts = append(rtts, time.Since(start))
				res.Received++
				break
			}
		}
		if ctx.Err() != nil {
			break
		}
	}
	if len(rtts) == 0 {
		return ctxErr(ctx, fmt.Errorf("none of %d packets came back through the relay", res.Sent))
	}
	slices.Sort(rtts)
	res.RTT = rtts[len(rtts)/2]
	return nil
}

// explain adds the likely cause to the TURN errors an admin meets.
func explain(err error) error {
	s := err.Error()
	switch {
	case strings.Contains(s, "401"):
		return fmt.Errorf("%w (credentials refused: wrong secret or expired)", err)
	case strings.Contains(s, "403"):
		return fmt.Errorf("%w (peer address refused: the server does not relay to it; for a server on a private address, allow private peers)", err)
	case strings.Contains(s, "486"):
		return fmt.Errorf("%w (allocation quota of this user reached)", err)
	}
	return err
}

// ctxErr names the timeout when it was the cause and err does not say so.
func ctxErr(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil && !strings.Contains(err.Error(), cause.Error()) {
		return fmt.Errorf("%w (%v)", err, cause)
	}
	return err
}
