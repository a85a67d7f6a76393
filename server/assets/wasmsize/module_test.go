package main

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

func uleb(n int) []byte { return binary.AppendUvarint(nil, uint64(n)) }

func section(id byte, body []byte) []byte {
	return append(append([]byte{id}, uleb(len(body))...), body...)
}

func vec(items ...[]byte) []byte {
	out := uleb(len(items))
	for _, it := range items {
		out = append(out, it...)
	}
	return out
}

func str(s string) []byte { return append(uleb(len(s)), s...) }

// A module with one imported function and two bodies of 5 and 3 bytes,
// named as the Go linker names them.
func testModule() []byte {
	b := []byte("\x00asm\x01\x00\x00\x00")
	imp := vec(append(append(str("go"), str("debug")...), 0, 0))
	b = append(b, section(2, imp)...)
	code := vec(append(uleb(5), 1, 2, 3, 4, 5), append(uleb(3), 6, 7, 8))
	b = append(b, section(10, code)...)
	b = append(b, section(11, []byte{0, 1, 2, 3})...)
	names := vec(
		append(uleb(0), str("runtime.debug")...),
		append(uleb(1), str(mangle("github.com/pion/webrtc/v4.(*PeerConnection).CreateOffer"))...),
		append(uleb(2), str(mangle("ersatzraum/app/live.(*Peer).offer"))...),
	)
	name := append(str("name"), section(1, names)...)
	return append(b, section(0, name)...)
}

func TestParseModule(t *testing.T) {
	m, err := parseModule(testModule())
	if err != nil {
		t.Fatal(err)
	}
	if m.imports != 1 || len(m.bodies) != 2 || len(m.bodies[0]) != 5 || len(m.bodies[1]) != 3 {
		t.Fatalf("imports %d, bodies %v", m.imports, m.bodies)
	}
	if m.names[1] != "github.com_pion_webrtc_v4.__PeerConnection_.CreateOffer" || m.names[2] != "ersatzraum_app_live.__Peer_.offer" {
		t.Fatalf("names %v", m.names)
	}
	if m.data != 6 {
		t.Errorf("data %d, want 6 (header and body)", m.data)
	}
	if total := m.data + m.other + len(m.bodies[0]) + len(m.bodies[1]); total != len(testModule()) {
		t.Errorf("parts add up to %d, the file has %d", total, len(testModule()))
	}
}

func TestParseModuleRefusesTruncated(t *testing.T) {
	b := testModule()
	for _, n := range []int{3, 12, len(b) - 2} {
		if _, err := parseModule(b[:n]); err == nil {
			t.Errorf("%d of %d bytes parsed without error", n, len(b))
		}
	}
}

func TestGroups(t *testing.T) {
	ms := readModules([]byte("module ersatzraum\n\nrequire (\n\tgithub.com/maxence-charriere/go-app/v10 v10.1.11\n\tgithub.com/pion/webrtc/v4 v4.2.26\n\tgithub.com/pion/ice/v4 v4.0.10 // indirect\n)\n"))
	for fn, want := range map[string][2]string{
		"github.com/pion/webrtc/v4.(*PeerConnection).CreateOffer":          {"github.com_pion_webrtc_v4", "github.com_pion_webrtc_v4"},
		"github.com/pion/webrtc/v4/pkg/rtcerr.(*InvalidStateError).Unwrap": {"github.com_pion_webrtc_v4_pkg_rtcerr", "github.com_pion_webrtc_v4"},
		"github.com/maxence-charriere/go-app/v10/pkg/app.(*engine).Start":  {"github.com_maxence_charriere_go_app_v10_pkg_app", "github.com_maxence_charriere_go_app_v10"},
		"encoding/json.(*decodeState).object":                              {"encoding_json", "std"},
		"google.golang.org/protobuf/proto.Marshal":                         {"google.golang.org_protobuf_proto", "google.golang.org_protobuf_proto"},
		"fmt.(*pp).doPrintf":                      {"fmt", "std"},
		"runtime.memhash_varlen":                  {"runtime", "std"},
		"golang.org/x/net/html.Parse":             {"golang.org_x_net_html", "golang.org_x_net_html"},
		"ersatzraum/app/ui.(*TeacherRoom).Render": {"ersatzraum_app_ui", "ersatzraum_app_ui"},
		"type:.eq.[2]interface {}":                {"(generated)", "(generated)"},
	} {
		name := mangle(fn)
		if got := packageOf(name); got != want[0] {
			t.Errorf("packageOf(%q) = %q, want %q", name, got, want[0])
		}
		if got := ms.of(name); got != want[1] {
			t.Errorf("module of %q = %q, want %q", name, got, want[1])
		}
	}
}

func TestReport(t *testing.T) {
	b := testModule()
	m, _ := parseModule(b)
	var out bytes.Buffer
	report(&out, b, m, packageOf, 1)
	s := out.String()
	if !strings.Contains(s, "| github.com_pion_webrtc_v4 | 5 |") || !strings.Contains(s, "| 1 more | 3 |") {
		t.Errorf("report:\n%s", s)
	}
}
