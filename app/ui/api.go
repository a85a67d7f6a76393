package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"ersatzraum/app/protocol"
)

// apiCall sends a JSON request to the server's API with the browser's
// fetch and decodes the answer into out. A refusal comes back as the
// API's error code. It blocks: call it from ctx.Async.
//
// It uses fetch rather than net/http on purpose: net/http's client drags
// its whole TLS and HTTP/2 stack into the wasm (about 5 MB raw).
func apiCall(method, path string, in, out any) error {
	base := serverURL()
	// A page exported with `ersatzraum static` calls another origin: the
	// teacher's session cookie goes along where the browser sends it
	// (same site), and the server admits the origin with CORS.
	credentials := "same-origin"
	if base != "" {
		credentials = "include"
	}
	init := map[string]any{"method": method, "credentials": credentials}
	if raw, ok := in.(rawBody); ok {
		init["body"] = raw.text
		init["headers"] = map[string]any{"Content-Type": raw.contentType}
	} else if in != nil {
		body, err := json.Marshal(in)
		if err != nil {
			return err
		}
		init["body"] = string(body)
		init["headers"] = map[string]any{"Content-Type": "application/json"}
	}
	resp, err := awaitPromise(app.Window().Call("fetch", base+path, init))
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
		if json.Unmarshal(raw, &e) == nil && e.Error.Code != "" {
			return errors.New(e.Error.Code)
		}
		return fmt.Errorf("HTTP %d", status)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// awaitPromise blocks until a JavaScript promise settles.
func awaitPromise(p app.Value) (app.Value, error) {
	type result struct {
		v   app.Value
		err error
	}
	done := make(chan result, 1)
	var then, catch app.Func
	then = app.FuncOf(func(_ app.Value, args []app.Value) any {
		done <- result{v: args[0]}
		return nil
	})
	catch = app.FuncOf(func(_ app.Value, args []app.Value) any {
		done <- result{err: errors.New(args[0].Call("toString").String())}
		return nil
	})
	defer then.Release()
	defer catch.Release()
	p.Call("then", then).Call("catch", catch)
	r := <-done
	return r.v, r.err
}

// serverURL is the Ersatzraum server the page talks to, such as
// "https://ersatzraum.schule.example", or "" for the origin that served
// the page. `ersatzraum static` writes it into the exported page's
// environment (ERSATZRAUM_SERVER).
func serverURL() string {
	return strings.TrimRight(app.Getenv("ERSATZRAUM_SERVER"), "/")
}

// signalingURL is the WebSocket address of the server: the configured
// one, or the one that served the page.
func signalingURL() string {
	return wsURL(serverURL(), app.Window().Get("location").Get("protocol").String(), app.Window().Get("location").Get("host").String())
}

// wsURL builds the WebSocket address from a configured server address or,
// when there is none, from the page's own protocol and host.
func wsURL(server, pageProtocol, pageHost string) string {
	if rest, ok := strings.CutPrefix(server, "https://"); ok {
		return "wss://" + rest + "/ws"
	}
	if rest, ok := strings.CutPrefix(server, "http://"); ok {
		return "ws://" + rest + "/ws"
	}
	scheme := "ws://"
	if pageProtocol == "https:" {
		scheme = "wss://"
	}
	return scheme + pageHost + "/ws"
}

// rawBody sends text as it is (a CSV file) instead of JSON.
type rawBody struct {
	contentType string
	text        string
}
