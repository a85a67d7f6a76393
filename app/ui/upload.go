package ui

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/protocol"
)

// httpError is a refusal from the API: its status and error code. A
// network failure is a plain error instead, so that callers (the outbox)
// can tell "try again later" from "the server said no".
type httpError struct {
	status int
	code   string
}

func (e *httpError) Error() string {
	if e.code != "" {
		return e.code
	}
	return fmt.Sprintf("HTTP %d", e.status)
}

// fetchAPI sends a request with an optional body (FormData, a Blob or a
// string; nil for none) and headers, and decodes a JSON answer into out.
// It blocks: call it from ctx.Async.
func fetchAPI(method, path string, body app.Value, headers map[string]any, out any) error {
	resp, err := fetchRaw(method, path, body, headers)
	if err != nil {
		return err
	}
	text, err := awaitPromise(resp.Call("text"))
	if err != nil {
		return err
	}
	raw := []byte(text.String())
	if status := resp.Get("status").Int(); status >= 300 {
		var e protocol.ErrorBody
		json.Unmarshal(raw, &e)
		return &httpError{status: status, code: e.Error.Code}
	}
	if out == nil || len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// fetchBlob downloads a file as a Blob.
func fetchBlob(path string, headers map[string]any) (app.Value, error) {
	resp, err := fetchRaw("GET", path, nil, headers)
	if err != nil {
		return nil, err
	}
	if status := resp.Get("status").Int(); status >= 300 {
		return nil, &httpError{status: status}
	}
	return awaitPromise(resp.Call("blob"))
}

func fetchRaw(method, path string, body app.Value, headers map[string]any) (app.Value, error) {
	base := serverURL()
	credentials := "same-origin"
	if base != "" {
		credentials = "include"
	}
	init := map[string]any{"method": method, "credentials": credentials}
	if body != nil {
		init["body"] = body
	}
	if headers != nil {
		init["headers"] = headers
	}
	return awaitPromise(app.Window().Call("fetch", base+path, init))
}

// newFormData makes an empty multipart body.
func newFormData() app.Value { return app.Window().Get("FormData").New() }

// uploadFile sends one file as the multipart field protocol.FieldFile.
func uploadFile(path string, file app.Value, out any) error {
	fd := newFormData()
	fd.Call("append", protocol.FieldFile, file, file.Get("name").String())
	return fetchAPI("POST", path, fd, nil, out)
}

// bearer is the header that names a student by their personal link.
func bearer(token string) map[string]any {
	return map[string]any{"Authorization": "Bearer " + token}
}

// isRefusal tells whether err is an answer of the server (not a network
// failure), and which.
func isRefusal(err error) (*httpError, bool) {
	var he *httpError
	ok := errors.As(err, &he)
	return he, ok
}
