package protocol

// The lobby as changes (issue 16): the teacher's welcome carries everyone
// waiting; after that the server sends only who started waiting
// (lobby-add) and who stopped (lobby-remove), so that a knock costs one
// small message instead of the whole list again. The lobby is capped.

// Lobby messages, server → teacher.
const (
	TypeLobbyAdd    = "lobby-add"    // one student started waiting (data: Knock)
	TypeLobbyRemove = "lobby-remove" // students stopped waiting: admitted, rejected or gone (data: LobbyRemoval)
)

// MaxLobby is how many students may wait in one lesson's lobby at once: a
// class and its guests many times over, but not a flood.
const MaxLobby = 100

// LobbyRemoval names the students who left the lobby.
type LobbyRemoval struct {
	IDs []string `json:"ids"`
}

// Error and close codes for a hostile client.
const (
	ErrLobbyFull     = "lobby-full"     // MaxLobby students wait already
	ErrHelloTimeout  = "hello-timeout"  // no hello within the hello deadline
	ErrQuota         = "quota"          // a hand-in above the student's or the class's storage quota
	ErrWrongPassword = "wrong-password" // the current password given to change it is wrong
)

// CloseLobbyFull: the lobby is full; the student may knock again later
// (final: the page says so, it does not knock on its own).
const CloseLobbyFull = 4017
