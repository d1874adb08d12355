package report_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"traguardo/internal/report"
)

// TestPDF_RefusesRequestsAndScript: a report whose text names resources on
// another server (a local one here: images, a stylesheet, a frame, a
// script, a font, a prefetch, a redirect) is printed without one request
// reaching it, and its script does not run.
func TestPDF_RefusesRequestsAndScript(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	var seen atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		seen.Store(r.URL.Path)
		w.Header().Set("Content-Type", "image/png")
	}))
	defer other.Close()
	u := other.URL
	m, _ := demoReport(t, 2023)
	m.Validation = &report.Validation{Outcome: "validata", On: time.Date(2024, 6, 20, 0, 0, 0, 0, time.UTC), TextHTML: `<p>Atto del Nucleo.</p>` +
		`<img src="` + u + `/img.png"><link rel="stylesheet" href="` + u + `/style.css"><iframe src="` + u + `/frame"></iframe>` +
		`<script src="` + u + `/script.js"></script><link rel="prefetch" href="` + u + `/prefetch">` +
		`<div style="background:url(` + u + `/bg.png)">sfondo</div><style>@font-face{font-family:x;src:url(` + u + `/font.woff)} p{font-family:x}</style>` +
		`<object data="` + u + `/object"></object><video poster="` + u + `/poster.png"></video>` +
		`<meta http-equiv="refresh" content="0;url=` + u + `/refresh">` +
		`<p id="js">SCRIPT-NON-ESEGUITO</p><script>document.getElementById("js").textContent = "SCRIPT-ESEGUITO"; new Image().src = "` + u + `/beacon";</script>`}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	pdf, err := report.PDF(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	// Anything late would still be on its way: give it a moment.
	time.Sleep(500 * time.Millisecond)
	if n := hits.Load(); n != 0 {
		t.Errorf("the printer made %d requests to another server (last %v), want none", n, seen.Load())
	}
	text := pdfText(t, ctx, pdf)
	if !strings.Contains(text, "SCRIPT-NON-ESEGUITO") || strings.Contains(text, "SCRIPT-ESEGUITO\n") {
		t.Errorf("the report's script ran in the printer")
	}
	if !strings.Contains(text, "Pagina 1 di") {
		t.Errorf("without JavaScript the footer «Pagina 1 di …» is gone")
	}
}

// pdfText is the text of pdf by pdftotext.
func pdfText(t *testing.T, ctx context.Context, pdf []byte) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "relazione.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, "pdftotext", "-layout", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (apt-get install poppler-utils): %v", err)
	}
	return string(out)
}

// TestDocuments_ToolLimits: Chromium past its memory limit and pandoc past
// its heap or its time are stopped, and the request gets ErrTooLarge.
func TestDocuments_ToolLimits(t *testing.T) {
	t.Parallel()
	m, _ := demoReport(t, 2023)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for _, c := range []struct {
		name   string
		limits report.Limits
		make   func(*report.Documents) ([]byte, error)
	}{
		{"Chromium over 40 MiB", report.Limits{ChromiumMemory: 40 << 20},
			func(d *report.Documents) ([]byte, error) { return d.PDF(ctx, m, report.SharedLane) }},
		{"pandoc over a 4 MiB heap", report.Limits{PandocHeap: 4 << 20},
			func(d *report.Documents) ([]byte, error) { return d.Office(ctx, m, report.DOCX, report.SharedLane) }},
		{"pandoc over 50 ms", report.Limits{Time: 50 * time.Millisecond},
			func(d *report.Documents) ([]byte, error) { return d.Office(ctx, m, report.ODT, report.SharedLane) }},
		{"Chromium over 50 ms", report.Limits{Time: 50 * time.Millisecond},
			func(d *report.Documents) ([]byte, error) { return d.PDF(ctx, m, report.SharedLane) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			out, err := c.make(report.NewDocuments(report.DocumentsConfig{Limits: c.limits}))
			if !errors.Is(err, report.ErrTooLarge) {
				t.Fatalf("%d bytes, %v; want ErrTooLarge", len(out), err)
			}
			t.Logf("stopped after %s: %v", time.Since(start).Round(time.Millisecond), err)
		})
	}
	// A PDF of the priority lane too large for the usual limit is printed
	// again within the large one, alone: the director's, the Nucleo's and
	// the validation's report prints whatever its size.
	small := report.NewDocuments(report.DocumentsConfig{Limits: report.Limits{ChromiumMemory: 40 << 20}})
	if pdf, err := small.PDF(ctx, m, report.PriorityLane); err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("priority lane over the usual limit: %d bytes, %v; want the PDF within the large limit", len(pdf), err)
	}
	tight := report.NewDocuments(report.DocumentsConfig{Limits: report.Limits{ChromiumMemory: 40 << 20, LargeChromiumMemory: 40 << 20}})
	if _, err := tight.PDF(ctx, m, report.PriorityLane); !errors.Is(err, report.ErrTooLarge) {
		t.Errorf("priority lane over the large limit too: %v, want ErrTooLarge", err)
	}
	// Within the default limits the same documents are made.
	d := report.NewDocuments(report.DocumentsConfig{})
	if pdf, err := d.PDF(ctx, m, report.SharedLane); err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("default limits: PDF %v", err)
	}
	if _, err := d.Office(ctx, m, report.DOCX, report.SharedLane); err != nil {
		t.Errorf("default limits: DOCX %v", err)
	}
}
