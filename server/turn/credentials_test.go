package turn

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	pionturn "github.com/pion/turn/v5"
)

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func TestCredentialsRoundTrip(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	c := Credentials{Secret: []byte("geheim"), TTL: time.Hour, Now: fixedClock(now)}
	name, pass, exp := c.Issue("p-42")
	if want := strconv.FormatInt(now.Add(time.Hour).Unix(), 10) + ":p-42"; name != want {
		t.Fatalf("username %q, want %q", name, want)
	}
	if !exp.Equal(now.Add(time.Hour)) {
		t.Fatalf("expires %v", exp)
	}
	// The TURN REST scheme, computed independently.
	mac := hmac.New(sha1.New, []byte("geheim"))
	mac.Write([]byte(name))
	if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); pass != want {
		t.Fatalf("password %q, want %q", pass, want)
	}
	// pion's generator agrees on the format.
	pn, pp, err := pionturn.GenerateLongTermTURNRESTCredentials("geheim", "p-42", time.Hour)
	if err != nil || !strings.HasSuffix(pn, ":p-42") {
		t.Fatalf("pion: %q %v", pn, err)
	}
	if u, ok := (Credentials{Secret: []byte("geheim")}).Verify(pn, pp); !ok || u != "p-42" {
		t.Fatalf("pion's credentials not verified: %q %v", u, ok)
	}
	if u, ok := c.Verify(name, pass); !ok || u != "p-42" {
		t.Fatalf("Verify = %q, %v", u, ok)
	}
	n, _, e := Credentials{Secret: []byte("x")}.Issue("u")
	if got := time.Until(e); got < DefaultTTL-time.Minute || got > DefaultTTL || !strings.HasSuffix(n, ":u") {
		t.Fatalf("default TTL: %v %q", got, n)
	}
}

func TestCredentialsExpiry(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	c := Credentials{Secret: []byte("geheim"), TTL: time.Minute, Now: fixedClock(now)}
	name, pass, _ := c.Issue("p-1")
	later := c
	later.Now = fixedClock(now.Add(time.Minute))
	if _, ok := later.Verify(name, pass); !ok {
		t.Fatal("refused at the expiry second")
	}
	later.Now = fixedClock(now.Add(time.Minute + time.Second))
	if _, ok := later.Verify(name, pass); ok {
		t.Fatal("accepted after expiry")
	}
	h := later.AuthHandler(nil)
	if _, _, ok := h(&pionturn.RequestAttributes{Username: name, Realm: "r"}); ok {
		t.Fatal("auth handler accepted an expired username")
	}
	h = c.AuthHandler(nil)
	user, key, ok := h(&pionturn.RequestAttributes{Username: name, Realm: "r"})
	if !ok || user != "p-1" || string(key) != string(pionturn.GenerateAuthKey(name, "r", pass)) {
		t.Fatalf("auth handler: %q %x %v", user, key, ok)
	}
}

func TestCredentialsWrongSecretAndMalformed(t *testing.T) {
	c := Credentials{Secret: []byte("geheim")}
	name, pass, _ := c.Issue("p-1")
	other := Credentials{Secret: []byte("anderes")}
	if _, ok := other.Verify(name, pass); ok {
		t.Fatal("accepted with the wrong secret")
	}
	// The auth handler cannot see the password; a wrong secret gives a
	// different key, and pion's integrity check fails.
	_, k1, _ := c.AuthHandler(nil)(&pionturn.RequestAttributes{Username: name, Realm: "r"})
	_, k2, _ := other.AuthHandler(nil)(&pionturn.RequestAttributes{Username: name, Realm: "r"})
	if string(k1) == string(k2) {
		t.Fatal("same key for different secrets")
	}
	for _, bad := range []string{"", "alice", "abc:alice", ":alice"} {
		if _, _, ok := c.AuthHandler(nil)(&pionturn.RequestAttributes{Username: bad}); ok {
			t.Errorf("accepted username %q", bad)
		}
	}
	if _, ok := c.Verify(name, pass+"x"); ok {
		t.Fatal("accepted a wrong password")
	}
	if _, ok := (Credentials{}).Verify(name, pass); ok {
		t.Fatal("accepted without a secret")
	}
}
