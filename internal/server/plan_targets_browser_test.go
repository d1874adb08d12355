package server_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/demo"
	"traguardo/web/paths"
)

// TestBrowser_Targets: the director opens an indicator's targets from the
// objective page in Chromium, saves a wrong one and then a right one; both
// pages pass axe (the form also with its error), and the target is stored.
func TestBrowser_Targets(t *testing.T) {
	t.Parallel()
	f := newTgFixture(t)
	ctx := browsertest.New(t)
	in, p1 := f.count, f.period(0)
	field := "#" + tgField(p1)
	pbDo(t, ctx, "sign in as the director",
		chromedp.Navigate(f.e.srv.URL+"/accedi"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS("#email"), f.e.emails["direttore"]),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.DefaultPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="sign-in"]`)),
	)
	pbDo(t, ctx, "open the objective page",
		chromedp.Navigate(f.e.srv.URL+paths.Objective(2023, f.objective[in.ID])),
		chromedp.WaitVisible(chromedp.CSS(`a[href="`+f.path(in)+`"]`)),
	)
	browsertest.AssertAccessible(t, ctx)
	pbDo(t, ctx, "open the targets from the objective page",
		chromedp.Click(chromedp.CSS(`a[href="`+f.path(in)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="targets-form"]`)),
	)
	browsertest.AssertAccessible(t, ctx)
	pbDo(t, ctx, "save a fractional count",
		chromedp.SetValue(chromedp.CSS(field), "2,5"),
		chromedp.Click(chromedp.CSS(`[data-testid="targets-form"] [data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-`+tgField(p1)+`"]`)),
	)
	if got, want := pbErrorOf(t, ctx, tgField(p1)), "Per un conteggio inserire un numero intero, zero o maggiore."; got != want {
		t.Errorf("the browser shows %q, want %q", got, want)
	}
	browsertest.AssertAccessible(t, ctx)
	pbDo(t, ctx, "save a whole count",
		chromedp.SetValue(chromedp.CSS(field), "3"),
		chromedp.Click(chromedp.CSS(`[data-testid="targets-form"] [data-testid="save"]`)),
		chromedp.WaitVisible(`//*[contains(normalize-space(), "Target intermedi salvati.")]`),
	)
	if n := secCount(t, f.e.pool, `SELECT count(*) FROM indicator_targets WHERE indicator_id = $1 AND period_id = $2 AND target = 3`, in.ID, p1.ID); n != 1 {
		t.Errorf("%d targets of 3 stored at the first period, want 1", n)
	}
}
