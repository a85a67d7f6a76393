package live

import (
	"testing"

	"ersatzraum/app/protocol"
)

// The teacher's lobby follows the server's changes: knocks are added
// (once each, announced), students who left are dropped, and a removal
// of someone not shown changes nothing.
func TestTeacherCallAppliesLobbyChanges(t *testing.T) {
	_, conn, _, seen := startTeacher(t)
	message(conn, protocol.TypeLobbyAdd, protocol.Knock{ID: "q1", Name: "Eve", At: 1})
	message(conn, protocol.TypeLobbyAdd, protocol.Knock{ID: "q2", Name: "Mallory", At: 2})
	message(conn, protocol.TypeLobbyAdd, protocol.Knock{ID: "q2", Name: "Mallory", At: 2}) // a repeat
	eventually(t, "two waiting", func() bool { return len(seen.get().Waiting) == 2 })
	if v := seen.get(); v.Announce.Kind != AnnounceKnock || v.Announce.Name != "Mallory" {
		t.Fatalf("announcement %+v", v.Announce)
	}
	message(conn, protocol.TypeLobbyRemove, protocol.LobbyRemoval{IDs: []string{"q1", "nobody"}})
	eventually(t, "Eve gone", func() bool {
		w := seen.get().Waiting
		return len(w) == 1 && w[0].ID == "q2"
	})
	message(conn, protocol.TypeLobbyRemove, protocol.LobbyRemoval{IDs: []string{"q2"}})
	eventually(t, "lobby empty", func() bool { return len(seen.get().Waiting) == 0 })
}
