package server_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/server"
)

// midYearPrintJS lists, in print media, what of the mid-year report's page
// is displayed but belongs to the screen (the toolbar, its forms and
// buttons, the flash message), and what is wider than the page.
const midYearPrintJS = `(() => {
	const out = [];
	for (const el of document.querySelectorAll(".toolbar, .screen-only, form, button, [data-testid=flash]")) {
		if (getComputedStyle(el).display !== "none" && el.getClientRects().length > 0) {
			out.push(el.tagName.toLowerCase() + "." + (el.className || "") + ": " + (el.textContent || "").trim().slice(0, 40));
		}
	}
	const root = document.documentElement;
	if (root.scrollWidth > root.clientWidth) {
		out.push("the page is " + root.scrollWidth + " px wide, the paper " + root.clientWidth);
	}
	return out;
})()`

// midYearNarrowJS lists the cells of the report's tables of many columns
// (table.stack) that, on a phone, do not take the table's whole width:
// there each row reads as a card, one cell under the other, rather than
// columns a few letters wide.
const midYearNarrowJS = `(() => {
	const out = [];
	for (const c of document.querySelectorAll("table.stack tbody th, table.stack tbody td")) {
		const w = c.getBoundingClientRect().width, tw = c.closest("table").getBoundingClientRect().width;
		if (w < 0.9 * tw) out.push(Math.round(w) + " of " + Math.round(tw) + " px: " + (c.textContent || "").trim().slice(0, 40));
	}
	return out.slice(0, 12);
})()`

// TestBrowser_MidYear opens the mid-year report of 2023 at 30/06 as the
// director and as the Nucleo, at 390 and 1366 px: axe-core finds nothing,
// the page does not scroll sideways (the sendings' table, with its
// SHA-256, included); the director sends it from its toolbar and the page
// says so and lists the sending; in print (media emulated, A4's width)
// the toolbar, its forms and the flash are not displayed and nothing is
// wider than the paper. MIDYEAR_SHOTS=dir saves a PNG screenshot of each,
// and the print as PDF.
func TestBrowser_MidYear(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	base := e.srv.URL
	ctx := browsertest.New(t)
	pbSignIn(t, ctx, base, e.emails["direttore"])
	const path = "/cicli/2023/monitoraggio-intermedio?periodo=2023-06-30"
	dir := os.Getenv("MIDYEAR_SHOTS")
	save := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Error(err)
		}
	}
	shot := func(name string) {
		if dir == "" {
			return
		}
		b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // PNG
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		save("midyear-"+name+".png", b)
	}
	viewport := func(width, height int64, mobile bool) {
		t.Helper()
		var opts []chromedp.EmulateViewportOption
		if mobile {
			opts = append(opts, chromedp.EmulateMobile)
		}
		tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(tctx, chromedp.EmulateViewport(width, height, opts...)); err != nil {
			t.Fatal(err)
		}
	}
	printed := func(who string) {
		t.Helper()
		viewport(a4Width, 1000, false)
		pbPage(t, ctx, base, path, `[data-testid="monitoring-centres"]`, false)
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](midYearPrintJS))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > 0 {
			t.Errorf("the report printed by the %s shows what is the screen's, or is too wide:\n  %s", who, strings.Join(got, "\n  "))
		}
		shot(who + "-stampa")
		pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPrintBackground()))
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Errorf("the report does not print (%d bytes, %v)", len(pdf), err)
		} else if dir != "" {
			save("midyear-"+who+"-stampa.pdf", pdf)
		}
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
			t.Fatal(err)
		}
	}

	pbPage(t, ctx, base, path, `[data-testid="monitoring-centres"]`, false)
	shot("direttore-390")
	viewport(1366, 900, false)
	pbPage(t, ctx, base, path, `[data-testid="monitoring-centres"]`, false)
	shot("direttore-1366")
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
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
	shot("direttore-1366-inviato")
	if got := visibleText(t, ctx, `//*[@data-testid="monitoring-sending"]`); !strings.Contains(got, "n. 1") {
		t.Errorf("the sendings' table reads %q", got)
	}
	// The sendings' table, with its SHA-256, on a phone.
	viewport(pbMobileWidth, pbMobileHeight, true)
	pbPage(t, ctx, base, path, `[data-testid="monitoring-sendings"]`, false)
	shot("direttore-390-inviato")
	if got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](midYearNarrowJS)); err != nil || len(got) > 0 {
		t.Errorf("on a phone the report's tables keep their columns (%v):\n  %s", err, strings.Join(got, "\n  "))
	}
	printed("direttore")

	// The Nucleo reads the sent report, with the link to its observations.
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	pbSignIn(t, ctx, base, e.emails["nucleo"])
	pbPage(t, ctx, base, path, `[data-testid="monitoring-observe"]`, false)
	shot("nucleo-390")
	viewport(1366, 900, false)
	pbPage(t, ctx, base, path, `[data-testid="monitoring-observe"]`, false)
	shot("nucleo-1366")
	printed("nucleo")
	pbPage(t, ctx, base, "/cicli/2023/cruscotto?al=2023-06-30", `[data-testid="midyear-link"]`, false)
}
