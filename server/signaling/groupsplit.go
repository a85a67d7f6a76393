package signaling

import (
	"math/rand/v2"

	"ersatzraum/app/protocol"
)

// Forming the groups of group work (groups-start), as pure functions of
// who is online, so that their rules can be tested as tables.

// splitRandom shuffles ids and splits them into ceil(n/size) groups whose
// sizes differ by at most one, the larger ones first (7 with size 3:
// 3, 2, 2). ids is not changed.
func splitRandom(ids []string, size int) [][]string {
	shuffled := append([]string(nil), ids...)
	rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	return splitEven(shuffled, size)
}

// splitEven splits ids in their order, as splitRandom does after the
// shuffle.
func splitEven(ids []string, size int) [][]string {
	n := len(ids)
	if n == 0 || size < 1 {
		return nil
	}
	k := (n + size - 1) / size
	base, extra := n/k, n%k
	out := make([][]string, 0, k)
	for i := range k {
		m := base
		if i < extra {
			m++
		}
		out = append(out, append([]string(nil), ids[:m]...))
		ids = ids[m:]
	}
	return out
}

// reuseGrouping forms groups from an earlier grouping: its members who
// are online stay together, groups with nobody online are dropped, and
// the online students who were in none join the smallest group (the first
// of equals), or a new one when every group has MaxGroupSize members.
// online lists the students online now, in roll-call order.
func reuseGrouping(last [][]string, online []string) [][]string {
	isOnline := make(map[string]bool, len(online))
	for _, id := range online {
		isOnline[id] = true
	}
	placed := make(map[string]bool, len(online))
	var out [][]string
	for _, g := range last {
		var kept []string
		for _, id := range g {
			if isOnline[id] && !placed[id] {
				kept = append(kept, id)
				placed[id] = true
			}
		}
		if len(kept) > 0 {
			out = append(out, kept)
		}
	}
	for _, id := range online {
		if placed[id] {
			continue
		}
		smallest := -1
		for i, g := range out {
			if len(g) < protocol.MaxGroupSize && (smallest < 0 || len(g) < len(out[smallest])) {
				smallest = i
			}
		}
		if smallest < 0 {
			out = append(out, nil)
			smallest = len(out) - 1
		}
		out[smallest] = append(out[smallest], id)
	}
	return out
}
