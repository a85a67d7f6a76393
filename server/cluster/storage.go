package cluster

import (
	"context"
	"errors"

	"ersatzraum/app/protocol"
	"ersatzraum/server/codes"
	"ersatzraum/server/httpapi"
	"ersatzraum/server/roster"
	"ersatzraum/server/signaling"
	"ersatzraum/server/storage"
)

// Store is what StoredLessons reads; *storage.DB has it.
type Store interface {
	Lesson(ctx context.Context, id string) (storage.Lesson, error)
	LessonAttendance(ctx context.Context, lessonID string) ([]storage.Attendance, error)
	Class(ctx context.Context, id string) (storage.Class, error)
	Roster(ctx context.Context, classID string) ([]storage.RosterStudent, error)
	RosterStudentByTokenHash(ctx context.Context, hash []byte) (storage.RosterStudent, error)
	RunningLessonByCodeHash(ctx context.Context, hash []byte) (storage.Lesson, error)
	RunningLessonOfClass(ctx context.Context, classID string) (storage.Lesson, error)
}

// StoredLessons finds and loads lessons in storage, in the shapes the hub
// takes after a restart (httpapi.HubLesson, httpapi.HubClass).
func StoredLessons(db Store) Lessons { return storedLessons{db} }

type storedLessons struct{ db Store }

func (s storedLessons) Find(ctx context.Context, h protocol.Hello) (string, error) {
	var l storage.Lesson
	var err error
	if h.Personal != "" {
		st, serr := s.db.RosterStudentByTokenHash(ctx, codes.HashToken(h.Personal))
		if serr != nil {
			return "", notFoundIsNone(serr)
		}
		l, err = s.db.RunningLessonOfClass(ctx, st.ClassID)
	} else {
		code := codes.NormalizeCode(h.Code)
		if code == "" {
			return "", nil
		}
		l, err = s.db.RunningLessonByCodeHash(ctx, codes.HashCode(code))
	}
	if err != nil {
		return "", notFoundIsNone(err)
	}
	return l.ID, nil
}

func notFoundIsNone(err error) error {
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	return err
}

func (s storedLessons) Load(ctx context.Context, id string) (signaling.Lesson, []roster.Line, *signaling.Class, error) {
	l, err := s.db.Lesson(ctx, id)
	if errors.Is(err, storage.ErrNotFound) || err == nil && !l.EndedAt.IsZero() {
		return signaling.Lesson{}, nil, nil, ErrNotRunning
	}
	if err != nil {
		return signaling.Lesson{}, nil, nil, err
	}
	lines, err := s.db.LessonAttendance(ctx, id)
	if err != nil {
		return signaling.Lesson{}, nil, nil, err
	}
	var class *signaling.Class
	if l.ClassID != "" {
		c, err := s.db.Class(ctx, l.ClassID)
		switch {
		case err == nil:
			students, err := s.db.Roster(ctx, c.ID)
			if err != nil {
				return signaling.Lesson{}, nil, nil, err
			}
			hc := httpapi.HubClass(c, students)
			class = &hc
		case !errors.Is(err, storage.ErrNotFound):
			return signaling.Lesson{}, nil, nil, err
		}
	}
	return httpapi.HubLesson(l), lines, class, nil
}
