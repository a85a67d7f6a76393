package live

import "errors"

var errNotOpen = errors.New("signaling connection is not open")
