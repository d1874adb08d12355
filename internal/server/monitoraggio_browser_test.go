package server_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/server"
)

// TestBrowser_MidYear opens the mid-year report of 2023 at 30/06 as the
// director at 390 and 1366 px: axe-core finds nothing, the page does not
// scroll sideways; the director sends it from its toolbar and the page says
// so. MIDYEAR_SHOTS=dir saves a screenshot at each width.
func TestBrowser_MidYear(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	base := e.srv.URL
	ctx := browsertest.New(t)
	pbSignIn(t, ctx, base, e.emails["direttore"])
	const path = "/cicli/2023/monitoraggio-intermedio?periodo=2023-06-30"
	shot := func(name string) {
		dir := os.Getenv("MIDYEAR_SHOTS")
		if dir == "" {
			return
		}
		if b, err := chromedp.Run(ctx, chromedp.FullScreenshot(80)); err == nil {
			_ = os.WriteFile(dir+"/"+name+".jpg", b, 0o644)
		}
	}
	pbPage(t, ctx, base, path, `[data-testid="monitoring-centres"]`, false)
	shot("midyear-390")
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatal(err)
	}
	pbPage(t, ctx, base, path, `[data-testid="monitoring-centres"]`, false)
	shot("midyear-1366")
	if err := chromedp.Do(tctx,
		chromedp.Click(chromedp.CSS(`[data-testid="monitoring-send"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash"]`)),
	); err != nil {
		t.Fatalf("sending from the toolbar: %v", err)
	}
	if got := visibleText(t, ctx, `//*[@data-testid="monitoring-sent"]`); len(got) < 20 || got[:8] != "Inviato " {
		t.Errorf("after the sending the cover reads %q", got)
	}
	pbCheckPage(t, ctx, "the report after the sending", false)
	pbPage(t, ctx, base, "/cicli/2023/cruscotto?al=2023-06-30", `[data-testid="midyear-link"]`, false)
}
