package ui

import "testing"

func TestWsURL(t *testing.T) {
	for _, c := range []struct{ server, proto, host, want string }{
		{"", "http:", "localhost:8080", "ws://localhost:8080/ws"},
		{"", "https:", "ersatzraum.schule.example", "wss://ersatzraum.schule.example/ws"},
		{"https://ersatzraum.schule.example", "https:", "www.schule.example", "wss://ersatzraum.schule.example/ws"},
		{"http://127.0.0.1:8080", "http:", "127.0.0.1:9000", "ws://127.0.0.1:8080/ws"},
	} {
		if got := wsURL(c.server, c.proto, c.host); got != c.want {
			t.Errorf("wsURL(%q, %q, %q) = %q, want %q", c.server, c.proto, c.host, got, c.want)
		}
	}
}
