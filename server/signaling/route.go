package signaling

// Receiver takes one client connection's messages: a Session of this hub,
// or (package cluster) a link to the hub of the node that hosts the
// client's lesson. The transport calls Receive for every message and
// Closed once, from a single goroutine.
type Receiver interface {
	Receive(msg []byte)
	Closed()
	// Joined reports whether the client's hello has been taken: from then
	// on the transport keeps the connection open on pings.
	Joined() bool
}

// Router chooses the Receiver for a new connection. Without one the
// Endpoint hands every connection to its own Hub.
type Router interface {
	Connect(c Conn, id Identity) Receiver
}

// Joined reports whether hello has been accepted. Call it from the
// session's own goroutine (the transport's), like Receive.
func (s *Session) Joined() bool { return s.role != "" }
