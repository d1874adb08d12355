package server_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/demo"
	"traguardo/internal/server"
	"traguardo/web/paths"
)

// layoutPages are the pages a director prints or reads on a phone: the
// dashboard, the cycle, a centre (AREA DIREZIONE, with its trend and Gantt
// charts), its objective 2 (with its Gantt chart) and the list of
// objectives, each with what to wait for.
func layoutPages(t *testing.T, e *secEnv) [][2]string {
	t.Helper()
	var centre, objective int64
	if err := e.pool.QueryRow(t.Context(), `
		SELECT cc.id, o.id FROM cycle_centres cc JOIN cycles c ON c.id = cc.cycle_id JOIN centres ce ON ce.id = cc.centre_id
		JOIN objectives o ON o.cycle_centre_id = cc.id AND o.number = 2
		WHERE c.year = 2023 AND ce.name = 'AREA DIREZIONE'`).Scan(&centre, &objective); err != nil {
		t.Fatal(err)
	}
	return [][2]string{
		{paths.Dashboard(2023), `[data-testid="achievement-chart"]`},
		{"/cicli/2023", `[data-testid="centre-row"]`},
		{fmt.Sprintf("/cicli/2023/centri/%d", centre), `[data-testid="gantt-centre"]`},
		{fmt.Sprintf("/cicli/2023/obiettivi/%d", objective), `[data-testid="gantt-objective"]`},
		{"/cicli/2023/obiettivi", `[data-testid="objective-row"]`},
	}
}

// layoutSignIn signs in as role in a window width × height wide (a phone
// when mobile).
func layoutSignIn(t *testing.T, ctx context.Context, e *secEnv, role string, width, height int64, mobile bool) {
	t.Helper()
	var opts []chromedp.EmulateViewportOption
	if mobile {
		opts = append(opts, chromedp.EmulateMobile)
	}
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	pbDo(t, tctx, "sign in as "+role,
		chromedp.EmulateViewport(width, height, opts...),
		chromedp.Navigate(e.srv.URL+"/accedi"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), e.emails[role]),
		chromedp.SendKeys(chromedp.CSS(`#password`), demo.DefaultPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="current-user"]`)),
	)
}

// layoutOpen opens path and waits for the element waitFor to be in the page.
func layoutOpen(t *testing.T, ctx context.Context, e *secEnv, path, waitFor string) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	pbDo(t, tctx, "open "+path, chromedp.Navigate(e.srv.URL+path), chromedp.WaitReady(chromedp.CSS(waitFor)))
}

// chartTextJS lists the charts shown (their figure's data-testid) whose
// smallest text, as drawn (its font size times the scale of its SVG), is
// below min CSS pixels; with the count of charts shown.
const chartTextJS = `((min) => {
	const shown = [...document.querySelectorAll(".app-chart svg")].filter((s) => s.checkVisibility() && s.getBoundingClientRect().width > 0);
	const small = [];
	for (const s of shown) {
		const k = s.getBoundingClientRect().width / s.viewBox.baseVal.width;
		let least = Infinity;
		for (const t of s.querySelectorAll("text")) least = Math.min(least, parseFloat(getComputedStyle(t).fontSize) * k);
		if (least < min) small.push(s.closest("figure").dataset.testid + ": " + least.toFixed(1) + "px");
	}
	return {shown: shown.length, small};
})`

type chartText struct {
	Shown int      `json:"shown"`
	Small []string `json:"small"`
}

// printJS reports what a page shows in print media that paper should not
// carry, and how it fits the page.
const printJS = `(() => {
	const chrome = [".it-header-wrapper", "[data-testid=current-user]", "[data-testid=main-nav]", "[data-testid=sign-out]",
		".skiplinks a", ".it-footer", ".breadcrumb-container", "main .btn", "main form"];
	const shown = [];
	for (const sel of chrome) for (const el of document.querySelectorAll(sel)) if (el.checkVisibility()) shown.push(sel + " «" + el.textContent.trim().slice(0, 30) + "»");
	const expanded = [...document.querySelectorAll("main a[href]")].filter((a) => !["none", "normal"].includes(getComputedStyle(a, "::after").content)).map((a) => a.textContent.trim().slice(0, 30));
	const cut = [...document.querySelectorAll(".app-chart, main tr")].filter((el) => getComputedStyle(el).breakInside !== "avoid").length;
	const h = document.querySelector("[data-testid=print-heading]");
	return {shown, expanded, cut, heading: h && h.checkVisibility() ? h.textContent.trim() : "",
		scrollWidth: document.documentElement.scrollWidth, width: document.documentElement.clientWidth};
})()`

type printReport struct {
	Shown       []string `json:"shown"`
	Expanded    []string `json:"expanded"`
	Cut         int      `json:"cut"`
	Heading     string   `json:"heading"`
	ScrollWidth int      `json:"scrollWidth"`
	Width       int      `json:"width"`
}

// a4Width is the width, in CSS pixels, of an A4 page within the print
// stylesheet's margins (210 mm - 2 × 12 mm, at 96 px an inch).
const a4Width = 703

// TestBrowser_Print prints, as the director, the dashboard, the cycle, a
// centre, an objective and the list of objectives (print media emulated,
// the window as wide as an A4 page within its margins): no header, menu,
// user e-mail, "Esci", skip link, breadcrumb, footer, button or form is
// displayed; a small heading names the page; nothing is wider than the
// page (else Chromium shrinks the whole page to fit, the charts' text to
// 5 pt); the charts' text is at least 8 pt; rows and charts are not cut
// across pages; no link is followed by its address. The dashboard prints
// to a PDF, and its print screenshot is kept (logged) for a person to see.
func TestBrowser_Print(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ctx := browsertest.New(t)
	layoutSignIn(t, ctx, e, "direttore", a4Width, 1000, false)
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	for i, p := range layoutPages(t, e) {
		layoutOpen(t, ctx, e, p[0], p[1])
		r, err := chromedp.Run(ctx, chromedp.Evaluate[printReport](printJS))
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Shown) > 0 {
			t.Errorf("%s in print shows the application's chrome:\n  %s", p[0], strings.Join(r.Shown, "\n  "))
		}
		if len(r.Expanded) > 0 {
			t.Errorf("%s in print writes links' addresses after them: %q", p[0], r.Expanded)
		}
		if r.Cut > 0 {
			t.Errorf("%s in print: %d rows or charts may be cut across pages (break-inside not avoid)", p[0], r.Cut)
		}
		if !strings.Contains(r.Heading, "Traguardo") {
			t.Errorf("%s in print: heading %q, want the page's title and Traguardo", p[0], r.Heading)
		}
		if r.ScrollWidth > r.Width {
			t.Errorf("%s in print is %d px wide, the page %d: the browser shrinks it to fit", p[0], r.ScrollWidth, r.Width)
		}
		ct, err := chromedp.Run(ctx, chromedp.Evaluate[chartText](chartTextJS+"(10.67)")) // 8 pt
		if err != nil {
			t.Fatal(err)
		}
		if len(ct.Small) > 0 {
			t.Errorf("%s in print: chart text below 8 pt: %q", p[0], ct.Small)
		}
		if i == 0 {
			if ct.Shown != 2 {
				t.Errorf("the dashboard prints %d charts, want 2", ct.Shown)
			}
			pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPrintBackground()))
			if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
				t.Errorf("the dashboard does not print (%d bytes, %v)", len(pdf), err)
			}
			shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := png.Decode(bytes.NewReader(shot)); err != nil {
				t.Fatalf("the screenshot is not a PNG: %v", err)
			}
			file := filepath.Join(t.TempDir(), "cruscotto-stampa.png")
			if err := os.WriteFile(file, shot, 0o600); err != nil {
				t.Fatal(err)
			}
			t.Logf("print screenshot %s", file)
		}
	}
	// On screen the same page keeps its header.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}
	if r, err := chromedp.Run(ctx, chromedp.Evaluate[printReport](printJS)); err != nil || len(r.Shown) == 0 || r.Heading != "" {
		t.Errorf("on screen: chrome shown %q, print heading %q (%v); want the header and no print heading", r.Shown, r.Heading, err)
	}
}

// phoneNamesJS lists the bars of the achievement chart shown whose drawn
// label is not the centre's whole name (as its title says).
const phoneNamesJS = `[...document.querySelectorAll("[data-testid=achievement-chart] svg")].filter((s) => s.checkVisibility()).flatMap((s) =>
	[...s.querySelectorAll(":scope > g")].map((g) => {
		const name = g.querySelector("title").textContent.split(": ")[0];
		const texts = [...g.querySelectorAll(":scope > text")].map((t) => t.textContent);
		const label = texts.slice(0, -1).join(" ");
		return label === name ? "" : "«" + label + "» for «" + name + "»";
	}).filter(Boolean))`

// TestBrowser_Phone opens, as the director on a 390 px phone, the
// dashboard, the cycle, a centre, an objective and the list: no page is
// wider than the screen; the charts shown are their narrow drawings, whose
// text is at least 11 px as drawn; on the dashboard each bar carries its
// centre's whole name (wrapped, not cut with "…"), and the trend's data
// table is stacked, not scrolling sideways.
func TestBrowser_Phone(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ctx := browsertest.New(t)
	layoutSignIn(t, ctx, e, "direttore", pbMobileWidth, pbMobileHeight, true)
	for i, p := range layoutPages(t, e) {
		layoutOpen(t, ctx, e, p[0], p[1])
		sw, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if sw > pbMobileWidth {
			t.Errorf("%s on a phone is %d px wide, the screen %d", p[0], sw, pbMobileWidth)
		}
		ct, err := chromedp.Run(ctx, chromedp.Evaluate[chartText](chartTextJS+"(11)"))
		if err != nil {
			t.Fatal(err)
		}
		if len(ct.Small) > 0 {
			t.Errorf("%s on a phone: chart text below 11 px: %q", p[0], ct.Small)
		}
		if wantCharts := map[int]int{0: 2, 2: 2, 3: 1}[i]; ct.Shown != wantCharts {
			t.Errorf("%s on a phone shows %d charts, want %d", p[0], ct.Shown, wantCharts)
		}
		if i != 0 {
			continue
		}
		cut, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](phoneNamesJS))
		if err != nil {
			t.Fatal(err)
		}
		if len(cut) > 0 {
			t.Errorf("the dashboard's chart on a phone does not show the whole names: %q", cut)
		}
		scroll, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`(() => { const r = document.querySelector("[data-testid=trend-chart-table]").closest(".table-responsive"); return [r.scrollWidth, r.clientWidth]; })()`))
		if err != nil {
			t.Fatal(err)
		}
		if scroll[0] > scroll[1] {
			t.Errorf("the trend's table on a phone scrolls sideways: %d px in %d", scroll[0], scroll[1])
		}
	}
}
