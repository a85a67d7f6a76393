package live

import (
	"encoding/json"
	"testing"
	"time"
)

// A report as Chromium's getStats gives it, cut to what matters: the
// transport names the selected pair, whose remote side is a relay.
const relayedReport = `[
 {"id":"T01","type":"transport","selectedCandidatePairId":"CP2"},
 {"id":"CP1","type":"candidate-pair","localCandidateId":"L1","remoteCandidateId":"R1","currentRoundTripTime":0.9},
 {"id":"CP2","type":"candidate-pair","localCandidateId":"L1","remoteCandidateId":"R2","currentRoundTripTime":0.042},
 {"id":"L1","type":"local-candidate","candidateType":"host"},
 {"id":"R1","type":"remote-candidate","candidateType":"host"},
 {"id":"R2","type":"remote-candidate","candidateType":"relay"},
 {"id":"IV","type":"inbound-rtp","kind":"video","packetsLost":5,"packetsReceived":90},
 {"id":"IA","type":"inbound-rtp","kind":"audio","packetsLost":0,"packetsReceived":5},
 {"id":"C1","type":"codec","mimeType":"video/VP8"}
]`

func TestLinkOfReport(t *testing.T) {
	var entries []statsEntry
	if err := json.Unmarshal([]byte(relayedReport), &entries); err != nil {
		t.Fatal(err)
	}
	l := linkOf(entries)
	if !l.Known || !l.Relayed || l.RTT != 42*time.Millisecond || l.Loss != 0.05 {
		t.Fatalf("link %+v, want known, relayed, 42 ms, 5 %% loss", l)
	}
}

func TestLinkOfReportWithoutPair(t *testing.T) {
	l := linkOf([]statsEntry{{ID: "T01", Type: "transport"}, {ID: "IV", Type: "inbound-rtp", PacketsReceived: 10}})
	if l.Known || l.Relayed || l.Loss != 0 {
		t.Fatalf("link %+v, want unknown and no loss", l)
	}
}
