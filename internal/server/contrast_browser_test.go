package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/demo"
	"traguardo/web/paths"
)

// contrastJS lists the text of the page that reads at less than WCAG's
// minimum contrast (1.4.3): 4.5:1, or 3:1 for large text (24 px, or 18.66
// px bold). It looks at every visible element with text of its own (HTML,
// and the text of the server-drawn SVG charts, whose colour is their fill)
// and computes, by WCAG's relative luminance, the ratio of the text's
// colour to the background it is drawn on: the first background colour
// found walking up from the element, with the translucent ones on the way
// composed over what is under them, white at the root. Text over a
// background image is reported as such (its contrast cannot be computed).
// axe-core leaves many of these "incomplete" (badges in table rows, text
// over a card), so it does not fail on them.
const contrastJS = `(() => {
	const parse = (c) => {
		const m = (c || "").match(/[\d.]+/g);
		if (!m || m.length < 3) return null;
		return { r: +m[0], g: +m[1], b: +m[2], a: m.length > 3 ? +m[3] : 1 };
	};
	const over = (top, under) => ({
		r: top.r * top.a + under.r * (1 - top.a),
		g: top.g * top.a + under.g * (1 - top.a),
		b: top.b * top.a + under.b * (1 - top.a),
		a: 1,
	});
	const lum = (c) => {
		const ch = [c.r, c.g, c.b].map((v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
		return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
	};
	// background returns the colour el is drawn on, or a string saying why
	// it cannot tell.
	const background = (el) => {
		const layers = [];
		for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
			const s = getComputedStyle(n);
			if (s.backgroundImage && s.backgroundImage !== "none" && !s.backgroundImage.startsWith("linear-gradient(rgba(0, 0, 0, 0)")) return "a background image (" + s.backgroundImage.slice(0, 40) + ")";
			const c = parse(s.backgroundColor);
			if (c && c.a > 0) {
				layers.push(c);
				if (c.a >= 1) break;
			}
		}
		let bg = { r: 255, g: 255, b: 255, a: 1 };
		for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
		return bg;
	};
	const name = (el) => {
		let s = el.tagName.toLowerCase();
		if (el.dataset && el.dataset.testid) s += "[data-testid=" + el.dataset.testid + "]";
		else if (typeof el.className === "string" && el.className.trim()) s += "." + el.className.trim().split(/\s+/).join(".");
		else if (el.className && el.className.baseVal) s += "." + el.className.baseVal.trim().split(/\s+/).join(".");
		return s;
	};
	const out = [];
	for (const el of document.body.querySelectorAll("*")) {
		const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join("").trim();
		if (!own || ["SCRIPT", "STYLE", "TITLE", "DESC", "OPTION", "title", "desc"].includes(el.tagName)) continue;
		const r = el.getBoundingClientRect();
		const s = getComputedStyle(el);
		if (r.width < 2 || r.height < 2 || s.visibility === "hidden" || s.display === "none" || el.closest("[hidden], .visually-hidden, .visually-hidden-focusable, [aria-hidden=true]")) continue;
		const svg = el instanceof SVGElement;
		const fg = parse(svg ? s.fill : s.color);
		if (!fg) continue;
		const bg = background(svg ? el.closest("svg") : el);
		if (typeof bg === "string") { out.push(name(el) + " «" + own.slice(0, 40) + "»: text over " + bg); continue; }
		const text = over(fg, bg);
		const l1 = lum(text), l2 = lum(bg);
		const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
		const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight, 10) >= 700;
		const min = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
		if (ratio < min) out.push(name(el) + " «" + own.slice(0, 40) + "»: " + ratio.toFixed(2) + ":1 < " + min + ":1, " + (svg ? s.fill : s.color) + " on rgb(" + [bg.r, bg.g, bg.b].map(Math.round).join(", ") + ")");
	}
	return [...new Set(out)];
})()`

// TestBrowser_Contrast opens, as the director, the pages where the
// application's own badges and coloured components appear (the dashboard
// with its deadlines, its charts and its lists, a centre, an objective, the
// list of objectives, the Relazione's page) and, as the manager, the
// monitoring page; on each, every text reads at WCAG's minimum contrast
// against the background it is drawn on, computed in Chromium from the
// styles as they apply (contrastJS). The 2023 Relazione is validated after
// its deadline, so that the dashboard and the Relazione's page show the
// "oltre il termine" badge, which read at 2.4:1.
func TestBrowser_Contrast(t *testing.T) {
	t.Parallel()
	e := rpEnv(t)
	rpSend(t, e)
	if r := rpValidate(t, e.signedIn(t, "nucleo"), 1, "validata", "<p>Validata.</p>"); r.Status != 303 {
		t.Fatalf("validating: status %d\n%.800s", r.Status, r.Body)
	}
	objective := fmt.Sprintf("/cicli/2023/obiettivi/%d", e.objectiveID)
	type pg struct{ path, waitFor string }
	for _, tc := range []struct {
		role  string
		pages []pg
	}{
		{"direttore", []pg{
			{paths.Dashboard(2023), `[data-testid="deadline-late"]`},
			{"/cicli/2023", `[data-testid="centre-row"]`},
			{fmt.Sprintf("/cicli/2023/centri/%d", e.centreID), `[data-testid="trend-centre"]`},
			{objective, `[data-testid="gantt-objective"]`},
			{"/cicli/2023/obiettivi", `[data-testid="objective-row"]`},
			{paths.Validation(2023), `[data-testid="deadline-late"]`},
			{"/", `[data-testid="cycle-card"]`},
		}},
		{"responsabile", []pg{
			{"/cicli/2024", `[data-testid="centre-row"]`},
		}},
	} {
		t.Run(tc.role, func(t *testing.T) {
			t.Parallel()
			ctx := browsertest.New(t)
			for _, width := range []int64{1366, pbMobileWidth} {
				if width != 1366 {
					pbDo(t, ctx, "narrow the window", chromedp.EmulateViewport(width, pbMobileHeight, chromedp.EmulateMobile))
				} else {
					pbDo(t, ctx, "sign in as "+tc.role,
						chromedp.EmulateViewport(width, 900),
						chromedp.Navigate(e.srv.URL+"/accedi"),
						chromedp.WaitVisible(chromedp.CSS(`#email`)),
						chromedp.SendKeys(chromedp.CSS(`#email`), e.emails[tc.role]),
						chromedp.SendKeys(chromedp.CSS(`#password`), demo.DefaultPassword),
						chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
						chromedp.WaitVisible(chromedp.CSS(`[data-testid="current-user"]`)),
					)
				}
				for _, p := range tc.pages {
					tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
					err := chromedp.Do(tctx, chromedp.Navigate(e.srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.waitFor)))
					cancel()
					if err != nil {
						t.Fatalf("opening %s: %v", p.path, err)
					}
					low, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](contrastJS))
					if err != nil {
						t.Fatal(err)
					}
					if len(low) > 0 {
						t.Errorf("%s at %d px: text below the minimum contrast:\n  %s", p.path, width, strings.Join(low, "\n  "))
					}
				}
			}
		})
	}
}
