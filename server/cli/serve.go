package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/server/accounts"
	"ersatzraum/server/admission"
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
	publicURL      string
	logLevel       string
	logFormat      string
	trustedProxies string
	allowedOrigins string
	metricsAllow   string
	turn           turnConfig
}

func serveFlags(stderr io.Writer) (*flag.FlagSet, *serveConfig) {
	cfg := &serveConfig{}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "localhost:8080", "`HOST:PORT` to listen on for HTTP")
	fs.StringVar(&cfg.data, "data", "./data", "`DIR` for the database; created if missing")
	fs.StringVar(&cfg.publicURL, "public-url", "", "`URL` under which users reach the server, used in printed links (default http://ADDR)")
	fs.StringVar(&cfg.logLevel, "log-level", "info", "log `LEVEL`: debug, info, warn or error")
	fs.StringVar(&cfg.logFormat, "log-format", "text", "log `FORMAT`: text or json")
	fs.StringVar(&cfg.trustedProxies, "trusted-proxies", "", "comma-separated `ADDRS` or CIDRs of reverse proxies whose X-Forwarded-For is believed (default none)")
	fs.StringVar(&cfg.allowedOrigins, "allowed-origins", "", "comma-separated `ORIGINS` (https://host) of other sites that may host the app and connect; the server's own host is always allowed")
	fs.StringVar(&cfg.metricsAllow, "metrics-allow", "127.0.0.0/8,::1", "comma-separated `ADDRS` or CIDRs that may read /metrics")
	cfg.turn.flags(fs)
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
	log, err := newLogger(stderr, cfg.logLevel, cfg.logFormat)
	if err != nil {
		fmt.Fprintln(stderr, "ersatzraum serve:", err)
		return 2
	}
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
	if err := cfg.turn.check(); err != nil {
		fmt.Fprintln(stderr, "ersatzraum serve:", err)
		return 2
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

// rosterStore adapts storage to the roster writer.
type rosterStore struct{ db *storage.DB }

func (s rosterStore) PutLine(ctx context.Context, l roster.Line) error {
	return s.db.PutAttendance(ctx, storage.Attendance(l))
}

func (s rosterStore) EndLesson(ctx context.Context, id string, at time.Time) error {
	err := s.db.EndLesson(ctx, id, at)
	if errors.Is(err, storage.ErrNotFound) {
		return nil // already ended: nothing to do
	}
	return err
}

func run(ctx context.Context, cfg *serveConfig, stdout io.Writer, log *slog.Logger) error {
	db, err := storage.Open(ctx, cfg.data)
	if err != nil {
		return err
	}
	defer db.Close()

	accts := &accounts.Service{Store: db}
	teacher, created, err := accts.EnsureTeacher(ctx, "Lehrkraft")
	if err != nil {
		return fmt.Errorf("prepare teacher account: %w", err)
	}
	token, err := accts.IssueLoginLink(ctx, teacher.ID)
	if err != nil {
		return fmt.Errorf("issue login link: %w", err)
	}

	writer := roster.NewWriter(rosterStore{db}, log)
	defer writer.Close()
	hub := signaling.NewHub(writer, log)
	turnSvc, err := startTURN(&cfg.turn, cfg.data, log)
	if err != nil {
		return err
	}
	defer turnSvc.Close()
	if turnSvc != nil {
		hub.ICE = turnSvc.ICE
	}
	reg := metrics.New(hub.LessonCount)
	hub.Meter = reg.Signaling
	gate := admission.NewGate(admission.DefaultLimits)
	hub.Guard = gate
	trusted, _ := admission.ParseTrusted(cfg.trustedProxies)
	addrs := admission.Addresses{Trusted: trusted}
	metricsAllow, _ := admission.ParseTrusted(cfg.metricsAllow)
	if err := restoreLessons(ctx, db, hub); err != nil {
		return err
	}

	assets, err := httpapi.NewAssets(web.Files)
	if err != nil {
		return fmt.Errorf("read embedded web files: %w", err)
	}
	if assets.WasmSize() == 0 {
		log.Warn("web/app.wasm is missing from this build: pages will not start; build with `make build`")
	}
	srv := &httpapi.Server{
		Accounts: accts,
		Lessons:  db,
		Host:     hub,
		Signaling: &signaling.Endpoint{
			Hub: hub,
			Identify: func(r *http.Request) signaling.Identity {
				t, err := accts.TeacherFromRequest(r)
				if err != nil {
					return signaling.Identity{}
				}
				return signaling.Identity{TeacherID: t.ID}
			},
			CheckOrigin: signaling.AllowOrigins(splitList(cfg.allowedOrigins)),
			ClientAddr:  addrs.Client,
			Gate:        gate,
			Log:         log,
		},
		Assets:  assets,
		Pages:   pageHandler(assets),
		Metrics: reg.Handler(),
		MetricsAllowed: func(r *http.Request) bool {
			a := addrs.Client(r)
			for _, p := range metricsAllow {
				if p.Contains(a) {
					return true
				}
			}
			return false
		},
		Log: log,
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", cfg.addr, err)
	}
	public := cfg.publicURL
	if public == "" {
		public = "http://" + displayAddr(ln.Addr().String(), cfg.addr)
	}
	public = strings.TrimRight(public, "/")

	fmt.Fprintf(stdout, "\nErsatzraum läuft: %s\n", public)
	if created {
		fmt.Fprintf(stdout, "Neues Lehrkraft-Konto %q angelegt.\n", teacher.Name)
	}
	fmt.Fprintf(stdout, "Anmeldelink für %s (einmalig, 7 Tage gültig):\n  %s/login?token=%s\n\n", teacher.Name, public, token)

	httpServer := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- httpServer.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "version", assets.Version(), "data", cfg.data)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	hub.Shutdown()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return httpServer.Shutdown(shutdownCtx)
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

func restoreLessons(ctx context.Context, db *storage.DB, hub *signaling.Hub) error {
	lessons, err := db.ActiveLessons(ctx)
	if err != nil {
		return fmt.Errorf("load lessons: %w", err)
	}
	for _, l := range lessons {
		rows, err := db.LessonAttendance(ctx, l.ID)
		if err != nil {
			return fmt.Errorf("load roll call of lesson %s: %w", l.ID, err)
		}
		lines := make([]roster.Line, len(rows))
		for i, a := range rows {
			lines[i] = roster.Line(a)
		}
		hub.AddLesson(signaling.Lesson{ID: l.ID, TeacherID: l.TeacherID, Title: l.Title, CodeHash: l.CodeHash}, lines)
	}
	return nil
}

func pageHandler(assets *httpapi.Assets) *app.Handler {
	return &app.Handler{
		Name:            "Ersatzraum",
		ShortName:       "Ersatzraum",
		Title:           "Ersatzraum",
		Description:     "Der Ersatzraum deiner Schule: Unterricht starten, Anwesenheit sehen, Aufgaben teilen.",
		Lang:            "de",
		LoadingLabel:    "Ersatzraum lädt … {progress} %",
		BackgroundColor: "#f6f5f1",
		ThemeColor:      "#1d4e89",
		Icon: app.Icon{
			Default:  "/web/icon-192.png",
			Large:    "/web/icon-512.png",
			Maskable: "/web/icon-512.png",
			SVG:      "/web/icon.svg",
		},
		Styles:                  []string{"/web/app.css"},
		Version:                 assets.Version(),
		Resources:               assets,
		WasmContentLengthHeader: httpapi.WasmLengthHeader,
	}
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
