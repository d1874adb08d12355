package server_test

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/demo"
	"traguardo/internal/server"
	"traguardo/web/paths"
)

// fvLoadedJS waits for the page's load and its fonts.
const fvLoadedJS = `new Promise((done) => {
	const ready = () => document.fonts.ready.then(() => done(true));
	if (document.readyState === "complete") ready(); else addEventListener("load", ready);
})`

// fvWire records what the browser of a tab downloads: each response's URL
// and the bytes it took on the wire (headers and body, as received).
type fvWire struct {
	mu    sync.Mutex
	urls  map[network.RequestID]string
	bytes map[network.RequestID]float64
}

func newFVWire(t *testing.T, ctx context.Context) *fvWire {
	t.Helper()
	w := &fvWire{urls: map[network.RequestID]string{}, bytes: map[network.RequestID]float64{}}
	if err := chromedp.Listen(ctx, func(ev any) {
		w.mu.Lock()
		defer w.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventResponseReceived:
			w.urls[e.RequestID] = e.Response.URL
		case *network.EventLoadingFinished:
			w.bytes[e.RequestID] += e.EncodedDataLength
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	return w
}

// settle waits for the page of ctx to be loaded with its fonts.
func (w *fvWire) settle(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fvLoadedJS, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	// The last responses' events.
	if err := chromedp.Do(ctx, chromedp.Sleep(500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
}

// total is what was downloaded so far, with a line for each response,
// the largest first, and the count of fonts.
func (w *fvWire) total(base string) (total float64, fonts int, lines []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	type resp struct {
		url   string
		bytes float64
	}
	var all []resp
	for id, b := range w.bytes {
		all = append(all, resp{w.urls[id], b})
		total += b
		if strings.Contains(w.urls[id], ".woff2") {
			fonts++
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].bytes > all[j].bytes })
	for _, r := range all {
		lines = append(lines, fmt.Sprintf("%7.1f KB %s", r.bytes/1024, strings.TrimPrefix(r.url, base)))
	}
	return total, fonts, lines
}

// TestBrowser_FirstVisitWeight signs in on a phone with an empty cache and
// opens the dashboard, as the benchmark's first visit does, and adds up
// what Chromium downloads (the pages, their stylesheets, scripts, images
// and the fonts their text is drawn in): under 400 KB on the wire (issue
// 20). Bootstrap Italia's full bundle alone took about 300 KB.
func TestBrowser_FirstVisitWeight(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ctx := browsertest.New(t)
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	wire := newFVWire(t, ctx)

	pbDo(t, tctx, "open the sign-in form",
		chromedp.EmulateViewport(pbMobileWidth, pbMobileHeight, chromedp.EmulateMobile),
		chromedp.Navigate(e.srv.URL+paths.SignIn+"?next="+url.QueryEscape(paths.Dashboard(2023))),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
	)
	wire.settle(t, tctx)
	pbDo(t, tctx, "sign in",
		chromedp.SendKeys(chromedp.CSS(`#email`), e.emails["direttore"]),
		chromedp.SendKeys(chromedp.CSS(`#password`), demo.DefaultPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="achievement-chart"]`)),
	)
	wire.settle(t, tctx)

	total, fonts, lines := wire.total(e.srv.URL)
	t.Logf("first visit: %.1f KB, %d fonts:\n%s", total/1024, fonts, strings.Join(lines, "\n"))
	if fonts == 0 || len(lines) < 5 {
		t.Errorf("%d responses, %d fonts: the downloads were not seen", len(lines), fonts)
	}
	if total >= 400*1024 {
		t.Errorf("the first visit downloads %.1f KB, want under 400 KB:\n%s", total/1024, strings.Join(lines, "\n"))
	}
}

// TestBrowser_BootstrapItaliaPlugins checks, on the sign-in form, the
// behaviours of the Bootstrap Italia plugins the pages load (the menu's
// NavBarCollapsible has TestPages_BrowserMobileMenu): TrackFocus marks a
// focus given by the mouse, so that only keyboard focus draws the outline;
// Input lifts a field's label while the field has the focus or a value,
// and lays it on an empty field left.
func TestBrowser_BootstrapItaliaPlugins(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ctx := browsertest.New(t)
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(tctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	label := func(field string) string {
		t.Helper()
		return eval(fmt.Sprintf(`document.querySelector('label[for=%q]').classList.contains("active") ? "lifted" : "on the field"`, field))
	}

	pbDo(t, tctx, "open the sign-in form",
		chromedp.EmulateViewport(pbMobileWidth, pbMobileHeight, chromedp.EmulateMobile),
		chromedp.Navigate(e.srv.URL+paths.SignIn),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
	)
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](`document.readyState === "complete"`)); err != nil {
		t.Fatal(err)
	}
	if got := eval(`[typeof bootstrap.NavBarCollapsible, typeof bootstrap.Input, window.BOOTSTRAP_ITALIA_VERSION].join(" ")`); got != "function function 2.18.3" {
		t.Fatalf("Bootstrap Italia's plugins: %q", got)
	}

	pbDo(t, tctx, "click the e-mail", chromedp.Click(chromedp.CSS(`#email`)))
	if got := eval(`document.activeElement.id + " " + document.activeElement.getAttribute("data-focus-mouse")`); got != "email true" {
		t.Errorf("focus by the mouse: %q, want the e-mail marked data-focus-mouse=true", got)
	}
	if got := label("email"); got != "lifted" {
		t.Errorf("the focused e-mail's label is %s", got)
	}
	pbDo(t, tctx, "type the password", chromedp.Click(chromedp.CSS(`#password`)), chromedp.SendKeys(chromedp.CSS(`#password`), "x"))
	if got := label("email"); got != "on the field" {
		t.Errorf("the empty e-mail left: its label is %s", got)
	}
	pbDo(t, tctx, "tab away", chromedp.KeyEvent("\t"))
	if got := eval(`document.activeElement.id || document.activeElement.dataset.testid || document.activeElement.tagName`); got != "sign-in" {
		t.Errorf("Tab from the password: focus on %q, want the button", got)
	}
	if got := eval(`String(document.activeElement.getAttribute("data-focus-mouse"))`); got == "true" {
		t.Error("focus by the keyboard marked as given by the mouse")
	}
	if got := label("password"); got != "lifted" {
		t.Errorf("the password left with a value: its label is %s", got)
	}
}
