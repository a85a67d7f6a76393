package codes

import (
	"bytes"
	"path/filepath"
	"testing"
)

func TestSealerRoundTripAndKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "code-key")
	k, err := LoadOrCreateSealer(path)
	if err != nil {
		t.Fatal(err)
	}
	sealed := k.Seal("ABCD-EFGH")
	if bytes.Contains(sealed, []byte("ABCD")) {
		t.Fatal("sealed value contains the code")
	}
	again, err := LoadOrCreateSealer(path) // same key from the file
	if err != nil {
		t.Fatal(err)
	}
	if got, err := again.Open(sealed); err != nil || got != "ABCD-EFGH" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	other, _ := LoadOrCreateSealer(filepath.Join(t.TempDir(), "other"))
	if _, err := other.Open(sealed); err == nil {
		t.Fatal("another key opened the value")
	}
	if _, err := k.Open(sealed[:5]); err == nil {
		t.Fatal("truncated value opened")
	}
	if NewToken() == NewToken() || len(NewToken()) < 26 {
		t.Fatal("tokens not random or too short")
	}
}
