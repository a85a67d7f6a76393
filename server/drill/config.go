// Package drill owns the load drill (`ersatzraum drill`): it simulates a
// school's 08:00 against any Ersatzraum server. Simulated teachers sign in
// with a login link, start lessons and open their signaling connections;
// simulated students join those lessons spread over a time window and
// negotiate like real clients (offer, answer, ICE candidates). The drill
// measures join and relay latency, counts failed joins and dropped
// connections by reason, and reads the server's /metrics when it is
// exposed. Run is the entry point; Report is what it measured.
package drill

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"
)

// Config describes one drill.
type Config struct {
	// URL is the server's base URL, http or https.
	URL string
	// Spread are the base URLs of more nodes of the same service (serve
	// --nats): the lessons are started and the WebSocket connections go
	// to URL and these in turn, as a load balancer would send them; the
	// login and /metrics go to URL.
	Spread []string
	// LoginLink is a one-time teacher login link as the server prints it
	// at start (http://HOST/login?token=...).
	LoginLink string
	// Teachers is the number of lessons (one simulated teacher each);
	// Students are spread evenly over them.
	Teachers int
	Students int
	// Within is the window in which all students join, uniformly spread.
	Within time.Duration
	// Hold is how long everyone stays connected after the joins.
	Hold time.Duration
	// RelayRate is the number of candidate signals per second, across all
	// students, that students send to their teacher during Hold.
	RelayRate float64
	// SourceAddrs is the number of loopback source addresses
	// (127.0.0.2 ...) to dial from when the server is on loopback; 0 dials
	// from the default address.
	SourceAddrs int
	// Timeout bounds one join, from the dial to the welcome.
	Timeout time.Duration
	// ChatClasses adds that many lessons of 30 students who join first;
	// then, while the Students join the Teachers' lessons, every one of
	// them writes one chat message a second to the class for ChatFor
	// (chat.go).
	ChatClasses int
	ChatFor     time.Duration
	// Progress, when set, receives a line about the drill's progress every
	// few seconds.
	Progress io.Writer
}

// Defaults of the command line.
const (
	DefaultURL         = "http://localhost:8080"
	DefaultTeachers    = 4
	DefaultStudents    = 100
	DefaultWithin      = 10 * time.Second
	DefaultHold        = 10 * time.Second
	DefaultSourceAddrs = 16
	DefaultTimeout     = 10 * time.Second
	DefaultChatFor     = time.Minute
)

// The pace at which a simulated teacher sends, below a signed-in
// teacher's budget of 300 messages per second with a burst of 1,500
// (server/signaling/session.go), with room for the jitter between sending
// and the server's receipt. A real teacher's browser does not pace itself
// at all; the budget is sized so that it never has to.
const (
	clientRate  = 250
	clientBurst = 1200
	// maxStudentRelayRate bounds RelayRate per student.
	maxStudentRelayRate = 10
)

// spread parses Spread.
func (c *Config) spread() ([]*url.URL, error) {
	var out []*url.URL
	for _, s := range c.Spread {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("--spread %q is not an http(s) URL", s)
		}
		out = append(out, &url.URL{Scheme: u.Scheme, Host: u.Host})
	}
	return out, nil
}

func (c *Config) validate() (*url.URL, error) {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--url %q is not an http(s) URL", c.URL)
	}
	u = &url.URL{Scheme: u.Scheme, Host: u.Host}
	if _, err := c.spread(); err != nil {
		return nil, err
	}
	switch {
	case c.LoginLink == "":
		return nil, errors.New("--login-link is required: use the link the server prints at start")
	case c.Teachers < 1:
		return nil, errors.New("--teachers must be at least 1")
	case c.Students < 0:
		return nil, errors.New("--students must not be negative")
	case c.Within < 0 || c.Hold < 0:
		return nil, errors.New("--within and --hold must not be negative")
	case c.Timeout <= 0:
		return nil, errors.New("--timeout must be positive")
	case c.RelayRate < 0:
		return nil, errors.New("--relay-rate must not be negative")
	case c.RelayRate > 0 && c.RelayRate > maxStudentRelayRate*float64(c.Students):
		return nil, fmt.Errorf("--relay-rate %.0f is more than %d messages per second per student; add students", c.RelayRate, maxStudentRelayRate)
	case c.ChatClasses < 0:
		return nil, errors.New("--chat-classes must not be negative")
	case c.ChatClasses > 0 && c.ChatFor <= 0:
		return nil, errors.New("--chat-for must be positive")
	case c.SourceAddrs < 0 || c.SourceAddrs > 250:
		return nil, errors.New("--source-addrs must be between 0 and 250")
	}
	return u, nil
}
