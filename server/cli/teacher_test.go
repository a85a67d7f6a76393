package cli

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"ersatzraum/server/accounts"
	"ersatzraum/server/storage"
)

func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(append([]string{"ersatzraum"}, args...), &out, &errOut)
	return out.String(), errOut.String(), code
}

var linkRE = regexp.MustCompile(`https://schule\.example/login\?token=([0-9a-f]{64})`)

func TestTeacherCommands(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	url := "--public-url=https://schule.example/"

	if _, stderr, code := runCLI(t, "teacher", "list", "--data", dir); code != 1 || !strings.Contains(stderr, "no database") {
		t.Fatalf("list on an empty folder: %d %q", code, stderr)
	}
	out, stderr, code := runCLI(t, "teacher", "add", "Frau Müller", "--admin", "--qr", "--data", dir, url)
	if code != 0 {
		t.Fatalf("add: %d %s", code, stderr)
	}
	m := linkRE.FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "Admin") || !strings.Contains(out, "█") {
		t.Fatalf("add printed no link, admin note or QR code:\n%s", out)
	}
	firstLink := m[1]
	if _, stderr, code := runCLI(t, "teacher", "add", "--data", dir, "Frau Müller"); code != 1 || !strings.Contains(stderr, "schon") {
		t.Fatalf("duplicate add: %d %q", code, stderr)
	}
	if _, _, code := runCLI(t, "teacher", "add", "--data", dir); code != 2 {
		t.Fatalf("add without a name: %d", code)
	}
	if _, _, code := runCLI(t, "teacher", "add", "--data", dir, "--public-url", "schule.example", "X"); code != 2 {
		t.Fatalf("bad --public-url: %d", code)
	}
	if _, _, code := runCLI(t, "teacher", "add", "--data", dir, "Herr Özdemir"); code != 0 {
		t.Fatal("second add failed")
	}

	// The teacher signs in with the link (as the server would) and sets a password.
	db, err := storage.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := &accounts.Service{Store: db, Hasher: accounts.NewHasher(accounts.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2, 0)}
	session, tch, err := svc.RedeemLoginLinkFor(ctx, firstLink, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.SetPassword(ctx, tch.ID, "mathe-ist-toll"); err != nil {
		t.Fatal(err)
	}
	spareLink, _ := svc.IssueLoginLink(ctx, tch.ID)

	out, _, code = runCLI(t, "teacher", "list", "--data", dir)
	if code != 0 {
		t.Fatalf("list: %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("list:\n%s", out)
	}
	if f := strings.Fields(lines[1]); len(f) < 6 || f[0]+" "+f[1] != "Frau Müller" || f[2] != "ja" || f[3] != "ja" || f[len(f)-1] != "1" {
		t.Fatalf("list line for Frau Müller: %q", lines[1])
	}
	if f := strings.Fields(lines[2]); f[2] != "nein" || f[3] != "nein" || f[len(f)-1] != "0" {
		t.Fatalf("list line for Herr Özdemir: %q", lines[2])
	}

	// Reset: password, sessions and old links end; the new link works.
	out, stderr, code = runCLI(t, "teacher", "reset", "Frau Müller", "--data", dir, url)
	if code != 0 {
		t.Fatalf("reset: %d %s", code, stderr)
	}
	m = linkRE.FindStringSubmatch(out)
	if m == nil || strings.Contains(out, "█") {
		t.Fatalf("reset printed no link (or a QR code nobody asked for):\n%s", out)
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(session)
	if _, err := svc.TeacherFromRequest(req); err == nil {
		t.Error("session survived reset")
	}
	if _, err := svc.Login(ctx, "Frau Müller", "mathe-ist-toll", netip.MustParseAddr("192.0.2.1"), false); !errors.Is(err, accounts.ErrBadLogin) {
		t.Errorf("old password after reset: %v", err)
	}
	if _, err := svc.RedeemLoginLink(ctx, spareLink, false); !errors.Is(err, accounts.ErrInvalidLink) {
		t.Errorf("old link after reset: %v", err)
	}
	if _, err := svc.RedeemLoginLink(ctx, m[1], false); err != nil {
		t.Errorf("new link: %v", err)
	}

	// Remove.
	out, _, code = runCLI(t, "teacher", "remove", "Herr Özdemir", "--data", dir)
	if code != 0 || !strings.Contains(out, "Herr Özdemir") {
		t.Fatalf("remove: %d %q", code, out)
	}
	if _, stderr, code := runCLI(t, "teacher", "remove", "Herr Özdemir", "--data", dir); code != 1 || !strings.Contains(stderr, "Keine Lehrkraft") {
		t.Fatalf("second remove: %d %q", code, stderr)
	}
	if all, _ := db.Teachers(ctx); len(all) != 1 {
		t.Fatalf("%d teachers left, want 1", len(all))
	}
	if _, _, code := runCLI(t, "teacher", "frobnicate"); code != 2 {
		t.Fatalf("unknown subcommand: %d", code)
	}
	if out, _, code := runCLI(t, "teacher", "--help"); code != 0 || !strings.Contains(out, "teacher reset NAME") {
		t.Fatalf("help: %d %q", code, out)
	}
}

func TestPasswordNote(t *testing.T) {
	if passwordNote(storage.Teacher{Name: "Lehrkraft"}) != "" {
		t.Fatal("note without a password")
	}
	if !strings.Contains(passwordNote(storage.Teacher{Name: "Lehrkraft", HasPassword: true}), "Passwort") {
		t.Fatal("no note with a password")
	}
}
