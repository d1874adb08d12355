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
// finds nothing, no page scrolls sideways; the report's chart is drawn; an
// indicator "non rilevabile" at the year's end shows its reason.
func TestBrowser_Report(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	base := e.srv.URL
	const reason = "Dato non fornito dalla ASL"
	if _, err := e.pool.Exec(context.Background(), `INSERT INTO indicator_values (indicator_id, period_id, value, not_measurable, reason)
		SELECT $1, p.id, NULL, true, $2 FROM periods p JOIN cycles c ON c.id = p.cycle_id WHERE c.year = 2023 ORDER BY p.ends_on DESC LIMIT 1
		ON CONFLICT (indicator_id, period_id) DO UPDATE SET value = NULL, not_measurable = true, reason = $2`, e.indicatorID, reason); err != nil {
		t.Fatal(err)
	}
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
	if got := visibleText(t, ctx, `//td[@data-testid="indicator-actual"][span[@data-testid="indicator-not-measurable-reason"]]`); got != "(non rilevabile) Motivo: "+reason {
		t.Errorf("the indicator not measurable reads %q, want «(non rilevabile) Motivo: %s»", got, reason)
	}
	pbPage(t, ctx, base, "/cicli/2023/relazione/testi", `[data-testid="report-texts-form"]`, true)
	pbPage(t, ctx, base, "/cicli/2023/relazione/verifica", `[data-testid="check-group"]`, false)
}
