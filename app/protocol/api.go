package protocol

import "time"

// The HTTP API (docs/protocol.md, "HTTP API"): every JSON body the browser
// sends or reads, the error codes only HTTP answers, and the limits both
// sides check. One definition for browser and server, so that neither can
// drift from the other. The board's part is in board.go.

// Error codes of the HTTP API besides the shared ones in protocol.go
// (unauthorized, bad-payload, bad-name, unknown-lesson, rate-limited,
// too-large). Each is listed in docs/protocol.md.
const (
	ErrInternal       = "internal"        // 500: storage or another part failed
	ErrBadLogin       = "bad-login"       // name or password wrong (indistinguishable)
	ErrBusy           = "busy"            // all password-hashing slots taken
	ErrWeakPassword   = "weak-password"   // shorter than MinPasswordRunes
	ErrCrossSite      = "cross-site"      // a state change from a foreign page
	ErrUnknownClass   = "unknown-class"   // no such class, or another teacher's
	ErrUnknownStudent = "unknown-student" // no such student on the class list
	ErrDuplicateName  = "duplicate-name"  // the name is on the class list already
	ErrRosterFull     = "roster-full"     // more than MaxRoster students
	ErrBadCSV         = "bad-csv"         // a class list file that cannot be read
)

// Limits of the HTTP API that the browser checks before it asks.
const (
	// MinPasswordRunes is the shortest teacher password accepted.
	MinPasswordRunes = 10
	// MaxRoster bounds a class list; a German class has at most about 35.
	MaxRoster = 200
	// MaxLateAfterMinutes bounds a class's late limit.
	MaxLateAfterMinutes = 90
)

// ErrorBody is the body of every refusal of the HTTP API.
type ErrorBody struct {
	Error Error `json:"error"`
}

// LoginRequest is the body of POST /api/login.
type LoginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

// PasswordRequest is the body of POST /api/password.
type PasswordRequest struct {
	Password string `json:"password"`
	// Current is the password in use; needed unless the session was
	// opened by a login link a moment ago (accounts.FreshLinkFor).
	Current string `json:"current,omitempty"`
}

// Me answers GET /api/me (and a successful POST /api/login).
type Me struct {
	Teacher TeacherInfo `json:"teacher"`
}

// TeacherInfo describes the signed-in teacher.
type TeacherInfo struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	HasPassword bool   `json:"hasPassword"`
}

// CreateLessonRequest is the body of POST /api/lessons. A lesson of a
// class takes the class's name when it has no title of its own.
type CreateLessonRequest struct {
	Title   string `json:"title"`
	ClassID string `json:"classId,omitempty"`
}

// AttendanceLine is one line of GET /api/lessons/{id}/attendance.
type AttendanceLine struct {
	Name     string    `json:"name"`
	Status   string    `json:"status"`
	JoinedAt time.Time `json:"joinedAt,omitzero"` // absent: never joined
	LeftAt   time.Time `json:"leftAt,omitzero"`
}

// CreateClassRequest is the body of POST /api/classes.
type CreateClassRequest struct {
	Name string `json:"name"`
}

// AddStudentsRequest is the JSON body of POST /api/classes/{id}/students
// (the other one is a CSV file).
type AddStudentsRequest struct {
	Names []string `json:"names"`
}

// ClassSettings is the body of POST /api/classes/{id}/settings. A pointer,
// so that a missing value is told apart from 0.
type ClassSettings struct {
	LateAfterMinutes *int `json:"lateAfterMinutes"`
}

// RollCallCounts are the number of participants per roll-call status.
type RollCallCounts struct {
	Present int `json:"present"`
	Late    int `json:"late"`
	Absent  int `json:"absent"`
	Excused int `json:"excused"`
}

// LessonRecord is one line of GET /api/classes/{id}/lessons.
type LessonRecord struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	StartedAt time.Time `json:"startedAt"`
	EndedAt   time.Time `json:"endedAt,omitzero"` // absent while the lesson runs
	RollCallCounts
}

// ClassSummary is one line of GET /api/classes.
type ClassSummary struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Students int    `json:"students"`
}

// ClassDetail describes one class to its teacher.
type ClassDetail struct {
	ID       string         `json:"id"`
	Name     string         `json:"name"`
	Code     string         `json:"code"`
	JoinURL  string         `json:"joinUrl"`
	Students []RosterDetail `json:"students"`
	// LateAfterMinutes: a first join later than this counts as late.
	LateAfterMinutes int `json:"lateAfterMinutes"`
}

// RosterDetail is a student on the class list with the personal link.
type RosterDetail struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Link string `json:"link"`
}

// CreatedLesson answers POST /api/lessons.
type CreatedLesson struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Code    string `json:"code"`
	JoinURL string `json:"joinUrl"`
}

// The teacher's lessons on the start page (GET /api/lessons): every
// lesson still running, and the ended ones started within the last
// RecentLessonDays days, at most MaxRecentLessons in all.
const (
	RecentLessonDays = 14
	MaxRecentLessons = 20
)

// RecentLesson is one line of GET /api/lessons: running lessons first,
// then newest first.
type RecentLesson struct {
	LessonRecord
	// ClassID and ClassName name the lesson's class; both are absent for
	// an ad-hoc lesson (or when the class has been deleted since).
	ClassID   string `json:"classId,omitempty"`
	ClassName string `json:"className,omitempty"`
}
