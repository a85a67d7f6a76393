// Package turn owns relaying media for clients whose network blocks direct
// connections, and the credentials for it: an embedded TURN server (pion/turn)
// on UDP and TCP, short-lived per-participant credentials in the "TURN REST"
// scheme that an outside coturn accepts as well, the ICE server list handed to
// a participant, and a relay self-test.
package turn
