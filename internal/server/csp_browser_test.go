package server_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/demo"
)

// cspListenJS runs before any script of each page and records the page's
// CSP violations as the securitypolicyviolation event reports them.
const cspListenJS = `window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || '?').slice(0, 60) + ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber));`

// cspWatch records, for the tab of ctx, the CSP violations of each page:
// those the page's securitypolicyviolation event reports (read by
// violations) and the errors the browser writes to its log about the
// Content-Security-Policy (the console's "Refused to…" and "violates the
// following Content Security Policy directive").
type cspWatch struct {
	mu  sync.Mutex
	log []string
}

func newCSPWatch(t *testing.T, ctx context.Context) *cspWatch {
	t.Helper()
	w := &cspWatch{}
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*log.EventEntryAdded); ok && e.Entry != nil &&
			(e.Entry.Source == log.EntrySourceSecurity || strings.Contains(e.Entry.Text, "Content Security Policy")) {
			w.mu.Lock()
			defer w.mu.Unlock()
			text := e.Entry.Text
			if len(text) > 300 {
				text = text[:300] + "…"
			}
			w.log = append(w.log, "console: "+text)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspListenJS}); err != nil {
		t.Fatal(err)
	}
	return w
}

// open opens path, waits for waitFor and for the page's scripts to have
// run (the load event and a moment after it), and returns every violation
// seen while it did.
func (w *cspWatch) open(t *testing.T, ctx context.Context, base, path, waitFor string) []string {
	t.Helper()
	w.mu.Lock()
	w.log = nil
	w.mu.Unlock()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx,
		chromedp.Navigate(base+path),
		chromedp.WaitVisible(chromedp.CSS(waitFor)),
	); err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](`document.readyState === "complete"`)); err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	// What scripts do on load, or just after.
	if err := chromedp.Do(tctx, chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	seen, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`window.__csp || ["the listener did not run"]`))
	if err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return append(seen, w.log...)
}

// TestBrowser_NoCSPViolations opens the main pages of each role in
// Chromium, with the application's Content-Security-Policy, and fails on
// any violation the page or the browser's console reports: Bootstrap
// Italia's bundle used to insert Video.js's <style> element (blocked by
// style-src 'self') and its CSS to declare a data: font (blocked by
// font-src 'self'), three errors on every page. The pages with the
// rich-text editor (its scripts, the contenteditable) are among them.
func TestBrowser_NoCSPViolations(t *testing.T) {
	t.Parallel()
	e := rpEnv(t)
	rpSend(t, e)
	objective := fmt.Sprintf("/cicli/2023/obiettivi/%d", e.objectiveID)
	type pg struct{ path, waitFor string }
	pagesOf := []struct {
		role  string
		pages []pg
	}{
		{"", []pg{{"/accedi", `#email`}}},
		{"direttore", []pg{
			{"/", `[data-testid="cycle-card"]`},
			{"/cicli/2023", `[data-testid="centre-row"]`},
			{"/cicli/2023/cruscotto", `[data-testid="achievement-chart"]`},
			{fmt.Sprintf("/cicli/2023/centri/%d", e.centreID), `[data-testid="trend-centre"]`},
			{objective, `[data-testid="gantt-objective"]`},
			{"/cicli/2023/obiettivi", `[data-testid="objective-row"]`},
			{objective + "/modifica", `[data-testid="objective-form"]`},
			{"/cicli/2023/validazione", `[data-testid="deadlines"]`},
			{"/cicli/2023/variazioni", `[data-testid="approval"]`},
		}},
		{"nucleo", []pg{
			{"/cicli/2023/validazione/valida", `#text_html-editor`},
			{"/registro", `[data-testid="audit-table"]`},
		}},
		{"admin", []pg{{"/admin/utenti", `[data-testid="users-table"]`}}},
	}
	for _, tc := range pagesOf {
		name := tc.role
		if name == "" {
			name = "anonimo"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := browsertest.New(t)
			w := newCSPWatch(t, ctx)
			if tc.role != "" {
				if v := w.open(t, ctx, e.srv.URL, "/accedi", `#email`); len(v) > 0 {
					t.Errorf("/accedi: CSP violations:\n  %s", strings.Join(v, "\n  "))
				}
				pbDo(t, ctx, "sign in as "+tc.role,
					chromedp.SendKeys(chromedp.CSS(`#email`), e.emails[tc.role]),
					chromedp.SendKeys(chromedp.CSS(`#password`), demo.DefaultPassword),
					chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
					chromedp.WaitVisible(chromedp.CSS(`[data-testid="current-user"]`)),
				)
			}
			for _, p := range tc.pages {
				if v := w.open(t, ctx, e.srv.URL, p.path, p.waitFor); len(v) > 0 {
					t.Errorf("%s as %s: CSP violations:\n  %s", p.path, name, strings.Join(v, "\n  "))
				}
			}
		})
	}
}
