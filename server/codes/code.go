// Package codes owns the strings that identify a lesson or a student from
// outside: lesson ids, the short join codes that students type, read aloud or
// scan, personal-link tokens, name keys, and the Sealer that keeps codes and
// tokens readable for their teacher only. Codes and tokens are stored only as
// hashes for lookup.
package codes

import (
	"crypto/rand"
	"crypto/sha256"
	"strings"
)

// CodeAlphabet leaves out the symbols that are confused when a code is read
// aloud, written on a board or typed on a phone: 0/O and 1/I/L.
const CodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// CodeLength is the number of symbols in a join code: 31^8 ≈ 8.5·10^11
// combinations (39.6 bits). docs/security.md shows why that is enough with
// the join rate limit.
const CodeLength = 8

// NewCode returns a fresh random join code, grouped as XXXX-XXXX.
func NewCode() string {
	b := make([]byte, CodeLength)
	for i := range b {
		b[i] = CodeAlphabet[randIndex(len(CodeAlphabet))]
	}
	return string(b[:4]) + "-" + string(b[4:])
}

// randIndex returns a uniform index below n without modulo bias.
func randIndex(n int) int {
	limit := 256 - 256%n
	var one [1]byte
	for {
		rand.Read(one[:])
		if int(one[0]) < limit {
			return int(one[0]) % n
		}
	}
}

// NormalizeCode turns what a person typed into the canonical form: upper
// case, no spaces or dashes. It returns "" when the result cannot be a code.
func NormalizeCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case ' ', '-', '\t':
			continue
		}
		if !strings.ContainsRune(CodeAlphabet, r) {
			return ""
		}
		b.WriteRune(r)
	}
	if b.Len() != CodeLength {
		return ""
	}
	return b.String()
}

// HashCode returns the hash under which a normalized code is stored.
func HashCode(normalized string) []byte {
	sum := sha256.Sum256([]byte("ersatzraum-join-code:" + normalized))
	return sum[:]
}

// NameKey is how a name on a class list is compared with what a student
// types: case and extra spaces do not count.
func NameKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}
