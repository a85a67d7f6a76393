package live

import (
	"testing"
	"time"
)

func TestLinkQuality(t *testing.T) {
	cases := []struct {
		link Link
		want Quality
	}{
		{Link{}, QualityUnknown},
		{Link{Known: true, RTT: 20 * time.Millisecond}, QualityGood},
		{Link{Known: true, RTT: 400 * time.Millisecond}, QualityWeak},
		{Link{Known: true, RTT: 50 * time.Millisecond, Loss: 0.05}, QualityWeak},
		{Link{Known: true, RTT: 900 * time.Millisecond}, QualityBad},
		{Link{Known: true, Loss: 0.2}, QualityBad},
	}
	for _, c := range cases {
		if got := c.link.Quality(); got != c.want {
			t.Errorf("%+v: %v, want %v", c.link, got, c.want)
		}
	}
}
