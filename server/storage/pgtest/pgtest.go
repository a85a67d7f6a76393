// Package pgtest is test support: it runs a real PostgreSQL (the server
// binaries of Debian's postgresql package) in a temporary directory, for
// the tests of one package, and hands each test a fresh database. No
// mock: the tests of server/storage run their whole suite against it.
//
// A test package starts one server in TestMain:
//
//	var pg *pgtest.Server
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Run(m, &pg)) }
//
// and each test takes pg.Database(t), a URL for storage.OpenPostgres.
// Without the binaries the package fails, saying so: CI installs them
// (.ci/run), and a storage change that was never run on PostgreSQL must
// not pass as tested.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Server is a running PostgreSQL of one test package.
type Server struct {
	dir   string // data/, the socket and postgres.log
	cmd   *exec.Cmd
	exit  chan struct{} // closed when the server process has ended
	admin *sql.DB       // on the "postgres" database, for CREATE DATABASE
	next  atomic.Int64
}

// Run is a test package's TestMain: it starts a server into *srv, runs
// the tests and stops the server, returning the exit code for os.Exit.
func Run(m *testing.M, srv **Server) int {
	s, err := Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: no PostgreSQL for the tests:", err)
		return 1
	}
	*srv = s
	code := m.Run()
	s.Stop()
	return code
}

// BinDir finds the directory of PostgreSQL's server binaries (initdb,
// postgres): Debian's /usr/lib/postgresql/VERSION/bin, the newest if
// there are several, else what pg_config on PATH says.
func BinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		d := string(out[:len(out)-1])
		if isFile(filepath.Join(d, "initdb")) {
			return d, nil
		}
	}
	return "", errors.New("the PostgreSQL server binaries are not installed (looked for /usr/lib/postgresql/*/bin/initdb and pg_config): install Debian's package with `apt-get install postgresql` (.ci/run does)")
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// Start creates a cluster in a new temporary directory and starts it,
// listening only on a unix socket in that directory (no port to collide
// with anything). PostgreSQL refuses to run as root; as root, the server
// runs as the postgres system user (or nobody) in a directory it owns.
func Start() (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	// As root, under /tmp rather than $TMPDIR: the server's user must be
	// able to reach the directory, and a socket path has at most 107
	// bytes.
	base := ""
	if os.Geteuid() == 0 {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "ersatzraum-pg-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, exit: make(chan struct{})}
	ok := false
	defer func() {
		if !ok {
			s.Stop()
		}
	}()
	cred, err := serverUser(dir)
	if err != nil {
		return nil, err
	}
	run := func(name string, args ...string) *exec.Cmd {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "LC_ALL=C")
		// The server goes when the test process goes, also when it is
		// killed: no cluster left running after a crashed test.
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
		return cmd
	}
	data := filepath.Join(dir, "data")
	// --no-sync: the cluster is thrown away after the tests; the server
	// itself runs with fsync on, as in production, so that the
	// benchmarks measure real commits.
	if out, err := run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	logPath := filepath.Join(dir, "postgres.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	s.cmd = run("postgres", "-D", data, "-k", dir,
		"-c", "listen_addresses=",
		"-c", "max_connections=200",
		"-c", "shared_buffers=32MB",
		"-c", "log_min_messages=warning")
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	go func() { s.cmd.Wait(); close(s.exit) }()

	s.admin, err = sql.Open("pgx", s.url("postgres"))
	if err != nil {
		return nil, err
	}
	// Generous: on a busy machine a cold start takes seconds.
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err = s.admin.PingContext(ctx)
		cancel()
		if err == nil {
			break
		}
		select {
		case <-s.exit:
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("postgres exited at start: %s", log)
		default:
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("postgres did not answer within 60 s: %v\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	ok = true
	return s, nil
}

// serverUser returns the credential to run PostgreSQL with (nil: as
// this process) and gives dir to that user.
func serverUser(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	var u *user.User
	var err error
	for _, name := range []string{"postgres", "nobody"} {
		if u, err = user.Lookup(name); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("running as root, and no postgres or nobody user to run PostgreSQL as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

// url is the address of database name on this server.
func (s *Server) url(name string) string {
	q := url.Values{"host": {s.dir}, "user": {"postgres"}}
	return (&url.URL{Scheme: "postgres", Path: "/" + name, RawQuery: q.Encode()}).String()
}

// Database creates an empty database for one test and returns its URL.
// It is dropped when the test ends, connections and all.
func (s *Server) Database(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("test_%d", s.next.Add(1))
	if _, err := s.admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := s.admin.Exec(`DROP DATABASE ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return s.url(name)
}

// Exec runs a statement as the superuser (on the postgres database), for
// a test that sets up what a server's admin would: a database's or a
// role's settings.
func (s *Server) Exec(t testing.TB, query string) {
	t.Helper()
	if _, err := s.admin.Exec(query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// Stop ends the server at once and removes its directory.
func (s *Server) Stop() {
	if s.admin != nil {
		s.admin.Close()
	}
	if s.cmd != nil && s.cmd.Process != nil {
		// SIGQUIT: immediate shutdown; nothing here needs to survive.
		s.cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-s.exit:
		case <-time.After(30 * time.Second):
			s.cmd.Process.Kill()
			<-s.exit
		}
	}
	os.RemoveAll(s.dir)
}
