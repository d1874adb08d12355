package server_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"traguardo/internal/report"
	"traguardo/internal/server"
)

// metricsScrape is a scrape of a metrics handler, by family name.
type metricsScrape map[string]*dto.MetricFamily

// scrapeMetrics reads /metrics from the metrics' listener at base.
func scrapeMetrics(t testing.TB, base string) metricsScrape {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics on the metrics' listener: %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("the scrape does not parse: %v", err)
	}
	return families
}

// series is the series of family name whose labels hold all of labels.
func (s metricsScrape) series(name string, labels map[string]string) []*dto.Metric {
	f := s[name]
	if f == nil {
		return nil
	}
	var out []*dto.Metric
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		match := true
		for k, v := range labels {
			if got[k] != v {
				match = false
			}
		}
		if match {
			out = append(out, m)
		}
	}
	return out
}

// value is the counter's, gauge's or histogram's count of the one series
// of name with labels; it fails t when there is not exactly one.
func (s metricsScrape) value(t testing.TB, name string, labels map[string]string) float64 {
	t.Helper()
	ms := s.series(name, labels)
	if len(ms) != 1 {
		t.Fatalf("%s%v: %d series, want 1", name, labels, len(ms))
	}
	m := ms[0]
	switch {
	case m.Counter != nil:
		return m.GetCounter().GetValue()
	case m.Gauge != nil:
		return m.GetGauge().GetValue()
	case m.Histogram != nil:
		return float64(m.GetHistogram().GetSampleCount())
	case m.Untyped != nil:
		return m.GetUntyped().GetValue()
	}
	t.Fatalf("%s%v: no value", name, labels)
	return 0
}

// labelValues are the values label takes in family name.
func (s metricsScrape) labelValues(name, label string) []string {
	var out []string
	for _, m := range s.series(name, nil) {
		for _, l := range m.GetLabel() {
			if l.GetName() == label {
				out = append(out, l.GetValue())
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestMetrics_CountedAndServedApart: with Config.Metrics, the metrics'
// handler (what METRICS_ADDR serves) tells of a page, a save, a refused
// save and a stale one: the requests by route pattern (never the path),
// method and status class, the saves by outcome, the cycle cache's hits
// and loads, the documents' queue, the Go runtime and the process. The
// application's router does not serve /metrics (404, signed in or not),
// and no route was added to it.
func TestMetrics_CountedAndServedApart(t *testing.T) {
	t.Parallel()
	m := server.NewMetrics()
	f := newProgressFixtureOn(t, newSecEnv(t, server.Config{Metrics: m}))
	ms := httptest.NewServer(m.Handler())
	t.Cleanup(ms.Close)

	before := scrapeMetrics(t, ms.URL)
	for _, o := range []string{"saved", "refused", "conflict", "failed"} {
		if v := before.value(t, "traguardo_progress_saves_total", map[string]string{"outcome": o}); v != 0 {
			t.Errorf("saves %s before any: %v", o, v)
		}
	}
	cacheHits := before.value(t, "traguardo_cycle_cache_hits_total", nil)

	c := f.manager(t, "finanziaria")
	if r := c.get(f.path); r.Status != http.StatusOK {
		t.Fatalf("GET %s: %d", f.path, r.Status)
	}
	first := c.withVersion(f.path, f.draft())
	if r := c.do(http.MethodPost, f.path, first, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%.1000s", r.Status, r.Body)
	}
	bad := f.draft()
	bad.Set(ind(f.indicators[0], "value"), "tre")
	if r := c.post(f.path, bad); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("refused save: %d, want 422", r.Status)
	}
	// The first form again, at the version it was read at: changed since.
	if r := c.do(http.MethodPost, f.path, first, nil); r.Status != http.StatusConflict {
		t.Fatalf("stale save: %d, want 409", r.Status)
	}
	// /metrics is not a page of the application, to anyone.
	for _, who := range []*secClient{c, f.e.client(t)} {
		if r := who.get("/metrics"); r.Status != http.StatusNotFound {
			t.Errorf("GET /metrics on the application's router: %d, want 404", r.Status)
		}
	}
	// The router's routes are the same as without metrics.
	plain := secRoutes(t, server.New(f.e.st, newTestLogger(t), server.Config{SessionCleanup: -1}))
	if got := secRoutes(t, f.e.handler); !slices.Equal(got, plain) {
		t.Errorf("with metrics the router has %d routes, without %d", len(got), len(plain))
	}
	if slices.ContainsFunc(secRoutes(t, f.e.handler), func(r string) bool { return strings.Contains(r, "metrics") }) {
		t.Error("the application's router has a route of the metrics")
	}

	after := scrapeMetrics(t, ms.URL)
	for o, want := range map[string]float64{"saved": 1, "refused": 1, "conflict": 1, "failed": 0} {
		if v := after.value(t, "traguardo_progress_saves_total", map[string]string{"outcome": o}); v != want {
			t.Errorf("saves %s: %v, want %v", o, v, want)
		}
	}
	const entry = "/cicli/{year}/obiettivi/{id}/periodi/{pid}/avanzamento"
	const latency = "traguardo_http_request_duration_seconds"
	for _, tc := range []struct {
		method, status string
		want           float64
	}{
		// The page, and twice again for the version its form carries
		// (withVersion, and post, which calls it).
		{"GET", "2xx", 3},
		{"POST", "3xx", 1},
		{"POST", "4xx", 2},
	} {
		if v := after.value(t, latency, map[string]string{"route": entry, "method": tc.method, "status": tc.status}); v != tc.want {
			t.Errorf("%s %s %s: %v requests, want %v", tc.method, entry, tc.status, v, tc.want)
		}
	}
	if v := after.value(t, latency, map[string]string{"route": "unmatched", "method": "GET", "status": "4xx"}); v != 2 {
		t.Errorf("the two GET /metrics of the application: %v requests unmatched 4xx, want 2", v)
	}
	// Every route label is a pattern of the router: bounded, whatever the
	// paths asked for.
	patterns := map[string]bool{"unmatched": true}
	for _, r := range secRoutes(t, f.e.handler) {
		_, pattern, _ := strings.Cut(r, " ")
		patterns[pattern] = true
	}
	for _, route := range after.labelValues(latency, "route") {
		if !patterns[route] {
			t.Errorf("route label %q is not a pattern of the router", route)
		}
	}
	if v := after.value(t, "traguardo_cycle_cache_hits_total", nil); v <= cacheHits {
		t.Errorf("cycle cache hits did not move: %v, then %v", cacheHits, v)
	}
	if v := after.value(t, "traguardo_cycle_cache_loads_total", nil); v < 1 {
		t.Errorf("cycle cache loads: %v, want at least the first page's", v)
	}
	if m, l := after.value(t, "traguardo_cycle_cache_misses_total", nil), after.value(t, "traguardo_cycle_cache_loads_total", nil); l > m {
		t.Errorf("cycle cache: %v loads for %v misses", l, m)
	}
	for _, name := range []string{"traguardo_documents_running", "traguardo_documents_waiting"} {
		if v := after.value(t, name, nil); v != 0 {
			t.Errorf("%s with no document asked for: %v", name, v)
		}
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total", "promhttp_metric_handler_requests_total"} {
		if after[name] == nil {
			t.Errorf("no %s in the scrape", name)
		}
	}
	// The metrics' handler serves /metrics alone.
	if resp, err := http.Get(ms.URL + "/"); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET / on the metrics' listener: %s, want 404", resp.Status)
	}
}

// TestMetrics_DocumentBuilds: a PDF of the Relazione made is one build of
// kind pdf, ok, timed; asked again, it comes from the documents' cache and
// no build is counted.
func TestMetrics_DocumentBuilds(t *testing.T) {
	t.Parallel()
	if _, err := report.FindChromium(); err != nil {
		t.Skip(err)
	}
	m := server.NewMetrics()
	e := newSecEnv(t, server.Config{Metrics: m})
	ms := httptest.NewServer(m.Handler())
	t.Cleanup(ms.Close)
	c := e.signedIn(t, "direttore")
	for range 2 {
		if r := c.get("/cicli/2023/relazione.pdf"); r.Status != http.StatusOK {
			t.Fatalf("GET /cicli/2023/relazione.pdf: %d\n%.500s", r.Status, r.Body)
		}
	}
	after := scrapeMetrics(t, ms.URL)
	const builds = "traguardo_document_build_duration_seconds"
	if v := after.value(t, builds, map[string]string{"kind": "pdf", "outcome": "ok"}); v != 1 {
		t.Errorf("PDF builds: %v, want 1", v)
	}
	for _, kind := range []string{"pdf", report.DOCX, report.ODT} {
		if v := after.value(t, builds, map[string]string{"kind": kind, "outcome": "error"}); v != 0 {
			t.Errorf("%s builds failed: %v", kind, v)
		}
	}
	if ms := after.series(builds, map[string]string{"kind": "pdf", "outcome": "ok"}); len(ms) == 1 && ms[0].GetHistogram().GetSampleSum() <= 0 {
		t.Errorf("the PDF's build took no time: %v s", ms[0].GetHistogram().GetSampleSum())
	}
	if v := after.value(t, "traguardo_http_request_duration_seconds", map[string]string{"route": "/cicli/{year}/relazione.pdf", "method": "GET", "status": "2xx"}); v != 2 {
		t.Errorf("the PDF's requests: %v, want 2", v)
	}
}
