// Package protocol owns the wire format between the browser and the signaling
// server: the message envelope, every message type with its payload, the error
// codes and the limits both sides agree on. It is compiled into the wasm and
// into the server, so it imports nothing but the standard library.
//
// docs/protocol.md describes the same messages for people; keep both in step.
package protocol

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Version is the protocol version every envelope carries. A server answers
// an envelope with another version with ErrUnsupportedVersion.
const Version = 1

// Limits shared by client and server. The server enforces them; the client
// stays inside them so that it is never disconnected for its own behaviour.
const (
	// MaxMessageBytes bounds one WebSocket message. A full SDP offer with
	// audio, video and many candidates stays well below 16 KiB.
	MaxMessageBytes = 64 << 10
	// MaxNameRunes bounds a display name.
	MaxNameRunes = 60
	// MaxTitleRunes bounds a lesson title.
	MaxTitleRunes = 80
)

// Message types. Client-to-server types come first.
const (
	TypeHello  = "hello"  // client → server: who I am and which lesson
	TypeSignal = "signal" // both ways: WebRTC offer, answer or ICE candidate
	TypeEnd    = "end"    // teacher → server: end the lesson for everyone
	TypeAdmit  = "admit"  // teacher → server: let waiting students in
	TypeReject = "reject" // teacher → server: send waiting students away
	TypeLock   = "lock"   // teacher → server: admit nobody new (or again)
	TypeMark   = "mark"   // teacher → server: set a student's roll-call status
	TypeCall   = "call"   // teacher → server: call on a student (or nobody)
	TypeMute   = "mute"   // teacher → server: ask a student to mute the microphone
	TypeRemove = "remove" // teacher → server: send a student out of the lesson
	TypeHand   = "hand"   // student → server: raise or lower the hand
	TypeMedia  = "media"  // student → server: camera, microphone, audio-only state

	TypeWelcome       = "welcome"        // server → client: accepted, with state
	TypeParticipant   = "participant"    // server → teacher: a roll-call entry changed
	TypeTeacherStatus = "teacher-status" // server → student: teacher came or went
	TypeLessonEnded   = "lesson-ended"   // server → all: the lesson is over
	TypeWaiting       = "waiting"        // server → student: in the lobby until admitted
	TypeLessonState   = "lesson-state"   // server → teacher: locked or not
	TypeCalled        = "called"         // server → student: called on, or not any more
	TypeMuted         = "muted"          // server → student: the teacher muted you
	TypeError         = "error"          // server → client: a request was refused
)

// Roles a client can claim in hello. The server checks the claim: a teacher
// needs a session that owns the lesson, a student needs a valid join code.
const (
	RoleTeacher = "teacher"
	RoleStudent = "student"
)

// TeacherPeer is the peer id students address their signals to. A student
// never learns or needs another participant's id.
const TeacherPeer = "teacher"

// Signal kinds.
const (
	SignalOffer     = "offer"
	SignalAnswer    = "answer"
	SignalCandidate = "candidate"
)

// Roll-call statuses.
const (
	StatusPresent = "present"
	StatusLate    = "late"
	StatusAbsent  = "absent"
	StatusExcused = "excused"
)

// ValidStatus reports whether s is a roll-call status.
func ValidStatus(s string) bool {
	switch s {
	case StatusPresent, StatusLate, StatusAbsent, StatusExcused:
		return true
	}
	return false
}

// Envelope is what travels in every WebSocket message.
type Envelope struct {
	V    int             `json:"v"`
	Type string          `json:"type"`
	Data json.RawMessage `json:"data,omitempty"`
}

// Hello opens a session. A teacher names the lesson; a student names the
// join code and its display name. Resume carries the token from an earlier
// welcome so that a reconnecting student keeps its identity.
type Hello struct {
	Role   string `json:"role"`
	Lesson string `json:"lesson,omitempty"`
	Code   string `json:"code,omitempty"`
	Name   string `json:"name,omitempty"`
	Camera bool   `json:"camera,omitempty"`
	Resume string `json:"resume,omitempty"`
	// Personal is a student's personal-link token: it names the student
	// and the class, so code and name are not needed and there is no lobby.
	Personal string `json:"personal,omitempty"`
	// Fresh is sent by a teacher whose page holds no peer connections (a
	// new page load): students must then build theirs anew. A teacher that
	// only lost the signaling connection says false, and the students'
	// media keeps flowing on the connections they have.
	Fresh bool `json:"fresh,omitempty"`
}

// LessonInfo describes a lesson to its participants.
type LessonInfo struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Code is sent to the teacher only, and only while the server still
	// knows it in clear (codes are stored hashed).
	Code string `json:"code,omitempty"`
}

// Welcome accepts a hello.
type Welcome struct {
	Self   string     `json:"self"`
	Role   string     `json:"role"`
	Lesson LessonInfo `json:"lesson"`
	// Resume is the token a student presents to resume after a reconnect.
	Resume string `json:"resume,omitempty"`
	// TeacherOnline tells a student whether to start its offer now.
	TeacherOnline bool `json:"teacherOnline,omitempty"`
	// RollCall is the whole roll call, for the teacher only.
	RollCall []Entry `json:"rollCall,omitempty"`
	// ICE is this participant's WebRTC network configuration: only the
	// school's own STUN/TURN servers, with short-lived credentials.
	ICE *ICEConfig `json:"ice,omitempty"`
	// Name is the student's display name (from the class list for a
	// personal link).
	Name string `json:"name,omitempty"`
	// Lobby and Locked are for the teacher.
	Lobby  []Knock `json:"lobby,omitempty"`
	Locked bool    `json:"locked,omitempty"`
	// Called is for a student: whether it is called on right now. A page
	// that showed the student as called on before a reconnect shows what
	// this says (a call-on does not survive a server restart).
	Called bool `json:"called,omitempty"`
	// Chat is the lesson chat's rules and the recent messages this
	// participant may see; absent: chat on, no messages (chat.go).
	Chat *ChatState `json:"chat,omitempty"`
	// Check is a student's running quick check, Tally the teacher's;
	// absent: none (quickcheck.go).
	Check *StudentCheck `json:"check,omitempty"`
	Tally *CheckTally   `json:"tally,omitempty"`
	// Groups is the running group work as this participant sees it
	// (groups.go); absent: none.
	Groups *GroupsState `json:"groups,omitempty"`
}

// Knock is a student waiting in the lobby.
type Knock struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	At   int64  `json:"at"` // Unix milliseconds
}

// LobbyState lists everyone waiting, oldest first.
type LobbyState struct {
	Waiting []Knock `json:"waiting"`
}

// Admission names waiting students to admit or reject.
type Admission struct {
	IDs []string `json:"ids"`
}

// LockState locks or unlocks a lesson.
type LockState struct {
	Locked bool `json:"locked"`
}

// ICEConfig configures a peer connection's network side.
type ICEConfig struct {
	Servers []ICEServer `json:"servers,omitempty"`
	// Policy is "all" (default) or "relay": relay-only hides the
	// participants' addresses from each other and works through any
	// firewall that lets the TURN server through.
	Policy string `json:"policy,omitempty"`
}

// ICEServer mirrors the browser's RTCIceServer.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// Entry is one line of the roll call.
type Entry struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Status   string `json:"status"`
	Online   bool   `json:"online"`
	Camera   bool   `json:"camera"`
	JoinedAt int64  `json:"joinedAt,omitempty"` // Unix milliseconds of the first join; 0: never
	LeftAt   int64  `json:"leftAt,omitempty"`
	// Listed: on the class list (a tile even before joining).
	Listed bool `json:"listed,omitempty"`
	// Mic and AudioOnly are what the student's page reports.
	Mic       bool `json:"mic,omitempty"`
	AudioOnly bool `json:"audioOnly,omitempty"`
	// Hand is when the hand went up (Unix ms), 0 when it is down.
	Hand int64 `json:"hand,omitempty"`
	// Called: the teacher called on this student.
	Called bool `json:"called,omitempty"`
}

// Mark sets a student's status (teacher).
type Mark struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// Target names one student (call, mute, remove); an empty ID in call
// means nobody.
type Target struct {
	ID string `json:"id"`
}

// Hand raises or lowers a student's hand.
type Hand struct {
	Raised bool `json:"raised"`
}

// Media is a student's camera, microphone and bandwidth state.
type Media struct {
	Camera    bool `json:"camera"`
	Mic       bool `json:"mic"`
	AudioOnly bool `json:"audioOnly"`
}

// Called tells a student whether the teacher called on them.
type Called struct {
	On bool `json:"on"`
}

// Candidate mirrors the browser's RTCIceCandidateInit.
type Candidate struct {
	Candidate        string  `json:"candidate"`
	SDPMid           *string `json:"sdpMid,omitempty"`
	SDPMLineIndex    *uint16 `json:"sdpMLineIndex,omitempty"`
	UsernameFragment *string `json:"usernameFragment,omitempty"`
}

// Signal carries WebRTC negotiation between a student and its teacher, or,
// during group work, between two members of one group (To and From are
// then peer tags, groups.go). The sender sets To; the server replaces From
// with the sender's real id (TeacherPeer, a participant id for the
// teacher, or the sender's peer tag inside a group).
type Signal struct {
	To   string `json:"to,omitempty"`
	From string `json:"from,omitempty"`
	Kind string `json:"kind"`
	// Restart marks an offer that restarts ICE on the existing connection
	// (the network path broke); the answerer renegotiates instead of
	// building a new connection.
	Restart   bool       `json:"restart,omitempty"`
	SDP       string     `json:"sdp,omitempty"`
	Candidate *Candidate `json:"candidate,omitempty"`
}

// TeacherStatus tells a student that the teacher's connection came or went.
type TeacherStatus struct {
	Online bool `json:"online"`
	// Fresh: the teacher's page has no peer connection to this student any
	// more; build a new one.
	Fresh bool `json:"fresh,omitempty"`
}

// Error explains a refusal. Code is stable and documented; Message is for
// logs and developers, the UI translates Code.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Error codes.
const (
	ErrMalformed          = "malformed"           // not JSON or not an envelope
	ErrUnsupportedVersion = "unsupported-version" // envelope v is not Version
	ErrUnknownType        = "unknown-type"        // no such message type
	ErrBadPayload         = "bad-payload"         // data does not fit the type
	ErrNotHello           = "hello-first"         // first message was not hello
	ErrAlreadyJoined      = "already-joined"      // second hello on one connection
	ErrUnauthorized       = "unauthorized"        // teacher without valid session
	ErrForbidden          = "forbidden"           // role may not do this
	ErrUnknownLesson      = "unknown-lesson"      // no such lesson or code
	ErrLessonEnded        = "lesson-ended"        // the lesson is over
	ErrBadName            = "bad-name"            // display name invalid
	ErrUnknownPeer        = "unknown-peer"        // signal to someone not in the lesson
	ErrPeerOffline        = "peer-offline"        // signal to someone not connected
	ErrRateLimited        = "rate-limited"        // too many messages
	ErrTooLarge           = "too-large"           // message above MaxMessageBytes
	ErrReplaced           = "replaced"            // same identity connected elsewhere
	ErrNotStarted         = "not-started"         // the class has no lesson running yet
	ErrRejected           = "rejected"            // the teacher did not admit you
	ErrLocked             = "locked"              // the teacher locked the lesson
	ErrRemoved            = "removed"             // the teacher sent you out of the lesson
)

// Close codes of the WebSocket close frame. 1000–1015 are the standard
// ones (RFC 6455); 4000–4999 are ours. FinalClose says which of them end a
// session for good.
const (
	// CloseNormal: a normal close. The server closes normally only when the
	// lesson is over (the teacher after end, reason "lesson ended").
	CloseNormal = 1000
	// CloseGoingAway: the server is shutting down or restarting;
	// reconnect and resume.
	CloseGoingAway = 1001
	// CloseProtocolError: not our protocol at all (ErrMalformed,
	// ErrUnsupportedVersion, a binary frame).
	CloseProtocolError = 1002
	// ClosePolicy: a generic rule violation; defined, not sent today.
	ClosePolicy = 1008
	// CloseTooLarge: a message above MaxMessageBytes (sent by the
	// WebSocket library itself, with an empty reason).
	CloseTooLarge = 1009
	// CloseUnauthorized: a teacher hello without a valid session.
	CloseUnauthorized = 4001
	// CloseForbidden: a teacher hello for another teacher's lesson.
	CloseForbidden = 4003
	// CloseUnknownLesson: no such lesson or join code.
	CloseUnknownLesson = 4004
	// CloseRateLimited: too many messages, or too many wrong join codes
	// from one address.
	CloseRateLimited = 4008
	// CloseReplaced: the same identity connected from elsewhere; sent to
	// the older connection.
	CloseReplaced = 4009
	// CloseLessonEnded: the teacher ended the lesson.
	CloseLessonEnded = 4010
	// CloseSlowConsumer: the server's send queue for this client was full,
	// the client does not read.
	CloseSlowConsumer = 4011
	// CloseBadHello: hello refused (ErrNotHello, ErrAlreadyJoined,
	// ErrBadPayload, ErrBadName).
	CloseBadHello = 4012
	// CloseNotStarted: the class has no running lesson yet; try again
	// later.
	CloseNotStarted = 4013
	// CloseRejected: the teacher did not admit the student from the lobby.
	CloseRejected = 4014
	// CloseLocked: the teacher locked the lesson.
	CloseLocked = 4015
	// CloseRemoved: the teacher sent the student out of the lesson.
	CloseRemoved = 4016
)

// FinalClose reports whether a close code means "do not come back": the
// server refused who we are or what we asked for, or the lesson is over,
// and trying again cannot help. Every other code, and codes the browser
// reports without a close frame (1006 after a network loss), means
// reconnect with backoff.
func FinalClose(code int) bool {
	switch code {
	case CloseNormal, CloseUnauthorized, CloseForbidden, CloseUnknownLesson,
		CloseReplaced, CloseLessonEnded, CloseBadHello, CloseRejected,
		CloseLocked, CloseRemoved, CloseLobbyFull:
		return true
	}
	return false
}

// Encode builds one wire message.
func Encode(msgType string, data any) ([]byte, error) {
	env := Envelope{V: Version, Type: msgType}
	if data != nil {
		raw, err := json.Marshal(data)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", msgType, err)
		}
		env.Data = raw
	}
	return json.Marshal(env)
}

// MustEncode is Encode for payloads that cannot fail to marshal (the types
// of this package).
func MustEncode(msgType string, data any) []byte {
	b, err := Encode(msgType, data)
	if err != nil {
		panic(err)
	}
	return b
}

// Decode parses an envelope and checks its version. It does not look at
// the payload; use DecodeData with the type the envelope names.
func Decode(raw []byte) (Envelope, *Error) {
	var env Envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return env, &Error{Code: ErrMalformed, Message: "message is not a JSON envelope"}
	}
	if env.Type == "" {
		return env, &Error{Code: ErrMalformed, Message: "envelope has no type"}
	}
	if env.V != Version {
		return env, &Error{Code: ErrUnsupportedVersion, Message: fmt.Sprintf("protocol version %d is not supported, use %d", env.V, Version)}
	}
	return env, nil
}

// DecodeData parses an envelope's payload into v.
func DecodeData(env Envelope, v any) *Error {
	if len(env.Data) == 0 {
		return &Error{Code: ErrBadPayload, Message: env.Type + " needs a data object"}
	}
	if err := json.Unmarshal(env.Data, v); err != nil {
		return &Error{Code: ErrBadPayload, Message: env.Type + ": " + err.Error()}
	}
	return nil
}

// AsError returns err as a protocol error when it is one.
func AsError(err error) (*Error, bool) {
	var pe *Error
	ok := errors.As(err, &pe)
	return pe, ok
}
