package server_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/demo"
	"traguardo/internal/server"
	"traguardo/web/paths"
)

// TestBrowser_Arithmetic: the director opens the arithmetic of AREA
// DIREZIONE objective 2 (a details element, no script) and then the measure
// page of its second indicator, with an error and then saved; each passes
// axe, and the override shows on the objective page.
func TestBrowser_Arithmetic(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	o := demoObjective(t, e, "AREA DIREZIONE", 2)
	measure := paths.Measure(2023, o.Indicators[1].ID)
	ctx := browsertest.New(t)
	pbDo(t, ctx, "sign in as the director",
		chromedp.Navigate(e.srv.URL+"/accedi"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS("#email"), e.emails["direttore"]),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.DefaultPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="sign-in"]`)),
	)
	pbDo(t, ctx, "open the arithmetic",
		chromedp.Navigate(e.srv.URL+paths.Objective(2023, o.ID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="arithmetic"] summary`)),
		chromedp.Click(chromedp.CSS(`[data-testid="arithmetic"] summary`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="arithmetic-mean"]`)),
	)
	if mean := visibleText(t, ctx, `[data-testid="arithmetic-mean"]`); mean != "(100 × 1 + 0 × 1 + 0 × 1) / 3 = 33,3%" {
		t.Errorf("the browser shows the mean %q", mean)
	}
	browsertest.AssertAccessible(t, ctx)
	pbDo(t, ctx, "open the measure page and save an override without a reason",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="%s"]`, measure))),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="measure-form"]`)),
		chromedp.SetValue(chromedp.CSS("#override_pct"), "100"),
		chromedp.Click(chromedp.CSS(`[data-testid="save-measure"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-override_reason"]`)),
	)
	browsertest.AssertAccessible(t, ctx)
	pbDo(t, ctx, "save the override with its reason",
		chromedp.SetValue(chromedp.CSS("#override_reason"), "Atti adottati dall'ente capofila"),
		chromedp.Click(chromedp.CSS(`[data-testid="save-measure"]`)),
		chromedp.WaitVisible(`//*[contains(normalize-space(), "Misura dell'indicatore salvata.")]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="override-reason"]`)),
	)
	browsertest.AssertAccessible(t, ctx)
}
