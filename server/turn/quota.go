package turn

import (
	"net"
	"sync"
	"time"
)

// reservationTTL bounds how long a quota slot granted for an Allocate
// request stays reserved without the allocation appearing. pion creates the
// allocation right after asking the quota handler, on the same goroutine, so
// this only matters when creating it fails (no relay port free).
const reservationTTL = 5 * time.Second

// quota counts allocations per user and refuses new ones beyond the limit.
//
// pion/turn asks QuotaHandler (allow) before it creates an allocation and
// reports created and deleted allocations through its EventHandler. UDP
// requests are handled on one goroutine, but each TCP connection has its own,
// so two requests of one user can pass the check at the same time. allow
// therefore reserves the slot, keyed by user and client address (the 5-tuple
// that identifies an allocation); created turns the reservation into a
// counted allocation, and a reservation whose allocation never came expires.
type quota struct {
	limit    int
	override func(user string) int
	now      func() time.Time

	mu       sync.Mutex
	active   map[string]int
	reserved map[string]map[string]time.Time // user → client address → when
}

func newQuota(limit int, override func(string) int) *quota {
	return &quota{
		limit: limit, override: override, now: time.Now,
		active: map[string]int{}, reserved: map[string]map[string]time.Time{},
	}
}

func (q *quota) limitFor(user string) int {
	if q.override != nil {
		if n := q.override(user); n > 0 {
			return n
		}
	}
	return q.limit
}

// allow is pion's QuotaHandler.
func (q *quota) allow(user, _ string, src net.Addr) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.now()
	res := q.reserved[user]
	for k, at := range res {
		if now.Sub(at) > reservationTTL {
			delete(res, k)
		}
	}
	if q.active[user]+len(res) >= q.limitFor(user) {
		return false
	}
	if res == nil {
		res = map[string]time.Time{}
		q.reserved[user] = res
	}
	res[src.String()] = now
	return true
}

// created is pion's OnAllocationCreated.
func (q *quota) created(src, _ net.Addr, _, user, _ string, _ net.Addr, _ int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if res := q.reserved[user]; res != nil {
		delete(res, src.String())
		if len(res) == 0 {
			delete(q.reserved, user)
		}
	}
	q.active[user]++
}

// deleted is pion's OnAllocationDeleted.
func (q *quota) deleted(_, _ net.Addr, _, user, _ string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.active[user] <= 1 {
		delete(q.active, user)
		return
	}
	q.active[user]--
}
