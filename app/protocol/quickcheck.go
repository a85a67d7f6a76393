package protocol

// Quick checks (docs/protocol.md, "Quick checks"): the teacher asks the
// class a question with 2 to 6 answers, students answer with one tap and
// may change their answer until the teacher closes the question. The
// class never learns who answered what; the teacher does only when the
// question says so. Results are kept only when the teacher saves them.

// Quick-check message types.
const (
	TypeCheckOpen   = "check-open"   // teacher → server: ask a new question
	TypeCheckAnswer = "check-answer" // student → server: answer (or change the answer)
	TypeCheckClose  = "check-close"  // teacher → server: no more answers
	TypeCheckShow   = "check-show"   // teacher → server: show the result to the class, or hide it
	TypeCheckSave   = "check-save"   // teacher → server: keep the result in the class's records
	TypeCheck       = "check"        // server → student: the question, the own answer, the result if shown
	TypeCheckTally  = "check-tally"  // server → teacher: the live tally
)

// Limits of a quick check.
const (
	MinCheckOptions     = 2
	MaxCheckOptions     = 6
	MaxCheckRunes       = 200 // the question
	MaxCheckOptionRunes = 60  // one answer
)

// Quick-check error codes.
const (
	ErrUnknownCheck = "unknown-check" // not the question running in this lesson
	ErrCheckClosed  = "check-closed"  // the teacher closed the question
	ErrSaveFailed   = "save-failed"   // the result could not be stored; try again
)

// CheckOpen asks a question. Named: the teacher sees who answered what
// (the class never does).
type CheckOpen struct {
	Question string   `json:"question"`
	Options  []string `json:"options"`
	Named    bool     `json:"named,omitempty"`
}

// CheckAnswer is a student's answer: the index of an option.
type CheckAnswer struct {
	ID     string `json:"id"`
	Option int    `json:"option"`
}

// CheckRef names the running question (check-close, check-save).
type CheckRef struct {
	ID string `json:"id"`
}

// CheckShow shows the result to the class, or hides it again.
type CheckShow struct {
	ID    string `json:"id"`
	Shown bool   `json:"shown"`
}

// StudentCheck is the question as a student sees it. An empty ID means no
// question. Mine is the index of the student's answer, -1 for none.
// Counts is set only while the teacher shows the result.
type StudentCheck struct {
	ID       string   `json:"id"`
	Question string   `json:"question,omitempty"`
	Options  []string `json:"options,omitempty"`
	Open     bool     `json:"open,omitempty"`
	Mine     int      `json:"mine"`
	Counts   []int    `json:"counts,omitempty"`
}

// CheckTally is the question as the teacher sees it. Waiting names the
// students in the lesson who have not answered; Answers is set only for a
// named question. An empty ID means no question.
type CheckTally struct {
	ID       string          `json:"id"`
	Question string          `json:"question,omitempty"`
	Options  []string        `json:"options,omitempty"`
	Named    bool            `json:"named,omitempty"`
	Open     bool            `json:"open,omitempty"`
	Shown    bool            `json:"shown,omitempty"`
	Saved    bool            `json:"saved,omitempty"`
	Counts   []int           `json:"counts,omitempty"`
	Answered int             `json:"answered"`
	Waiting  []string        `json:"waiting,omitempty"`
	Answers  []CheckAnswerOf `json:"answers,omitempty"`
}

// CheckAnswerOf is one student's answer in a named question.
type CheckAnswerOf struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Option int    `json:"option"`
}

// CheckRecord is a saved result in a class's records.
type CheckRecord struct {
	ID       string   `json:"id"`
	LessonID string   `json:"lessonId"`
	Question string   `json:"question"`
	Options  []string `json:"options"`
	Counts   []int    `json:"counts"`
	Answered int      `json:"answered"`
	// Present is how many students were in the lesson when it was saved.
	Present int   `json:"present"`
	SavedAt int64 `json:"savedAt"` // Unix milliseconds
	// The lesson's title and start (Unix milliseconds), in a class's list.
	LessonTitle     string `json:"lessonTitle,omitempty"`
	LessonStartedAt int64  `json:"lessonStartedAt,omitempty"`
}
