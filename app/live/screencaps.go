package live

// What the teacher sends while sharing a screen. The screen takes the
// camera's place on each student connection (one video track a student,
// so the teacher's upload stays one video copy per student), and it is
// sent at its own resolution with few frames: a slide is text, and text
// must stay sharp, while motion hardly matters. The bitrate per student is
// what the teacher's upload leaves for video when shared by the class:
//
//	video = (ScreenUploadBudget / students − the sound's share) / (1 + video packet overhead)
//
// For a class of 30 that is about the camera's 64 kbit/s; a small group
// gets much more, up to ScreenMaxBitrate, so that a slide change arrives
// sharp sooner. `make bandwidth` measures a class of 30 (README,
// Performance).
const (
	// ScreenUploadBudget is the teacher's planned upload while sharing,
	// below the 4 Mbit/s home line with room for its ups and downs.
	ScreenUploadBudget = 3_500_000 // bit/s
	// screenAudioShare is what the sound costs per student connection on
	// the line: Opus 16 kbit/s, 50 packets a second of about 66 bytes of
	// headers (26 kbit/s) and RTCP (3 kbit/s).
	screenAudioShare = 45_000 // bit/s
	// screenVideoOverhead is what packet headers add to the video bitrate
	// (about 66 bytes on each packet of about 1,000).
	screenVideoOverhead = 0.07
	// ScreenMinBitrate is the floor for a very large class: below it a
	// changed slide takes too long to arrive.
	ScreenMinBitrate = 48_000 // bit/s
	// ScreenMaxBitrate is the ceiling for a small group: more does not
	// make a slide sharper, only the student's download heavier.
	ScreenMaxBitrate = 800_000 // bit/s
	// ScreenMaxFramerate: slides, documents and a pointer, not film.
	ScreenMaxFramerate = 5 // frames/s
)

// ScreenCaps is what the teacher sends each of students connections while
// sharing the screen: full resolution, few frames, a bitrate that keeps
// the whole upload inside ScreenUploadBudget.
func ScreenCaps(students int) Caps {
	students = max(students, 1)
	video := (float64(ScreenUploadBudget)/float64(students) - screenAudioShare) / (1 + screenVideoOverhead)
	video = min(max(video, ScreenMinBitrate), ScreenMaxBitrate)
	return Caps{
		VideoMaxBitrate:   float64(int(video/1000) * 1000),
		VideoMaxFramerate: ScreenMaxFramerate,
		ScaleDown:         1,
		AudioMaxBitrate:   TeacherAudioMaxBitrate,
		KeepResolution:    true,
	}
}
