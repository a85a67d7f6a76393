package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// module is what the size breakdown needs of a wasm binary: the body of
// every function, the name of each function (from the "name" custom
// section, which a build with -s -w leaves out), and the size of the data
// (Go's type information, strings and tables) and of everything else.
type module struct {
	bodies  [][]byte       // in code-section order
	imports int            // imported functions come first in the index space
	names   map[int]string // function index → name
	data    int            // bytes of the data section
	other   int            // bytes of all other sections, headers included
}

var errNotWasm = errors.New("not a wasm binary")

func parseModule(b []byte) (*module, error) {
	if len(b) < 8 || !bytes.Equal(b[:4], []byte("\x00asm")) {
		return nil, errNotWasm
	}
	m := &module{names: map[int]string{}, other: 8}
	r := reader{b: b, off: 8}
	for !r.done() {
		start := r.off
		id := r.byte()
		size := int(r.uleb())
		body := r.bytes(size)
		if r.err != nil {
			return nil, fmt.Errorf("section at %d: %w", start, r.err)
		}
		header := r.off - start - size
		switch id {
		case 2: // imports
			n, err := countFuncImports(body)
			if err != nil {
				return nil, fmt.Errorf("imports: %w", err)
			}
			m.imports = n
			m.other += header + size
		case 10: // code
			sr := reader{b: body}
			count := int(sr.uleb())
			for i := 0; i < count && sr.err == nil; i++ {
				m.bodies = append(m.bodies, sr.bytes(int(sr.uleb())))
			}
			if sr.err != nil {
				return nil, fmt.Errorf("code: %w", sr.err)
			}
			m.other += header + size - sumLen(m.bodies)
		case 11: // data
			m.data += header + size
		case 0: // custom
			sr := reader{b: body}
			name := string(sr.bytes(int(sr.uleb())))
			if name == "name" && sr.err == nil {
				if err := m.readNames(body[sr.off:]); err != nil {
					return nil, fmt.Errorf("names: %w", err)
				}
			}
			m.other += header + size
		default:
			m.other += header + size
		}
	}
	return m, nil
}

func sumLen(bs [][]byte) int {
	n := 0
	for _, b := range bs {
		n += len(b)
	}
	return n
}

// countFuncImports counts the imported functions: they take the first
// indices, so the code section's first body has index imports.
func countFuncImports(b []byte) (int, error) {
	r := reader{b: b}
	count := int(r.uleb())
	funcs := 0
	for i := 0; i < count && r.err == nil; i++ {
		r.bytes(int(r.uleb())) // module
		r.bytes(int(r.uleb())) // field
		switch kind := r.byte(); kind {
		case 0: // function: type index
			r.uleb()
			funcs++
		case 1: // table: element type, limits
			r.byte()
			r.limits()
		case 2: // memory: limits
			r.limits()
		case 3: // global: value type, mutability
			r.byte()
			r.byte()
		default:
			return 0, fmt.Errorf("import kind %d", kind)
		}
	}
	return funcs, r.err
}

// readNames reads the function-name subsection (id 1) of a name section.
func (m *module) readNames(b []byte) error {
	r := reader{b: b}
	for !r.done() && r.err == nil {
		id := r.byte()
		sub := r.bytes(int(r.uleb()))
		if id != 1 {
			continue
		}
		sr := reader{b: sub}
		count := int(sr.uleb())
		for i := 0; i < count && sr.err == nil; i++ {
			idx := int(sr.uleb())
			m.names[idx] = string(sr.bytes(int(sr.uleb())))
		}
		if sr.err != nil {
			return sr.err
		}
	}
	return r.err
}

// reader walks a byte slice; the first error sticks and ends the walk.
type reader struct {
	b   []byte
	off int
	err error
}

var errShort = errors.New("unexpected end")

func (r *reader) done() bool { return r.err != nil || r.off >= len(r.b) }

func (r *reader) byte() byte {
	if r.err != nil || r.off >= len(r.b) {
		r.err = errShort
		return 0
	}
	c := r.b[r.off]
	r.off++
	return c
}

func (r *reader) uleb() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.err = errShort
		return 0
	}
	r.off += n
	return v
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n < 0 || r.off+n > len(r.b) {
		r.err = errShort
		return nil
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s
}

func (r *reader) limits() {
	if flags := r.byte(); flags&1 != 0 {
		r.uleb()
		r.uleb()
		return
	}
	r.uleb()
}
