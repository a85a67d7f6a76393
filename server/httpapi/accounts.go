package httpapi

import (
	"encoding/json"
	"errors"
	"html/template"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/accounts"
)

// clientAddr is the address failed logins are counted against.
func (s *Server) clientAddr(r *http.Request) netip.Addr {
	if s.ClientAddr != nil {
		return s.ClientAddr(r)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

// sameSite reports whether a state-changing request may come from where it
// comes from: a page of this server (Origin names this host, or
// Sec-Fetch-Site says same-origin), or a client that sends neither header
// (curl, old browsers). extra lists further origins that are admitted (the
// host of the exported static app, for the JSON API).
func sameSite(r *http.Request, extra []string) bool {
	origin := r.Header.Get("Origin")
	if origin == "null" {
		// Sent for sandboxed frames and privacy-sensitive redirects, but
		// also by a form on a page with a strict referrer policy: only the
		// browser's own Sec-Fetch-Site can vouch for it then.
		return r.Header.Get("Sec-Fetch-Site") == "same-origin"
	}
	if origin != "" {
		if slices.ContainsFunc(extra, func(o string) bool { return strings.EqualFold(strings.TrimRight(o, "/"), origin) }) {
			return true
		}
		u, err := url.Parse(origin)
		if err != nil || u.Host == "" || !strings.EqualFold(u.Host, r.Host) {
			return false
		}
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return true
	}
	return false
}

var loginFailedPage = template.Must(template.New("").Parse(`<!doctype html>
<html lang="de"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Anmeldung fehlgeschlagen – Ersatzraum</title>
<link rel="stylesheet" href="/web/app.css">
<main class="page"><h1>Anmeldung fehlgeschlagen</h1>
<p>Dieser Anmeldelink ist unbekannt, abgelaufen oder wurde schon benutzt.
Bitte lassen Sie sich von der Schul-IT einen neuen Link geben.</p>
<p lang="en">This login link is unknown, expired or already used.</p>
<p><a href="/">Zur Startseite</a></p></main></html>`))

var loginConfirmPage = template.Must(template.New("").Parse(`<!doctype html>
<html lang="de"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Anmelden – Ersatzraum</title>
<link rel="stylesheet" href="/web/app.css">
<main class="page"><h1>Bei Ersatzraum anmelden</h1>
<p>Dieser Anmeldelink gilt nur einmal. Mit „Anmelden“ wird er eingelöst und
Sie sind auf diesem Gerät angemeldet.</p>
<p lang="en">This one-time link signs you in on this device.</p>
<form method="post" action="/login">
<input type="hidden" name="token" value="{{.}}">
<button type="submit" id="login-submit" class="button big">Anmelden</button>
</form></main></html>`))

// loginPage answers a login link with a button. Opening the link does not
// use it up: chat apps and mail scanners fetch links before a person does.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if token == "" || len(token) > 128 {
		w.WriteHeader(http.StatusBadRequest)
		loginFailedPage.Execute(w, nil)
		return
	}
	loginConfirmPage.Execute(w, token)
}

// loginSubmit redeems a login link (the form of loginPage).
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if !sameSite(r, nil) {
		http.Error(w, "Anmeldung nur über die Seite dieses Servers.", http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	cookie, teacher, err := s.Accounts.RedeemLoginLinkFor(r.Context(), r.PostFormValue("token"), r.TLS != nil)
	if errors.Is(err, accounts.ErrInvalidLink) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		loginFailedPage.Execute(w, nil)
		return
	}
	if err != nil {
		s.Log.Error("login failed", "err", err)
		http.Error(w, "Interner Fehler", http.StatusInternalServerError)
		return
	}
	http.SetCookie(w, cookie)
	if dc := s.Accounts.DeviceCookie(teacher.ID, r.TLS != nil); dc != nil {
		http.SetCookie(w, dc)
	}
	next := "/"
	if !teacher.HasPassword {
		next = "/konto"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) {
	if !sameSite(r, s.AllowedOrigins) {
		writeError(w, http.StatusForbidden, protocol.ErrCrossSite, "sign in from this server's pages")
		return
	}
	var req protocol.LoginRequest
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, `body must be JSON: {"name": "...", "password": "..."}`)
		return
	}
	var device string
	if c, err := r.Cookie(accounts.DeviceCookieName); err == nil {
		device = c.Value
	}
	cookie, err := s.Accounts.LoginFrom(r.Context(), req.Name, req.Password, s.clientAddr(r), device, r.TLS != nil)
	if err != nil {
		s.accountError(w, err)
		return
	}
	http.SetCookie(w, cookie)
	t, err := s.Accounts.Store.TeacherByName(r.Context(), req.Name)
	if err != nil {
		writeJSON(w, http.StatusOK, struct{}{})
		return
	}
	if dc := s.Accounts.DeviceCookie(t.ID, r.TLS != nil); dc != nil {
		http.SetCookie(w, dc) // this browser: its own login budget from now on
	}
	writeJSON(w, http.StatusOK, protocol.Me{Teacher: protocol.TeacherInfo{ID: t.ID, Name: t.Name}})
}

func (s *Server) apiPassword(w http.ResponseWriter, r *http.Request) {
	if !sameSite(r, s.AllowedOrigins) {
		writeError(w, http.StatusForbidden, protocol.ErrCrossSite, "change the password from this server's pages")
		return
	}
	t, err := s.Accounts.TeacherFromRequest(r)
	if err != nil {
		writeError(w, http.StatusUnauthorized, protocol.ErrUnauthorized, "sign in as a teacher first")
		return
	}
	var req protocol.PasswordRequest
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, protocol.ErrBadPayload, `body must be JSON: {"password": "..."}`)
		return
	}
	if err := s.Accounts.ChangePassword(r.Context(), r, t, req.Current, req.Password, s.clientAddr(r)); err != nil {
		s.accountError(w, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) accountError(w http.ResponseWriter, err error) {
	var limited *accounts.RateLimitedError
	switch {
	case errors.Is(err, accounts.ErrBadLogin):
		writeError(w, http.StatusUnauthorized, protocol.ErrBadLogin, "name or password is wrong")
	case errors.As(err, &limited):
		w.Header().Set("Retry-After", strconv.Itoa(int(limited.RetryAfter.Round(time.Second)/time.Second)))
		writeError(w, http.StatusTooManyRequests, protocol.ErrRateLimited, "too many failed logins: try again later")
	case errors.Is(err, accounts.ErrBusy):
		w.Header().Set("Retry-After", "2")
		writeError(w, http.StatusServiceUnavailable, protocol.ErrBusy, "too many logins at once: try again in a moment")
	case errors.Is(err, accounts.ErrWrongPassword):
		writeError(w, http.StatusForbidden, protocol.ErrWrongPassword, "give the current password (or open a new login link) to change it")
	case errors.Is(err, accounts.ErrWeakPassword):
		writeError(w, http.StatusBadRequest, protocol.ErrWeakPassword, err.Error())
	default:
		s.Log.Error("account request failed", "err", err)
		writeError(w, http.StatusInternalServerError, protocol.ErrInternal, "internal error")
	}
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	cookie, err := s.Accounts.Logout(r)
	if err != nil {
		writeError(w, http.StatusInternalServerError, protocol.ErrInternal, "logout failed")
		return
	}
	http.SetCookie(w, cookie)
	writeJSON(w, http.StatusOK, struct{}{})
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	t, err := s.Accounts.TeacherFromRequest(r)
	if err != nil {
		writeError(w, http.StatusUnauthorized, protocol.ErrUnauthorized, "not signed in")
		return
	}
	writeJSON(w, http.StatusOK, protocol.Me{Teacher: protocol.TeacherInfo{ID: t.ID, Name: t.Name, HasPassword: t.HasPassword}})
}
