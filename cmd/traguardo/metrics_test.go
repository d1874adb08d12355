package main

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestReadConfig_Metrics: METRICS_ADDR is off when unset, an address
// otherwise, never ADDR's; doctor says where the metrics are served.
func TestReadConfig_Metrics(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	if c, err := readConfig(env()); err != nil || c.metricsAddr != "" {
		t.Errorf("unset: %q, %v", c.metricsAddr, err)
	}
	if c, err := readConfig(env("METRICS_ADDR", "127.0.0.1:9090")); err != nil || c.metricsAddr != "127.0.0.1:9090" {
		t.Errorf("127.0.0.1:9090: %q, %v", c.metricsAddr, err)
	}
	for _, tc := range []struct{ env func(string) string }{
		{env("METRICS_ADDR", "9090")},
		{env("METRICS_ADDR", "127.0.0.1")},
		{env("METRICS_ADDR", "127.0.0.1:")},
		{env("METRICS_ADDR", ":8080")},
		{env("METRICS_ADDR", "127.0.0.1:8081", "ADDR", "127.0.0.1:8081")},
	} {
		if c, err := readConfig(tc.env); err == nil || !strings.Contains(err.Error(), "METRICS_ADDR") {
			t.Errorf("METRICS_ADDR %q: err = %v, want it refused", c.metricsAddr, err)
		}
	}
	for addr, want := range map[string][]string{
		"":               {"Metrics: not served (METRICS_ADDR is not set)."},
		"127.0.0.1:9090": {"Metrics: served at http://127.0.0.1:9090/metrics (METRICS_ADDR)"},
		":9090":          {"http://:9090/metrics", "every interface"},
		"0.0.0.0:9090":   {"every interface"},
	} {
		note := metricsNote(addr)
		for _, w := range want {
			if !strings.Contains(note, w) {
				t.Errorf("metricsNote(%q) = %q, want %q in it", addr, note, w)
			}
		}
		if addr == "127.0.0.1:9090" && strings.Contains(note, "every interface") {
			t.Errorf("metricsNote(%q) warns of every interface: %q", addr, note)
		}
	}
}

// lockedBuffer is a log the test reads while the process writes it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServe_Metrics: serve with METRICS_ADDR on a free loopback port logs
// where the metrics are; there /metrics tells of the application's
// requests, while the application's address answers /metrics with 404.
func TestServe_Metrics(t *testing.T) {
	bin := buildBinary(t)
	runtimeURL, ownerURL := testDatabase(t)
	var log lockedBuffer
	_, base := serveProcess(t, bin, runtimeURL, ownerURL, &log, "METRICS_ADDR=127.0.0.1:0")
	m := regexp.MustCompile(`msg="metrics served" url=(http://127\.0\.0\.1:\d+/metrics)`).FindStringSubmatch(log.String())
	if m == nil {
		t.Fatalf("the log does not say where the metrics are served:\n%s", log.String())
	}
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(body)
	}
	if status, _ := get(base + "/metrics"); status != http.StatusNotFound {
		t.Errorf("GET /metrics on ADDR: %d, want 404", status)
	}
	status, body := get(m[1])
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d", m[1], status)
	}
	// serveProcess waited for /healthz: counted, by its route.
	for _, want := range []string{`traguardo_http_request_duration_seconds_count{method="GET",route="/healthz",status="2xx"}`,
		`traguardo_http_request_duration_seconds_count{method="GET",route="unmatched",status="4xx"} 1`, "go_goroutines", "process_resident_memory_bytes"} {
		if !strings.Contains(body, want) {
			t.Errorf("the scrape lacks %s", want)
		}
	}
}
