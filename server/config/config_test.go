package config

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type vals struct {
	addr   string
	ttl    time.Duration
	tcp    bool
	quota  int
	secret string
	key    string
	conf   string
}

func newFS() (*flag.FlagSet, *vals) {
	v := &vals{}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&v.addr, "addr", "localhost:8080", "")
	fs.DurationVar(&v.ttl, "turn-ttl", time.Hour, "")
	fs.BoolVar(&v.tcp, "turn-tcp", true, "")
	fs.IntVar(&v.quota, "turn-user-quota", 8, "")
	fs.StringVar(&v.secret, "admin-password", "", "")
	fs.StringVar(&v.key, "tls-key", "", "")
	fs.StringVar(&v.conf, "config", "", "")
	return fs, v
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ersatzraum.conf")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPrecedenceFlagEnvFileDefault(t *testing.T) {
	file := writeFile(t, `
# a comment
addr = ":9000"
turn-ttl = 2h
turn_user_quota = 3   # underscores work too
turn-tcp = false
`)
	fs, v := newFS()
	if err := fs.Parse([]string{"--addr", ":7000"}); err != nil {
		t.Fatal(err)
	}
	res, err := Apply(fs, Options{
		Prefix:  "ERSATZRAUM_",
		Environ: []string{"ERSATZRAUM_ADDR=:8000", "ERSATZRAUM_TURN_TTL=30m", "PATH=/bin", "ERSATZRAUM_BIN=/x", "ERSATZRAUM_E2E_LOG=debug"},
		File:    file,
		Ignore:  []string{"ERSATZRAUM_BIN", "ERSATZRAUM_E2E_"},
		Skip:    []string{"config"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if v.addr != ":7000" || res.Source("addr") != FromFlag {
		t.Errorf("flag must win: %q from %s", v.addr, res.Source("addr"))
	}
	if v.ttl != 30*time.Minute || res.Source("turn-ttl") != FromEnv {
		t.Errorf("env must beat file: %v from %s", v.ttl, res.Source("turn-ttl"))
	}
	if v.quota != 3 || v.tcp || res.Source("turn-tcp") != FromFile {
		t.Errorf("file values not applied: quota %d tcp %v", v.quota, v.tcp)
	}
	if v.secret != "" || res.Source("admin-password") != FromDefault || res.IsSet("admin-password") {
		t.Errorf("untouched flag changed: %q %s", v.secret, res.Source("admin-password"))
	}
}

func TestUnknownSettingsStopTheStart(t *testing.T) {
	fs, _ := newFS()
	fs.Parse(nil)
	_, err := Apply(fs, Options{Prefix: "ERSATZRAUM_", Environ: []string{"ERSATZRAUM_TURN_ADRR=:3478"}})
	if err == nil || !strings.Contains(err.Error(), "ERSATZRAUM_TURN_ADRR") {
		t.Fatalf("misspelt variable: want an error naming it, got %v", err)
	}

	fs, _ = newFS()
	fs.Parse(nil)
	_, err = Apply(fs, Options{Prefix: "ERSATZRAUM_", File: writeFile(t, "adr = :80\n")})
	if err == nil || !strings.Contains(err.Error(), `"adr"`) {
		t.Fatalf("unknown file key: want an error naming it, got %v", err)
	}

	fs, _ = newFS()
	fs.Parse(nil)
	_, err = Apply(fs, Options{Prefix: "ERSATZRAUM_", File: writeFile(t, "config = /etc/other\n"), Skip: []string{"config"}})
	if err == nil || !strings.Contains(err.Error(), `"config"`) {
		t.Fatalf("config naming another config: want an error, got %v", err)
	}

	fs, _ = newFS()
	fs.Parse(nil)
	_, err = Apply(fs, Options{Prefix: "ERSATZRAUM_", Environ: []string{"ERSATZRAUM_TURN_TTL=soon"}})
	if err == nil || !strings.Contains(err.Error(), "ERSATZRAUM_TURN_TTL") {
		t.Fatalf("bad value: want an error naming the variable, got %v", err)
	}

	fs, _ = newFS()
	fs.Parse(nil)
	_, err = Apply(fs, Options{Prefix: "ERSATZRAUM_", File: writeFile(t, "turn-user-quota = many\n")})
	if err == nil || !strings.Contains(err.Error(), "turn-user-quota") {
		t.Fatalf("bad file value: want an error naming the key, got %v", err)
	}

	for _, text := range []string{"just words\n", "addr = \"open\n", "addr = 1\naddr = 2\n"} {
		fs, _ = newFS()
		fs.Parse(nil)
		if _, err := Apply(fs, Options{File: writeFile(t, text)}); err == nil {
			t.Errorf("file %q: want a syntax error", text)
		}
	}
}

func TestQuotedValues(t *testing.T) {
	m, err := ReadFile(writeFile(t, "addr = \"host # not a comment:1\"  # comment\npublic-url = https://x.example/#frag\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m["addr"] != "host # not a comment:1" {
		t.Errorf("quoted: %q", m["addr"])
	}
	if m["public-url"] != "https://x.example/#frag" {
		t.Errorf("# inside a value without a space: %q", m["public-url"])
	}
}

func TestEffectiveMasksSecrets(t *testing.T) {
	fs, _ := newFS()
	fs.Parse([]string{"--admin-password", "hunter2", "--tls-key", "/etc/ssl/key.pem"})
	res, err := Apply(fs, Options{Prefix: "ERSATZRAUM_"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Setting{}
	for _, s := range res.Effective() {
		got[s.Name] = s
	}
	if got["admin-password"].Value != "***" {
		t.Errorf("password shown: %+v", got["admin-password"])
	}
	if got["tls-key"].Value != "/etc/ssl/key.pem" {
		t.Errorf("a key file's path is not a secret: %+v", got["tls-key"])
	}
	if got["addr"].Value != "localhost:8080" || got["addr"].Source != FromDefault {
		t.Errorf("addr: %+v", got["addr"])
	}
	for name, want := range map[string]bool{"turn-secret-file": false, "api-token": true, "secret": true, "signing-key": true, "data": false, "acme-dir": false} {
		if IsSecret(name) != want {
			t.Errorf("IsSecret(%q) = %v, want %v", name, !want, want)
		}
	}
}

// A database URL is shown with everything but its password.
func TestMaskURLPassword(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://ersatz:geheim@db.example:5432/ersatzraum?sslmode=require": "postgres://ersatz:***@db.example:5432/ersatzraum?sslmode=require",
		"postgres://ersatz@db.example/ersatzraum?password=geheim":             "postgres://ersatz@db.example/ersatzraum?password=***",
		"postgres:///ersatzraum?host=%2Frun%2Fpostgresql&password=geheim":     "postgres:///ersatzraum?host=%2Frun%2Fpostgresql&password=***",
		"postgres://ersatz@db.example/ersatzraum":                             "postgres://ersatz@db.example/ersatzraum",
		"https://schule.example":                                              "https://schule.example",
		"./data":                                                              "./data",
		"":                                                                    "",
	} {
		if got := MaskURLPassword(in); got != want {
			t.Errorf("MaskURLPassword(%q) = %q, want %q", in, got, want)
		}
	}
}
