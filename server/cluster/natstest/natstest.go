// Package natstest is test support: it runs a real NATS server (the
// nats-server module, embedded in the test process) with JetStream in a
// temporary directory, for the tests of package cluster and of the
// commands that run several nodes. No mock: the nodes under test talk to
// it over TCP as they would to a NATS cluster.
package natstest

import (
	"fmt"
	"os"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Server is a running NATS server with JetStream.
type Server struct {
	srv *server.Server
	dir string
}

// Start runs a server on a free loopback port, storing JetStream's data
// in a new temporary directory.
func Start() (*Server, error) {
	dir, err := os.MkdirTemp("", "natstest-")
	if err != nil {
		return nil, err
	}
	srv, err := server.NewServer(&server.Options{
		Host:      "127.0.0.1",
		Port:      server.RANDOM_PORT,
		JetStream: true,
		StoreDir:  dir,
		NoSigs:    true,
		NoLog:     true,
	})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("nats-server not ready within 10 s")
	}
	return &Server{srv: srv, dir: dir}, nil
}

// URL is where clients connect: nats://127.0.0.1:PORT.
func (s *Server) URL() string { return s.srv.ClientURL() }

// Stop shuts the server down and removes its data.
func (s *Server) Stop() {
	s.srv.Shutdown()
	s.srv.WaitForShutdown()
	os.RemoveAll(s.dir)
}
