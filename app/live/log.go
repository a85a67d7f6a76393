package live

import "log"

// logf notes what went wrong in a call where no one waits for an error
// (the browser's console, the test's output).
func logf(format string, args ...any) { log.Printf("live: "+format, args...) }
