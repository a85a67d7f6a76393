package i18n

import "testing"

func TestPreferred(t *testing.T) {
	for _, c := range []struct {
		tags []string
		want Lang
	}{
		{nil, German},
		{[]string{"en-GB", "de"}, English},
		{[]string{"fr", "EN"}, English},
		{[]string{"de-AT", "en"}, German},
		{[]string{"fr", "it"}, German},
		{[]string{"x", "en-US"}, English},
	} {
		if got := Preferred(c.tags); got != c.want {
			t.Errorf("Preferred(%v) = %s, want %s", c.tags, got, c.want)
		}
	}
}
