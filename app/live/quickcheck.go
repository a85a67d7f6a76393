package live

import (
	"ersatzraum/app/protocol"
)

// Quick checks on both calls: the teacher's tally and the student's
// question live in the views (TeacherView.Tally, StudentView.Check); the
// server decides, the page shows what it says.

// handleTally takes the teacher's tally; it reports whether env was one.
func (c *TeacherCall) handleTally(env protocol.Envelope) bool {
	if env.Type != protocol.TypeCheckTally {
		return false
	}
	var t protocol.CheckTally
	if protocol.DecodeData(env, &t) == nil {
		c.view.Tally = tallyOrNil(&t)
		c.changed()
	}
	return true
}

func tallyOrNil(t *protocol.CheckTally) *protocol.CheckTally {
	if t == nil || t.ID == "" {
		return nil
	}
	return t
}

// OpenCheck asks the class a question with 2 to 6 answers; named: the
// teacher sees who answered what.
func (c *TeacherCall) OpenCheck(question string, options []string, named bool) {
	c.send(protocol.TypeCheckOpen, protocol.CheckOpen{Question: question, Options: options, Named: named})
}

// CloseCheck takes no more answers.
func (c *TeacherCall) CloseCheck(id string) {
	c.send(protocol.TypeCheckClose, protocol.CheckRef{ID: id})
}

// ShowCheck shows the result to the class, or hides it.
func (c *TeacherCall) ShowCheck(id string, shown bool) {
	c.send(protocol.TypeCheckShow, protocol.CheckShow{ID: id, Shown: shown})
}

// SaveCheck keeps the result in the class's records.
func (c *TeacherCall) SaveCheck(id string) { c.send(protocol.TypeCheckSave, protocol.CheckRef{ID: id}) }

// handleCheck takes the student's question; it reports whether env was
// one.
func (c *StudentCall) handleCheck(env protocol.Envelope) bool {
	if env.Type != protocol.TypeCheck {
		return false
	}
	var q protocol.StudentCheck
	if protocol.DecodeData(env, &q) == nil {
		c.view.Check = checkOrNil(&q)
		c.changed()
	}
	return true
}

func checkOrNil(q *protocol.StudentCheck) *protocol.StudentCheck {
	if q == nil || q.ID == "" {
		return nil
	}
	return q
}

// AnswerCheck answers the running question (or changes the answer). The
// page shows the tap at once; the server's check confirms it.
func (c *StudentCall) AnswerCheck(id string, option int) {
	c.do(func() {
		if q := c.view.Check; q != nil && q.ID == id && q.Open {
			mine := *q
			mine.Mine = option
			c.view.Check = &mine
			c.changed()
		}
		c.client.Send(protocol.TypeCheckAnswer, protocol.CheckAnswer{ID: id, Option: option})
	})
}
