package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"traguardo/internal/demo"
	"traguardo/internal/report"
)

// TestSmoke runs the whole benchmark briefly on a tiny plan (make
// bench-smoke, and make test): every page answers, the save and the import
// succeed, statements are counted and the report is written. It checks
// that the harness works, never how fast (the figures are make bench's).
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("the smoke of the benchmark starts its own PostgreSQL")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var log bytes.Buffer
	res, err := Run(ctx, Options{Dir: t.TempDir() + "/pg", Scale: demo.Scale{Objectives: 36, Centres: 6, Users: 40},
		Duration: 300 * time.Millisecond, Readers: 4, Savers: 6, ReportSizes: []int{18}, Log: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if res.Sizes.Objectives != 36 || res.Sizes.Indicators != 2*62 {
		t.Errorf("sizes %v", res.Sizes)
	}
	measured := 0
	for _, s := range append(append([]*Stats{}, res.Pages...), res.Save, res.Import) {
		if s.Skipped != "" {
			continue
		}
		measured++
		// A page may cost no statement (the server keeps what reading a
		// session reads); a save and an import are where counting shows.
		written := s == res.Save || s == res.Import
		if s.Requests == 0 || s.Errors > 0 || (written && s.Statements <= 0) || s.P99 <= 0 {
			t.Errorf("%s: %d requests, %d errors (%s), %.1f statements, p99 %s", s.Name, s.Requests, s.Errors, s.FirstError, s.Statements, s.P99)
		}
		if s.Ceiling != nil && (s.Ceiling.Requests == 0 || s.Ceiling.Errors > 0) {
			t.Errorf("%s: ceiling %d requests, %d errors (%s)", s.Name, s.Ceiling.Requests, s.Ceiling.Errors, s.Ceiling.FirstError)
		}
		if s.Ceiling != nil && s.Encoding != "gzip" {
			t.Errorf("%s: Content-Encoding %q, want gzip", s.Name, s.Encoding)
		}
	}
	if measured < len(Pages)-2+2 {
		t.Errorf("%d measured", measured)
	}
	if res.FirstVisit.Files < 5 || res.FirstVisit.Wire >= res.FirstVisit.Raw {
		t.Errorf("first visit: %s", res.FirstVisit)
	}
	if _, err := report.FindPandoc(); err == nil {
		for _, r := range res.Reports {
			for f, o := range map[string]*OfficeTiming{"DOCX": r.DOCX, "ODT": r.ODT} {
				if o == nil || o.Bytes == 0 || o.Total <= 0 || o.PandocRSS <= 0 {
					t.Errorf("report at %d objectives: %s not measured: %+v", r.Objectives, f, o)
				}
			}
		}
	}
	var md bytes.Buffer
	res.Markdown(&md)
	for _, want := range []string{"| Cruscotto (`/cicli/2023/cruscotto`) |", "Salvataggio del monitoraggio", "Importazione JSON", "### Targets", "| objectives | DOCX |", res.Machine.Go} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, md.String())
		}
	}
}

// TestCeiling_GzippedOnce: the ceiling serves a page's bytes gzipped once
// to a client that takes gzip (they decompress to the page), plain to one
// that does not, with the page's headers but its session cookie.
func TestCeiling_GzippedOnce(t *testing.T) {
	h := &ceilingHandler{pages: map[string]ceilingPage{}}
	page := bytes.Repeat([]byte("<p>Cruscotto del ciclo 2023</p>\n"), 500)
	header := http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Cache-Control": {"no-store"},
		"Set-Cookie": {"traguardo_sessione=x"}, "Content-Encoding": {"gzip"}, "Content-Security-Policy": {"default-src 'self'"}}
	if err := h.set("Cruscotto", page, header); err != nil {
		t.Fatal(err)
	}
	for _, accept := range []string{"gzip", ""} {
		req := httptest.NewRequest(http.MethodGet, "/?page=Cruscotto", nil)
		req.Header.Set("Accept-Encoding", accept)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Body.Bytes()
		if rec.Header().Get("Content-Length") != strconv.Itoa(len(got)) {
			t.Errorf("accept %q: Content-Length %q for %d bytes", accept, rec.Header().Get("Content-Length"), len(got))
		}
		if accept == "gzip" {
			if rec.Header().Get("Content-Encoding") != "gzip" || len(got) >= len(page)/10 {
				t.Fatalf("accept gzip: Content-Encoding %q, %d bytes", rec.Header().Get("Content-Encoding"), len(got))
			}
			zr, err := gzip.NewReader(bytes.NewReader(got))
			if err != nil {
				t.Fatal(err)
			}
			if got, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		} else if rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("no gzip accepted: Content-Encoding %q", rec.Header().Get("Content-Encoding"))
		}
		if !bytes.Equal(got, page) {
			t.Errorf("accept %q: %d bytes, not the page's %d", accept, len(got), len(page))
		}
		if rec.Header().Get("Set-Cookie") != "" || rec.Header().Get("Content-Security-Policy") == "" || rec.Header().Get("Cache-Control") != "no-store" ||
			rec.Header().Get("Vary") != "Accept-Encoding" {
			t.Errorf("accept %q: headers %v", accept, rec.Header())
		}
	}
}
