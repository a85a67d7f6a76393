package ui

import (
	"testing"

	"ersatzraum/app/i18n"
)

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

func TestPreferredLang(t *testing.T) {
	for _, c := range []struct {
		tags []string
		want i18n.Lang
	}{
		{nil, i18n.German},
		{[]string{"en-GB", "de"}, i18n.English},
		{[]string{"fr", "EN"}, i18n.English},
		{[]string{"de-AT", "en"}, i18n.German},
		{[]string{"fr", "it"}, i18n.German},
	} {
		if got := preferredLang(c.tags); got != c.want {
			t.Errorf("preferredLang(%v) = %s, want %s", c.tags, got, c.want)
		}
	}
}
