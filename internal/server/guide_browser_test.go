package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"traguardo/docs/guida"
	"traguardo/internal/browsertest"
	"traguardo/internal/server"
	"traguardo/web/paths"
)

// TestBrowser_Guide: a manager follows the menu's Guida to the guide of
// the role, on a computer and on a phone, and axe-core finds nothing on it
// nor on the index (nor a sideways scroll); a link of the table of contents
// scrolls to its section; in print the page shows none of the
// application's chrome and fits the page. With TRAGUARDO_SCREENSHOTS set
// to a directory, the guide is saved there at 1366 and 390 px and in print.
func TestBrowser_Guide(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	base := e.srv.URL
	ctx := browsertest.New(t)
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	pbDo(t, tctx, "opening the index as a visitor",
		chromedp.EmulateViewport(pbMobileWidth, pbMobileHeight, chromedp.EmulateMobile),
		chromedp.Navigate(base+paths.Guides),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="guide-index"]`)),
	)
	pbCheckPage(t, tctx, "the index of the guides", false)

	pbSignIn(t, tctx, base, e.emails["responsabile"])
	pbDo(t, tctx, "opening Guida from the menu at 1366 px",
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+paths.MyAreas),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="main-nav"]`)),
		chromedp.Click(`//nav[@data-testid="main-nav"]//a[normalize-space()="Guida"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-guide="`+guida.Responsabile+`"]`)),
	)
	pbCheckPage(t, tctx, "the manager's guide at 1366 px", false)

	// The table of contents leads to its section.
	pbDo(t, tctx, "following the table of contents",
		chromedp.Click(chromedp.CSS(`[data-testid="guide-toc"] a[href="#`+guida.SectionExpired+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#`+guida.SectionExpired)),
	)
	if top, err := chromedp.Run(tctx, chromedp.Evaluate[float64](`document.getElementById("`+guida.SectionExpired+`").getBoundingClientRect().top`)); err != nil || top < -1 || top > 200 {
		t.Errorf("after following the table of contents the section is at %v px from the top (%v)", top, err)
	}

	pbDo(t, tctx, "the guide on a phone",
		chromedp.EmulateViewport(pbMobileWidth, pbMobileHeight, chromedp.EmulateMobile),
		chromedp.Navigate(base+paths.Guide(guida.Responsabile)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="guide-toc"]`)),
	)
	pbCheckPage(t, tctx, "the manager's guide on a phone", false)
	pbDo(t, tctx, "the administrator's guide, with its table, on a phone",
		chromedp.Navigate(base+paths.Guide(guida.Amministratore)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="guide-toc"]`)),
	)
	pbCheckPage(t, tctx, "the administrator's guide on a phone", false)

	pbDo(t, tctx, "the manager's guide again",
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+paths.Guide(guida.Responsabile)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="guide-toc"]`)),
	)
	dir := os.Getenv("TRAGUARDO_SCREENSHOTS")
	if dir != "" {
		keptShots(t, tctx, "guida-responsabile")
	}
	pbDo(t, tctx, "printing at the width of an A4 page", chromedp.EmulateViewport(a4Width, 1000))
	if _, err := chromedp.Call(tctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	r, err := chromedp.Run(tctx, chromedp.Evaluate[printReport](printJS))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Shown) > 0 {
		t.Errorf("the guide in print shows the application's chrome:\n  %s", strings.Join(r.Shown, "\n  "))
	}
	if r.ScrollWidth > r.Width {
		t.Errorf("the guide in print is %d px wide, the page %d", r.ScrollWidth, r.Width)
	}
	if dir != "" {
		shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "guida-responsabile-stampa.png"), shot, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
