package protocol

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanName trims a display name or lesson title and checks it: not empty,
// at most maxRunes runes, valid UTF-8 and free of control and format
// characters (which could reorder or hide text in someone else's list).
func CleanName(s string, maxRunes int) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxRunes {
		return "", false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return "", false
		}
	}
	return s, true
}
