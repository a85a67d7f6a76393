package accounts

import (
	"context"
	"errors"
	"testing"

	"ersatzraum/server/codes"
)

// A student behind the same NAT as the staff room types wrong passwords
// for the teacher's name until the address is throttled. The teacher, at
// her own computer (its device cookie from an earlier login), still gets
// in with the right password; without the cookie she is throttled like
// the student. A forged cookie, or another teacher's, counts as none.
func TestOwnersDeviceIsNotThrottledByOthersOnTheSameAddress(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sealer, err := codes.NewSealer(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	f.svc.Devices = sealer
	kaya := f.teacher(t, "Frau Kaya", "chemie-labor-3")
	other := f.teacher(t, "Herr Roth", "physik-raum-4")
	device := f.svc.DeviceCookie(kaya.ID, false)
	if device == nil || !device.HttpOnly || device.Value == "" {
		t.Fatalf("device cookie %+v", device)
	}
	for range DefaultThrottleLimits.AddrBurst {
		f.svc.Login(ctx, "Frau Kaya", "geraten-geraten", addrA, false)
	}
	if _, ok := rateLimited(firstErr(f.svc.Login(ctx, "Frau Kaya", "chemie-labor-3", addrA, false))); !ok {
		t.Fatal("the shared address is not throttled")
	}
	if _, err := f.svc.LoginFrom(ctx, "Frau Kaya", "chemie-labor-3", addrA, device.Value, false); err != nil {
		t.Fatalf("owner at her own computer, same address: %v", err)
	}
	for _, bad := range []string{device.Value[:len(device.Value)-2] + "AA", f.svc.DeviceCookie(other.ID, false).Value, "garbage"} {
		if _, ok := rateLimited(firstErr(f.svc.LoginFrom(ctx, "Frau Kaya", "chemie-labor-3", addrA, bad, false))); !ok {
			t.Fatalf("cookie %q passed as Frau Kaya's device", bad)
		}
	}
	// A stolen device cookie buys a guesser nothing but its own small
	// budget: 5, then one a minute.
	for range DefaultThrottleLimits.PairBurst {
		if _, err := f.svc.LoginFrom(ctx, "Frau Kaya", "geraten-geraten", addrB, device.Value, false); !errors.Is(err, ErrBadLogin) {
			t.Fatalf("wrong password with the device: %v", err)
		}
	}
	if _, ok := rateLimited(firstErr(f.svc.LoginFrom(ctx, "Frau Kaya", "geraten-geraten", addrB, device.Value, false))); !ok {
		t.Fatal("the device's own budget is unlimited")
	}
}
