package live

import "time"

// screenShare is the teacher's shared screen. Its fields belong to the
// call's goroutine, like the rest of the call's state.
type screenShare struct {
	picking bool // the browser's picker is open
	seq     int  // counts shares, so that a late "ended" of an old one is ignored
	recap   bool // new caps for the class size are on their way
}

// ShareScreen asks the teacher for a screen, window or tab to share and
// sends it to every student in place of the camera. It returns at once;
// the view says Sharing when it runs.
func (c *TeacherCall) ShareScreen() {
	c.do(func() {
		if c.share.picking || c.view.Sharing || c.over {
			return
		}
		c.share.picking = true
		c.view.ShareError = ""
		seq := c.share.seq + 1
		ended := func() { c.client.Do(func() { c.endShare(seq) }) }
		// The picker waits for the teacher: never on the call's goroutine.
		go func() {
			screen, err := c.Display(ended)
			c.client.Do(func() { c.startShare(seq, screen, err) })
		}()
	})
}

// StopSharing ends the screen sharing and brings back the camera.
func (c *TeacherCall) StopSharing() { c.do(func() { c.endShare(c.share.seq) }) }

func (c *TeacherCall) do(f func()) {
	if c.client != nil {
		c.client.Do(f)
	}
}

func (c *TeacherCall) startShare(seq int, screen Stream, err error) {
	c.share.picking = false
	switch {
	case err == ErrShareCancelled:
	case err != nil:
		// The browser's message is English and technical: the page
		// words the reason, the console keeps the message.
		logf("share: %v", err)
		c.view.ShareError = mediaReason(err)
	case c.over:
		screen.Stop()
	default:
		c.share.seq = seq
		c.view.Sharing, c.view.Screen = true, screen
		c.sendPicture()
	}
	c.changed()
}

// endShare stops share seq (the browser's stop button may report a share
// that already ended).
func (c *TeacherCall) endShare(seq int) {
	if !c.view.Sharing || seq != c.share.seq {
		return
	}
	c.view.Screen.Stop()
	c.view.Sharing, c.view.Screen = false, Stream{}
	c.sendPicture()
	c.changed()
}

// picture is what the teacher's video sender carries: the shared screen,
// or the camera.
func (c *TeacherCall) picture() Stream {
	if c.view.Sharing {
		return c.view.Screen
	}
	return c.view.Local
}

// caps is what each student connection may carry now: the screen's caps
// depend on how many students share the teacher's upload.
func (c *TeacherCall) caps() Caps {
	if c.view.Sharing {
		return ScreenCaps(len(c.peers))
	}
	return TeacherCaps
}

// sendPicture puts the current picture and caps on every connection,
// without renegotiating (the video sender's track is replaced). A
// student on sound only gets no picture either way.
func (c *TeacherCall) sendPicture() {
	caps := c.caps()
	for id, p := range c.peers {
		p.SetCaps(caps)
		if c.videoFor(id) {
			p.SendVideo(c.picture(), true)
		}
	}
}

// recapAfter is how long the call waits after a connection came or went
// before it shares the upload out anew: a class arriving at once costs
// one round of new caps, not one per student.
const recapAfter = time.Second

// classChanged follows a connection that came or went: while sharing,
// the screen's bitrate depends on how many connections share the upload.
// A new connection gets its caps when it is built.
func (c *TeacherCall) classChanged() {
	if !c.view.Sharing || c.share.recap {
		return
	}
	c.share.recap = true
	time.AfterFunc(recapAfter, func() {
		c.client.Do(func() {
			c.share.recap = false
			if !c.view.Sharing || c.over {
				return
			}
			caps := c.caps()
			for _, p := range c.peers {
				p.SetCaps(caps)
			}
		})
	})
}
