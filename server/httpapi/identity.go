package httpapi

import (
	"net/http"

	"ersatzraum/server/accounts"
	"ersatzraum/server/signaling"
)

// TeacherIdentity tells the signaling endpoint which teacher, if any, is
// behind a WebSocket upgrade: the owner of a valid session cookie.
func TeacherIdentity(accts *accounts.Service) func(*http.Request) signaling.Identity {
	return func(r *http.Request) signaling.Identity {
		t, err := accts.TeacherFromRequest(r)
		if err != nil {
			return signaling.Identity{}
		}
		return signaling.Identity{TeacherID: t.ID}
	}
}
