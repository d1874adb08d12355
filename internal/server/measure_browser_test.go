package server_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/plan"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// TestMeasure_BrowserPeriodOverride opens the measure page of an indicator
// with an override of 30/06, as the director, on a phone and on a laptop,
// then sends it with a period and no percentage: axe-core finds nothing,
// the page does not scroll sideways and no label covers its field; the
// error is at the field. With TRAGUARDO_SCREENSHOTS set to a directory,
// a full-page screenshot of each is written there.
func TestMeasure_BrowserPeriodOverride(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	o := demoObjective(t, e, "AREA DIREZIONE", 2)
	in := o.Indicators[1]
	june := time.Date(2023, 6, 30, 0, 0, 0, 0, time.UTC)
	if err := e.st.SetMeasure(t.Context(), store.Change{Actor: store.CLI, Version: in.Version}, in.ID, store.Measure{
		Overrides: []plan.PeriodOverride{{Period: june, Pct: 90, Reason: "Dato di giugno mancante nel gestionale dell'ente"}}}); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/cicli/2023/indicatori/%d/misura", in.ID)
	ctx := browsertest.New(t)
	pbSignIn(t, ctx, e.srv.URL, e.emails["direttore"])
	for _, width := range []int64{1366, pbMobileWidth} {
		tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		opts := []chromedp.EmulateViewportOption{}
		if width == pbMobileWidth {
			opts = append(opts, chromedp.EmulateMobile)
		}
		if err := chromedp.Do(tctx, chromedp.EmulateViewport(width, 900, opts...)); err != nil {
			t.Fatal(err)
		}
		pbPage(t, tctx, e.srv.URL, path, `[data-testid="period-override"]`, true)
		shoot(t, tctx, fmt.Sprintf("misura-%d.png", width))
		if err := chromedp.Do(tctx,
			chromedp.SetValue(chromedp.CSS(`#period_override_period`), "2023-09-30"),
			chromedp.Click(chromedp.CSS(`[data-testid="save-measure"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-period_override_pct"]`)),
		); err != nil {
			t.Fatalf("sending a period without its percentage at %d px: %v", width, err)
		}
		pbCheckPage(t, tctx, fmt.Sprintf("the measure form with errors at %d px", width), true)
		shoot(t, tctx, fmt.Sprintf("misura-errori-%d.png", width))
		cancel()
	}
}

// shoot writes a full-page screenshot of the tab of ctx as name into the
// directory TRAGUARDO_SCREENSHOTS, when it is set.
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("TRAGUARDO_SCREENSHOTS")
	if dir == "" {
		return
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), shot, 0o600); err != nil {
		t.Fatal(err)
	}
}
