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
	"traguardo/internal/server"
	"traguardo/web/paths"
)

// The pages on a phone. The other browser tests run Chromium at its default
// size (800 pixels wide), where the tables fit and the header has room; on a
// phone a table scrolls sideways inside its region, the header must not push
// "Esci" off the screen, a long form label wraps, and the menu hides behind
// its button. These checks run at 390 × 844 CSS pixels, the size of a
// current phone held upright.

const (
	pbMobileWidth  = 390
	pbMobileHeight = 844
)

// pbOverflowJS lists what sticks out of the page on the right, so that the
// page scrolls sideways as a whole (WCAG 1.4.10, Reflow): nothing, or the
// page's widths and the elements found. A table scrolling inside its own
// region is allowed, so what is inside .table-responsive is skipped.
const pbOverflowJS = `(() => {
	const root = document.documentElement;
	const W = root.clientWidth;
	if (root.scrollWidth <= W) return [];
	const out = ["page " + root.scrollWidth + "px wide, screen " + W + "px"];
	for (const el of document.body.querySelectorAll("*")) {
		const inTable = el.parentElement && el.parentElement.closest(".table-responsive");
		if (inTable) continue;
		const r = el.getBoundingClientRect();
		if (r.width > 0 && r.right > W + 1) {
			out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") +
				" reaches " + Math.round(r.right) + "px: " + (el.textContent || "").trim().slice(0, 40));
		}
	}
	return out.slice(0, 12);
})()`

// pbBadgeContrastJS lists the badges whose text reads at less than 4.5:1 on
// their background (WCAG 1.4.3). axe-core leaves badges in table rows
// "incomplete", unable to tell their background, so it does not report them.
const pbBadgeContrastJS = `(() => {
	const lum = (c) => {
		const m = c.match(/[\d.]+/g).map(Number);
		const ch = m.slice(0, 3).map((v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
		return { l: 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2], a: m.length > 3 ? m[3] : 1 };
	};
	const out = [];
	for (const b of document.querySelectorAll(".badge")) {
		const s = getComputedStyle(b);
		const fg = lum(s.color), bg = lum(s.backgroundColor);
		if (bg.a < 1) { out.push(b.textContent.trim() + ": transparent background " + s.backgroundColor); continue; }
		const ratio = (Math.max(fg.l, bg.l) + 0.05) / (Math.min(fg.l, bg.l) + 0.05);
		if (ratio < 4.5) out.push(b.textContent.trim() + ": " + ratio.toFixed(2) + ":1, " + s.color + " on " + s.backgroundColor);
	}
	return [...new Set(out)];
})()`

// pbLabelOverlapJS lists the form labels that cover another field or another
// label: a long label wrapping on a narrow screen, or fields too close for a
// label floating above its own field, hides what is typed next door. (How a
// label sits on its own field is Bootstrap Italia's design, not checked.)
const pbLabelOverlapJS = `(() => {
	const shown = (el) => {
		const r = el.getBoundingClientRect();
		const s = getComputedStyle(el);
		return r.width > 1 && r.height > 1 && s.visibility !== "hidden" && s.opacity !== "0" ? r : null;
	};
	const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.htmlFor ? "[for=" + el.htmlFor + "]" : "");
	const labels = [...document.querySelectorAll("main label")].filter(shown);
	const others = [...document.querySelectorAll("main input:not([type=hidden]), main select, main textarea, main [contenteditable=true], main label")].filter(shown);
	const out = [];
	for (const l of labels) {
		const a = shown(l);
		for (const o of others) {
			if (o === l || l.contains(o) || o.contains(l) || (l.htmlFor && o.id === l.htmlFor)) continue;
			const b = shown(o);
			const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
			const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
			if (w > 1 && h > 1) out.push(name(l) + " «" + l.textContent.trim().slice(0, 40) + "» covers " + name(o) + " by " + Math.round(h) + "px");
		}
	}
	return out;
})()`

// pbPage opens path in the tab of ctx, waits for waitFor and checks the page
// as a phone shows it: axe-core, nothing sticking out on the right, badges
// that read, and, when labels is set, form labels clear of the fields.
func pbPage(t *testing.T, ctx context.Context, base, path, waitFor string, labels bool) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx,
		chromedp.Navigate(base+path),
		chromedp.WaitVisible(chromedp.CSS(waitFor)),
	); err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	pbCheckPage(t, ctx, path, labels)
}

// pbCheckPage checks the page the tab of ctx shows, as pbPage does.
func pbCheckPage(t *testing.T, ctx context.Context, what string, labels bool) {
	t.Helper()
	browsertest.AssertAccessible(t, ctx)
	checks := []struct {
		js, problem string
	}{
		{pbOverflowJS, "scrolls sideways as a whole"},
		{pbBadgeContrastJS, "has badges without enough contrast"},
	}
	if labels {
		checks = append(checks, struct{ js, problem string }{pbLabelOverlapJS, "has labels over its fields"})
	}
	for _, c := range checks {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](c.js))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if len(got) > 0 {
			t.Errorf("on a phone %s %s:\n  %s", what, c.problem, strings.Join(got, "\n  "))
		}
	}
}

// pbSignIn opens the sign-in form at the phone's size and signs in as email.
func pbSignIn(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx,
		chromedp.EmulateViewport(pbMobileWidth, pbMobileHeight, chromedp.EmulateMobile),
		chromedp.Navigate(base+"/accedi"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
	); err != nil {
		t.Fatalf("opening the sign-in form: %v", err)
	}
	pbCheckPage(t, ctx, "the sign-in form", true)
	if err := chromedp.Do(tctx,
		chromedp.SendKeys(chromedp.CSS(`#email`), email),
		chromedp.SendKeys(chromedp.CSS(`#password`), demo.DefaultPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="current-user"]`)),
	); err != nil {
		t.Fatalf("signing in as %s: %v", email, err)
	}
}

// TestPages_BrowserMobile opens the pages of each role on a phone-sized
// screen and checks them with axe-core and with what axe-core does not see:
// a page wider than the screen, badges without contrast, labels over fields.
// At this size a table scrolls inside its region, which must then take the
// keyboard focus: the indicators of an objective, read by an observer, and
// the audit log have no link to focus otherwise.
func TestPages_BrowserMobile(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	base := e.srv.URL
	objective := fmt.Sprintf("/cicli/2023/obiettivi/%d", e.objectiveID)

	type page struct{ path, waitFor string }
	for _, tc := range []struct {
		role  string
		pages []page
	}{
		{"osservatore", []page{
			{"/", `[data-testid="cycle-card"]`},
			{"/cicli/2023", `[data-testid="centre-row"]`},
			{"/cicli/2023/obiettivi", `[data-testid="objective-row"]`},
			{objective, `[data-testid="indicators"]`},
			{"/cicli/2023/variazioni", `[data-testid="approval"]`},
		}},
		{"nucleo", []page{
			{"/registro", `[data-testid="audit-table"]`},
		}},
		{"admin", []page{
			{"/admin/utenti", `[data-testid="users-table"]`},
			{"/admin/note-legali", `[data-testid="legal-form"]`},
		}},
		{"direttore", []page{
			{"/cicli/2023", `[data-testid="cycle-actions"]`},
			{objective, `[data-testid="plan-actions"]`},
			{objective + "/modifica", `[data-testid="objective-form"]`},
			{objective + "/attivita/nuova", `[data-testid="activity-form"]`},
			{"/cicli/2023/impostazioni", `[data-testid="bands-form"]`},
			{"/cicli/2023/approva", `[data-testid="approve-form"]`},
			{"/cicli/2023/elimina", `[data-testid="confirm-delete"]`},
			{"/profilo/password", `form[action="/profilo/password"]`},
		}},
	} {
		t.Run(tc.role, func(t *testing.T) {
			t.Parallel()
			ctx := browsertest.New(t)
			pbSignIn(t, ctx, base, e.emails[tc.role])
			for _, p := range tc.pages {
				pbPage(t, ctx, base, p.path, p.waitFor, true)
			}
			if tc.role != "direttore" {
				return
			}
			// A form sent empty: the error summary, the fields with their
			// errors, still clear of their labels.
			tctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			defer cancel()
			if err := chromedp.Do(tctx,
				chromedp.Navigate(base+objective+"/indicatori/nuovo"),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="indicator-form"]`)),
				chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="form-errors"]`)),
			); err != nil {
				t.Fatalf("sending the empty indicator form: %v", err)
			}
			pbCheckPage(t, ctx, "the indicator form with errors", true)
		})
	}
}

// TestPages_BrowserMobileMenu opens the main menu with its button on a
// phone, where the menu is hidden behind it: the entries of the role show,
// the button says the menu is open, and the close button hides it again;
// opened again, an entry followed opens its page.
func TestPages_BrowserMobileMenu(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ctx := browsertest.New(t)
	pbSignIn(t, ctx, e.srv.URL, e.emails["admin"])

	const (
		toggler = `[data-testid="main-nav"] button[aria-controls="menu-principale"]`
		users   = `#menu-principale a[href="/admin/utenti"]`
	)
	visible := func(sel string) bool {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(
			`(() => { const el = document.querySelector(%q); if (!el) return false; const r = el.getBoundingClientRect();
				return r.width > 0 && r.height > 0 && r.right > 0 && r.left < window.innerWidth && getComputedStyle(el).visibility !== "hidden"; })()`, sel)))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	expanded := func() string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).getAttribute("aria-expanded")`, toggler)))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	if !visible(toggler) {
		t.Fatal("on a phone the menu button is not shown")
	}
	if visible(users) {
		t.Error("on a phone the menu shows before its button is pressed")
	}
	if got := expanded(); got != "false" {
		t.Errorf("closed menu: aria-expanded=%q, want false", got)
	}
	tctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx,
		chromedp.Click(chromedp.CSS(toggler)),
		chromedp.WaitVisible(chromedp.CSS(users)),
		chromedp.Sleep(500*time.Millisecond), // the menu slides in
	); err != nil {
		t.Fatalf("opening the menu: %v", err)
	}
	if !visible(users) {
		t.Error("the open menu does not show Utenti")
	}
	if got := expanded(); got != "true" {
		t.Errorf("open menu: aria-expanded=%q, want true", got)
	}
	browsertest.AssertAccessible(t, ctx)
	if err := chromedp.Do(tctx,
		chromedp.Click(chromedp.CSS(`#menu-principale .close-menu`)),
		chromedp.WaitNotVisible(chromedp.CSS(users)),
	); err != nil {
		t.Fatalf("closing the menu: %v", err)
	}
	if got := expanded(); got != "false" {
		t.Errorf("closed again: aria-expanded=%q, want false", got)
	}

	// Opened again, an entry of the menu is followed: its page opens,
	// with the menu closed behind its button again.
	if err := chromedp.Do(tctx,
		chromedp.Click(chromedp.CSS(toggler)),
		chromedp.WaitVisible(chromedp.CSS(users)),
		chromedp.Sleep(500*time.Millisecond), // the menu slides in
		chromedp.Click(chromedp.CSS(users)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="users-table"]`)),
	); err != nil {
		t.Fatalf("following Utenti in the menu: %v", err)
	}
	if loc, err := chromedp.Run(tctx, chromedp.Location()); err != nil || !strings.HasSuffix(loc, paths.Users) {
		t.Errorf("after Utenti in the menu the page is %q (%v), want %s", loc, err, paths.Users)
	}
	if visible(users) {
		t.Error("the page opened from the menu shows the menu open")
	}
	if got := expanded(); got != "false" {
		t.Errorf("the page opened from the menu: aria-expanded=%q, want false", got)
	}
}
