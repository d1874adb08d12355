package server_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/demo"
	"traguardo/internal/server"
)

// TestBrowser_UsersActionsInSight: at 1366 px every account's actions,
// "Disattiva" the last, lie within the table's visible box, not past a
// sideways scroll.
func TestBrowser_UsersActionsInSight(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ctx := browsertest.New(t)
	pbDo(t, ctx, "sign in as the admin and open the accounts",
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(e.srv.URL+"/accedi"),
		chromedp.SendKeys(chromedp.CSS("#email"), "admin@traguardo.test"),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.DefaultPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="main-nav"]`)),
		chromedp.Navigate(e.srv.URL+"/admin/utenti"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="deactivate"]`)),
	)
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
		const b = Array.from(document.querySelectorAll('[data-testid="deactivate"]'));
		const box = b.length ? b[0].closest('.table-responsive') : null;
		return [b.length, Math.max(...b.map(e => e.getBoundingClientRect().right)), box ? box.getBoundingClientRect().right : 0];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if out[0] == 0 || out[1] > out[2] {
		t.Errorf("%v Disattiva buttons, the rightmost ends at %v px, past its table's visible edge at %v px", out[0], out[1], out[2])
	}
}
