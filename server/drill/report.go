package drill

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Report is what a drill measured. Counts include teachers and students;
// durations are in milliseconds.
type Report struct {
	URL       string  `json:"url"`
	Teachers  int     `json:"teachers"`
	Students  int     `json:"students"`
	WithinS   float64 `json:"within_s"`
	HoldS     float64 `json:"hold_s"`
	RelayRate float64 `json:"relay_rate"`

	Attempted int64 `json:"attempted"`
	Succeeded int64 `json:"succeeded"`
	// Lobbied counts students who waited in the lobby until their
	// simulated teacher admitted them (join latency includes that wait).
	Lobbied  int64          `json:"lobbied"`
	Failed   int            `json:"failed"`
	Failures map[string]int `json:"failures"`
	// Join runs from the start of the dial to the welcome.
	Join Percentiles `json:"join_ms"`
	// StudentJoin is Join for the students of the Teachers' lessons only
	// (not the teachers, not the chat classes).
	StudentJoin Percentiles `json:"student_join_ms"`
	// Chat is the chat load, when there was one.
	Chat *ChatReport `json:"chat,omitempty"`

	// Relay covers every signal (negotiation and hold), from the sender's
	// write to the receiver's read; HoldRelay only the hold traffic.
	Relay       Percentiles `json:"relay_ms"`
	HoldRelay   Percentiles `json:"hold_relay_ms"`
	HoldSent    int64       `json:"hold_sent"`
	HoldSkipped int64       `json:"hold_skipped,omitempty"`
	// Negotiated counts students that got an answer and all its
	// candidates; AnswerQueue is how long offers waited at the teacher
	// for the teacher's share of the message rate limit.
	Negotiated  int64       `json:"negotiated"`
	AnswerQueue Percentiles `json:"answer_queue_ms"`

	// Dropped counts connections that ended during the drill without the
	// drill closing them.
	Dropped      int            `json:"dropped"`
	Drops        map[string]int `json:"drops"`
	ServerErrors map[string]int `json:"server_errors"`

	Server      ServerReport `json:"server"`
	Drill       DrillSide    `json:"drill"`
	Phases      Phases       `json:"phases_ms"`
	Interrupted bool         `json:"interrupted,omitempty"`
}

// ServerReport is the server's view from /metrics: the sample after the
// joins at the top, the ones before the joins and at the end of the hold
// below, and the growth per connection.
type ServerReport struct {
	Exposed bool   `json:"exposed"`
	Note    string `json:"note,omitempty"`
	ServerSample
	BytesPerConnection *PerConnection `json:"bytes_per_connection,omitempty"`
	Before             *ServerSample  `json:"before,omitempty"`
	AfterJoin          *ServerSample  `json:"-"`
	EndOfHold          *ServerSample  `json:"end_of_hold,omitempty"`
}

// PerConnection is (after joins − before joins) / connections.
type PerConnection struct {
	HeapInuse *int64 `json:"heap_inuse,omitempty"`
	RSS       *int64 `json:"rss,omitempty"`
}

// DrillSide describes the drill process itself after the joins.
type DrillSide struct {
	HeapInuseBytes uint64 `json:"heap_inuse_bytes"`
	Goroutines     int    `json:"goroutines"`
	OpenFileLimit  uint64 `json:"open_file_limit"`
	SourceAddrs    int    `json:"source_addrs"`
}

// Phases are the wall-clock times of the drill's phases.
type Phases struct {
	Setup float64 `json:"setup"` // login, lessons, teachers
	Joins float64 `json:"joins"`
	Hold  float64 `json:"hold"`
	Close float64 `json:"close"`
}

// OK reports whether the drill ran to its end, every join succeeded and
// nothing dropped.
func (r Report) OK() bool {
	return r.Failed == 0 && r.Dropped == 0 && r.Attempted > 0 && !r.Interrupted
}

func (r *run) fill(rep *Report) {
	rep.URL = r.base
	rep.Teachers, rep.Students = r.cfg.Teachers, r.cfg.Students
	rep.WithinS, rep.HoldS = r.cfg.Within.Seconds(), r.cfg.Hold.Seconds()
	rep.RelayRate = r.cfg.RelayRate
	rep.Attempted, rep.Succeeded = r.attempted.Load(), r.succeeded.Load()
	rep.Lobbied = r.lobbied.Load()
	rep.Failures, rep.Failed = r.failures.snapshot()
	rep.Drops, rep.Dropped = r.drops.snapshot()
	rep.ServerErrors, _ = r.serverErrors.snapshot()
	rep.Join = r.joinLat.summary()
	rep.StudentJoin = r.studentJoin.summary()
	rep.Chat = r.chatReport()
	rep.Relay, rep.HoldRelay = r.relayLat.summary(), r.holdLat.summary()
	rep.HoldSent, rep.HoldSkipped = r.holdSent.Load(), r.holdSkipped.Load()
	rep.Negotiated = r.negotiated.Load()
	rep.AnswerQueue = r.answerWait.summary()

	s := &rep.Server
	s.Exposed = s.Note == ""
	if !s.Exposed {
		s.Before, s.AfterJoin, s.EndOfHold = nil, nil, nil
		return
	}
	if s.AfterJoin != nil {
		s.ServerSample = *s.AfterJoin
	}
	if s.Before == nil || s.AfterJoin == nil {
		return
	}
	conns := rep.Succeeded
	if s.Before.Connections != nil && s.AfterJoin.Connections != nil {
		conns = *s.AfterJoin.Connections - *s.Before.Connections
	}
	if conns <= 0 {
		return
	}
	per := func(before, after *int64) *int64 {
		if before == nil || after == nil {
			return nil
		}
		v := (*after - *before) / conns
		return &v
	}
	s.BytesPerConnection = &PerConnection{
		HeapInuse: per(s.Before.HeapInuseBytes, s.AfterJoin.HeapInuseBytes),
		RSS:       per(s.Before.RSSBytes, s.AfterJoin.RSSBytes),
	}
}

// WriteText writes a summary for people.
func (r Report) WriteText(w io.Writer) {
	verdict := "OK"
	if !r.OK() {
		verdict = "NOT OK"
	}
	fmt.Fprintf(w, "Ersatzraum drill against %s: %s\n", r.URL, verdict)
	if r.Interrupted {
		fmt.Fprintln(w, "  (interrupted: the numbers cover what ran)")
	}
	fmt.Fprintf(w, "  %d teachers, %d students joining within %gs, held %gs, relay rate %g/s\n",
		r.Teachers, r.Students, r.WithinS, r.HoldS, r.RelayRate)
	fmt.Fprintf(w, "joins        attempted %d, succeeded %d, failed %d (%d admitted from the lobby)\n", r.Attempted, r.Succeeded, r.Failed, r.Lobbied)
	writeCounts(w, "  failed:  ", r.Failures)
	fmt.Fprintf(w, "join ms      %s\n", r.Join)
	fmt.Fprintf(w, "  students   %s\n", r.StudentJoin)
	if c := r.Chat; c != nil {
		fmt.Fprintf(w, "chat         %d classes of %d, one message a second each for %gs: sent %d\n", c.Classes, chatClassSize, c.ForS, c.Sent)
		fmt.Fprintf(w, "  relay ms   %s\n", c.Relay)
		fmt.Fprintf(w, "  joins ms   %s\n", c.Join)
		writeCounts(w, "  refused:  ", c.Refused)
	}
	fmt.Fprintf(w, "relay ms     %s\n", r.Relay)
	fmt.Fprintf(w, "hold relay   %s (sent %d", r.HoldRelay, r.HoldSent)
	if r.HoldSkipped > 0 {
		fmt.Fprintf(w, ", skipped %d: no student free to send", r.HoldSkipped)
	}
	fmt.Fprintln(w, ")")
	students := r.Students
	if r.Chat != nil {
		students += r.Chat.Students
	}
	fmt.Fprintf(w, "negotiated   %d of %d students; answers queued at the teacher ms %s\n", r.Negotiated, students, r.AnswerQueue)
	fmt.Fprintf(w, "dropped      %d\n", r.Dropped)
	writeCounts(w, "  dropped: ", r.Drops)
	if len(r.ServerErrors) > 0 {
		writeCounts(w, "server errors ", r.ServerErrors)
	}
	s := r.Server
	if !s.Exposed {
		fmt.Fprintf(w, "server       metrics %s\n", s.Note)
	} else {
		fmt.Fprintf(w, "server       after joins: %s\n", s.ServerSample)
		if s.EndOfHold != nil {
			fmt.Fprintf(w, "             end of hold: %s\n", *s.EndOfHold)
		}
		if s.Before != nil {
			fmt.Fprintf(w, "             before:      %s\n", *s.Before)
		}
		if p := s.BytesPerConnection; p != nil {
			fmt.Fprintf(w, "             per connection: heap %s, RSS %s\n", bytesText(p.HeapInuse), bytesText(p.RSS))
			if (p.HeapInuse != nil && *p.HeapInuse < 0) || (p.RSS != nil && *p.RSS < 0) {
				fmt.Fprintln(w, "             (negative: the server collected garbage in between; drill more clients)")
			}
		}
	}
	fmt.Fprintf(w, "drill        heap %s, %d goroutines, open-file limit %d, %d source addresses\n",
		bytesText(ptr(int64(r.Drill.HeapInuseBytes))), r.Drill.Goroutines, r.Drill.OpenFileLimit, r.Drill.SourceAddrs)
	fmt.Fprintf(w, "phases ms    setup %.0f, joins %.0f, hold %.0f, close %.0f\n", r.Phases.Setup, r.Phases.Joins, r.Phases.Hold, r.Phases.Close)
}

func (p Percentiles) String() string {
	if p.Count == 0 {
		return "none"
	}
	return fmt.Sprintf("p50 %.2f  p95 %.2f  p99 %.2f  max %.2f  (n=%d)", p.P50, p.P95, p.P99, p.Max, p.Count)
}

func (s ServerSample) String() string {
	return fmt.Sprintf("RSS %s, heap in use %s, %s goroutines, %s connections",
		bytesText(s.RSSBytes), bytesText(s.HeapInuseBytes), numText(s.Goroutines), numText(s.Connections))
}

func writeCounts(w io.Writer, prefix string, m map[string]int) {
	if len(m) == 0 {
		return
	}
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s × %d", k, m[k]))
	}
	fmt.Fprintf(w, "%s%s\n", prefix, strings.Join(parts, ", "))
}

func bytesText(v *int64) string {
	if v == nil {
		return "?"
	}
	f, unit := float64(*v), "B"
	for _, u := range []string{"KiB", "MiB", "GiB"} {
		if f < 1024 && f > -1024 {
			break
		}
		f, unit = f/1024, u
	}
	if unit == "B" {
		return fmt.Sprintf("%d B", *v)
	}
	return fmt.Sprintf("%.1f %s", f, unit)
}

func numText(v *int64) string {
	if v == nil {
		return "?"
	}
	return fmt.Sprint(*v)
}

func ptr[T any](v T) *T { return &v }
