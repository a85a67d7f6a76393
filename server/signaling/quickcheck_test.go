package signaling

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"ersatzraum/app/protocol"
)

// fakeChecks keeps saved results, or fails.
type fakeChecks struct {
	mu   sync.Mutex // guards recs, fail
	recs []protocol.CheckRecord
	fail bool
}

func (f *fakeChecks) SaveCheck(_ context.Context, rec protocol.CheckRecord) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return errors.New("disk full")
	}
	f.recs = append(f.recs, rec)
	return nil
}

func openCheck(t *testing.T, l *chatLesson, named bool) (protocol.CheckTally, string) {
	t.Helper()
	l.teacher.send(protocol.TypeCheckOpen, protocol.CheckOpen{Question: "Wie war die Hausaufgabe?", Options: []string{"leicht", "mittel", "schwer"}, Named: named})
	var tally protocol.CheckTally
	l.teacher.expect(protocol.TypeCheckTally, &tally)
	for _, c := range []*client{l.lea, l.omer} {
		var sc protocol.StudentCheck
		c.expect(protocol.TypeCheck, &sc)
		if sc.ID != tally.ID || !sc.Open || sc.Mine != -1 || len(sc.Options) != 3 || sc.Counts != nil {
			t.Fatalf("student got %+v", sc)
		}
	}
	return tally, tally.ID
}

func answer(t *testing.T, c *client, id string, option int) protocol.StudentCheck {
	t.Helper()
	c.send(protocol.TypeCheckAnswer, protocol.CheckAnswer{ID: id, Option: option})
	var sc protocol.StudentCheck
	c.expect(protocol.TypeCheck, &sc)
	return sc
}

// A question with three answers: the live tally, who has not answered, a
// student changing the answer, anonymity towards the class and (unless
// named) the teacher, showing the result, closing.
func TestQuickCheckTallyAndChange(t *testing.T) {
	l := newChatLesson(t)
	tally, id := openCheck(t, l, false)
	if tally.Answered != 0 || !reflect.DeepEqual(tally.Waiting, []string{"Lea", "Ömer"}) || !reflect.DeepEqual(tally.Counts, []int{0, 0, 0}) {
		t.Fatalf("fresh tally %+v", tally)
	}
	if sc := answer(t, l.lea, id, 0); sc.Mine != 0 || sc.Counts != nil {
		t.Fatalf("Lea's check after answering: %+v", sc)
	}
	l.teacher.expect(protocol.TypeCheckTally, &tally)
	if tally.Answered != 1 || !reflect.DeepEqual(tally.Counts, []int{1, 0, 0}) || !reflect.DeepEqual(tally.Waiting, []string{"Ömer"}) || tally.Answers != nil {
		t.Fatalf("tally after Lea: %+v", tally)
	}
	l.omer.expectNothing() // classmates learn nothing of it
	answer(t, l.omer, id, 1)
	l.teacher.expect(protocol.TypeCheckTally, nil)
	if sc := answer(t, l.lea, id, 2); sc.Mine != 2 {
		t.Fatalf("changed answer: %+v", sc)
	}
	l.teacher.expect(protocol.TypeCheckTally, &tally)
	if tally.Answered != 2 || !reflect.DeepEqual(tally.Counts, []int{0, 1, 1}) || len(tally.Waiting) != 0 {
		t.Fatalf("tally after the change: %+v", tally)
	}

	// Bad answers.
	l.lea.send(protocol.TypeCheckAnswer, protocol.CheckAnswer{ID: id, Option: 3})
	l.lea.expectError(protocol.ErrBadPayload)
	l.lea.send(protocol.TypeCheckAnswer, protocol.CheckAnswer{ID: "q99", Option: 0})
	l.lea.expectError(protocol.ErrUnknownCheck)
	l.teacher.send(protocol.TypeCheckAnswer, protocol.CheckAnswer{ID: id, Option: 0})
	l.teacher.expectError(protocol.ErrForbidden)
	l.lea.send(protocol.TypeCheckClose, protocol.CheckRef{ID: id})
	l.lea.expectError(protocol.ErrForbidden)

	// A latecomer counts as not answered, and gets the question.
	ida, w := l.h.joinStudent(t, codeA, "Ida")
	if w.Check == nil || w.Check.ID != id || w.Check.Mine != -1 {
		t.Fatalf("latecomer's check %+v", w.Check)
	}
	l.teacher.expect(protocol.TypeParticipant, nil)
	l.teacher.expect(protocol.TypeCheckTally, &tally)
	if !reflect.DeepEqual(tally.Waiting, []string{"Ida"}) {
		t.Fatalf("waiting after Ida came: %+v", tally.Waiting)
	}

	// Show the result to the class, then close.
	l.teacher.send(protocol.TypeCheckShow, protocol.CheckShow{ID: id, Shown: true})
	l.teacher.expect(protocol.TypeCheckTally, &tally)
	for _, c := range []*client{l.lea, l.omer, ida} {
		var sc protocol.StudentCheck
		c.expect(protocol.TypeCheck, &sc)
		if !reflect.DeepEqual(sc.Counts, []int{0, 1, 1}) {
			t.Fatalf("shown result %+v", sc)
		}
	}
	l.teacher.send(protocol.TypeCheckClose, protocol.CheckRef{ID: id})
	l.teacher.expect(protocol.TypeCheckTally, &tally)
	if tally.Open {
		t.Fatal("closed question still open")
	}
	l.lea.expect(protocol.TypeCheck, nil)
	l.lea.send(protocol.TypeCheckAnswer, protocol.CheckAnswer{ID: id, Option: 0})
	l.lea.expectError(protocol.ErrCheckClosed)
}

// A named question tells the teacher who answered what, never the class.
func TestQuickCheckNamed(t *testing.T) {
	l := newChatLesson(t)
	_, id := openCheck(t, l, true)
	answer(t, l.omer, id, 1)
	var tally protocol.CheckTally
	l.teacher.expect(protocol.TypeCheckTally, &tally)
	if len(tally.Answers) != 1 || tally.Answers[0] != (protocol.CheckAnswerOf{ID: l.omerID, Name: "Ömer", Option: 1}) {
		t.Fatalf("named tally %+v", tally)
	}
	l.teacher.send(protocol.TypeCheckShow, protocol.CheckShow{ID: id, Shown: true})
	l.teacher.expect(protocol.TypeCheckTally, nil)
	env := l.lea.expect(protocol.TypeCheck, nil)
	if strings.Contains(string(env.Data), "Ömer") || strings.Contains(string(env.Data), l.omerID) {
		t.Fatalf("the class learns who answered: %s", env.Data)
	}
}

// Opening checks the question; a new question replaces the old one.
func TestQuickCheckOpenRules(t *testing.T) {
	l := newChatLesson(t)
	for _, o := range []protocol.CheckOpen{
		{Question: "Ja?", Options: []string{"ja"}},
		{Question: "Zu viele?", Options: []string{"1", "2", "3", "4", "5", "6", "7"}},
		{Question: " ", Options: []string{"ja", "nein"}},
		{Question: "Leer?", Options: []string{"ja", ""}},
		{Question: strings.Repeat("x", 201), Options: []string{"ja", "nein"}},
	} {
		l.teacher.send(protocol.TypeCheckOpen, o)
		l.teacher.expectError(protocol.ErrBadPayload)
	}
	l.lea.send(protocol.TypeCheckOpen, protocol.CheckOpen{Question: "Ich frage", Options: []string{"ja", "nein"}})
	l.lea.expectError(protocol.ErrForbidden)
	l.omer.expectNothing()
	_, first := openCheck(t, l, false)
	_, second := openCheck(t, l, false)
	if first == second {
		t.Fatal("a new question kept the old id")
	}
	l.lea.send(protocol.TypeCheckAnswer, protocol.CheckAnswer{ID: first, Option: 0})
	l.lea.expectError(protocol.ErrUnknownCheck)
}

// Saving keeps counts, never names, and says so when it failed.
func TestQuickCheckSave(t *testing.T) {
	l := newChatLesson(t)
	_, id := openCheck(t, l, true)
	l.teacher.send(protocol.TypeCheckSave, protocol.CheckRef{ID: id})
	l.teacher.expectError(protocol.ErrSaveFailed) // this hub keeps nothing
	store := &fakeChecks{}
	l.h.Checks = store
	answer(t, l.lea, id, 2)
	l.teacher.expect(protocol.TypeCheckTally, nil)
	store.fail = true
	l.teacher.send(protocol.TypeCheckSave, protocol.CheckRef{ID: id})
	l.teacher.expectError(protocol.ErrSaveFailed)
	store.fail = false
	l.lea.send(protocol.TypeCheckSave, protocol.CheckRef{ID: id})
	l.lea.expectError(protocol.ErrForbidden)
	l.teacher.send(protocol.TypeCheckSave, protocol.CheckRef{ID: id})
	var tally protocol.CheckTally
	l.teacher.expect(protocol.TypeCheckTally, &tally)
	if !tally.Saved || len(store.recs) != 1 {
		t.Fatalf("saved: %v, records %+v", tally.Saved, store.recs)
	}
	rec := store.recs[0]
	if rec.LessonID != "lesson-a" || rec.Question != "Wie war die Hausaufgabe?" || !reflect.DeepEqual(rec.Counts, []int{0, 0, 1}) ||
		rec.Answered != 1 || rec.Present != 2 || rec.SavedAt == 0 || len(rec.Options) != 3 {
		t.Fatalf("record %+v", rec)
	}
}
