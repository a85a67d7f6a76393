package drill

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// run is the state of one drill.
type run struct {
	cfg    Config
	base   string // http(s)://HOST
	dialer *dialer
	hc     *http.Client
	cookie string

	attempted, succeeded  atomic.Int64
	lobbied               atomic.Int64 // students who waited in the lobby
	negotiated            atomic.Int64
	holdSent, holdSkipped atomic.Int64
	failures, drops       tally
	serverErrors          tally
	joinLat               latencies
	relayLat, holdLat     latencies
	answerWait            latencies

	joins          sync.WaitGroup // join attempts in flight
	studentReaders sync.WaitGroup
	teacherReaders sync.WaitGroup
	writers        sync.WaitGroup // teachers' answer goroutines
	writersCtx     context.Context

	bufs sync.Pool // *bytes.Buffer for reading
	msgs sync.Pool // *[]byte for writing

	phase atomic.Value // string, for progress lines

	chatState // the chat load (chat.go)
}

// Run performs the drill and reports what it measured. It returns an error
// only when the drill could not start (bad config, login, lessons); failed
// joins and drops are in the Report. When ctx ends early, the drill stops
// joining, closes everything and reports what it has.
func Run(ctx context.Context, cfg Config) (Report, error) {
	base, err := cfg.validate()
	if err != nil {
		return Report{}, err
	}
	r := &run{cfg: cfg, base: base.String(), hc: newHTTPClient()}
	r.bufs.New = func() any { return new(bytes.Buffer) }
	r.msgs.New = func() any { b := make([]byte, 0, 4096); return &b }
	r.phase.Store("setup")
	fileLimit := raiseFileLimit()
	if need := uint64(cfg.Teachers + cfg.Students + cfg.ChatClasses*(chatClassSize+1) + 64); fileLimit != 0 && fileLimit < need {
		r.progress("warning: open-file limit %d is below the %d this drill needs", fileLimit, need)
	}
	spread, _ := cfg.spread() // checked by validate
	if r.dialer, err = newDialer(base, spread, cfg.SourceAddrs, cfg.Timeout); err != nil {
		return Report{}, err
	}
	began := time.Now()
	if r.cookie, err = login(ctx, r.hc, cfg.LoginLink); err != nil {
		return Report{}, err
	}
	bases := []string{r.base}
	for _, u := range spread {
		bases = append(bases, u.String())
	}
	all, err := createLessons(ctx, r.hc, bases, r.cookie, cfg.Teachers+cfg.ChatClasses)
	if err != nil {
		return Report{}, err
	}
	lessons, chatLessons := all[:cfg.Teachers], all[cfg.Teachers:]
	stopProgress := r.startProgress()
	defer stopProgress()

	rep := Report{}
	// Metrics are read even when the drill is interrupted.
	mctx := context.WithoutCancel(ctx)
	rep.Server.Before, rep.Server.Note = scrape(mctx, r.hc, r.base)

	writersCtx, stopWriters := context.WithCancel(context.Background())
	defer stopWriters()
	r.writersCtx = writersCtx
	teachers := r.startTeachers(ctx, all)
	var chatters []*student
	if len(chatLessons) > 0 {
		r.phase.Store("chat joins")
		chatters = r.chatStudents(ctx, chatLessons)
	}
	setupDone := time.Now()

	r.phase.Store("joins")
	chatDone := make(chan struct{})
	go func() {
		defer close(chatDone)
		if len(chatters) > 0 {
			r.chatTraffic(ctx, chatters, cfg.ChatFor)
		}
	}()
	students := r.startStudents(ctx, lessons)
	r.joins.Wait()
	joinsDone := time.Now()
	<-chatDone
	students = append(students, chatters...)
	if rep.Server.Note == "" {
		after, note := scrape(mctx, r.hc, r.base)
		rep.Server.AfterJoin, rep.Server.Note = after, note
	}
	rep.Drill = drillSide(fileLimit, len(r.dialer.sources))

	r.phase.Store("hold")
	r.holdTraffic(ctx, students, cfg.Hold)
	holdDone := time.Now()
	if rep.Server.Note == "" {
		rep.Server.EndOfHold, rep.Server.Note = scrape(mctx, r.hc, r.base)
	}

	r.phase.Store("close")
	r.closeAll(students, teachers, stopWriters)
	closeDone := time.Now()

	r.fill(&rep)
	rep.Phases = Phases{
		Setup: msBetween(began, setupDone),
		Joins: msBetween(setupDone, joinsDone),
		Hold:  msBetween(joinsDone, holdDone),
		Close: msBetween(holdDone, closeDone),
	}
	rep.Interrupted = ctx.Err() != nil
	return rep, nil
}

// startTeachers opens every teacher's connection, a few at a time, and
// returns when all have joined or failed.
func (r *run) startTeachers(ctx context.Context, lessons []lesson) []*teacher {
	teachers := make([]*teacher, len(lessons))
	sem := make(chan struct{}, 16)
	for i := range lessons {
		t := &teacher{lesson: lessons[i]}
		teachers[i] = t
		r.joins.Add(1)
		sem <- struct{}{}
		go r.runTeacher(ctx, t, func() {
			<-sem
			r.joins.Done()
		})
	}
	r.joins.Wait()
	return teachers
}

// startStudents starts the students' joins spread uniformly, with jitter,
// over cfg.Within, and returns once every join has started. Student n goes
// to lesson n mod teachers, so every class fills up over the whole window.
func (r *run) startStudents(ctx context.Context, lessons []lesson) []*student {
	n := r.cfg.Students
	students := make([]*student, 0, n)
	slot := time.Duration(0)
	if n > 0 {
		slot = r.cfg.Within / time.Duration(n)
	}
	start := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for i := range n {
		at := start.Add(time.Duration(float64(i)*float64(slot) + rand.Float64()*float64(slot)))
		if wait := time.Until(at); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				return students
			}
		} else if ctx.Err() != nil {
			return students
		}
		s := &student{n: i + 1, lesson: &lessons[i%len(lessons)]}
		students = append(students, s)
		r.joins.Add(1)
		go r.runStudent(ctx, s)
	}
	return students
}

// closeAll closes every connection cleanly: students first (a normal close
// each), then the teachers end their lessons, so that nothing of the drill
// stays behind on the server. Connections that do not close within a few
// seconds are dropped.
func (r *run) closeAll(students []*student, teachers []*teacher, stopWriters func()) {
	const grace = 10 * time.Second
	for _, s := range students {
		if s.ws != nil {
			s.closeNormally()
		}
	}
	if !waitTimeout(&r.studentReaders, grace) {
		for _, s := range students {
			s.forceClose()
		}
		r.studentReaders.Wait()
	}
	stopWriters()
	r.writers.Wait()
	for _, t := range teachers {
		if t.ws != nil {
			t.end()
		}
	}
	if !waitTimeout(&r.teacherReaders, grace) {
		for _, t := range teachers {
			t.forceClose()
		}
		r.teacherReaders.Wait()
	}
}

func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

func (r *run) progress(format string, args ...any) {
	if r.cfg.Progress != nil {
		fmt.Fprintf(r.cfg.Progress, "drill: "+format+"\n", args...)
	}
}

// startProgress prints a progress line every 5 seconds.
func (r *run) startProgress() (stop func()) {
	if r.cfg.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_, failed := r.failures.snapshot()
				_, dropped := r.drops.snapshot()
				r.progress("%s: %d of %d joined, %d failed, %d dropped, %d hold signals sent",
					r.phase.Load(), r.succeeded.Load(), r.cfg.Teachers+r.cfg.Students, failed, dropped, r.holdSent.Load())
			}
		}
	}()
	return func() { close(done) }
}

func drillSide(fileLimit uint64, sources int) DrillSide {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return DrillSide{
		HeapInuseBytes: m.HeapInuse,
		Goroutines:     runtime.NumGoroutine(),
		OpenFileLimit:  fileLimit,
		SourceAddrs:    sources,
	}
}

func msBetween(a, b time.Time) float64 { return ms(int64(b.Sub(a))) }
