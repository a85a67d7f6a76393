package live

import "time"

// statsEntry holds the fields Link reads of one RTCStats report.
type statsEntry struct {
	ID                      string   `json:"id"`
	Type                    string   `json:"type"`
	SelectedCandidatePairID string   `json:"selectedCandidatePairId"`
	PacketsLost             float64  `json:"packetsLost"`
	PacketsReceived         float64  `json:"packetsReceived"`
	CurrentRoundTripTime    *float64 `json:"currentRoundTripTime"`
	LocalCandidateID        string   `json:"localCandidateId"`
	RemoteCandidateID       string   `json:"remoteCandidateId"`
	CandidateType           string   `json:"candidateType"`
}

// linkOf sums up a stats report.
func linkOf(entries []statsEntry) Link {
	byID := make(map[string]*statsEntry, len(entries))
	var pairID string
	var lost, received float64
	for i := range entries {
		e := &entries[i]
		byID[e.ID] = e
		switch e.Type {
		case "transport":
			if e.SelectedCandidatePairID != "" {
				pairID = e.SelectedCandidatePairID
			}
		case "inbound-rtp":
			lost += e.PacketsLost
			received += e.PacketsReceived
		}
	}
	var l Link
	if lost+received > 0 {
		l.Loss = lost / (lost + received)
	}
	pair := byID[pairID]
	if pair == nil {
		return l
	}
	l.Known = true
	if pair.CurrentRoundTripTime != nil {
		l.RTT = time.Duration(*pair.CurrentRoundTripTime * float64(time.Second))
	}
	for _, id := range []string{pair.LocalCandidateID, pair.RemoteCandidateID} {
		if c := byID[id]; c != nil && c.CandidateType == "relay" {
			l.Relayed = true
		}
	}
	return l
}
