package live

// AnnounceKind says what a screen reader is told about the room.
type AnnounceKind int

// Announcements.
const (
	AnnounceNone  AnnounceKind = iota
	AnnounceJoin               // a student came into the lesson
	AnnounceLeave              // a student left
	AnnounceKnock              // a student knocks in the lobby
)

// Announcement is the latest thing worth telling a screen reader. Seq
// grows with every announcement, so that the same words twice are still
// news.
type Announcement struct {
	Kind AnnounceKind
	Name string
	Seq  int
}

// pacer coalesces a call's changes into views: at most one view per
// viewPace, however many messages a burst brings, so that the page
// renders a class arriving at once a few times, not once per message.
type pacer struct {
	dirty     bool // something changed since the last view
	scheduled bool // a publish is on its way
}
