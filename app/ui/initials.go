package ui

import (
	"strings"
	"unicode"
)

// initials returns up to two capital letters for a name: "Lea Marie
// Schulz" → "LS", "Ömer" → "Ö".
func initials(name string) string {
	parts := strings.FieldsFunc(name, func(r rune) bool { return unicode.IsSpace(r) || r == '-' })
	if len(parts) == 0 {
		return "?"
	}
	first := []rune(parts[0])[0]
	if len(parts) == 1 {
		return strings.ToUpper(string(first))
	}
	last := []rune(parts[len(parts)-1])[0]
	return strings.ToUpper(string(first) + string(last))
}
