package httpapi

import (
	"encoding/json"
	"net/http"

	"ersatzraum/app/protocol"
)

// The API's JSON in and out. Bodies are app/protocol types, so that the
// browser reads exactly what is written here.

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, protocol.ErrorBody{Error: protocol.Error{Code: code, Message: message}})
}

// internal logs a failure and answers 500 without its details.
func (s *Server) internal(w http.ResponseWriter, what string, err error) {
	s.Log.Error(what, "err", err)
	writeError(w, http.StatusInternalServerError, protocol.ErrInternal, what+" failed")
}

// readJSON decodes a JSON body of at most 64 KiB (class lists, settings).
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, "the body must be JSON: "+err.Error())
		return false
	}
	return true
}
