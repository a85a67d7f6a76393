package e2e

// What the class-of-30 benchmarks share (bandwidth_test.go, burst_test.go):
// a class with personal links and its lesson set up through the API, and
// students as Go clients (pion, native WebRTC) that send a real VP8 picture
// and Opus sound, as a capped student browser does.

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

// newMediaTeacher starts the teacher's browser, whose fake camera and
// microphone play the files of teacherMedia: they keep the encoders at
// their caps (Chromium's own fake picture and beep are so simple that they
// would measure less than a real camera and voice). The teacher is signed
// in on the start page.
func newMediaTeacher(t *testing.T, srv *server, camera, mic string) context.Context {
	t.Helper()
	teacher := newBrowserOpts(t, "teacher", []chromedp.ExecAllocatorOption{
		chromedp.Flag("use-file-for-fake-video-capture", camera),
		chromedp.Flag("use-file-for-fake-audio-capture", mic),
	})
	signIn(t, teacher, srv)
	return teacher
}

// classStudent is one student of a class: name and personal link token.
type classStudent struct {
	Name  string
	Token string
}

// openClassLesson creates a class of n students with personal links and
// its lesson, through the API with the teacher's session (signed in), and
// opens the lesson on the teacher's page.
func openClassLesson(t *testing.T, teacher context.Context, srv *server, className string, n int) []classStudent {
	t.Helper()
	var class struct {
		ID       string `json:"id"`
		Students []struct {
			Name string `json:"name"`
			Link string `json:"link"`
		} `json:"students"`
	}
	apiPost(t, teacher, "/api/classes", map[string]any{"name": className}, &class)
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("Schüler %02d", i+1)
	}
	apiPost(t, teacher, "/api/classes/"+class.ID+"/students", map[string]any{"names": names}, &class)
	if len(class.Students) != n {
		t.Fatalf("class has %d students, want %d", len(class.Students), n)
	}
	var lesson struct {
		ID string `json:"id"`
	}
	apiPost(t, teacher, "/api/lessons", map[string]any{"classId": class.ID}, &lesson)
	do(t, teacher, "open the lesson", chromedp.Navigate(srv.URL+"/lesson/"+lesson.ID))
	waitFor(t, teacher, "lesson page", `!!document.querySelector('#lobby')`, 30*time.Second)
	out := make([]classStudent, n)
	for i, s := range class.Students {
		out[i] = classStudent{Name: s.Name, Token: s.Link[strings.LastIndex(s.Link, "/s/")+3:]}
	}
	return out
}

// startStudents lets the students join by personal link as Go clients,
// one every spacing, and returns them at once (joining goes on in the
// background). They run until ctx ends; wait waits for all of them.
func startStudents(ctx context.Context, serverURL string, class []classStudent, c clip, spacing time.Duration) (students []*goStudent, wait func()) {
	students = make([]*goStudent, len(class))
	for i, s := range class {
		students[i] = &goStudent{name: s.Name, stream: fmt.Sprintf("student-%02d", i+1), connected: make(chan struct{})}
	}
	var wg sync.WaitGroup
	started := make(chan struct{})
	go func() {
		defer close(started)
		for i, st := range students {
			if i > 0 && spacing > 0 {
				time.Sleep(spacing)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := st.run(ctx, serverURL, class[i].Token, c); err != nil && ctx.Err() == nil {
					st.fail(err)
				}
			}()
		}
	}()
	return students, func() {
		<-started
		wg.Wait()
	}
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
	// lastAudio is when the teacher's last audio packet arrived (Unix
	// ms): during group work the teacher sends none to a group it does
	// not visit.
	lastAudio atomic.Int64
	pc        *webrtc.PeerConnection

	joinedAt    atomic.Int64 // Unix ms: the signaling socket opened
	connectedAt atomic.Int64 // Unix ms: the peer connection connected

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
	s.joinedAt.Store(time.Now().UnixMilli())
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
			if !isVideo {
				s.lastAudio.Store(time.Now().UnixMilli())
			}
		}
	})
	// offerOut is set once the offer is sent; candidates gathered before
	// travel inside it.
	var offerOut atomic.Bool
	pc.OnICECandidate(func(cand *webrtc.ICECandidate) {
		if cand == nil || !offerOut.Load() {
			return // before the offer goes out, candidates travel inside it
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
				s.connectedAt.Store(time.Now().UnixMilli())
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
		// As the app's students do, the offer waits for the candidates
		// and carries them (app/live's Peer.offer says why).
		gathered := webrtc.GatheringCompletePromise(pc)
		if err := pc.SetLocalDescription(o); err != nil {
			return err
		}
		select {
		case <-gathered:
		case <-time.After(2 * time.Second):
		}
		offered = true
		sdp := pc.LocalDescription().SDP
		offerOut.Store(true)
		return send(protocol.TypeSignal, protocol.Signal{To: protocol.TeacherPeer, Kind: protocol.SignalOffer, SDP: sdp})
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
