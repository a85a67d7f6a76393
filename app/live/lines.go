package live

// Line is what the teacher's page really knows about one student's
// connection, for the roll call to say. "Connected" is said only when
// the media connection to the student is up and the server reaches
// both: while the teacher's own signaling is down, the page knows only
// what its media connections tell it, and says so.
type Line string

// What a roll-call line can say about the connection.
const (
	LineOffline     Line = "offline"     // the student is not in the lesson (as the server last said)
	LineConnecting  Line = "connecting"  // in the lesson; the media connection is not up yet
	LineConnected   Line = "connected"   // in the lesson, and the media connection is up
	LineInterrupted Line = "interrupted" // in the lesson, but the media stopped; it is being restored
	LineMediaOnly   Line = "media-only"  // the server is out of reach, the media connection is up
	LineUnknown     Line = "unknown"     // the server is out of reach, no media connection is up
)

// Lines lists every state a line can be in.
var Lines = []Line{LineOffline, LineConnecting, LineConnected, LineInterrupted, LineMediaOnly, LineUnknown}

// lines says what each roll-call line shows, for a view.
func (c *TeacherCall) lines() map[string]Line {
	out := make(map[string]Line, len(c.view.Entries))
	for _, e := range c.view.Entries {
		out[e.ID] = c.line(e.ID, e.Online)
	}
	return out
}

// line is what the page knows of one student: online is what the server
// said last.
func (c *TeacherCall) line(id string, online bool) Line {
	up := c.linked[id]
	if c.view.Reconnecting {
		switch {
		case up:
			return LineMediaOnly
		case !online:
			// Nobody can join while the server is away.
			return LineOffline
		}
		return LineUnknown
	}
	switch {
	case !online:
		return LineOffline
	case c.view.Interrupted[id]:
		return LineInterrupted
	case up:
		return LineConnected
	}
	return LineConnecting
}
