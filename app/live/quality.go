package live

import "time"

// Quality is how well a connection carries media, for a badge on the
// teacher's tile.
type Quality int

// Qualities, from the figures a browser reports.
const (
	QualityUnknown Quality = iota
	QualityGood
	QualityWeak
	QualityBad
)

// Link is what a connection's statistics say about its path.
type Link struct {
	Relayed bool
	RTT     time.Duration // round trip of the selected candidate pair
	Loss    float64       // share of incoming packets lost, 0–1
	Known   bool          // the browser reported a selected pair
}

// Quality rates a link: a video call stays pleasant below about 300 ms
// and 3 % loss, and becomes hard to follow above 700 ms or 10 %.
func (l Link) Quality() Quality {
	switch {
	case !l.Known:
		return QualityUnknown
	case l.RTT > 700*time.Millisecond || l.Loss > 0.10:
		return QualityBad
	case l.RTT > 300*time.Millisecond || l.Loss > 0.03:
		return QualityWeak
	}
	return QualityGood
}
