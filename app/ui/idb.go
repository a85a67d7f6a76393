package ui

import (
	"errors"
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// A small wrapper around the browser's IndexedDB: the database
// "ersatzraum" with the stores "files" (attachments by hash) and
// "outbox" (hand-ins waiting to be sent, in creation order). Every call
// blocks: use them from ctx.Async.
//
// Files are kept as their bytes, never as Blobs: WebKit's IndexedDB
// (Safari on every iPad, WebKitGTK) refuses a Blob with UnknownError,
// while an ArrayBuffer works in every engine (idbBytes, idbBlob).

const (
	idbName    = "ersatzraum"
	idbVersion = 1
	storeFiles = "files"
	storeOut   = "outbox"
)

var (
	idbMu sync.Mutex
	idbDB app.Value
)

func idbOpen() (app.Value, error) {
	idbMu.Lock()
	defer idbMu.Unlock()
	if idbDB != nil {
		return idbDB, nil
	}
	factory := app.Window().Get("indexedDB")
	if !factory.Truthy() {
		return nil, errors.New("no IndexedDB")
	}
	req := factory.Call("open", idbName, idbVersion)
	upgrade := app.FuncOf(func(app.Value, []app.Value) any {
		db := req.Get("result")
		names := db.Get("objectStoreNames")
		if !names.Call("contains", storeFiles).Bool() {
			db.Call("createObjectStore", storeFiles)
		}
		if !names.Call("contains", storeOut).Bool() {
			db.Call("createObjectStore", storeOut, map[string]any{"keyPath": "seq", "autoIncrement": true})
		}
		return nil
	})
	defer upgrade.Release()
	req.Set("onupgradeneeded", upgrade)
	db, err := idbWait(req, "success")
	if err != nil {
		return nil, err
	}
	idbDB = db
	return db, nil
}

// idbWait waits for a request's (or transaction's) success event.
func idbWait(target app.Value, event string) (app.Value, error) {
	done := make(chan error, 2)
	ok := app.FuncOf(func(app.Value, []app.Value) any {
		done <- nil
		return nil
	})
	fail := app.FuncOf(func(app.Value, []app.Value) any {
		msg := "IndexedDB error"
		if e := target.Get("error"); e.Truthy() {
			msg = e.Call("toString").String()
		}
		done <- errors.New(msg)
		return nil
	})
	defer ok.Release()
	defer fail.Release()
	target.Set("on"+event, ok)
	target.Set("onerror", fail)
	target.Set("onabort", fail)
	if err := <-done; err != nil {
		return nil, err
	}
	if event == "complete" {
		return nil, nil
	}
	return target.Get("result"), nil
}

func idbStore(store, mode string) (tx, os app.Value, err error) {
	db, err := idbOpen()
	if err != nil {
		return nil, nil, err
	}
	tx = db.Call("transaction", store, mode)
	return tx, tx.Call("objectStore", store), nil
}

// idbGet returns the value under key, or undefined.
func idbGet(store string, key any) (app.Value, error) {
	_, os, err := idbStore(store, "readonly")
	if err != nil {
		return nil, err
	}
	return idbWait(os.Call("get", key), "success")
}

// idbAll returns every value of a store in key order.
func idbAll(store string) ([]app.Value, error) {
	_, os, err := idbStore(store, "readonly")
	if err != nil {
		return nil, err
	}
	res, err := idbWait(os.Call("getAll"), "success")
	if err != nil {
		return nil, err
	}
	out := make([]app.Value, res.Length())
	for i := range out {
		out[i] = res.Index(i)
	}
	return out, nil
}

// idbPut stores a value (under key, or under its own key path when key is
// nil) and returns once the transaction is committed.
func idbPut(store string, value any, key any) error {
	tx, os, err := idbStore(store, "readwrite")
	if err != nil {
		return err
	}
	if key == nil {
		os.Call("put", value)
	} else {
		os.Call("put", value, key)
	}
	_, err = idbWait(tx, "complete")
	return err
}

// idbDelete removes the value under key.
func idbDelete(store string, key any) error {
	tx, os, err := idbStore(store, "readwrite")
	if err != nil {
		return err
	}
	os.Call("delete", key)
	_, err = idbWait(tx, "complete")
	return err
}

// idbBytes reads a Blob (or File) into what IndexedDB keeps of it: its
// bytes and its type.
func idbBytes(blob app.Value) (map[string]any, error) {
	buf, err := awaitPromise(blob.Call("arrayBuffer"))
	if err != nil {
		return nil, err
	}
	return map[string]any{"type": blob.Get("type").String(), "data": buf}, nil
}

// idbBlob turns what idbBytes kept (or a record holding those fields)
// back into a Blob. A record of an older version, which held the Blob
// itself (or a "blob" field), is returned as that Blob.
func idbBlob(rec app.Value) app.Value {
	if b := rec.Get("blob"); b.Truthy() {
		return b
	}
	data := rec.Get("data")
	if !data.Truthy() {
		return rec
	}
	return app.Window().Get("Blob").New([]any{data}, map[string]any{"type": rec.Get("type").String()})
}
