package accounts

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// cheap keeps tests fast (argon2 under -race is slow); the PHC test uses
// the real parameters.
var cheap = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestPasswordHashRoundTripAndPHC(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(DefaultParams, 4, time.Second)
	encoded, err := h.Hash(ctx, "richtig-langes-passwort")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(encoded, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("not PHC argon2id with the default parameters: %q", encoded)
	}
	p, salt, key, err := decodePHC(encoded)
	if err != nil || p != DefaultParams || len(salt) != 16 || len(key) != 32 {
		t.Fatalf("decodePHC = %+v %d %d %v", p, len(salt), len(key), err)
	}
	if encodePHC(p, salt, key) != encoded {
		t.Fatal("encode(decode(x)) != x")
	}
	if ok, rehash, err := h.Verify(ctx, encoded, "richtig-langes-passwort"); !ok || rehash || err != nil {
		t.Fatalf("right password: %v %v %v", ok, rehash, err)
	}
	if ok, _, err := h.Verify(ctx, encoded, "richtig-langes-passworT"); ok || err != nil {
		t.Fatalf("wrong password accepted: %v %v", ok, err)
	}
	again, _ := h.Hash(ctx, "richtig-langes-passwort")
	if again == encoded {
		t.Fatal("two hashes of one password are equal: no salt?")
	}
	for _, bad := range []string{
		"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=18$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=19456,t=2,p=1$!!$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=19456,t=2$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5",
	} {
		if _, _, err := h.Verify(ctx, bad, "x"); err == nil {
			t.Errorf("Verify accepted malformed hash %q", bad)
		}
	}
}

func TestPasswordRehashWhenParamsChange(t *testing.T) {
	ctx := context.Background()
	old, _ := NewHasher(cheap, 1, time.Second).Hash(ctx, "passwort-123")
	h := NewHasher(Params{Memory: 128, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1, time.Second)
	if ok, rehash, err := h.Verify(ctx, old, "passwort-123"); !ok || !rehash || err != nil {
		t.Fatalf("old parameters: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
	if ok, rehash, _ := h.Verify(ctx, old, "wrong-password"); ok || rehash {
		t.Fatal("wrong password asks for a rehash")
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, ok := range map[string]bool{
		"":                        false,
		"123456789":               false,
		"1234567890":              true,
		"äöüäöüäöüß":              true, // 10 characters, 20 bytes
		"äöüäöüäöü":               false,
		strings.Repeat("x", 1025): false,
		"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6": false,
	} {
		if err := CheckPassword(pw); (err == nil) != ok {
			t.Errorf("CheckPassword(%q) = %v, want ok=%v", pw, err, ok)
		}
	}
}

func TestHashConcurrencyIsCapped(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(cheap, 2, 10*time.Second)
	var now, most atomic.Int32
	h.during = func() {
		n := now.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		now.Add(-1)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := h.Hash(ctx, "passwort-123"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if m := most.Load(); m != 2 {
		t.Fatalf("at most %d hashes ran at once, want exactly the cap 2", m)
	}
}

func TestHashBusyAfterBoundedWait(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(cheap, 1, 30*time.Millisecond)
	hold, held := make(chan struct{}), make(chan struct{})
	h.during = func() {
		close(held)
		<-hold
	}
	done := make(chan error)
	go func() {
		_, err := h.Hash(ctx, "passwort-123")
		done <- err
	}()
	<-held
	start := time.Now()
	if _, err := h.Hash(ctx, "passwort-456"); !errors.Is(err, ErrBusy) {
		t.Fatalf("second hash while the only slot is held: %v, want ErrBusy", err)
	}
	if waited := time.Since(start); waited < 25*time.Millisecond || waited > 5*time.Second {
		t.Errorf("waited %v for a slot, want about 30 ms", waited)
	}
	close(hold)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	h.during = nil
	if _, err := h.Hash(ctx, "passwort-456"); err != nil {
		t.Fatalf("slot not released: %v", err)
	}
}
