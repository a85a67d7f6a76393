package live

import (
	"testing"
	"time"
)

func TestBackoffGrowsAndIsBounded(t *testing.T) {
	prev := time.Duration(0)
	for n := 1; n <= 7; n++ {
		d := Backoff(n, 0.5)
		if d <= prev {
			t.Fatalf("attempt %d: %v not above %v", n, d, prev)
		}
		prev = d
	}
	for n := 1; n < 50; n++ {
		if d := Backoff(n, 0.999); d > 45*time.Second {
			t.Fatalf("attempt %d waits %v, above the cap", n, d)
		}
		if d := Backoff(n, 0); d < 250*time.Millisecond {
			t.Fatalf("attempt %d waits only %v", n, d)
		}
	}
	if Backoff(3, 0) == Backoff(3, 0.9) {
		t.Fatal("jitter has no effect")
	}
}

func TestFinalCodes(t *testing.T) {
	if !Final(1000) || !Final(4004) || !Final(4010) || Final(1001) || Final(1006) || Final(4011) || Final(4013) || !Final(4014) || !Final(4015) || !Final(4016) {
		t.Fatal("wrong classification of close codes")
	}
}
