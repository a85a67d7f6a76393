package drill

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

const sessionCookie = "ersatzraum_session"

func newHTTPClient() *http.Client {
	return &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       15 * time.Second,
	}
}

// login redeems the one-time login link and returns the Cookie header
// value for the teacher's session. Like the button on the page that the
// link opens, it posts the link's token to /login.
func login(ctx context.Context, hc *http.Client, link string) (string, error) {
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("token") == "" {
		return "", fmt.Errorf("login link %q: want URL/login?token=...", link)
	}
	form := url.Values{"token": {u.Query().Get("token")}}
	target := u.Scheme + "://" + u.Host + "/login"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("login link %q: %w", link, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", u.Scheme+"://"+u.Host)
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("login link: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie && c.Value != "" && resp.StatusCode < 400 {
			return c.Name + "=" + c.Value, nil
		}
	}
	if resp.StatusCode == http.StatusBadRequest {
		return "", fmt.Errorf("login link refused (HTTP 400): it is unknown, expired or already used; every server start prints a fresh one")
	}
	return "", fmt.Errorf("login link gave HTTP %d and no %s cookie", resp.StatusCode, sessionCookie)
}

// lesson is one lesson the drill started.
type lesson struct {
	ID   string `json:"id"`
	Code string `json:"code"`
}

// createLessons starts n lessons through the API, a few at a time.
// createLessons starts n lessons, in turn on each of bases (several
// nodes: each node then hosts its share, as behind a load balancer).
func createLessons(ctx context.Context, hc *http.Client, bases []string, cookie string, n int) ([]lesson, error) {
	out := make([]lesson, n)
	errs := make(chan error, n)
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(n, 4) {
		wg.Go(func() {
			for i := range work {
				l, err := createLesson(ctx, hc, bases[i%len(bases)], cookie, "Drill "+strconv.Itoa(i+1))
				if err != nil {
					errs <- err
					continue
				}
				out[i] = l
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return out, nil
}

func createLesson(ctx context.Context, hc *http.Client, base, cookie, title string) (lesson, error) {
	body, _ := json.Marshal(map[string]string{"title": title})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/lessons", bytes.NewReader(body))
	if err != nil {
		return lesson{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Cookie", cookie)
	resp, err := hc.Do(req)
	if err != nil {
		return lesson{}, fmt.Errorf("start lesson: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusCreated {
		return lesson{}, fmt.Errorf("start lesson: HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(raw)))
	}
	var l lesson
	if err := json.Unmarshal(raw, &l); err != nil || l.ID == "" || l.Code == "" {
		return lesson{}, fmt.Errorf("start lesson: unexpected answer %q", raw)
	}
	return l, nil
}
