//go:build wasm

package live

import "syscall/js"

// TabResume keeps a resume token in the tab's sessionStorage under its
// key: a reload keeps the student's identity, another tab gets its own.
type TabResume string

// Load returns the stored token, "" when there is none.
func (k TabResume) Load() string {
	v := js.Global().Get("sessionStorage").Call("getItem", string(k))
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}

// Save stores the token.
func (k TabResume) Save(token string) {
	js.Global().Get("sessionStorage").Call("setItem", string(k), token)
}
