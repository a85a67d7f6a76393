// Package httpapi owns the HTTP surface of the server. Routes and who may
// call them are in routes.go and guards.go; each concern has its file:
//
//   - accounts.go: the login link, password login, logout, /api/me
//   - lessons.go: starting a lesson, its stored roll call
//   - classes.go: class lists, codes and personal links (csv.go reads
//     class-list files, print.go prints the sheet of links)
//   - records.go: the roll call's history; report.go turns it into
//     attendance reports (pure functions), csv.go and print.go export them
//   - board*.go, handin.go: the assignment board for teachers and students;
//     download.go and handinszip.go send its files
//   - assets.go: /web/ with precompressed copies; headers.go, cors.go
//   - health.go: /healthz, /readyz, /metrics
//
// Every JSON body, error code and limit of the API is defined in
// app/protocol, shared with the browser. The signaling WebSocket is only
// mounted here (server/signaling).
package httpapi

import (
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/protocol"
	"ersatzraum/server/accounts"
	"ersatzraum/server/codes"
	"ersatzraum/server/files"
)

// Server wires everything reachable over HTTP. Each dependency is a named
// field with the small interface its handlers need; server/cli fills them
// (with the same database for all stores in production).
type Server struct {
	Accounts  *accounts.Service
	Lessons   LessonStore
	Host      LessonHost
	Signaling http.Handler
	Assets    *Assets
	Pages     *app.Handler
	// Metrics serves /metrics to clients that MetricsAllowed admits
	// (by default loopback only: operational data is not for everyone).
	Metrics        http.Handler
	MetricsAllowed func(*http.Request) bool
	// AllowedOrigins are other sites (https://host) whose pages may call
	// the API: the web server that hosts the exported static app.
	AllowedOrigins []string
	// ClientAddr returns the client address of a request (behind trusted
	// proxies); failed logins are counted against it. Nil: the TCP peer.
	ClientAddr func(*http.Request) netip.Addr
	// Classes, ClassHost and Sealer serve the class lists (classes.go);
	// nil Classes: no class, record or board routes.
	Classes   ClassStore
	ClassHost ClassHost
	Sealer    *codes.Sealer
	// Records reads the roll call's history (records.go); nil: no record
	// routes.
	Records RecordStore
	// Checks reads saved quick-check results (checks.go); nil: no routes.
	Checks CheckStore
	// Board keeps the assignment board's rows (board.go), Files their
	// bytes; without either the board answers 503.
	Board BoardStore
	Files *files.Store
	// PrerenderBoard hands a student's board to the prerender of their
	// board page (boardpage.go): the parameters the page's address gets
	// for it, and what to call once the page is drawn. nil: board pages
	// are prerendered without the board.
	PrerenderBoard func(protocol.StudentBoard) (query url.Values, done func())
	// Guard limits wrong personal links per address (nil: no limit).
	Guard interface {
		TokenFailed(netip.Addr) bool
	}
	// Quota bounds hand-ins per student and class (zero: DefaultQuota).
	Quota Quota
	Log   *slog.Logger

	// Ready, when set, reports what else this node needs to take clients
	// (NATS, with several nodes: package cluster); an error makes /readyz
	// answer 503.
	Ready func() error

	// handInMu makes a hand-in's last quota check and its storing one
	// step (quota.go).
	handInMu sync.Mutex
}
