package live

// What each side may send over one peer connection. The class is a star
// around the teacher: every student has one connection, to the teacher, so
// the teacher's upload carries one copy of its picture and sound per
// student. These caps make a class of 30 fit a home line (teacher upload
// under 4 Mbit/s, each student's upload under 250 kbit/s and download
// under 1 Mbit/s); `make bandwidth` measures it (README, Performance).
//
// Budget per student connection on the teacher's line, with the packet
// overhead that the bitrate caps do not count (RTP header and extensions,
// SRTP tag, UDP and IPv4: about 66 bytes a packet, so about 26 kbit/s for
// 50 audio packets a second whatever the audio bitrate):
//
//	video 64 + audio 16 + audio packets 26 + video packets 6 + RTCP 3 ≈ 115 kbit/s
//	30 students ≈ 3.5 Mbit/s
//
// The price: for a class of 30 the teacher's picture is small (320×180 at
// 10 frames a second, 64 kbit/s). A bigger teacher picture for large
// classes needs the teacher to send once and a server to fan out (an SFU,
// or simulcast with a relay), which Ersatzraum does not have yet.
const (
	// Students send a thumbnail for the teacher's grid; the camera is
	// already asked for 320×240 (studentCamera in app/ui).
	StudentVideoMaxBitrate   = 150_000 // bit/s
	StudentVideoMaxFramerate = 10      // frames/s
	StudentVideoScaleDown    = 1       // the camera's size as asked
	StudentAudioMaxBitrate   = 32_000  // bit/s

	// The teacher, per student connection: the camera's 640×360 halved.
	TeacherVideoMaxBitrate   = 64_000 // bit/s
	TeacherVideoMaxFramerate = 10     // frames/s
	TeacherVideoScaleDown    = 2      // 640×360 → 320×180
	TeacherAudioMaxBitrate   = 16_000 // bit/s: Opus wideband speech
)

// Caps limits what one peer connection sends. Zero leaves a value to the
// browser.
type Caps struct {
	VideoMaxBitrate   float64 // bit/s
	VideoMaxFramerate float64 // frames/s
	ScaleDown         float64 // the camera's width and height divided by this
	AudioMaxBitrate   float64 // bit/s
	// KeepResolution: under a tight line the encoder drops frames, not
	// pixels (a shared screen's text must stay readable).
	KeepResolution bool
}

// StudentCaps is what a student sends to the teacher.
var StudentCaps = Caps{
	VideoMaxBitrate:   StudentVideoMaxBitrate,
	VideoMaxFramerate: StudentVideoMaxFramerate,
	ScaleDown:         StudentVideoScaleDown,
	AudioMaxBitrate:   StudentAudioMaxBitrate,
}

// TeacherCaps is what the teacher sends to each student.
var TeacherCaps = Caps{
	VideoMaxBitrate:   TeacherVideoMaxBitrate,
	VideoMaxFramerate: TeacherVideoMaxFramerate,
	ScaleDown:         TeacherVideoScaleDown,
	AudioMaxBitrate:   TeacherAudioMaxBitrate,
}

// encoding returns the RTCRtpEncodingParameters fields the caps set for a
// track of kind ("audio" or "video").
func (c Caps) encoding(kind string) map[string]float64 {
	e := make(map[string]float64)
	switch kind {
	case "video":
		if c.VideoMaxBitrate > 0 {
			e["maxBitrate"] = c.VideoMaxBitrate
		}
		if c.VideoMaxFramerate > 0 {
			e["maxFramerate"] = c.VideoMaxFramerate
		}
		if c.ScaleDown >= 1 {
			e["scaleResolutionDownBy"] = c.ScaleDown
		}
	case "audio":
		if c.AudioMaxBitrate > 0 {
			e["maxBitrate"] = c.AudioMaxBitrate
		}
	}
	return e
}
