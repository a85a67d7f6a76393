package live

import "testing"

// The screen's bitrate shares the teacher's upload among the class: a
// class of 30 stays inside the budget with its sound, a small group gets
// more, and no class gets less than the floor or more than the ceiling.
func TestScreenCapsShareTheUpload(t *testing.T) {
	for _, n := range []int{1, 2, 5, 10, 20, 30, 40} {
		c := ScreenCaps(n)
		perStudent := c.VideoMaxBitrate*(1+screenVideoOverhead) + screenAudioShare
		if c.VideoMaxBitrate > ScreenMinBitrate && perStudent*float64(n) > ScreenUploadBudget {
			t.Errorf("%d students: %.0f kbit/s each, %.2f Mbit/s in all, over the budget", n, perStudent/1000, perStudent*float64(n)/1e6)
		}
		if c.VideoMaxBitrate < ScreenMinBitrate || c.VideoMaxBitrate > ScreenMaxBitrate {
			t.Errorf("%d students: %.0f kbit/s outside [%d, %d]", n, c.VideoMaxBitrate/1000, ScreenMinBitrate/1000, ScreenMaxBitrate/1000)
		}
		if !c.KeepResolution || c.ScaleDown != 1 || c.VideoMaxFramerate != ScreenMaxFramerate {
			t.Errorf("%d students: %+v does not keep the screen's resolution at a low frame rate", n, c)
		}
	}
	if a, b := ScreenCaps(5).VideoMaxBitrate, ScreenCaps(30).VideoMaxBitrate; a <= b {
		t.Errorf("5 students get %.0f kbit/s, 30 get %.0f: a small group should get more", a/1000, b/1000)
	}
	if got := ScreenCaps(30).VideoMaxBitrate; got < 55_000 {
		t.Errorf("a class of 30 gets %.0f kbit/s for the screen, less than the camera's share", got/1000)
	}
}
