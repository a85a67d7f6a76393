package turn

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLoadOrCreateSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "turn-secret")
	s1, created, err := LoadOrCreateSecret(path)
	if err != nil || !created || len(s1) != 64 {
		t.Fatalf("first: %q %v %v", s1, created, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("file mode: %v %v", fi.Mode(), err)
	}
	s2, created, err := LoadOrCreateSecret(path)
	if err != nil || created || string(s2) != string(s1) {
		t.Fatalf("second: %q %v %v", s2, created, err)
	}
	// A secret written by hand (coturn's static-auth-secret) is read as text.
	if err := os.WriteFile(path, []byte("  a-secret-from-coturn.conf\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := LoadSecret(path); err != nil || string(s) != "a-secret-from-coturn.conf" {
		t.Fatalf("hand-written: %q %v", s, err)
	}
	if err := os.WriteFile(path, []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreateSecret(path); err == nil {
		t.Fatal("short secret accepted")
	}
}
