package codes

import (
	"bytes"
	"strings"
	"testing"
)

func TestHashTokenIgnoresCase(t *testing.T) {
	tok := NewToken()
	if tok != strings.ToLower(tok) {
		t.Fatalf("token %q not issued in lower case", tok)
	}
	if !bytes.Equal(HashToken(tok), HashToken(strings.ToUpper(tok))) {
		t.Fatal("the same token in upper case hashes differently")
	}
	if bytes.Equal(HashToken(tok), HashToken(NewToken())) {
		t.Fatal("two tokens, one hash")
	}
}
