package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/server"
)

// TestBrowser_Report opens the 2023 and 2024 Relazione, its texts form and
// its check in Chromium on a phone-sized screen, as the director: axe-core
// finds nothing, no page scrolls sideways; the report's chart is drawn.
func TestBrowser_Report(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	base := e.srv.URL
	ctx := browsertest.New(t)
	pbSignIn(t, ctx, base, e.emails["direttore"])
	for _, path := range []string{"/cicli/2024/relazione", "/cicli/2023/relazione"} {
		pbPage(t, ctx, base, path, `[data-testid="centres-table"]`, false)
	}
	tctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	bars, err := chromedp.Run(tctx, chromedp.Evaluate[int](`document.querySelectorAll('figure.chart rect').length`))
	if err != nil || bars < 7 {
		t.Errorf("the chart shows %d bars (%v)", bars, err)
	}
	pbPage(t, ctx, base, "/cicli/2023/relazione/testi", `[data-testid="report-texts-form"]`, true)
	pbPage(t, ctx, base, "/cicli/2023/relazione/verifica", `[data-testid="check-group"]`, false)
}
