package server_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/server"
)

// TestBrowser_Piano opens the 2024 Piano in Chromium as the director, a
// draft on a phone and on a computer, then adopted with its first frozen
// version, and the public index that lists it: axe-core finds nothing, no
// page scrolls sideways, the watermark shows while a draft. With
// TRAGUARDO_SCREENSHOTS set to a directory, the pages are saved there at
// 1366 and 390 px.
func TestBrowser_Piano(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	base := e.srv.URL
	ctx := browsertest.New(t)
	pbSignIn(t, ctx, base, e.emails["direttore"])
	watermark := func(what string, want bool) {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
			`getComputedStyle(document.body, "::before").backgroundImage.includes("BOZZA")`))
		if err != nil || got != want {
			t.Errorf("%s: watermark shown %v (%v), want %v", what, got, err, want)
		}
	}
	check := func(what, path, waitFor string) {
		t.Helper()
		pbDo(t, ctx, "phone", chromedp.EmulateViewport(pbMobileWidth, pbMobileHeight, chromedp.EmulateMobile))
		pbPage(t, ctx, base, path, waitFor, false)
		pbDo(t, ctx, "computer", chromedp.EmulateViewport(1366, 900))
		tctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		pbCheckPage(t, tctx, what+" at 1366 px", false)
		keptShots(t, ctx, what)
	}
	check("piano-bozza", "/cicli/2024/piano", `[data-testid="piano-objective"]`)
	watermark("the draft", true)

	dir := e.signedIn(t, "direttore")
	if r := dir.post("/cicli/2024/approva", url.Values{"act": {"Delibera CdA n. 3 del 20/01/2024"}, "approved_on": {"2024-01-20"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("approval: %d", r.Status)
	}
	check("piano-adottato", "/cicli/2024/piano", `[data-testid="piano-version"]`)
	watermark("the adopted Piano", false)
	check("trasparenza", "/trasparenza", `[data-testid="piano-public-version"]`)
}
