package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
)

// The home line a class of 30 must fit (issue #5), in bit/s.
const (
	classSize          = 30
	teacherUploadLimit = 4_000_000
	studentUploadLimit = 250_000
	studentDownLimit   = 1_000_000
	// bandwidthWindow is how long the steady state is measured.
	bandwidthWindow = 20 * time.Second
	// ipUDPOverhead is what IPv4 and UDP add to every packet on the line
	// and the statistics do not count.
	ipUDPOverhead = 28
)

// TestClassOf30FitsAHomeLine measures what a class of 30 costs each line,
// with real WebRTC: the teacher in headless Chromium (fake camera 640×360,
// the app's caps), 30 students as Go clients (pion, native) that join by
// personal link and send a real VP8 picture (320×240, 10 frames/s,
// 150 kbit/s: what a capped student browser sends) and Opus sound. It is a
// benchmark of about two minutes and runs only with ERSATZRAUM_E2E_BANDWIDTH=1:
//
//	make bandwidth
func TestClassOf30FitsAHomeLine(t *testing.T) {
	if os.Getenv("ERSATZRAUM_E2E_BANDWIDTH") != "1" {
		t.Skip("bandwidth benchmark (about 2 minutes): run it with `make bandwidth` (ERSATZRAUM_E2E_BANDWIDTH=1)")
	}
	start := time.Now()
	clip := studentClip(t)
	camera, mic := teacherMedia(t)

	srv := startServer(t, freeAddr(t), t.TempDir())
	teacher := newMediaTeacher(t, srv, camera, mic)

	class := openClassLesson(t, teacher, srv, "Messung 30", classSize)
	t.Logf("%5.1fs teacher in the lesson", time.Since(start).Seconds())

	// 30 students join, a little apart (as a class does).
	ctx, cancel := context.WithCancel(context.Background())
	students, wait := startStudents(ctx, srv.URL, class, clip, 100*time.Millisecond)
	defer func() {
		cancel()
		wait()
	}()
	deadline := time.After(90 * time.Second)
	for _, st := range students {
		select {
		case <-st.connected:
		case <-deadline:
			t.Fatalf("%s: not connected within 90 s (%v)", st.name, st.failure())
		}
	}
	t.Logf("%5.1fs all %d students connected", time.Since(start).Seconds(), classSize)
	waitFor(t, teacher, "teacher decodes every student",
		fmt.Sprintf(`(async () => (await Promise.all((window.__pcs || []).map(async pc => { let f = 0; (await pc.getStats()).forEach(r => { if (r.type === 'inbound-rtp' && r.kind === 'video') f += r.framesDecoded || 0; }); return f > 0; }))).filter(Boolean).length >= %d)()`, classSize),
		60*time.Second)
	// Let the encoders settle on their rates before measuring.
	time.Sleep(5 * time.Second)
	t.Logf("%5.1fs measuring for %v", time.Since(start).Seconds(), bandwidthWindow)

	t0, s0 := teacherStats(t, teacher), studentStats(students)
	time.Sleep(bandwidthWindow)
	t1, s1 := teacherStats(t, teacher), studentStats(students)
	// Each side's rates over its own interval between the two readings.
	window := (t1.At - t0.At) / 1000
	swindow := s1[0].at.Sub(s0[0].at).Seconds()
	for _, st := range students {
		if err := st.failure(); err != nil {
			t.Errorf("%s: %v", st.name, err)
		}
	}

	// The teacher's line: every connection, from the page's own statistics.
	if len(t1.PCs) < classSize {
		t.Fatalf("teacher page has %d peer connections, want %d", len(t1.PCs), classSize)
	}
	var tc teacherPC
	decoding := 0
	var widths, targets []float64
	for i := range t1.PCs {
		if i >= len(t0.PCs) {
			continue
		}
		d := t1.PCs[i].minus(t0.PCs[i])
		tc = tc.plus(d)
		if t1.PCs[i].State == "connected" && d.FramesDecoded >= window*3 {
			decoding++
		}
		widths = append(widths, t1.PCs[i].FrameWidth)
		targets = append(targets, t1.PCs[i].VideoTarget)
	}
	teacherWire := (tc.WireBytes + ipUDPOverhead*tc.WirePackets) * 8 / window
	teacherRTP := (tc.VideoBytes + tc.VideoHeader + tc.AudioBytes + tc.AudioHeader) * 8 / window
	perStudent := teacherWire / float64(len(t1.PCs))

	var ups, downs, downsRTP, frames []float64
	table := []string{"student | up (wire) | down (wire) | down (RTP) | teacher frames received"}
	for i, st := range students {
		up := (s1[i].wireSent - s0[i].wireSent + ipUDPOverhead*(s1[i].packetsSent-s0[i].packetsSent)) * 8 / swindow
		down := (s1[i].wireRecv - s0[i].wireRecv + ipUDPOverhead*(s1[i].packetsRecv-s0[i].packetsRecv)) * 8 / swindow
		downRTP := (s1[i].rtpRecv - s0[i].rtpRecv) * 8 / swindow
		f := s1[i].frames - s0[i].frames
		ups, downs, downsRTP, frames = append(ups, up), append(downs, down), append(downsRTP, downRTP), append(frames, f)
		table = append(table, fmt.Sprintf("%s | %.0f kbit/s | %.0f kbit/s | %.0f kbit/s | %.0f (%.1f/s)", st.name, up/1000, down/1000, downRTP/1000, f, f/swindow))
		if up >= studentUploadLimit {
			t.Errorf("%s uploads %.0f kbit/s, limit %d", st.name, up/1000, studentUploadLimit/1000)
		}
		if down >= studentDownLimit {
			t.Errorf("%s downloads %.0f kbit/s, limit %d", st.name, down/1000, studentDownLimit/1000)
		}
		if f < swindow*3 {
			t.Errorf("%s received %.0f frames of the teacher in %.0f s: the teacher's picture does not flow", st.name, f, swindow)
		}
	}
	t.Log("per student, over " + fmt.Sprintf("%.1f s", swindow) + ":\n" + strings.Join(table, "\n"))
	t.Logf(`class of %d, window %.1f s
teacher upload, on the line (incl. RTCP, SRTP, IPv4/UDP): %.2f Mbit/s (limit %.0f), %.0f kbit/s per student
teacher upload, RTP (payload + header): %.2f Mbit/s: video %.0f kbit/s, audio %.0f kbit/s per student
teacher video as sent: width %v px, encoder target %v kbit/s (per connection, min–max), quality limited by %s
teacher decodes frames from %d of %d students (>= 3 frames/s)
student upload (line): max %.0f kbit/s, mean %.0f kbit/s (limit %d)
student download (line): max %.0f kbit/s, mean %.0f kbit/s (limit %d); RTP: max %.0f, mean %.0f
teacher frames per student: min %.0f, mean %.0f (%.1f/s)
total %.0f s`,
		classSize, window,
		teacherWire/1e6, teacherUploadLimit/1e6, perStudent/1000,
		teacherRTP/1e6, (tc.VideoBytes+tc.VideoHeader)*8/window/float64(len(t1.PCs))/1000, (tc.AudioBytes+tc.AudioHeader)*8/window/float64(len(t1.PCs))/1000,
		minMax(widths, 1), minMax(targets, 1000), strings.Join(t1.limits(), ", "),
		decoding, classSize,
		slices.Max(ups)/1000, mean(ups)/1000, studentUploadLimit/1000,
		slices.Max(downs)/1000, mean(downs)/1000, studentDownLimit/1000, slices.Max(downsRTP)/1000, mean(downsRTP)/1000,
		slices.Min(frames), mean(frames), mean(frames)/swindow,
		time.Since(start).Seconds())

	if teacherWire >= teacherUploadLimit {
		t.Errorf("teacher uploads %.2f Mbit/s, limit %.0f", teacherWire/1e6, teacherUploadLimit/1e6)
	}
	if decoding < classSize-2 {
		t.Errorf("teacher decodes frames from %d students, want at least %d", decoding, classSize-2)
	}
}

// teacherPC is what one of the teacher's peer connections counted so far.
type teacherPC struct {
	State         string  `json:"state"`
	VideoBytes    float64 `json:"videoBytes"`
	VideoHeader   float64 `json:"videoHeader"`
	AudioBytes    float64 `json:"audioBytes"`
	AudioHeader   float64 `json:"audioHeader"`
	WireBytes     float64 `json:"wireBytes"`
	WirePackets   float64 `json:"wirePackets"`
	FramesDecoded float64 `json:"framesDecoded"`
	FrameWidth    float64 `json:"frameWidth"`
	VideoTarget   float64 `json:"videoTarget"`
	Limitation    string  `json:"limitation"`
}

func (a teacherPC) minus(b teacherPC) teacherPC {
	return teacherPC{
		VideoBytes: a.VideoBytes - b.VideoBytes, VideoHeader: a.VideoHeader - b.VideoHeader,
		AudioBytes: a.AudioBytes - b.AudioBytes, AudioHeader: a.AudioHeader - b.AudioHeader,
		WireBytes: a.WireBytes - b.WireBytes, WirePackets: a.WirePackets - b.WirePackets,
		FramesDecoded: a.FramesDecoded - b.FramesDecoded,
	}
}

func (a teacherPC) plus(b teacherPC) teacherPC {
	return teacherPC{
		VideoBytes: a.VideoBytes + b.VideoBytes, VideoHeader: a.VideoHeader + b.VideoHeader,
		AudioBytes: a.AudioBytes + b.AudioBytes, AudioHeader: a.AudioHeader + b.AudioHeader,
		WireBytes: a.WireBytes + b.WireBytes, WirePackets: a.WirePackets + b.WirePackets,
		FramesDecoded: a.FramesDecoded + b.FramesDecoded,
	}
}

type teacherSnapshot struct {
	At  float64     `json:"at"` // the page's clock, ms
	PCs []teacherPC `json:"pcs"`
}

// limits counts the encoders' quality limitation reasons.
func (s teacherSnapshot) limits() []string {
	n := map[string]int{}
	for _, pc := range s.PCs {
		n[pc.Limitation]++
	}
	var out []string
	for k, v := range n {
		if k == "" {
			k = "?"
		}
		out = append(out, fmt.Sprintf("%s ×%d", k, v))
	}
	slices.Sort(out)
	return out
}

// teacherStatsJS reads every peer connection of the teacher's page:
// outbound RTP by kind, the selected path's bytes and packets, and the
// frames decoded of the student's video.
const teacherStatsJS = `(async () => {
  const at = performance.now();
  const pcs = await Promise.all((window.__pcs || []).map(async pc => {
    const r = {state: pc.connectionState, videoBytes: 0, videoHeader: 0, audioBytes: 0, audioHeader: 0,
      wireBytes: 0, wirePackets: 0, framesDecoded: 0, frameWidth: 0, videoTarget: 0, limitation: ''};
    (await pc.getStats()).forEach(x => {
      if (x.type === 'outbound-rtp' && x.kind === 'video') {
        r.videoBytes += x.bytesSent || 0; r.videoHeader += x.headerBytesSent || 0;
        r.frameWidth = x.frameWidth || 0; r.videoTarget = x.targetBitrate || 0;
        r.limitation = x.qualityLimitationReason || '';
      }
      if (x.type === 'outbound-rtp' && x.kind === 'audio') { r.audioBytes += x.bytesSent || 0; r.audioHeader += x.headerBytesSent || 0; }
      if (x.type === 'candidate-pair') { r.wireBytes += x.bytesSent || 0; r.wirePackets += x.packetsSent || 0; }
      if (x.type === 'inbound-rtp' && x.kind === 'video') r.framesDecoded += x.framesDecoded || 0;
    });
    return r;
  }));
  return JSON.stringify({at, pcs});
})()`

func teacherStats(t *testing.T, page context.Context) teacherSnapshot {
	t.Helper()
	var s teacherSnapshot
	if err := json.Unmarshal([]byte(eval[string](t, page, teacherStatsJS)), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// studentCount is what one Go student counted so far.
type studentCount struct {
	at                                                            time.Time
	wireSent, packetsSent, wireRecv, packetsRecv, rtpRecv, frames float64
}

func studentStats(students []*goStudent) []studentCount {
	out := make([]studentCount, len(students))
	at := time.Now()
	for i, st := range students {
		c := studentCount{at: at, frames: float64(st.frames.Load())}
		for _, s := range st.pc.GetStats() {
			switch s := s.(type) {
			case webrtc.ICECandidatePairStats:
				c.wireSent += float64(s.BytesSent)
				c.packetsSent += float64(s.PacketsSent)
				c.wireRecv += float64(s.BytesReceived)
				c.packetsRecv += float64(s.PacketsReceived)
			case webrtc.InboundRTPStreamStats:
				c.rtpRecv += float64(s.BytesReceived + s.HeaderBytesReceived)
			}
		}
		out[i] = c
	}
	return out
}

func mean(v []float64) float64 {
	var sum float64
	for _, x := range v {
		sum += x
	}
	return sum / float64(len(v))
}

// minMax formats the range of v, divided by unit.
func minMax(v []float64, unit float64) string {
	if len(v) == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f–%.0f", slices.Min(v)/unit, slices.Max(v)/unit)
}
