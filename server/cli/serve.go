package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"ersatzraum/app/ui"
	"ersatzraum/server/accounts"
	"ersatzraum/server/admission"
	"ersatzraum/server/cluster"
	"ersatzraum/server/datadir"
	"ersatzraum/server/files"
	"ersatzraum/server/httpapi"
	"ersatzraum/server/metrics"
	"ersatzraum/server/roster"
	"ersatzraum/server/signaling"
	"ersatzraum/server/storage"
	"ersatzraum/web"
)

type serveConfig struct {
	addr           string
	data           string
	postgres       string
	publicURL      string
	logLevel       string
	logFormat      string
	trustedProxies string
	allowedOrigins string
	metricsAllow   string
	webDir         string
	turn           turnConfig
	tls            tlsConfig
	keep           keepConfig
	configFile     string
	limits         limitsConfig
	cluster        clusterConfig
}

func serveFlags(stderr io.Writer) (*flag.FlagSet, *serveConfig) {
	cfg := &serveConfig{}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "localhost:8080", "`HOST:PORT` to listen on (HTTPS with --domain or --tls-cert; default :443 with --domain)")
	fs.StringVar(&cfg.data, "data", "./data", "`DIR` for the database (unless --postgres), the stored files and the keys; created if missing")
	fs.StringVar(&cfg.postgres, "postgres", "", postgresUsage)
	fs.StringVar(&cfg.publicURL, "public-url", "", "`URL` under which users reach the server, used in printed links (default http://ADDR)")
	fs.StringVar(&cfg.logLevel, "log-level", "info", "log `LEVEL`: debug, info, warn or error")
	fs.StringVar(&cfg.logFormat, "log-format", "text", "log `FORMAT`: text or json")
	fs.StringVar(&cfg.trustedProxies, "trusted-proxies", "", "comma-separated `ADDRS` or CIDRs of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (default none)")
	fs.StringVar(&cfg.allowedOrigins, "allowed-origins", "", "comma-separated `ORIGINS` (https://host) of other sites that may host the app and connect; the server's own host is always allowed")
	fs.StringVar(&cfg.metricsAllow, "metrics-allow", "127.0.0.0/8,::1", "comma-separated `ADDRS` or CIDRs that may read /metrics")
	fs.StringVar(&cfg.webDir, "web-dir", "", "serve the app's web files (stylesheet, icons, app.wasm) from `DIR` instead of the copy built into the binary; the app's version follows their content")
	cfg.turn.flags(fs)
	cfg.tls.flags(fs)
	cfg.keep.flags(fs)
	cfg.limits.flags(fs)
	cfg.cluster.flags(fs)
	fs.StringVar(&cfg.configFile, "config", "", "`FILE` with settings as \"flag-name = value\" lines; every flag can also be set as ERSATZRAUM_FLAG_NAME in the environment (precedence: flag, environment, file)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: ersatzraum serve [flags]\n\nStarts the Ersatzraum server: the app, its API and the signaling WebSocket.\nOn an empty data folder it creates a teacher account; every start prints\na fresh one-time login link for it.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs, cfg
}

func serve(args []string, stdout, stderr io.Writer) int {
	fs, cfg := serveFlags(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	settings, err := loadConfig(fs, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "ersatzraum serve:", err)
		return 2
	}
	log, err := newLogger(stderr, cfg.logLevel, cfg.logFormat)
	if err != nil {
		fmt.Fprintln(stderr, "ersatzraum serve:", err)
		return 2
	}
	// Before the configuration is printed: only a URL's password can be
	// masked there.
	if err := checkPostgresURL(cfg.postgres); err != nil {
		fmt.Fprintln(stderr, "ersatzraum serve:", err)
		return 2
	}
	printConfig(stderr, log, cfg.logFormat, settings)
	if _, _, err := net.SplitHostPort(cfg.addr); err != nil {
		fmt.Fprintf(stderr, "ersatzraum serve: --addr %q is not HOST:PORT\n", cfg.addr)
		return 2
	}
	if _, err := admission.ParseTrusted(cfg.trustedProxies); err != nil {
		fmt.Fprintf(stderr, "ersatzraum serve: --trusted-proxies: %v\n", err)
		return 2
	}
	if _, err := admission.ParseTrusted(cfg.metricsAllow); err != nil {
		fmt.Fprintf(stderr, "ersatzraum serve: --metrics-allow: %v\n", err)
		return 2
	}
	for _, o := range splitList(cfg.allowedOrigins) {
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			fmt.Fprintf(stderr, "ersatzraum serve: --allowed-origins: %q is not an origin like https://schule.example\n", o)
			return 2
		}
	}
	for _, check := range []func() error{cfg.turn.check, cfg.tls.check, cfg.keep.check, cfg.limits.check, func() error { return cfg.cluster.check(cfg.postgres) }} {
		if err := check(); err != nil {
			fmt.Fprintln(stderr, "ersatzraum serve:", err)
			return 2
		}
	}
	raiseFileLimit(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, stdout, log); err != nil {
		log.Error("server stopped", "err", err)
		return 1
	}
	return 0
}

func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", format)
}

// run serves until ctx ends. Deferred calls run in reverse: the purge
// stops, TURN closes, the roster writer flushes everything queued, and
// only then the database closes and the data directory is unlocked.
func run(ctx context.Context, cfg *serveConfig, stdout io.Writer, log *slog.Logger) error {
	lock, err := datadir.Acquire(cfg.data)
	if err != nil {
		return fmt.Errorf("--data: %w", err)
	}
	defer lock.Release()
	db, err := openStore(ctx, cfg.data, cfg.postgres)
	if err != nil {
		return err
	}
	defer db.Close()
	if db.Engine() == storage.Postgres {
		if err := datadir.MarkPostgres(cfg.data); err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(cfg.data, datadir.DBFile)); err == nil {
			log.Warn("the SQLite database in the data directory is not used: the data is in PostgreSQL", "file", filepath.Join(cfg.data, datadir.DBFile))
		}
	}

	accts := &accounts.Service{Store: db, Throttle: accounts.NewThrottle(cfg.limits.throttle(), nil)}
	teacher, created, demo, err := accts.DemoTeacher(ctx, "Lehrkraft")
	if err != nil {
		return fmt.Errorf("prepare teacher account: %w", err)
	}
	var token string
	if demo {
		if token, err = accts.IssueLoginLink(ctx, teacher.ID); err != nil {
			return fmt.Errorf("issue login link: %w", err)
		}
	}

	storeTimer := metrics.NewStorageTimer()
	writer := roster.NewWriter(db, log, storeTimer.Observe)
	defer writer.Close()
	hub := signaling.NewHub(writer, log)
	hub.Checks = db
	hub.Groupings = db
	turnSvc, err := startTURN(&cfg.turn, cfg.data, hub.Present, log)
	if err != nil {
		return err
	}
	defer turnSvc.Close()
	if turnSvc != nil {
		hub.ICE = turnSvc.ICE
		if turnSvc.server != nil {
			hub.Revoked = turnSvc.server.Revoke
		}
	}
	reg := metrics.New(hub.LessonCount)
	hub.Meter = reg.Signaling
	reg.Register(storeTimer.Collector())
	if turnSvc != nil && turnSvc.server != nil {
		reg.Register(metrics.TURNAllocations(turnSvc.server.Allocations))
	}
	gate := admission.NewGate(cfg.limits.gate())
	hub.Guard = gate
	trusted, _ := admission.ParseTrusted(cfg.trustedProxies)
	addrs := admission.Addresses{Trusted: trusted}
	metricsAllow, _ := admission.ParseTrusted(cfg.metricsAllow)
	// With --nats, the lessons are hosted by whichever node claims them
	// (package cluster); this node's hub starts with the classes alone.
	// The node subscribes before the classes are loaded, so that it misses
	// no change made on another node meanwhile.
	sealer, err := openSealer(cfg.data)
	if err != nil {
		return err
	}
	var node *cluster.Node
	if cfg.cluster.nats != "" {
		var leave func()
		if node, leave, err = joinCluster(ctx, &cfg.cluster, cfg.data, db, hub, writer, log); err != nil {
			return err
		}
		// Deferred after the writer's Close: runs before it, so the
		// lessons' roll calls are flushed while the writer still runs.
		defer leave()
	}
	if err := restoreHub(ctx, db, hub, node == nil); err != nil {
		return err
	}
	var adopt func()
	if node != nil {
		adopt = func() { adoptUnhosted(ctx, db, node, log) }
	}
	startIdleLessons(ctx, cfg.keep.idleHours, hub, adopt)
	fileStore := files.New(filepath.Join(cfg.data, datadir.FilesDir))
	defer startRetention(ctx, cfg.keep, db, fileStore, log)()
	accts.Devices = sealer // device cookies (accounts/device.go)

	var webFiles fs.FS = web.Files
	if cfg.webDir != "" {
		webFiles = os.DirFS(cfg.webDir)
	}
	assets, err := httpapi.NewAssets(webFiles)
	if err != nil {
		return fmt.Errorf("read web files: %w", err)
	}
	if assets.WasmSize() == 0 {
		log.Warn("web/app.wasm is missing from this build: pages will not start; build with `make build`")
	}
	var host httpapi.LessonHost = hub
	var classHost httpapi.ClassHost = hub
	var router signaling.Router
	var ready func() error
	if node != nil {
		host, classHost, router, ready = node, node, node, node.Ready
	}
	srv := &httpapi.Server{
		Classes:   db,
		ClassHost: classHost,
		Records:   db,
		Checks:    db,
		Board:     db,
		Sealer:    sealer,
		Files:     fileStore,
		Guard:     gate,
		Quota:     cfg.limits.quota(),
		Accounts:  accts,
		Lessons:   db,
		Host:      host,
		Ready:     ready,
		Signaling: &signaling.Endpoint{
			Hub:         hub,
			Router:      router,
			Identify:    httpapi.TeacherIdentity(accts),
			CheckOrigin: signaling.AllowOrigins(splitList(cfg.allowedOrigins)),
			ClientAddr:  addrs.Client,
			Gate:        gate,
			Log:         log,
		},
		Assets: assets,
		Pages:  pageHandler(assets, pageOptions{}),
		// The board page arrives with the board (app/ui/prerender.go).
		PrerenderBoard: ui.OfferBoard,
		Metrics:        reg.Handler(),
		MetricsAllowed: func(r *http.Request) bool {
			a := addrs.Client(r)
			for _, p := range metricsAllow {
				if p.Contains(a) {
					return true
				}
			}
			return false
		},
		AllowedOrigins: splitList(cfg.allowedOrigins),
		ClientAddr:     addrs.Client,
		Log:            log,
	}

	front, err := newFrontend(cfg, forwardedTLS(addrs, srv.Handler()), log)
	if err != nil {
		return err
	}
	public := publicBase(cfg, front)

	fmt.Fprintf(stdout, "\nErsatzraum läuft: %s\n", public)
	if created {
		fmt.Fprintf(stdout, "Neues Lehrkraft-Konto %q angelegt.\n", teacher.Name)
	}
	if demo {
		fmt.Fprintf(stdout, "Anmeldelink für %s (einmalig, 7 Tage gültig):\n  %s/login?token=%s\n%s\n", teacher.Name, public, token, passwordNote(teacher))
	} else {
		fmt.Fprintf(stdout, "Lehrkräfte verwalten: ersatzraum teacher add NAME --data %s --public-url %s%s\n\n", cfg.data, public, postgresArg(cfg.postgres))
	}

	errc := front.serve()
	log.Info("listening", "addr", front.mainLn.Addr().String(), "version", assets.Version(), "data", cfg.data, "storage", db.Engine())
	front.logTLS(log, cfg)
	hup := make(chan os.Signal, 1)
	if front.certs != nil {
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
	}

	for waiting := true; waiting; {
		select {
		case err := <-errc:
			front.close()
			return err
		case <-hup:
			if err := front.certs.load(); err != nil {
				log.Error("certificate not reloaded; keeping the old one", "err", err)
			} else {
				log.Info("certificate reloaded", "cert", cfg.tls.cert)
			}
		case <-ctx.Done():
			waiting = false
		}
	}
	log.Info("shutting down")
	if node != nil {
		// Hand the lessons back first (their clients are closed and come
		// back through another node), then close what is left.
		node.Close()
	}
	hub.Shutdown()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return front.shutdown(shutdownCtx)
}

// displayAddr turns a listen address into one a person can open: the
// configured host name where there is one, the real port always.
func displayAddr(actual, configured string) string {
	host, _, _ := net.SplitHostPort(configured)
	_, port, _ := net.SplitHostPort(actual)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
