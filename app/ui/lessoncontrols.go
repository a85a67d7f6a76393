package ui

// lessonControls is what the teacher's panels ask of the running call
// (live.TeacherCall). Each method only queues a message and returns.
type lessonControls interface {
	Admit(ids ...string)
	Reject(ids ...string)
	SetLocked(locked bool)
	Mark(id, status string)
	CallOn(id string)
	Mute(id string)
	Remove(id string)
}
