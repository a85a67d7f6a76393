package cli

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/crypto/acme/autocert"

	"ersatzraum/app/protocol"
	"ersatzraum/server/accounts"
	"ersatzraum/server/admission"
	"ersatzraum/server/codes"
	"ersatzraum/server/datadir"
	"ersatzraum/server/storage"
)

// syncBuffer is a bytes.Buffer safe for the server's and the test's
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type running struct {
	url    string // as printed
	addr   string // actual listen address
	stop   context.CancelFunc
	done   chan error
	stderr *syncBuffer
}

var runningAt = regexp.MustCompile(`Ersatzraum läuft: (\S+)`)

// startServe runs serve's run function with args the way `ersatzraum
// serve` would parse them, and waits until it prints its address.
func startServe(t *testing.T, args ...string) *running {
	t.Helper()
	var stderr syncBuffer
	fs, cfg := serveFlags(&stderr)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	if _, err := loadConfig(fs, cfg); err != nil {
		t.Fatal(err)
	}
	for _, check := range []func() error{cfg.turn.check, cfg.tls.check, cfg.keep.check} {
		if err := check(); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout syncBuffer
	r := &running{stop: cancel, done: make(chan error, 1), stderr: &stderr}
	log := slog.New(slog.NewTextHandler(&stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	go func() { r.done <- run(ctx, cfg, &stdout, log) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := runningAt.FindStringSubmatch(stdout.String()); m != nil && (strings.Contains(stdout.String(), "Anmeldelink") || strings.Contains(stdout.String(), "Lehrkräfte verwalten")) {
			r.url = m[1]
			break
		}
		select {
		case err := <-r.done:
			t.Fatalf("serve ended before it listened: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if m := regexp.MustCompile(`msg=listening addr=(\S+)`).FindStringSubmatch(stderr.String()); m != nil {
		r.addr = m[1]
	}
	t.Cleanup(func() { r.shutdown(t) })
	return r
}

func (r *running) shutdown(t *testing.T) {
	t.Helper()
	if r.stop == nil {
		return
	}
	r.stop()
	r.stop = nil
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Errorf("serve did not stop")
	}
}

// testCA makes a CA and a server certificate for localhost and 127.0.0.1
// signed by it, writes the server's pair to dir, and returns a pool that
// trusts the CA.
func testCA(t *testing.T, dir, name string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "Schul-CA " + name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	pool = x509.NewCertPool()
	pool.AddCert(ca)
	return certFile, keyFile, pool
}

func TestServeWithOwnCertificate(t *testing.T) {
	dir := t.TempDir()
	cert, key, pool := testCA(t, dir, "erste")
	r := startServe(t, "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"), "--tls-cert", cert, "--tls-key", key)
	if !strings.HasPrefix(r.url, "https://127.0.0.1:") {
		t.Fatalf("printed address %q, want https://127.0.0.1:PORT", r.url)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(r.url + "/healthz")
	if err != nil {
		t.Fatalf("HTTPS request trusting the school's CA: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.TLS == nil {
		t.Fatalf("healthz over HTTPS: %d, TLS %v", resp.StatusCode, resp.TLS != nil)
	}
	// Without the CA the certificate is not trusted.
	if _, err := http.Get(r.url + "/healthz"); err == nil {
		t.Fatal("certificate trusted without its CA")
	}
	// Plain HTTP on the HTTPS port gets no page.
	if resp, err := http.Get(strings.Replace(r.url, "https://", "http://", 1) + "/healthz"); err == nil && resp.StatusCode == http.StatusOK {
		t.Fatal("plain HTTP answered on the HTTPS port")
	}
}

func TestCertificateReload(t *testing.T) {
	dir := t.TempDir()
	cert, key, _ := testCA(t, dir, "erste")
	c := &certFiles{cert: cert, key: key}
	if err := c.load(); err != nil {
		t.Fatal(err)
	}
	first, _ := c.get(nil)
	testCA(t, dir, "zweite") // renewed in place
	if err := c.load(); err != nil {
		t.Fatal(err)
	}
	second, _ := c.get(nil)
	if leaf, _ := x509.ParseCertificate(second.Certificate[0]); leaf.Subject.CommonName != "zweite" || first == second {
		t.Fatalf("reload kept the old certificate: %v", leaf.Subject)
	}
	os.WriteFile(cert, []byte("kaputt"), 0o644)
	if err := c.load(); err == nil {
		t.Fatal("a broken certificate file was accepted")
	}
	if now, _ := c.get(nil); now != second {
		t.Fatal("a failed reload replaced the working certificate")
	}
}

func TestDomainModeRedirectsAndAsksACMEOnlyForItsHosts(t *testing.T) {
	data := t.TempDir()
	fs, cfg := serveFlags(io.Discard)
	fs.Parse([]string{"--domain", "ersatzraum.schule.example", "--data", data, "--acme-email", "it@schule.example"})
	if _, err := loadConfig(fs, cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.addr != ":443" || cfg.tls.httpAddr != ":80" {
		t.Fatalf("--domain defaults: addr %q http-addr %q, want :443 and :80", cfg.addr, cfg.tls.httpAddr)
	}
	if err := cfg.tls.check(); err != nil {
		t.Fatal(err)
	}
	cfg.addr, cfg.tls.httpAddr = "127.0.0.1:0", "127.0.0.1:0" // no privileged ports in a test
	f, err := newFrontend(cfg, http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if f.scheme() != "https" || f.acme == nil {
		t.Fatal("--domain must serve HTTPS with ACME")
	}
	if dir, ok := f.acme.Cache.(autocert.DirCache); !ok || string(dir) != filepath.Join(data, datadir.ACMEDir) {
		t.Fatalf("certificate cache %v, want %s", f.acme.Cache, filepath.Join(data, datadir.ACMEDir))
	}
	if f.acme.Email != "it@schule.example" {
		t.Fatalf("ACME contact %q", f.acme.Email)
	}
	ctx := context.Background()
	if err := f.acme.HostPolicy(ctx, "ersatzraum.schule.example"); err != nil {
		t.Fatalf("own host refused: %v", err)
	}
	if err := f.acme.HostPolicy(ctx, "evil.example"); err == nil {
		t.Fatal("host policy would ask for a certificate for any name")
	}
	if !contains(f.main.TLSConfig.NextProtos, "acme-tls/1") {
		t.Fatalf("TLS config lacks the tls-alpn-01 protocol: %v", f.main.TLSConfig.NextProtos)
	}
	errc := f.serve()
	defer f.shutdown(ctx)
	_, mainPort, _ := net.SplitHostPort(f.mainLn.Addr().String())

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path, host string) *http.Response {
		req, _ := http.NewRequest("GET", "http://"+f.redirectLn.Addr().String()+path, nil)
		req.Host = host
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := get("/join/ABCD-EFGH?x=1", "ersatzraum.schule.example")
	if want := "https://ersatzraum.schule.example:" + mainPort + "/join/ABCD-EFGH?x=1"; resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
		t.Fatalf("redirect: %d to %q, want 301 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	// Challenges go to autocert: refused for other hosts, unknown tokens 404.
	if resp := get("/.well-known/acme-challenge/abc", "evil.example"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("challenge for a foreign host: %d, want 403", resp.StatusCode)
	}
	if resp := get("/.well-known/acme-challenge/abc", "ersatzraum.schule.example"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown challenge token: %d, want 404", resp.StatusCode)
	}
	select {
	case err := <-errc:
		t.Fatalf("server stopped: %v", err)
	default:
	}

	// Behind a port mapping, --public-url names the port users see.
	cfg.publicURL = "https://ersatzraum.schule.example"
	if p := httpsPort(cfg, f.mainLn); p != "443" {
		t.Fatalf("port from --public-url: %q", p)
	}
	// On the standard port the redirect leaves the port out.
	rec := &recorder{h: http.Header{}}
	redirectToHTTPS("443").ServeHTTP(rec, mustRequest("POST", "http://schule.example:80/api/lessons"))
	if rec.code != http.StatusPermanentRedirect || rec.h.Get("Location") != "https://schule.example/api/lessons" {
		t.Fatalf("POST redirect: %d %q", rec.code, rec.h.Get("Location"))
	}
}

func TestWrongSettingsStopTheStartNamingThem(t *testing.T) {
	dir := t.TempDir()
	cert, key, _ := testCA(t, dir, "x")
	conf := filepath.Join(dir, "ersatzraum.conf")
	os.WriteFile(conf, []byte("addr = 127.0.0.1:0\nturn-adress = :3478\n"), 0o600)
	for _, c := range []struct {
		args []string
		env  string
		want string
	}{
		{args: []string{"--domain", "schule.example", "--tls-cert", cert, "--tls-key", key}, want: "--domain and --tls-cert"},
		{args: []string{"--tls-cert", cert}, want: "--tls-cert needs --tls-key"},
		{args: []string{"--tls-key", key}, want: "--tls-key needs --tls-cert"},
		{args: []string{"--tls-cert", filepath.Join(dir, "missing.pem"), "--tls-key", key}, want: "--tls-cert"},
		{args: []string{"--tls-cert", key, "--tls-key", cert}, want: "--tls-cert"},
		{args: []string{"--http-addr", ":80"}, want: "--http-addr"},
		{args: []string{"--domain", "https://schule.example"}, want: "--domain"},
		{args: []string{"--acme-email", "a@b.example"}, want: "--acme-email"},
		{args: []string{"--keep-attendance", "-1"}, want: "--keep-attendance"},
		{args: []string{"--config", conf}, want: `"turn-adress"`},
		{args: []string{"--config", filepath.Join(dir, "nope.conf")}, want: "config file"},
		{env: "ERSATZRAUM_TRUN_ADDR=:3478", want: "ERSATZRAUM_TRUN_ADDR"},
		{env: "ERSATZRAUM_KEEP_LESSONS=ein Jahr", want: "ERSATZRAUM_KEEP_LESSONS"},
		// Several nodes (package cluster): only on one shared PostgreSQL.
		{args: []string{"--nats", "nats://127.0.0.1:4222"}, want: "--nats needs --postgres"},
		{args: []string{"--node-id", "a"}, want: "--node-id needs --nats"},
		{args: []string{"--nats", "nats://127.0.0.1:4222", "--postgres", "postgres://x@127.0.0.1/x", "--node-id", "knoten 1"}, want: "--node-id"},
		{args: []string{"--nats", "nats://127.0.0.1:4222", "--postgres", "postgres://x@127.0.0.1/x", "--nats-lease", "1s"}, want: "--nats-lease"},
	} {
		t.Run(strings.Join(c.args, " ")+c.env, func(t *testing.T) {
			if c.env != "" {
				k, v, _ := strings.Cut(c.env, "=")
				t.Setenv(k, v)
			}
			var stdout, stderr bytes.Buffer
			code := serve(append(c.args, "--data", filepath.Join(dir, "data")), &stdout, &stderr)
			if code != 2 || !strings.Contains(stderr.String(), c.want) {
				t.Fatalf("exit %d, stderr %q; want 2 and a message with %q", code, stderr.String(), c.want)
			}
		})
	}
}

func TestEnvironmentAndFileConfigureServeAndSecretsStayHidden(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "ersatzraum.conf")
	os.WriteFile(conf, []byte("# Schule am See\naddr = 127.0.0.1:0\nkeep-attendance = 30\nlog-format = text\n"), 0o600)
	t.Setenv("ERSATZRAUM_CONFIG", conf)
	t.Setenv("ERSATZRAUM_DATA", filepath.Join(dir, "data"))
	t.Setenv("ERSATZRAUM_KEEP_LESSONS", "90")
	var stderr bytes.Buffer
	fs, cfg := serveFlags(&stderr)
	fs.Parse([]string{"--keep-lessons", "60"})
	res, err := loadConfig(fs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.addr != "127.0.0.1:0" || cfg.data != filepath.Join(dir, "data") || cfg.keep.attendance != 30 || cfg.keep.lessons != 60 {
		t.Fatalf("effective: addr %q data %q keep %+v", cfg.addr, cfg.data, cfg.keep)
	}
	printConfig(&stderr, slog.New(slog.DiscardHandler), "text", res)
	out := stderr.String()
	for _, want := range []string{`addr = "127.0.0.1:0"  # file`, `keep-lessons = "60"  # flag`, `data = "` + filepath.Join(dir, "data") + `"  # env`, `turn-tcp = "true"  # default`} {
		if !strings.Contains(out, want) {
			t.Errorf("printed configuration lacks %q:\n%s", want, out)
		}
	}
}

// TestProxyHeadersOnlyFromTrustedProxies goes through serve's handler: a
// forged X-Forwarded-For from an untrusted peer changes nothing, from a
// trusted proxy it names the client.
func TestProxyHeadersOnlyFromTrustedProxies(t *testing.T) {
	get := func(url string) int {
		req, _ := http.NewRequest("GET", url+"/metrics", nil)
		req.Header.Set("X-Forwarded-For", "10.1.2.3")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && !strings.Contains(string(body), "ersatzraum_storage_write_seconds") {
			t.Errorf("metrics lack the storage latency")
		}
		return resp.StatusCode
	}
	untrusted := startServe(t, "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--metrics-allow", "10.0.0.0/8")
	if code := get(untrusted.url); code != http.StatusForbidden {
		t.Fatalf("X-Forwarded-For from an untrusted peer was believed: %d", code)
	}
	untrusted.shutdown(t)

	proxied := startServe(t, "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--metrics-allow", "10.0.0.0/8", "--trusted-proxies", "127.0.0.1")
	if code := get(proxied.url); code != http.StatusOK {
		t.Fatalf("X-Forwarded-For from the trusted proxy was ignored: %d", code)
	}
}

func TestForwardedProtoMakesRequestsSecureOnlyFromTrustedProxies(t *testing.T) {
	trusted, _ := admission.ParseTrusted("10.0.0.1")
	h := forwardedTLS(admission.Addresses{Trusted: trusted}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "s", Value: "v", Secure: r.TLS != nil})
	}))
	for _, c := range []struct {
		remote string
		secure bool
	}{{"10.0.0.1:1234", true}, {"192.0.2.9:1234", false}} {
		req := mustRequest("GET", "http://schule.example/login")
		req.RemoteAddr = c.remote
		req.Header.Set("X-Forwarded-Proto", "https")
		rec := &recorder{h: http.Header{}}
		h.ServeHTTP(rec, req)
		if got := strings.Contains(rec.h.Get("Set-Cookie"), "Secure"); got != c.secure {
			t.Errorf("from %s: Secure %v, want %v", c.remote, got, c.secure)
		}
	}
}

// TestShutdownKeepsQueuedRollCall stops the server right after a student
// joined: the roll-call line queued for storage must be in the database
// afterwards. A second server on the same data directory must not start.
func TestShutdownKeepsQueuedRollCall(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	db, err := storage.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	code := codes.NewCode()
	db.CreateTeacher(ctx, storage.Teacher{ID: "t1", Name: "Frau Weber", CreatedAt: time.Now()})
	db.PutSession(ctx, accounts.HashToken("tok"), "t1", time.Now().Add(time.Hour))
	if err := db.CreateLesson(ctx, storage.Lesson{ID: "l1", TeacherID: "t1", Title: "7b Mathe", CodeHash: codes.HashCode(codes.NormalizeCode(code)), CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	r := startServe(t, "--addr", "127.0.0.1:0", "--data", data)
	second := make(chan error, 1)
	go func() {
		fs, cfg := serveFlags(io.Discard)
		fs.Parse([]string{"--addr", "127.0.0.1:0", "--data", data})
		second <- run(ctx, cfg, io.Discard, slog.New(slog.DiscardHandler))
	}()
	if err := <-second; err == nil || !errors.Is(err, datadir.ErrLocked) {
		t.Fatalf("second server on one data directory: want ErrLocked, got %v", err)
	}

	// The teacher opens the lesson; restored lessons have a lobby, so the
	// teacher admits the student, whose line is then queued for storage.
	wsURL := "ws" + strings.TrimPrefix(r.url, "http") + "/ws"
	teacher, _, err := websocket.DefaultDialer.Dial(wsURL, http.Header{"Origin": {r.url}, "Cookie": {accounts.CookieName + "=tok"}})
	if err != nil {
		t.Fatal(err)
	}
	defer teacher.Close()
	send(t, teacher, protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: "l1"})
	readUntil(t, teacher, protocol.TypeWelcome)
	student, _, err := websocket.DefaultDialer.Dial(wsURL, http.Header{"Origin": {r.url}})
	if err != nil {
		t.Fatal(err)
	}
	defer student.Close()
	send(t, student, protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: code, Name: "Lea"})
	var knock protocol.Knock
	json.Unmarshal(readUntil(t, teacher, protocol.TypeLobbyAdd), &knock)
	send(t, teacher, protocol.TypeAdmit, protocol.Admission{IDs: []string{knock.ID}})
	readUntil(t, student, protocol.TypeWelcome)
	r.shutdown(t) // at once: the line is at most queued

	db, err = storage.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.LessonAttendance(ctx, "l1")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Name != "Lea" {
		t.Fatalf("roll call after shutdown: %+v", rows)
	}
	if strings.Contains(r.stderr.String(), "Lea") {
		t.Fatalf("a student's name reached the log:\n%s", r.stderr.String())
	}
}

func send(t *testing.T, ws *websocket.Conn, typ string, data any) {
	t.Helper()
	if err := ws.WriteMessage(websocket.TextMessage, protocol.MustEncode(typ, data)); err != nil {
		t.Fatal(err)
	}
}

// readUntil reads messages until one of type typ and returns its data.
func readUntil(t *testing.T, ws *websocket.Conn, typ string) json.RawMessage {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("waiting for %s: %v", typ, err)
		}
		var env protocol.Envelope
		json.Unmarshal(msg, &env)
		if env.Type == typ {
			return env.Data
		}
		if env.Type == protocol.TypeError {
			t.Fatalf("waiting for %s: %s", typ, msg)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func mustRequest(method, url string) *http.Request {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		panic(err)
	}
	return req
}

type recorder struct {
	h    http.Header
	code int
}

func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) Write(p []byte) (int, error) { return len(p), nil }
func (r *recorder) WriteHeader(code int)        { r.code = code }
