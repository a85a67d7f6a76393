package drill

import (
	"bytes"
	"context"
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"time"

	"ersatzraum/app/protocol"
)

// The chat load: ChatClasses lessons of chatClassSize students each, in
// which every student writes one message a second to the class for
// ChatFor, while the students of the other lessons join. It measures the
// relay latency of the chat (from the sender's write to each receiver's
// read: the teacher and every classmate) and, in Report.StudentJoin, the
// join latency of the other lessons' students, which the chat must not
// slow down (compare with a run without --chat-classes).

// chatClassSize is a full class.
const chatClassSize = 30

// chatJoinGap spaces the chat classes' joins.
const chatJoinGap = 20 * time.Millisecond

// chatStamp marks a drill chat message; the sender's clock follows.
const chatStamp = stampPrefix + "chat "

// ChatReport is what the chat load measured.
type ChatReport struct {
	Classes  int     `json:"classes"`
	Students int     `json:"students"`
	ForS     float64 `json:"for_s"`
	// Sent counts chat messages written; Refused the ones the server
	// refused, by code (a class that stays within the budget has none).
	Sent    int64          `json:"sent"`
	Refused map[string]int `json:"refused"`
	// Relay runs from the sender's write to a receiver's read, for every
	// receiver of every message.
	Relay Percentiles `json:"relay_ms"`
	// Join is the chat classes' own joins, before the chat starts.
	Join Percentiles `json:"join_ms"`
}

// chatStudents joins the chat classes' students and returns them once
// every join has ended.
func (r *run) chatStudents(ctx context.Context, lessons []lesson) []*student {
	var out []*student
	for c := range lessons {
		for i := range chatClassSize {
			if ctx.Err() != nil {
				break
			}
			s := &student{n: 100000 + c*chatClassSize + i, lesson: &lessons[c], chat: true}
			out = append(out, s)
			r.joins.Add(1)
			go r.runStudent(ctx, s) // reads until the drill closes it
			// A class arriving within a second or two, not in one instant.
			time.Sleep(chatJoinGap)
		}
	}
	r.joins.Wait()
	return out
}

// chatTraffic has every chat student that is in write one message a
// second to its class until d is over; the first message of each comes at
// a random moment of the first second, so that a class does not write in
// the same instant.
func (r *run) chatTraffic(ctx context.Context, students []*student, d time.Duration) {
	start := time.Now()
	next := make([]time.Time, len(students))
	for i := range next {
		next[i] = start.Add(time.Duration(rand.Int64N(int64(time.Second))))
	}
	counts := make([]int, len(students))
	ticker := time.NewTicker(5 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-ticker.C:
			if now.Sub(start) >= d {
				return
			}
			for i, s := range students {
				if now.Before(next[i]) {
					continue
				}
				next[i] = next[i].Add(time.Second)
				if s.state.Load() != stJoined {
					continue
				}
				counts[i]++
				id := "d" + strconv.Itoa(s.n) + "-" + strconv.Itoa(counts[i])
				if r.send(&s.peer, func(b []byte) []byte { return appendChat(b, id, time.Now().UnixNano()) }) == nil {
					r.chatSent.Add(1)
				}
			}
		}
	}
}

// appendChat appends a class chat message stamped with sent.
func appendChat(b []byte, id string, sent int64) []byte {
	b = append(b, `{"v":1,"type":"chat","data":{"id":"`...)
	b = append(b, id...)
	b = append(b, `","to":"class","text":"`+chatStamp...)
	b = strconv.AppendInt(b, sent, 10)
	return append(b, `"}}`...)
}

// measureChat records the relay latency of a drill chat message; it
// reports whether raw was one.
func (r *run) measureChat(raw []byte, at time.Time) bool {
	i := bytes.Index(raw, []byte(chatStamp))
	if i < 0 {
		return false
	}
	rest := raw[i+len(chatStamp):]
	n := 0
	for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	if sent, err := strconv.ParseInt(string(rest[:n]), 10, 64); err == nil && bytes.Contains(raw, []byte(`"type":"chat-message"`)) {
		r.chatLat.add(time.Duration(at.UnixNano() - sent))
	}
	return true
}

// chatGot counts the chat's refusals.
func (r *run) chatGot(m inbound) {
	if m.Type == protocol.TypeChatAck && m.Data.Code != "" {
		r.chatRefused.add(m.Data.Code)
	}
}

// chatState is the chat load's part of a run.
type chatState struct {
	chatSent    atomic.Int64
	chatRefused tally
	chatLat     latencies
	chatJoinLat latencies
	studentJoin latencies // students of the lessons without chat
}

func (r *run) chatReport() *ChatReport {
	if r.cfg.ChatClasses == 0 {
		return nil
	}
	refused, _ := r.chatRefused.snapshot()
	return &ChatReport{
		Classes:  r.cfg.ChatClasses,
		Students: r.cfg.ChatClasses * chatClassSize,
		ForS:     r.cfg.ChatFor.Seconds(),
		Sent:     r.chatSent.Load(),
		Refused:  refused,
		Relay:    r.chatLat.summary(),
		Join:     r.chatJoinLat.summary(),
	}
}
