package codes

import (
	"bytes"
	"strings"
	"testing"
)

func TestNewCodeShapeAndSpread(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		c := NewCode()
		if len(c) != CodeLength+1 || c[4] != '-' {
			t.Fatalf("code %q has the wrong shape", c)
		}
		n := NormalizeCode(c)
		if n == "" {
			t.Fatalf("own code %q does not normalize", c)
		}
		if seen[n] {
			t.Fatalf("duplicate code %q after %d draws", c, i)
		}
		seen[n] = true
	}
}

func TestNormalizeCode(t *testing.T) {
	if got := NormalizeCode(" abcd-efgh "); got != "ABCDEFGH" {
		t.Errorf("lower case with dash: got %q", got)
	}
	for _, bad := range []string{"", "ABCD", "ABCD-EFGH-J", "ABCD-EFG0", "ABCD-EFGI", "ÄBCD-EFGH", strings.Repeat("A", 100)} {
		if got := NormalizeCode(bad); got != "" {
			t.Errorf("NormalizeCode(%q) = %q, want rejection", bad, got)
		}
	}
	if !bytes.Equal(HashCode("ABCDEFGH"), HashCode(NormalizeCode("abcd efgh"))) {
		t.Error("same code, different hash")
	}
}
