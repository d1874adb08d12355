package server

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"traguardo/internal/report"
	"traguardo/internal/store"
)

// Metrics is what a server tells Prometheus, in a registry of its own (not
// the global one: several servers in one process, as in the tests, do not
// meet). Handler serves it; the command serves that on METRICS_ADDR alone,
// never on the application's router. One Metrics goes with one server: New
// panics when given one another server took already.
//
// The names (see docs/operations.md, Metrics):
//
//   - traguardo_http_request_duration_seconds{route,method,status}: every
//     request, by its route's pattern (never the path: the labels stay
//     few), its method and the class of its status ("2xx" ... "5xx");
//   - traguardo_progress_saves_total{outcome}: the saves of the progress
//     entry form, "saved", "refused" (fields in error, nothing written),
//     "conflict" (changed meanwhile, or the entry closed) or "failed" (an
//     error of the server);
//   - traguardo_documents_running, traguardo_documents_waiting: the
//     productions of the Relazione's PDF, DOCX and ODT under way and queued
//     for a slot (report.Documents);
//   - traguardo_document_build_duration_seconds{kind,outcome}: how long
//     each production took, by format (pdf, docx, odt) and "ok" or "error";
//   - traguardo_cycle_cache_hits_total, _misses_total, _loads_total: the
//     cycles served as kept, not found current, read whole
//     (store.CycleCacheStats);
//   - the Go runtime's (go_*) and the process's (process_*), and the
//     scrapes' own (promhttp_*).
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
	saves    *prometheus.CounterVec
	builds   *prometheus.HistogramVec
}

// The outcomes of a progress save, the values of the label outcome.
const (
	saveSaved    = "saved"
	saveRefused  = "refused"
	saveConflict = "conflict"
	saveFailed   = "failed"
)

// NewMetrics returns the metrics of a server, with the Go runtime's and
// the process's collectors, for Config.Metrics.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "traguardo_http_request_duration_seconds",
			Help:    "Time to answer a request, by route pattern, method and status class.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120},
		}, []string{"route", "method", "status"}),
		saves: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "traguardo_progress_saves_total",
			Help: "Saves of the progress entry form, by outcome: saved, refused (fields in error), conflict (changed meanwhile or closed), failed.",
		}, []string{"outcome"}),
		builds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "traguardo_document_build_duration_seconds",
			Help:    "Time to make a document of the Relazione (its slot's wait excluded), by kind (pdf, docx, odt) and outcome (ok, error).",
			Buckets: []float64{.25, .5, 1, 2, 5, 10, 20, 30, 60, 120, 300},
		}, []string{"kind", "outcome"}),
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.saves, m.builds)
	// Every outcome and kind from the start, at zero: a rate over a series
	// that appears at its first event misses that event.
	for _, o := range []string{saveSaved, saveRefused, saveConflict, saveFailed} {
		m.saves.WithLabelValues(o)
	}
	for _, kind := range []string{"pdf", report.DOCX, report.ODT} {
		for _, o := range []string{"ok", "error"} {
			m.builds.WithLabelValues(kind, o)
		}
	}
	return m
}

// Handler serves GET /metrics, in Prometheus's formats (with its own
// promhttp_* counters of the scrapes), and nothing else: the handler of the
// metrics' listener, apart from the application's.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.InstrumentMetricHandler(m.reg, promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		Registry: m.reg, ErrorHandling: promhttp.ContinueOnError,
	})))
	return mux
}

// watch adds the gauges of the documents' queue and the counters of the
// store's cycle cache, read at every scrape.
func (m *Metrics) watch(st *store.Store, docs *report.Documents) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "traguardo_documents_running",
			Help: "Productions of the Relazione's PDF, DOCX and ODT under way.",
		}, func() float64 { running, _ := docs.Queue(); return float64(running) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "traguardo_documents_waiting",
			Help: "Productions of the Relazione's PDF, DOCX and ODT waiting for a slot.",
		}, func() float64 { _, waiting := docs.Queue(); return float64(waiting) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "traguardo_cycle_cache_hits_total",
			Help: "Cycles served as this server keeps them (their data, or their plan for a save, current).",
		}, func() float64 { return float64(st.CycleCacheStats().Hits) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "traguardo_cycle_cache_misses_total",
			Help: "Requests for a cycle that found none kept current.",
		}, func() float64 { return float64(st.CycleCacheStats().Misses) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "traguardo_cycle_cache_loads_total",
			Help: "Reads of a whole cycle from the database (requests at once share one).",
		}, func() float64 { return float64(st.CycleCacheStats().Loads) }),
	)
}

// built is report.DocumentsConfig.Built: a production's duration.
func (m *Metrics) built(format string, took time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.builds.WithLabelValues(format, outcome).Observe(took.Seconds())
}

// save counts a progress save by outcome; a nil Metrics counts nothing.
func (m *Metrics) save(outcome string) {
	if m != nil {
		m.saves.WithLabelValues(outcome).Inc()
	}
}

// saveOutcome is the outcome of a save the store answered with err.
func saveOutcome(err error) string {
	var conflict *store.Conflict
	var stale *store.StaleError
	switch {
	case err == nil:
		return saveSaved
	case errors.As(err, &stale), errors.As(err, &conflict):
		return saveConflict
	}
	return saveFailed
}

// measure times every request, labelled by the pattern of the route that
// served it (read after routing; "unmatched" when none did), its method
// (one of the standard ones, else "other") and the class of its status.
// It is the router's outermost middleware: the time includes the others'.
func (m *Metrics) measure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK // nothing written: net/http answers 200
		}
		m.requests.WithLabelValues(route, methodLabel(r.Method), strconv.Itoa(status/100)+"xx").Observe(time.Since(start).Seconds())
	})
}

// methodLabel is method if standard, else "other": a client chooses the
// method, and the labels must stay few.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "other"
}
