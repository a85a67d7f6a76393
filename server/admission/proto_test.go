package admission

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestForwardedHTTPSOnlyFromTrustedProxies(t *testing.T) {
	trusted, _ := ParseTrusted("10.0.0.1")
	a := Addresses{Trusted: trusted}
	req := func(remote, proto string) *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		if proto != "" {
			r.Header.Set("X-Forwarded-Proto", proto)
		}
		return r
	}
	for _, c := range []struct {
		remote, proto string
		want          bool
	}{
		{"10.0.0.1:5000", "https", true},
		{"10.0.0.1:5000", "HTTPS, http", true},
		{"10.0.0.1:5000", "http", false},
		{"10.0.0.1:5000", "", false},
		{"192.0.2.7:5000", "https", false}, // anyone can send the header
		{"[::ffff:10.0.0.1]:5000", "https", true},
	} {
		if got := a.ForwardedHTTPS(req(c.remote, c.proto)); got != c.want {
			t.Errorf("%s with %q: got %v, want %v", c.remote, c.proto, got, c.want)
		}
	}
}
