package codes

import (
	"crypto/rand"
	"strings"
)

// NewToken returns a personal-link token: 128 random bits, URL-safe, in
// lower case.
func NewToken() string { return strings.ToLower(rand.Text()) }

// HashToken returns the hash under which a personal-link token is stored
// and looked up. It normalises first (tokens are issued in lower case), so
// that a link typed or pasted in another case leads to the same student
// everywhere: the board, the class page and the live lesson alike.
func HashToken(token string) []byte {
	return HashCode("personal:" + strings.ToLower(token))
}
