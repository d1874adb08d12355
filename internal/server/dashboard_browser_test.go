package server_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/server"
)

// TestBrowser_Dashboard opens the 2023 and 2024 dashboards in Chromium:
// axe-core finds nothing, and a full-page screenshot of the 2023 one is a
// PNG that decodes, with the chart drawn in it.
func TestBrowser_Dashboard(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	base := e.srv.URL
	ctx := browsertest.New(t)
	pbSignIn(t, ctx, base, e.emails["direttore"])
	for _, path := range []string{"/cicli/2024/cruscotto", "/cicli/2023/cruscotto"} {
		pbPage(t, ctx, base, path, `[data-testid="achievement-table"]`, false)
	}
	tctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	bars, err := chromedp.Run(tctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="chart-bar"] rect').length`))
	if err != nil || bars == 0 {
		t.Fatalf("the chart shows %d bars (%v)", bars, err)
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
