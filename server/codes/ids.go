package codes

import (
	"crypto/rand"
	"strings"
)

// NewID returns a random identifier for lessons, class-list students and
// the participants of a lesson who are not on its class list.
func NewID() string {
	return strings.ToLower(rand.Text())
}

// ListedParticipantID is the participant id of a class-list student in
// every lesson of the class: the same student on a second device, or back
// after a restart, gets the same roll-call line. The prefix keeps it apart
// from the random ids of everyone else (NewID has no "-"); whether a line
// is a class-list student's is the line's Listed field, never read back
// from the id.
func ListedParticipantID(rosterStudentID string) string {
	return "r-" + rosterStudentID
}
