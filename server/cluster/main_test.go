package cluster_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"ersatzraum/server/cli"
	"ersatzraum/server/cluster/natstest"
	"ersatzraum/server/storage/pgtest"
)

// The tests run real engines: one PostgreSQL (Debian's binaries, started
// by pgtest) and one NATS server with JetStream (the nats-server module,
// embedded in this process) for the whole package; each test takes a
// fresh database. The nodes under test are either in this process
// (claims_test.go) or real `ersatzraum serve` processes (nodes_test.go):
// this test binary runs the server when serveEnv is set, so that a test
// can kill a node with SIGKILL.

const serveEnv = "CLUSTER_TEST_RUN_SERVER"

// testLease is every test's lease time: the bucket is created once, by
// the first node, and nodes with another lease time refuse to start.
const testLease = 3 * time.Second

var (
	pg      *pgtest.Server
	natsSrv *natstest.Server
)

func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) == "1" {
		os.Exit(cli.Main(append([]string{"ersatzraum"}, os.Args[1:]...), os.Stdout, os.Stderr))
	}
	var err error
	if natsSrv, err = natstest.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: no NATS server for the tests:", err)
		os.Exit(1)
	}
	code := pgtest.Run(m, &pg)
	natsSrv.Stop()
	os.Exit(code)
}
