package drill

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"ersatzraum/app/protocol"
)

// The sender's clock travels inside the payload, where a real client's
// data would be: an SDP attribute line in offers and answers, an
// extension attribute in candidate strings. Receiver and sender share the
// machine's clock, so the difference is the relay time through the server.
const (
	stampPrefix = "x-drill-"
	stampSent   = "sent" // negotiation: offer, answer, their candidates
	stampHold   = "hold" // steady traffic during the hold
)

// sdpTemplate is a browser-like SDP with audio and video (about 3 KB).
// {SETUP} and {ID} differ between offer and answer; the stamp line goes
// right after the timing line.
const sdpTemplate = "v=0\r\n" +
	"o=- {ID} 2 IN IP4 127.0.0.1\r\n" +
	"s=-\r\n" +
	"t=0 0\r\n" +
	"{STAMP}" +
	"a=group:BUNDLE 0 1\r\n" +
	"a=extmap-allow-mixed\r\n" +
	"a=msid-semantic: WMS 6c1c7a5e-3c2f-4b0e-9f3a-2d1f0c9e8b7a\r\n" +
	"m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n" +
	"c=IN IP4 0.0.0.0\r\n" +
	"a=rtcp:9 IN IP4 0.0.0.0\r\n" +
	"a=ice-ufrag:Xq3b\r\n" +
	"a=ice-pwd:u2Jd8KmQ0w9hTz3bY7rLpE4s\r\n" +
	"a=ice-options:trickle\r\n" +
	"a=fingerprint:sha-256 4A:1F:9C:22:7B:E0:5D:83:C6:11:0A:F4:6E:B9:37:D2:58:AC:0F:91:3E:7D:C4:22:B6:08:5F:EA:19:64:D3:70\r\n" +
	"a=setup:{SETUP}\r\n" +
	"a=mid:0\r\n" +
	"a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n" +
	"a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n" +
	"a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n" +
	"a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n" +
	"a=sendrecv\r\n" +
	"a=msid:6c1c7a5e-3c2f-4b0e-9f3a-2d1f0c9e8b7a 0b7e2c4d-8a1f-4e6b-b3c5-9d2e1f0a7c6b\r\n" +
	"a=rtcp-mux\r\n" +
	"a=rtcp-rsize\r\n" +
	"a=rtpmap:111 opus/48000/2\r\n" +
	"a=rtcp-fb:111 transport-cc\r\n" +
	"a=fmtp:111 minptime=10;useinbandfec=1\r\n" +
	"a=rtpmap:63 red/48000/2\r\n" +
	"a=fmtp:63 111/111\r\n" +
	"a=rtpmap:9 G722/8000\r\n" +
	"a=rtpmap:0 PCMU/8000\r\n" +
	"a=rtpmap:8 PCMA/8000\r\n" +
	"a=rtpmap:13 CN/8000\r\n" +
	"a=rtpmap:110 telephone-event/48000\r\n" +
	"a=rtpmap:126 telephone-event/8000\r\n" +
	"a=ssrc:1753924521 cname:Jm0vQ2xq8Zc1rT5e\r\n" +
	"a=ssrc:1753924521 msid:6c1c7a5e-3c2f-4b0e-9f3a-2d1f0c9e8b7a 0b7e2c4d-8a1f-4e6b-b3c5-9d2e1f0a7c6b\r\n" +
	"m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101 45 46 102 103 104 105\r\n" +
	"c=IN IP4 0.0.0.0\r\n" +
	"a=rtcp:9 IN IP4 0.0.0.0\r\n" +
	"a=ice-ufrag:Xq3b\r\n" +
	"a=ice-pwd:u2Jd8KmQ0w9hTz3bY7rLpE4s\r\n" +
	"a=ice-options:trickle\r\n" +
	"a=fingerprint:sha-256 4A:1F:9C:22:7B:E0:5D:83:C6:11:0A:F4:6E:B9:37:D2:58:AC:0F:91:3E:7D:C4:22:B6:08:5F:EA:19:64:D3:70\r\n" +
	"a=setup:{SETUP}\r\n" +
	"a=mid:1\r\n" +
	"a=extmap:14 urn:ietf:params:rtp-hdrext:toffset\r\n" +
	"a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n" +
	"a=extmap:13 urn:3gpp:video-orientation\r\n" +
	"a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n" +
	"a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\r\n" +
	"a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n" +
	"a=sendrecv\r\n" +
	"a=msid:6c1c7a5e-3c2f-4b0e-9f3a-2d1f0c9e8b7a 5f3d9a2b-1c7e-4d8f-a6b0-e2c4f1d3b5a7\r\n" +
	"a=rtcp-mux\r\n" +
	"a=rtcp-rsize\r\n" +
	"a=rtpmap:96 VP8/90000\r\n" +
	"a=rtcp-fb:96 goog-remb\r\n" +
	"a=rtcp-fb:96 transport-cc\r\n" +
	"a=rtcp-fb:96 ccm fir\r\n" +
	"a=rtcp-fb:96 nack\r\n" +
	"a=rtcp-fb:96 nack pli\r\n" +
	"a=rtpmap:97 rtx/90000\r\n" +
	"a=fmtp:97 apt=96\r\n" +
	"a=rtpmap:98 VP9/90000\r\n" +
	"a=rtcp-fb:98 goog-remb\r\n" +
	"a=rtcp-fb:98 transport-cc\r\n" +
	"a=rtcp-fb:98 ccm fir\r\n" +
	"a=rtcp-fb:98 nack\r\n" +
	"a=rtcp-fb:98 nack pli\r\n" +
	"a=fmtp:98 profile-id=0\r\n" +
	"a=rtpmap:99 rtx/90000\r\n" +
	"a=fmtp:99 apt=98\r\n" +
	"a=rtpmap:100 VP9/90000\r\n" +
	"a=fmtp:100 profile-id=2\r\n" +
	"a=rtpmap:101 rtx/90000\r\n" +
	"a=fmtp:101 apt=100\r\n" +
	"a=rtpmap:45 AV1/90000\r\n" +
	"a=fmtp:45 level-idx=5;profile=0;tier=0\r\n" +
	"a=rtpmap:46 rtx/90000\r\n" +
	"a=fmtp:46 apt=45\r\n" +
	"a=rtpmap:102 H264/90000\r\n" +
	"a=rtcp-fb:102 goog-remb\r\n" +
	"a=rtcp-fb:102 transport-cc\r\n" +
	"a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n" +
	"a=rtpmap:103 rtx/90000\r\n" +
	"a=fmtp:103 apt=102\r\n" +
	"a=rtpmap:104 H264/90000\r\n" +
	"a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n" +
	"a=rtpmap:105 rtx/90000\r\n" +
	"a=fmtp:105 apt=104\r\n" +
	"a=ssrc-group:FID 3290431705 2214850871\r\n" +
	"a=ssrc:3290431705 cname:Jm0vQ2xq8Zc1rT5e\r\n" +
	"a=ssrc:3290431705 msid:6c1c7a5e-3c2f-4b0e-9f3a-2d1f0c9e8b7a 5f3d9a2b-1c7e-4d8f-a6b0-e2c4f1d3b5a7\r\n" +
	"a=ssrc:2214850871 cname:Jm0vQ2xq8Zc1rT5e\r\n" +
	"a=ssrc:2214850871 msid:6c1c7a5e-3c2f-4b0e-9f3a-2d1f0c9e8b7a 5f3d9a2b-1c7e-4d8f-a6b0-e2c4f1d3b5a7\r\n"

// candidates are what a browser on a school network trickles.
var candidates = [4]string{
	"candidate:1467250027 1 udp 2122260223 192.168.20.31 54400 typ host generation 0 ufrag Xq3b network-id 1",
	"candidate:3b2e7f1a-0c4d-4e8b-9a6f-1d2c3b4a5e6f.local 1 udp 2122194687 54401 typ host generation 0 ufrag Xq3b network-id 2",
	"candidate:842163049 1 udp 1686052607 198.51.100.23 54400 typ srflx raddr 192.168.20.31 rport 54400 generation 0 ufrag Xq3b network-id 1",
	"candidate:1267890123 1 tcp 1518280447 192.168.20.31 9 typ host tcptype active generation 0 ufrag Xq3b network-id 1",
}

// Pre-encoded pieces of the messages, JSON-escaped once.
var (
	offerHead, offerTail   = sdpPieces("actpass", "4611731400430051336")
	answerHead, answerTail = sdpPieces("active", "7283164092834119722")
	candidateJSON          [4]string
)

func init() {
	for i, c := range candidates {
		candidateJSON[i] = jsonInner(c)
	}
}

func sdpPieces(setup, id string) (head, tail string) {
	s := strings.NewReplacer("{SETUP}", setup, "{ID}", id).Replace(sdpTemplate)
	head, tail, _ = strings.Cut(s, "{STAMP}")
	return jsonInner(head), jsonInner(tail)
}

// jsonInner returns s as a JSON string without the quotes.
func jsonInner(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// appendSDP appends a signal carrying an offer or answer, stamped with sent
// (Unix nanoseconds).
func appendSDP(b []byte, to, kind string, sent int64) []byte {
	head, tail := offerHead, offerTail
	if kind == protocol.SignalAnswer {
		head, tail = answerHead, answerTail
	}
	b = append(b, `{"v":1,"type":"signal","data":{"to":`...)
	b = appendString(b, to)
	b = append(b, `,"kind":"`...)
	b = append(b, kind...)
	b = append(b, `","sdp":"`...)
	b = append(b, head...)
	b = append(b, "a="+stampPrefix+stampSent+":"...)
	b = strconv.AppendInt(b, sent, 10)
	b = append(b, `\r\n`...)
	b = append(b, tail...)
	return append(b, `"}}`...)
}

// appendCandidate appends a candidate signal; mark is stampSent or
// stampHold.
func appendCandidate(b []byte, to string, i int, mark string, sent int64) []byte {
	b = append(b, `{"v":1,"type":"signal","data":{"to":`...)
	b = appendString(b, to)
	b = append(b, `,"kind":"candidate","candidate":{"candidate":"`...)
	b = append(b, candidateJSON[i%len(candidateJSON)]...)
	b = append(b, " "+stampPrefix...)
	b = append(b, mark...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, sent, 10)
	b = append(b, `","sdpMid":"`...)
	b = strconv.AppendInt(b, int64(i%2), 10)
	b = append(b, `","sdpMLineIndex":`...)
	b = strconv.AppendInt(b, int64(i%2), 10)
	return append(b, "}}}"...)
}

func appendString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

func teacherHello(lessonID string) []byte {
	return protocol.MustEncode(protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: lessonID})
}

func studentHello(code string, n int) []byte {
	return protocol.MustEncode(protocol.TypeHello, protocol.Hello{
		Role: protocol.RoleStudent, Code: code, Name: "Drill S" + strconv.Itoa(n), Camera: true,
	})
}

var endMessage = protocol.MustEncode(protocol.TypeEnd, nil)

// stamp finds the sender's clock in a received message.
func stamp(raw []byte) (hold bool, sent int64, ok bool) {
	i := bytes.Index(raw, []byte(stampPrefix))
	if i < 0 {
		return false, 0, false
	}
	rest := raw[i+len(stampPrefix):]
	if len(rest) < len(stampSent)+2 {
		return false, 0, false
	}
	hold = string(rest[:len(stampHold)]) == stampHold
	rest = rest[len(stampSent)+1:]
	n := 0
	for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	sent, err := strconv.ParseInt(string(rest[:n]), 10, 64)
	return hold, sent, err == nil
}

// inbound is the part of a server message the drill looks at. The SDP and
// candidate are not decoded: stamp reads the raw bytes.
type inbound struct {
	Type string `json:"type"`
	Data struct {
		Self          string `json:"self"`
		TeacherOnline bool   `json:"teacherOnline"`
		Online        bool   `json:"online"`
		From          string `json:"from"`
		Kind          string `json:"kind"`
		Code          string `json:"code"` // error code
		ID            string `json:"id"`   // lobby-add: who knocks
		Lobby         []struct {
			ID string `json:"id"`
		} `json:"lobby"` // the teacher's welcome: who waits already
	} `json:"data"`
}

func decode(raw []byte) (inbound, bool) {
	var m inbound
	err := json.Unmarshal(raw, &m)
	return m, err == nil && m.Type != ""
}
