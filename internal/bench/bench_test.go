package bench

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"traguardo/internal/demo"
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
		if s.Requests == 0 || s.Errors > 0 || s.Statements <= 0 || s.P99 <= 0 {
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
	var md bytes.Buffer
	res.Markdown(&md)
	for _, want := range []string{"| Cruscotto (`/cicli/2023/cruscotto`) |", "Salvataggio del monitoraggio", "Importazione JSON", "### Targets", res.Machine.Go} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, md.String())
		}
	}
}
