package signaling

import (
	"context"
	"strconv"
	"time"

	"ersatzraum/app/protocol"
)

// Quick checks: one question at a time per lesson, answered with one
// tap. The answers live in the room's memory; only a result the teacher
// saves reaches storage, and then as counts without names.

// CheckStore keeps saved quick-check results with the lesson's records.
type CheckStore interface {
	SaveCheck(ctx context.Context, rec protocol.CheckRecord) error
}

// checkSaveTimeout bounds one save: the teacher is told when it failed.
const checkSaveTimeout = 5 * time.Second

// checkRoom is a room's quick check, guarded by the room's mu (a field
// of room).
type checkRoom struct {
	cur  *quickCheck // nil: no question
	next int         // for question ids
}

type quickCheck struct {
	id       string
	question string
	options  []string
	named    bool
	open     bool
	shown    bool
	saved    bool
	answers  map[string]int // participant id → option
}

func (q *quickCheck) counts() []int {
	out := make([]int, len(q.options))
	for _, o := range q.answers {
		out[o]++
	}
	return out
}

// checkReceive dispatches the quick check's messages.
func (s *Session) checkReceive(env protocol.Envelope) {
	switch env.Type {
	case protocol.TypeCheckOpen:
		decoded(s, env, func(o protocol.CheckOpen) { s.asTeacher(func(r *room) { r.checkOpen(s, o) }) })
	case protocol.TypeCheckAnswer:
		decoded(s, env, s.checkAnswer)
	case protocol.TypeCheckClose:
		decoded(s, env, func(ref protocol.CheckRef) {
			s.asTeacher(func(r *room) {
				if q := r.checkFor(s, ref.ID); q != nil {
					q.open = false
					r.checkToAll()
				}
			})
		})
	case protocol.TypeCheckShow:
		decoded(s, env, func(sh protocol.CheckShow) {
			s.asTeacher(func(r *room) {
				if q := r.checkFor(s, sh.ID); q != nil {
					q.shown = sh.Shown
					r.checkToAll()
				}
			})
		})
	case protocol.TypeCheckSave:
		decoded(s, env, s.checkSave)
	}
}

// checkOpen asks a new question; a running one ends unsaved.
func (r *room) checkOpen(s *Session, o protocol.CheckOpen) {
	question, ok := protocol.CleanName(o.Question, protocol.MaxCheckRunes)
	if !ok {
		s.sendError(protocol.ErrBadPayload, "a question needs 1 to 200 printable characters")
		return
	}
	if len(o.Options) < protocol.MinCheckOptions || len(o.Options) > protocol.MaxCheckOptions {
		s.sendError(protocol.ErrBadPayload, "a question needs 2 to 6 answers")
		return
	}
	options := make([]string, len(o.Options))
	for i, opt := range o.Options {
		if options[i], ok = protocol.CleanName(opt, protocol.MaxCheckOptionRunes); !ok {
			s.sendError(protocol.ErrBadPayload, "an answer needs 1 to 60 printable characters")
			return
		}
	}
	r.check.next++
	r.check.cur = &quickCheck{
		id:       "q" + strconv.Itoa(r.check.next),
		question: question,
		options:  options,
		named:    o.Named,
		open:     true,
		answers:  make(map[string]int),
	}
	r.checkToAll()
}

// checkFor returns the running question if id names it, or refuses.
func (r *room) checkFor(s *Session, id string) *quickCheck {
	q := r.check.cur
	if q == nil || q.id != id {
		s.sendError(protocol.ErrUnknownCheck, "no question "+quote(id)+" in this lesson")
		return nil
	}
	return q
}

// checkAnswer takes (or changes) a student's answer.
func (s *Session) checkAnswer(a protocol.CheckAnswer) {
	if s.role != protocol.RoleStudent {
		s.sendError(protocol.ErrForbidden, "only students answer")
		return
	}
	s.inLesson(func(r *room) {
		q := r.checkFor(s, a.ID)
		switch {
		case q == nil:
			return
		case !q.open:
			s.sendError(protocol.ErrCheckClosed, "the teacher closed this question")
			return
		case a.Option < 0 || a.Option >= len(q.options):
			s.sendError(protocol.ErrBadPayload, "no such answer")
			return
		}
		q.answers[s.studentID] = a.Option
		s.send(protocol.MustEncode(protocol.TypeCheck, r.studentCheck(s.studentID)))
		if r.teacher != nil {
			r.teacher.send(protocol.MustEncode(protocol.TypeCheckTally, r.checkTally()))
		}
	})
}

// checkSave stores the result (counts, no names). The store is written
// outside the room's lock, so that a slow disk never holds up the lesson.
func (s *Session) checkSave(ref protocol.CheckRef) {
	var rec protocol.CheckRecord
	var q *quickCheck
	s.asTeacher(func(r *room) {
		if q = r.checkFor(s, ref.ID); q == nil {
			return
		}
		rec = protocol.CheckRecord{
			ID:       r.lesson.ID + "-" + q.id,
			LessonID: r.lesson.ID,
			Question: q.question,
			Options:  append([]string(nil), q.options...),
			Counts:   q.counts(),
			Answered: len(q.answers),
			Present:  r.present(),
			SavedAt:  s.hub.now().UnixMilli(),
		}
	})
	if q == nil {
		return
	}
	if s.hub.Checks == nil {
		s.sendError(protocol.ErrSaveFailed, "this server keeps no quick-check results")
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), checkSaveTimeout)
	err := s.hub.Checks.SaveCheck(ctx, rec)
	cancel()
	if err != nil {
		s.hub.log.Warn("quick check not saved", "lesson", rec.LessonID, "err", err)
		s.sendError(protocol.ErrSaveFailed, "the result could not be saved; try again")
		return
	}
	s.asTeacher(func(r *room) {
		if r.check.cur == q {
			q.saved = true
			r.teacher.send(protocol.MustEncode(protocol.TypeCheckTally, r.checkTally()))
		}
	})
}

// present counts the students connected now. The room is locked.
func (r *room) present() int {
	n := 0
	for _, st := range r.students {
		if st.conn != nil {
			n++
		}
	}
	return n
}

func (r *room) checkToAll() {
	if r.teacher != nil {
		r.teacher.send(protocol.MustEncode(protocol.TypeCheckTally, r.checkTally()))
	}
	for id, st := range r.students {
		if st.conn != nil {
			st.conn.send(protocol.MustEncode(protocol.TypeCheck, r.studentCheck(id)))
		}
	}
}

// studentCheck is the question for one student: the own answer, and the
// counts only while the teacher shows them.
func (r *room) studentCheck(id string) protocol.StudentCheck {
	q := r.check.cur
	if q == nil {
		return protocol.StudentCheck{Mine: -1}
	}
	out := protocol.StudentCheck{ID: q.id, Question: q.question, Options: q.options, Open: q.open, Mine: -1}
	if o, ok := q.answers[id]; ok {
		out.Mine = o
	}
	if q.shown {
		out.Counts = q.counts()
	}
	return out
}

// checkTally is the teacher's view of the question.
func (r *room) checkTally() protocol.CheckTally {
	q := r.check.cur
	if q == nil {
		return protocol.CheckTally{}
	}
	t := protocol.CheckTally{ID: q.id, Question: q.question, Options: q.options, Named: q.named,
		Open: q.open, Shown: q.shown, Saved: q.saved, Counts: q.counts(), Answered: len(q.answers)}
	for _, id := range r.order {
		st := r.students[id]
		o, answered := q.answers[id]
		switch {
		case answered && q.named:
			t.Answers = append(t.Answers, protocol.CheckAnswerOf{ID: id, Name: st.line.Name, Option: o})
		case !answered && st.conn != nil:
			t.Waiting = append(t.Waiting, st.line.Name)
		}
	}
	return t
}

// checkWelcome is a joining student's quick check; nil: none. The room
// is locked.
func (r *room) checkWelcome(id string) *protocol.StudentCheck {
	if r.check.cur == nil {
		return nil
	}
	c := r.studentCheck(id)
	return &c
}

// tallyWelcome is a joining teacher's quick check; nil: none.
func (r *room) tallyWelcome() *protocol.CheckTally {
	if r.check.cur == nil {
		return nil
	}
	t := r.checkTally()
	return &t
}

// checkParticipantChanged keeps the teacher's "not answered yet" list up
// to date while a question is open: who came and who went. The room is
// locked and the teacher connected.
func (r *room) checkParticipantChanged() {
	if r.check.cur != nil && r.check.cur.open {
		r.teacher.send(protocol.MustEncode(protocol.TypeCheckTally, r.checkTally()))
	}
}
