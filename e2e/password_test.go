package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A teacher sets a first password on /konto right after the login link;
// changing it later asks for the current one, says so in German when it
// is wrong, and tells the teacher that other devices were signed out.
func TestAccountPageAsksForTheCurrentPassword(t *testing.T) {
	srv := startServer(t, freeAddr(t), t.TempDir())
	teacher := newBrowser(t, "teacher")
	do(t, teacher, "open login link", chromedp.Navigate(srv.LoginURL))
	do(t, teacher, "confirm login", chromedp.Click(chromedp.CSS("#login-submit")))
	waitFor(t, teacher, "account page", `location.pathname === '/konto'`, 20*time.Second)
	setPassword := func(current, next string) {
		t.Helper()
		waitFor(t, teacher, "password form ready", `(document.querySelector('#new-password') || {}).matches?.(':enabled')`, 30*time.Second)
		if current != "" {
			do(t, teacher, "type the current password", chromedp.SendKeys(chromedp.CSS("#current-password"), current))
		}
		do(t, teacher, "type a new password",
			chromedp.SendKeys(chromedp.CSS("#new-password"), next),
			chromedp.SendKeys(chromedp.CSS("#new-password-repeat"), next),
			chromedp.Click(chromedp.CSS("#save-password")),
		)
	}
	if eval[bool](t, teacher, `!!document.querySelector('#current-password')`) {
		t.Fatal("a teacher without a password is asked for the current one")
	}
	setPassword("", "erstes Passwort 1")
	waitFor(t, teacher, "saved", `!!document.querySelector('#password-saved')`, 20*time.Second)
	if txt := eval[string](t, teacher, `document.querySelector('#password-others').textContent`); !strings.Contains(txt, "abgemeldet") {
		t.Errorf("no word about other devices: %q", txt)
	}

	do(t, teacher, "open the account page again", chromedp.Navigate(srv.URL+"/konto"))
	waitFor(t, teacher, "current password asked", `!!document.querySelector('#current-password')`, 30*time.Second)
	setPassword("falsch geraten 2", "zweites Passwort 2")
	waitFor(t, teacher, "wrong current password refused", `!!document.querySelector('#password-error')`, 20*time.Second)
	if txt := eval[string](t, teacher, `document.querySelector('#password-error').textContent`); !strings.Contains(txt, "jetzige Passwort stimmt nicht") {
		t.Fatalf("error shown: %q", txt)
	}
	do(t, teacher, "clear the form", chromedp.Navigate(srv.URL+"/konto"))
	waitFor(t, teacher, "current password asked", `!!document.querySelector('#current-password')`, 30*time.Second)
	setPassword("erstes Passwort 1", "zweites Passwort 2")
	waitFor(t, teacher, "changed", `!!document.querySelector('#password-saved')`, 20*time.Second)
}
