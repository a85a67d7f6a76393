package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBackupWhileServingRestoreOnlyWhenStopped(t *testing.T) {
	base := t.TempDir()
	data := filepath.Join(base, "data")
	r := startServe(t, "--addr", "127.0.0.1:0", "--data", data)
	file := filepath.Join(base, "sicherung.tar.gz")
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"ersatzraum", "backup", "--data", data, file}, &stdout, &stderr); code != 0 {
		t.Fatalf("backup while serving: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Sicherung geschrieben") {
		t.Fatalf("backup output: %q", stdout.String())
	}
	stderr.Reset()
	if code := Main([]string{"ersatzraum", "restore", "--data", data, file}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "in use") {
		t.Fatalf("restore beside a running server: exit %d: %s", code, stderr.String())
	}
	r.shutdown(t)
	stdout.Reset()
	if code := Main([]string{"ersatzraum", "restore", "--check", file}, &stdout, &stderr); code != 0 {
		t.Fatalf("restore --check: exit %d: %s", code, stderr.String())
	}
	if code := Main([]string{"ersatzraum", "restore", file, "--data", data}, &stdout, &stderr); code != 0 {
		t.Fatalf("restore: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "before-restore-") {
		t.Fatalf("restore must say where the old data went: %q", stdout.String())
	}
	matches, _ := filepath.Glob(data + ".before-restore-*")
	if len(matches) != 1 {
		t.Fatalf("previous data kept: %v", matches)
	}
	if _, err := os.Stat(filepath.Join(data, "ersatzraum.db")); err != nil {
		t.Fatal(err)
	}
	// The restored directory serves again.
	startServe(t, "--addr", "127.0.0.1:0", "--data", data)

	if code := Main([]string{"ersatzraum", "backup"}, &stdout, &stderr); code != 2 {
		t.Fatalf("backup without FILE: exit %d", code)
	}
}
