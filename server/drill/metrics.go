package drill

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// ServerSample is what the server's /metrics said at one moment. A field is
// nil when the server does not expose that metric.
type ServerSample struct {
	RSSBytes       *int64 `json:"rss_bytes,omitempty"`
	HeapInuseBytes *int64 `json:"heap_inuse_bytes,omitempty"`
	Goroutines     *int64 `json:"goroutines,omitempty"`
	Connections    *int64 `json:"connections,omitempty"`
}

// The metrics the drill reads, in Prometheus text format.
var sampleMetrics = map[string]func(*ServerSample) **int64{
	"process_resident_memory_bytes": func(s *ServerSample) **int64 { return &s.RSSBytes },
	"go_memstats_heap_inuse_bytes":  func(s *ServerSample) **int64 { return &s.HeapInuseBytes },
	"go_goroutines":                 func(s *ServerSample) **int64 { return &s.Goroutines },
	"ersatzraum_connections":        func(s *ServerSample) **int64 { return &s.Connections },
}

// scrape reads base/metrics. It returns an explanation instead of a sample
// when the server does not expose metrics to the drill.
func scrape(ctx context.Context, hc *http.Client, base string) (*ServerSample, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return nil, err.Error()
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, "not exposed (" + err.Error() + ")"
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Sprintf("not exposed (GET /metrics: HTTP %d)", resp.StatusCode)
	}
	s, found := parseMetrics(bufio.NewScanner(resp.Body))
	if found == 0 {
		return nil, "not exposed (GET /metrics has none of the metrics the drill reads)"
	}
	return s, ""
}

// parseMetrics reads lines `name{labels} value [timestamp]` and sums the
// series of each metric the drill knows.
func parseMetrics(sc *bufio.Scanner) (*ServerSample, int) {
	s := &ServerSample{}
	found := 0
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		name, rest, _ := strings.Cut(line, " ")
		if i := strings.IndexByte(name, '{'); i >= 0 {
			// Labels may contain spaces; the value follows the closing brace.
			j := strings.LastIndexByte(line, '}')
			if j < i {
				continue
			}
			name, rest = line[:i], line[j+1:]
		}
		field, ok := sampleMetrics[name]
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			continue
		}
		p := field(s)
		if *p == nil {
			*p = new(int64)
			found++
		}
		**p += int64(v)
	}
	return s, found
}
