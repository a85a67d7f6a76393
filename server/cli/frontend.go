package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"

	"ersatzraum/server/admission"
	"ersatzraum/server/datadir"
)

// tlsConfig holds how serve speaks HTTPS: certificates from ACME for
// --domain, the school's own certificate files, or none (plain HTTP, on
// localhost or behind a reverse proxy that terminates TLS).
type tlsConfig struct {
	domain    string
	httpAddr  string
	cert      string
	key       string
	acmeEmail string
	acmeCA    string
}

func (c *tlsConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.domain, "domain", "", "comma-separated host `NAMES` to get certificates for from Let's Encrypt (ACME); needs ports 443 and 80 reachable from the internet; --addr then defaults to :443")
	fs.StringVar(&c.httpAddr, "http-addr", "", "`HOST:PORT` for plain HTTP that redirects to HTTPS (and answers ACME challenges); default :80 with --domain, off otherwise")
	fs.StringVar(&c.cert, "tls-cert", "", "certificate `FILE` (PEM, with intermediates) to serve HTTPS with; reread on SIGHUP")
	fs.StringVar(&c.key, "tls-key", "", "private key `FILE` (PEM) of --tls-cert")
	fs.StringVar(&c.acmeEmail, "acme-email", "", "contact `ADDRESS` given to the ACME provider for expiry notices (optional)")
	fs.StringVar(&c.acmeCA, "acme-ca", "", "ACME directory `URL` of another provider than Let's Encrypt (e.g. the city's own CA)")
}

// on reports whether serve speaks HTTPS itself.
func (c *tlsConfig) on() bool { return c.domain != "" || c.cert != "" }

// check reports a wrong combination, naming the flag. It reads the
// certificate files, so that a wrong path stops the start, not the first
// visitor.
func (c *tlsConfig) check() error {
	if c.domain != "" && (c.cert != "" || c.key != "") {
		return errors.New("--domain and --tls-cert/--tls-key exclude each other: get certificates by ACME or bring your own")
	}
	if c.cert != "" && c.key == "" {
		return errors.New("--tls-cert needs --tls-key")
	}
	if c.key != "" && c.cert == "" {
		return errors.New("--tls-key needs --tls-cert")
	}
	if c.httpAddr != "" && !c.on() {
		return errors.New("--http-addr redirects to HTTPS: it needs --domain or --tls-cert")
	}
	if c.httpAddr != "" {
		if _, _, err := net.SplitHostPort(c.httpAddr); err != nil {
			return fmt.Errorf("--http-addr %q is not HOST:PORT", c.httpAddr)
		}
	}
	for _, d := range splitList(c.domain) {
		if strings.ContainsAny(d, ":/*") || !strings.Contains(d, ".") {
			return fmt.Errorf("--domain %q: give host names like ersatzraum.schule.example (no scheme, port or wildcard)", d)
		}
	}
	if c.domain == "" && (c.acmeEmail != "" || c.acmeCA != "") {
		return errors.New("--acme-email and --acme-ca only apply with --domain")
	}
	if c.acmeCA != "" {
		if u, err := url.Parse(c.acmeCA); err != nil || u.Scheme != "https" || u.Host == "" {
			return fmt.Errorf("--acme-ca %q: give the https:// URL of an ACME directory", c.acmeCA)
		}
	}
	if c.cert != "" {
		if _, err := tls.LoadX509KeyPair(c.cert, c.key); err != nil {
			return fmt.Errorf("--tls-cert %s / --tls-key %s: %v", c.cert, c.key, err)
		}
	}
	return nil
}

// certFiles serves the certificate from --tls-cert/--tls-key and rereads
// it on demand (SIGHUP), so that a renewed certificate needs no restart.
type certFiles struct {
	cert, key string
	mu        sync.RWMutex
	current   *tls.Certificate
}

func (c *certFiles) load() error {
	crt, err := tls.LoadX509KeyPair(c.cert, c.key)
	if err != nil {
		return fmt.Errorf("--tls-cert %s / --tls-key %s: %w", c.cert, c.key, err)
	}
	c.mu.Lock()
	c.current = &crt
	c.mu.Unlock()
	return nil
}

func (c *certFiles) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.current, nil
}

// frontend is what serve listens with: the main server (HTTPS or HTTP)
// and, when it speaks HTTPS, optionally a plain HTTP server that redirects
// to it and answers ACME http-01 challenges.
type frontend struct {
	main       *http.Server
	mainLn     net.Listener
	redirect   *http.Server
	redirectLn net.Listener
	certs      *certFiles        // with --tls-cert
	acme       *autocert.Manager // with --domain
}

// newFrontend listens on the configured addresses and builds the servers
// around handler. Nothing is served before serve is called.
func newFrontend(cfg *serveConfig, handler http.Handler, log *slog.Logger) (*frontend, error) {
	// net/http's own complaints (TLS handshakes of scanners, mostly) name
	// client addresses: debug level only.
	errLog := slog.NewLogLogger(log.Handler(), slog.LevelDebug)
	f := &frontend{main: &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          errLog,
	}}
	t := &cfg.tls
	switch {
	case t.domain != "":
		f.acme = &autocert.Manager{
			Prompt:     autocert.AcceptTOS,
			Cache:      autocert.DirCache(filepath.Join(cfg.data, datadir.ACMEDir)),
			HostPolicy: autocert.HostWhitelist(splitList(t.domain)...),
			Email:      t.acmeEmail,
		}
		if t.acmeCA != "" {
			f.acme.Client = &acme.Client{DirectoryURL: t.acmeCA}
		}
		f.main.TLSConfig = f.acme.TLSConfig()
	case t.cert != "":
		f.certs = &certFiles{cert: t.cert, key: t.key}
		if err := f.certs.load(); err != nil {
			return nil, err
		}
		f.main.TLSConfig = &tls.Config{GetCertificate: f.certs.get, NextProtos: []string{"h2", "http/1.1"}}
	}
	if f.main.TLSConfig != nil {
		f.main.TLSConfig.MinVersion = tls.VersionTLS12
	}
	var err error
	if f.mainLn, err = net.Listen("tcp", cfg.addr); err != nil {
		return nil, fmt.Errorf("--addr %s: %w", cfg.addr, err)
	}
	if t.httpAddr != "" {
		if f.redirectLn, err = net.Listen("tcp", t.httpAddr); err != nil {
			f.mainLn.Close()
			return nil, fmt.Errorf("--http-addr %s: %w", t.httpAddr, err)
		}
		var h http.Handler = redirectToHTTPS(httpsPort(cfg, f.mainLn))
		if f.acme != nil {
			h = f.acme.HTTPHandler(h)
		}
		f.redirect = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 30 * time.Second, ErrorLog: errLog}
	}
	return f, nil
}

// scheme is what users type in front of the host.
func (f *frontend) scheme() string {
	if f.main.TLSConfig != nil {
		return "https"
	}
	return "http"
}

// serve starts serving; the first failure of any server arrives on the
// returned channel.
func (f *frontend) serve() <-chan error {
	errc := make(chan error, 2)
	go func() {
		var err error
		if f.main.TLSConfig != nil {
			err = f.main.Serve(tls.NewListener(f.mainLn, f.main.TLSConfig))
		} else {
			err = f.main.Serve(f.mainLn)
		}
		errc <- err
	}()
	if f.redirect != nil {
		go func() { errc <- f.redirect.Serve(f.redirectLn) }()
	}
	return errc
}

// shutdown stops accepting, then waits for running requests until ctx ends.
func (f *frontend) shutdown(ctx context.Context) error {
	var errs []error
	if f.redirect != nil {
		errs = append(errs, f.redirect.Shutdown(ctx))
	}
	errs = append(errs, f.main.Shutdown(ctx))
	return errors.Join(errs...)
}

// close releases listeners of a frontend that never served.
func (f *frontend) close() {
	f.mainLn.Close()
	if f.redirectLn != nil {
		f.redirectLn.Close()
	}
}

// httpsPort is the port users reach HTTPS at: that of --public-url when
// given (a container or NAT may map 443 to another port), else the
// listening one.
func httpsPort(cfg *serveConfig, ln net.Listener) string {
	if u, err := url.Parse(cfg.publicURL); err == nil && u.Scheme == "https" && u.Host != "" {
		if p := u.Port(); p != "" {
			return p
		}
		return "443"
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// redirectToHTTPS sends every request to the same host and path over
// HTTPS on port (omitted when it is 443).
func redirectToHTTPS(port string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if host == "" {
			http.Error(w, "use HTTPS", http.StatusBadRequest)
			return
		}
		if port != "443" {
			host = net.JoinHostPort(host, port)
		} else if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		code := http.StatusMovedPermanently
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			code = http.StatusPermanentRedirect // keeps the method and body
		}
		http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), code)
	})
}

// forwardedTLS marks requests that a trusted reverse proxy received over
// HTTPS (X-Forwarded-Proto: https) as secure, so that everything that
// asks r.TLS (the Secure flag of the session cookie, links built from the
// request) treats them like HTTPS that reached the server directly. From
// any other peer the header is ignored.
func forwardedTLS(addrs admission.Addresses, next http.Handler) http.Handler {
	if len(addrs.Trusted) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil && addrs.ForwardedHTTPS(r) {
			r2 := *r
			r2.TLS = &tls.ConnectionState{}
			r = &r2
		}
		next.ServeHTTP(w, r)
	})
}

// publicBase is the address users reach the server at, for printed links.
func publicBase(cfg *serveConfig, f *frontend) string {
	if cfg.publicURL != "" {
		return strings.TrimRight(cfg.publicURL, "/")
	}
	_, port, _ := net.SplitHostPort(f.mainLn.Addr().String())
	if d := splitList(cfg.tls.domain); len(d) > 0 {
		if port == "443" {
			return "https://" + d[0]
		}
		return "https://" + net.JoinHostPort(d[0], port)
	}
	return f.scheme() + "://" + displayAddr(f.mainLn.Addr().String(), cfg.addr)
}

// logTLS says how the frontend serves.
func (f *frontend) logTLS(log *slog.Logger, cfg *serveConfig) {
	switch {
	case f.acme != nil:
		log.Info("HTTPS with certificates from ACME", "domains", cfg.tls.domain, "cache", filepath.Join(cfg.data, datadir.ACMEDir))
	case f.certs != nil:
		log.Info("HTTPS with certificate files", "cert", cfg.tls.cert, "reload", "SIGHUP")
	default:
		log.Info("plain HTTP: camera and microphone work only on localhost or behind an HTTPS proxy")
	}
	if f.redirect != nil {
		log.Info("redirecting HTTP to HTTPS", "addr", f.redirectLn.Addr().String())
	}
}
