package server_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/server"
)

// TestBrowser_Dashboard opens the 2023 and 2024 dashboards, and AREA
// DIREZIONE's centre page and objective 2 of both years (trend, Gantt,
// previous year), in Chromium (at a phone's width, where the charts show
// their narrow drawings): axe-core finds nothing; the 2023 objective's
// Gantt hatches its late activities; in print media the charts fit the
// page and the dashboard prints to a PDF; a full-page screenshot of the
// 2023 dashboard is a PNG that decodes, with the chart drawn in it.
func TestBrowser_Dashboard(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	base := e.srv.URL
	ctx := browsertest.New(t)
	pbSignIn(t, ctx, base, e.emails["direttore"])
	// The charts of the centre and objective pages (trend, Gantt, the
	// previous year) pass axe too: AREA DIREZIONE and its objective 2, in
	// 2023 and carried over into 2024.
	for _, year := range []int{2024, 2023} {
		var centre, objective int64
		if err := e.pool.QueryRow(t.Context(), `
			SELECT cc.id, o.id FROM cycle_centres cc JOIN cycles c ON c.id = cc.cycle_id JOIN centres ce ON ce.id = cc.centre_id
			JOIN objectives o ON o.cycle_centre_id = cc.id AND o.number = 2
			WHERE c.year = $1 AND ce.name = 'AREA DIREZIONE'`, year).Scan(&centre, &objective); err != nil {
			t.Fatal(err)
		}
		pbPage(t, ctx, base, fmt.Sprintf("/cicli/%d/centri/%d", year, centre), `[data-testid="trend-centre"]`, false)
		pbPage(t, ctx, base, fmt.Sprintf("/cicli/%d/obiettivi/%d", year, objective), `[data-testid="gantt-objective"]`, false)
	}
	hatched, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="gantt-objective"] [data-late="true"], [data-testid="gantt-objective"] [data-testid="gantt-overdue"]').length`))
	if err != nil || hatched == 0 {
		t.Errorf("the 2023 objective's Gantt hatches %d bars (%v)", hatched, err)
	}
	for _, path := range []string{"/cicli/2024/cruscotto", "/cicli/2023/cruscotto"} {
		pbPage(t, ctx, base, path, `[data-testid="trend-chart"]`, false)
	}
	tctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	bars, err := chromedp.Run(tctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="chart-bar"] rect').length`))
	if err != nil || bars == 0 {
		t.Fatalf("the chart shows %d bars (%v)", bars, err)
	}
	points, err := chromedp.Run(tctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="trend-chart"] .app-chart__wide circle').length`))
	if err != nil || points != 7 {
		t.Errorf("the 2023 trend draws %d points, want 7 (the year's result of the cycle and of 6 centres) (%v)", points, err)
	}
	// On paper (print media, A4) every chart stays within the page, with
	// a height, and the page prints to a PDF.
	if _, err := chromedp.Run(tctx, func(ctx context.Context, tg *chromedp.Target) (struct{}, error) {
		return cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
	}); err != nil {
		t.Fatal(err)
	}
	outside, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.app-chart svg')].filter(s => s.checkVisibility()).filter(s => {
		const r = s.getBoundingClientRect();
		return r.height < 40 || r.right > document.documentElement.clientWidth + 1;
	}).map(s => s.closest('figure').dataset.testid)`))
	if err != nil || len(outside) > 0 {
		t.Errorf("in print, charts outside the page or flat: %q (%v)", outside, err)
	}
	pdf, err := chromedp.Run(tctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPrintBackground()))
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("the dashboard does not print (%d bytes, %v)", len(pdf), err)
	}
	if _, err := chromedp.Run(tctx, func(ctx context.Context, tg *chromedp.Target) (struct{}, error) {
		return cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
	}); err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "cruscotto-2023.png")
	if err := os.WriteFile(file, shot, 0o600); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 300 {
		t.Errorf("the screenshot is %v", b)
	}
	t.Logf("screenshot %s (%d bytes)", file, len(shot))
}
