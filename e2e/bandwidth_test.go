package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"
	"github.com/pion/ice/v4"
	"github.com/pion/logging"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
	"github.com/pion/webrtc/v4/pkg/media/oggreader"

	"ersatzraum/app/protocol"
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
	// The teacher's fake camera and microphone play files that keep the
	// encoders at their caps (Chromium's own fake picture and beep are so
	// simple that they would measure less than a real camera and voice).
	teacher := newBrowserOpts(t, "teacher", []chromedp.ExecAllocatorOption{
		chromedp.Flag("use-file-for-fake-video-capture", camera),
		chromedp.Flag("use-file-for-fake-audio-capture", mic),
	})
	signIn(t, teacher, srv)

	// A class of 30 with personal links, and its lesson, through the API
	// with the teacher's session.
	var class struct {
		ID       string `json:"id"`
		Students []struct {
			Name string `json:"name"`
			Link string `json:"link"`
		} `json:"students"`
	}
	apiPost(t, teacher, "/api/classes", map[string]any{"name": "Messung 30"}, &class)
	names := make([]string, classSize)
	for i := range names {
		names[i] = fmt.Sprintf("Schüler %02d", i+1)
	}
	apiPost(t, teacher, "/api/classes/"+class.ID+"/students", map[string]any{"names": names}, &class)
	if len(class.Students) != classSize {
		t.Fatalf("class has %d students, want %d", len(class.Students), classSize)
	}
	var lesson struct {
		ID string `json:"id"`
	}
	apiPost(t, teacher, "/api/lessons", map[string]any{"classId": class.ID}, &lesson)
	do(t, teacher, "open the lesson", chromedp.Navigate(srv.URL+"/lesson/"+lesson.ID))
	waitFor(t, teacher, "lesson page", `!!document.querySelector('#lobby')`, 30*time.Second)
	t.Logf("%5.1fs teacher in the lesson", time.Since(start).Seconds())

	// 30 students join, a little apart (as a class does).
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	students := make([]*goStudent, classSize)
	var wg sync.WaitGroup
	for i, s := range class.Students {
		token := s.Link[strings.LastIndex(s.Link, "/s/")+3:]
		students[i] = &goStudent{name: s.Name, stream: fmt.Sprintf("student-%02d", i+1), connected: make(chan struct{})}
		wg.Add(1)
		go func(st *goStudent) {
			defer wg.Done()
			if err := st.run(ctx, srv.URL, token, clip); err != nil && ctx.Err() == nil {
				st.fail(err)
			}
		}(students[i])
		time.Sleep(100 * time.Millisecond)
	}
	defer func() {
		cancel()
		wg.Wait()
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

// apiPost calls the API from the teacher's page, with its session.
func apiPost(t *testing.T, page context.Context, path string, body, out any) {
	t.Helper()
	b, _ := json.Marshal(body)
	raw := eval[string](t, page, fmt.Sprintf(`fetch(%s, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: %s}).then(async r => r.status + ' ' + await r.text())`, jsString(path), jsString(string(b))))
	status, text, _ := strings.Cut(raw, " ")
	if status != "200" && status != "201" {
		t.Fatalf("POST %s: %s", path, raw)
	}
	if err := json.Unmarshal([]byte(text), out); err != nil {
		t.Fatalf("POST %s answered %q: %v", path, text, err)
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

// clip is a student's camera and microphone, encoded once per run.
type clip struct {
	video [][]byte // VP8 frames, 10 per second
	audio [][]byte // Opus packets, 20 ms each
}

// studentClip encodes what a capped student browser sends (320×240, 10
// frames/s, 150 kbit/s VP8 with a key frame every 2 s; 32 kbit/s Opus) with
// ffmpeg, and reads it back with pion's readers.
func studentClip(t *testing.T) clip {
	t.Helper()
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg not found: apt-get install ffmpeg (.ci/run installs it)")
	}
	dir := t.TempDir()
	ivf, ogg := filepath.Join(dir, "camera.ivf"), filepath.Join(dir, "mic.ogg")
	for _, args := range [][]string{
		// Noise keeps the encoder at its rate, as a real camera does.
		{"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10,noise=alls=12:allf=t", "-t", "20",
			"-c:v", "libvpx", "-b:v", "150k", "-minrate", "150k", "-maxrate", "150k",
			"-deadline", "realtime", "-cpu-used", "8", "-g", "20", "-f", "ivf", ivf},
		{"-f", "lavfi", "-i", "sine=frequency=440", "-t", "20",
			"-c:a", "libopus", "-b:a", "32k", "-page_duration", "20000", ogg},
	} {
		cmd := exec.Command(ffmpeg, append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg %v: %v\n%s", args, err, out)
		}
	}
	var c clip
	f, err := os.Open(ivf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	vr, _, err := ivfreader.NewWith(f)
	if err != nil {
		t.Fatal(err)
	}
	for {
		frame, _, err := vr.ParseNextFrame()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		c.video = append(c.video, frame)
	}
	g, err := os.Open(ogg)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	or, _, err := oggreader.NewWith(g)
	if err != nil {
		t.Fatal(err)
	}
	for {
		page, _, err := or.ParseNextPage()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > 0 && !strings.HasPrefix(string(page), "Opus") { // skip OpusHead, OpusTags
			c.audio = append(c.audio, page)
		}
	}
	if len(c.video) < 100 || len(c.audio) < 500 {
		t.Fatalf("clip has %d frames and %d audio packets", len(c.video), len(c.audio))
	}
	return c
}

// teacherMedia writes what the teacher's fake camera (640×360, 15
// frames/s, with noise: every frame differs, as a real camera's does) and
// microphone (a wavering tone with some noise, mono 48 kHz) play, looping.
func teacherMedia(t *testing.T) (camera, mic string) {
	t.Helper()
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg not found: apt-get install ffmpeg (.ci/run installs it)")
	}
	dir := t.TempDir()
	camera, mic = filepath.Join(dir, "teacher.y4m"), filepath.Join(dir, "teacher.wav")
	for _, args := range [][]string{
		{"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=15,noise=alls=12:allf=t", "-t", "4", "-pix_fmt", "yuv420p", camera},
		{"-f", "lavfi", "-i", "aevalsrc='0.3*sin(2*PI*(200+150*sin(2*PI*0.7*t))*t)*(0.5+0.5*sin(2*PI*3*t))+0.05*(random(0)-0.5)':s=48000:d=10", "-ac", "1", mic},
	} {
		cmd := exec.Command(ffmpeg, append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg %v: %v\n%s", args, err, out)
		}
	}
	return camera, mic
}

// goStudent is one student: a signaling WebSocket and a pion peer
// connection to the teacher, as the app's student page has.
type goStudent struct {
	name      string
	stream    string // the media stream id in the SDP: no spaces
	connected chan struct{}
	frames    atomic.Int64 // the teacher's video frames received
	pc        *webrtc.PeerConnection

	mu  sync.Mutex
	err error
}

func (s *goStudent) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
}

func (s *goStudent) failure() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// loopbackAPI makes pion use loopback host candidates only (the teacher's
// Chromium runs with --allow-loopback-in-peer-connection), without mDNS.
var loopbackAPI = sync.OnceValue(func() *webrtc.API {
	var se webrtc.SettingEngine
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	quiet := logging.NewDefaultLoggerFactory()
	quiet.DefaultLogLevel = logging.LogLevelDisabled // the interceptors complain when the test closes them
	se.LoggerFactory = quiet
	return webrtc.NewAPI(webrtc.WithSettingEngine(se))
})

// run joins with a personal link, offers to the teacher, sends the clip
// once connected and counts the teacher's frames, until ctx ends.
func (s *goStudent) run(ctx context.Context, serverURL, token string, c clip) error {
	h := http.Header{"Origin": {serverURL}}
	ws, _, err := websocket.DefaultDialer.DialContext(ctx, "ws"+strings.TrimPrefix(serverURL, "http")+"/ws", h)
	if err != nil {
		return fmt.Errorf("dial: %w", err)
	}
	defer ws.Close()
	go func() {
		<-ctx.Done()
		ws.Close()
	}()
	var wmu sync.Mutex
	send := func(typ string, data any) error {
		wmu.Lock()
		defer wmu.Unlock()
		return ws.WriteMessage(websocket.TextMessage, protocol.MustEncode(typ, data))
	}
	if err := send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Personal: token, Camera: true}); err != nil {
		return err
	}

	pc, err := loopbackAPI().NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return err
	}
	s.pc = pc
	defer pc.Close()
	video, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8}, "video", s.stream)
	if err != nil {
		return err
	}
	audio, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus}, "audio", s.stream)
	if err != nil {
		return err
	}
	for _, tr := range []webrtc.TrackLocal{video, audio} {
		sender, err := pc.AddTrack(tr)
		if err != nil {
			return err
		}
		go func() { // RTCP for the interceptors (NACK, reports)
			buf := make([]byte, 1500)
			for {
				if _, _, err := sender.Read(buf); err != nil {
					return
				}
			}
		}()
	}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		isVideo := tr.Kind() == webrtc.RTPCodecTypeVideo
		for {
			p, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			if isVideo && p.Marker {
				s.frames.Add(1)
			}
		}
	})
	pc.OnICECandidate(func(cand *webrtc.ICECandidate) {
		if cand == nil {
			return
		}
		init := cand.ToJSON()
		send(protocol.TypeSignal, protocol.Signal{To: protocol.TeacherPeer, Kind: protocol.SignalCandidate, Candidate: &protocol.Candidate{
			Candidate: init.Candidate, SDPMid: init.SDPMid, SDPMLineIndex: init.SDPMLineIndex, UsernameFragment: init.UsernameFragment,
		}})
	})
	var once sync.Once
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		switch st {
		case webrtc.PeerConnectionStateConnected:
			once.Do(func() {
				close(s.connected)
				go stream(ctx, video, c.video, 100*time.Millisecond)
				go stream(ctx, audio, c.audio, 20*time.Millisecond)
			})
		case webrtc.PeerConnectionStateFailed:
			s.fail(errors.New("peer connection failed"))
		}
	})

	offered := false
	remoteSet := false
	var pending []webrtc.ICECandidateInit
	offer := func() error {
		o, err := pc.CreateOffer(nil)
		if err != nil {
			return err
		}
		if err := pc.SetLocalDescription(o); err != nil {
			return err
		}
		offered = true
		return send(protocol.TypeSignal, protocol.Signal{To: protocol.TeacherPeer, Kind: protocol.SignalOffer, SDP: o.SDP})
	}
	for {
		_, raw, err := ws.ReadMessage()
		if err != nil {
			return fmt.Errorf("signaling: %w", err)
		}
		var env protocol.Envelope
		if err := json.Unmarshal(raw, &env); err != nil {
			return err
		}
		switch env.Type {
		case protocol.TypeWelcome:
			var w protocol.Welcome
			json.Unmarshal(env.Data, &w)
			if w.TeacherOnline && !offered {
				if err := offer(); err != nil {
					return err
				}
			}
		case protocol.TypeTeacherStatus:
			var ts protocol.TeacherStatus
			json.Unmarshal(env.Data, &ts)
			if ts.Online && !offered {
				if err := offer(); err != nil {
					return err
				}
			}
		case protocol.TypeSignal:
			var sig protocol.Signal
			if err := json.Unmarshal(env.Data, &sig); err != nil {
				return err
			}
			switch sig.Kind {
			case protocol.SignalAnswer:
				if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sig.SDP}); err != nil {
					return fmt.Errorf("answer: %w", err)
				}
				remoteSet = true
				for _, c := range pending {
					pc.AddICECandidate(c)
				}
				pending = nil
			case protocol.SignalCandidate:
				c := webrtc.ICECandidateInit{Candidate: sig.Candidate.Candidate, SDPMid: sig.Candidate.SDPMid,
					SDPMLineIndex: sig.Candidate.SDPMLineIndex, UsernameFragment: sig.Candidate.UsernameFragment}
				if !remoteSet {
					pending = append(pending, c)
				} else if err := pc.AddICECandidate(c); err != nil {
					return fmt.Errorf("candidate: %w", err)
				}
			}
		case protocol.TypeError:
			return fmt.Errorf("server: %s", env.Data)
		case protocol.TypeLessonEnded:
			return errors.New("lesson ended")
		}
	}
}

// stream sends samples at their pace, from the start again at the end.
func stream(ctx context.Context, track *webrtc.TrackLocalStaticSample, samples [][]byte, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := track.WriteSample(media.Sample{Data: samples[i%len(samples)], Duration: every}); err != nil && !errors.Is(err, io.ErrClosedPipe) {
			return
		}
	}
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
