package server_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
)

// browserSignIn opens path in the browser, which is sent to the sign-in form,
// signs in there as the test account and waits for waitFor on the page the
// form leads back to.
func browserSignIn(t *testing.T, ctx context.Context, base, path string, waitFor chromedp.CSS) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+path),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/accedi"] #email`)),
	); err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if want := base + "/accedi?next=" + url.QueryEscape(path); loc != want {
		t.Errorf("anonymous visit of %s landed on %s, want %s", path, loc, want)
	}
	browsertest.AssertAccessible(t, ctx) // the sign-in form
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#email"), testEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
		chromedp.WaitVisible(waitFor),
	); err != nil {
		t.Fatalf("signing in: %v", err)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || loc != base+path {
		t.Errorf("after signing in the browser is on %q (%v), want %s", loc, err, base+path)
	}
}

// visibleText is the innerText of the first element sel finds, with its
// white space collapsed.
func visibleText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(tctx, chromedp.Text(sel, chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("reading %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// TestBrowser_ObjectivePage follows the link of AREA DIREZIONE objective 1 on
// the cycle page in a real browser, reads the objective page as a person sees
// it, and checks its accessibility.
func TestBrowser_ObjectivePage(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t)
	seed := loadSeed(t)
	links := cycleLinks(t, srv.URL, 2023)
	if len(links) == 0 || links[0].Name != "AREA DIREZIONE" || len(links[0].Links) == 0 {
		t.Fatalf("the cycle page does not start with AREA DIREZIONE and its objectives: %+v", links)
	}
	wantURL := srv.URL + links[0].Links[0]
	o := seed.Centres[0].Objectives[0]
	if seed.Centres[0].Name != "AREA DIREZIONE" || o.Number != 1 {
		t.Fatalf("the seed does not start with AREA DIREZIONE objective 1")
	}

	ctx := browsertest.New(t)
	browserSignIn(t, ctx, srv.URL, "/cicli/2023", chromedp.CSS(`[data-testid="centre-row"]`))

	// The centre's link in the index, then the link in the first row of
	// the centre's first section.
	if err := chromedp.Do(ctx,
		chromedp.Click(`//a[@data-testid="centre-link"][normalize-space()="AREA DIREZIONE"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="objective-row"]`)),
		chromedp.Click(`(//section[@data-testid="section"])[1]//tr[@data-testid="objective-row"][1]/td/a`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="objective-title"]`)),
	); err != nil {
		t.Fatalf("following the link of objective 1: %v", err)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || loc != wantURL {
		t.Fatalf("the link led to %q (%v), want %s", loc, err, wantURL)
	}

	if got, want := visibleText(t, ctx, "//h1"), "Obiettivo 1: "+strings.Join(strings.Fields(o.Title), " "); got != want {
		t.Errorf("h1:\n got %q\nwant %q", got, want)
	}
	// The table under the heading "Modalità di attuazione": the first
	// activity was planned in May.
	activities := `//h2[normalize-space()="Modalità di attuazione"]/following-sibling::div[1]//table`
	if got := visibleText(t, ctx, activities+`/thead/tr/th[2]`); got != "Tempi" {
		t.Errorf("second column of the activities: %q, want Tempi", got)
	}
	if got := visibleText(t, ctx, activities+`/tbody/tr[1]/td[2]`); got != "Maggio" {
		t.Errorf("planned months of the first activity: %q, want Maggio", got)
	}
	if got := visibleText(t, ctx, activities+`/tbody/tr[1]/td[3]`); got != "Settembre" {
		t.Errorf("actual months of the first activity: %q, want Settembre", got)
	}
	// The table under "Indicatori di risultato": 6 expected, 8 reached.
	indicators := `//h2[normalize-space()="Indicatori di risultato"]/following-sibling::div[1]//table`
	for col, want := range map[int]string{1: "Indicatore", 4: "Valore atteso 2023", 5: "Valore consuntivo 2023"} {
		if got := visibleText(t, ctx, indicators+`/thead/tr/th[`+strconv.Itoa(col)+`]`); got != want {
			t.Errorf("indicator column %d: %q, want %q", col, got, want)
		}
	}
	for col, want := range map[int]string{1: "Incontri", 4: "6", 5: "8"} {
		if got := visibleText(t, ctx, indicators+`/tbody/tr[1]/td[`+strconv.Itoa(col)+`]`); got != want {
			t.Errorf("first indicator, column %d: %q, want %q", col, got, want)
		}
	}

	browsertest.AssertAccessible(t, ctx)
}

// TestBrowser_Accessibility runs axe-core on the home page, the cycle page
// and the error page in a real browser.
func TestBrowser_Accessibility(t *testing.T) {
	t.Parallel()
	srv, _ := newTestServer(t)
	ctx := browsertest.New(t)
	browserSignIn(t, ctx, srv.URL, "/", chromedp.CSS(`[data-testid="cycle-card"]`))
	browsertest.AssertAccessible(t, ctx)
	links := cycleLinks(t, srv.URL, 2023)

	pages := []struct {
		path    string
		waitFor string
	}{
		{"/cicli/2023", `[data-testid="centre-row"]`},
		{links[0].Centre, `[data-testid="objective-row"]`},
		{"/cicli/2023/obiettivi?esito=non+raggiunto&q=a", `[data-testid="objective-row"]`},
		{"/cicli/2023/obiettivi?centro=0", `[data-testid="objectives-count"]`},
		{"/cicli/2023/obiettivi/abc", `[data-testid="error-message"]`},
	}
	for _, p := range pages {
		if err := chromedp.Do(ctx,
			chromedp.Navigate(srv.URL+p.path),
			chromedp.WaitVisible(chromedp.CSS(p.waitFor)),
		); err != nil {
			t.Fatalf("opening %s: %v", p.path, err)
		}
		browsertest.AssertAccessible(t, ctx)
	}
}
