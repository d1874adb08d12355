package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/demo"
	"traguardo/internal/server"
)

// TestBrowser_ManagerFillsFirstQuarter: the demo manager of AREA
// FINANZIARIA signs in, lands on his areas, and fills in the first quarter
// of 2024 for both of his objectives in Chromium; every page passes axe,
// and the values are stored.
func TestBrowser_ManagerFillsFirstQuarter(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	ctx := browsertest.New(t)
	pbDo(t, ctx, "sign in and land on my areas",
		chromedp.Navigate(e.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/accedi"] #email`)),
		chromedp.SendKeys(chromedp.CSS("#email"), "responsabile.finanziaria@traguardo.test"),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.DefaultPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="my-centre"]`)),
	)
	browsertest.AssertAccessible(t, ctx)
	for i := 1; i <= 2; i++ {
		link := fmt.Sprintf(`(//li[@data-testid="my-objective"])[%d]/a`, i)
		pbDo(t, ctx, fmt.Sprintf("open objective %d at 31/03/2024", i),
			chromedp.Click(link),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="progress-form"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#text_html-editor`)),
		)
		if i == 1 {
			browsertest.AssertAccessible(t, ctx)
		}
		pbDo(t, ctx, fmt.Sprintf("fill objective %d", i),
			chromedp.SetValue(chromedp.CSS(`[data-testid="progress-form"] fieldset:nth-of-type(1) input[type="text"]`), "1"),
			chromedp.SetValue(chromedp.CSS(`#status`), "in linea"),
			chromedp.Click(chromedp.CSS("#text_html-editor")),
			pbInsertText(fmt.Sprintf("Trimestre avviato per l'obiettivo %d", i)),
			chromedp.Click(chromedp.CSS(`[data-testid="progress-form"] [data-testid="save"]`)),
			chromedp.WaitVisible(`//*[contains(normalize-space(), "Avanzamento salvato come bozza.")]`),
		)
		browsertest.AssertAccessible(t, ctx)
		pbDo(t, ctx, "back to my areas", chromedp.Navigate(e.srv.URL+"/mie-aree"),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="my-centre"]`)))
	}
	// A refused save: the error summary names the indicator and takes the
	// focus, so the keyboard lands on what to correct.
	pbDo(t, ctx, "a refused save",
		chromedp.Click(`(//li[@data-testid="my-objective"])[1]/a`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="progress-form"]`)),
		chromedp.SetValue(chromedp.CSS(`[data-testid="progress-form"] fieldset:nth-of-type(1) input[type="text"]`), "tre"),
		chromedp.Click(chromedp.CSS(`[data-testid="progress-form"] [data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="form-errors"]`)),
	)
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement ? (document.activeElement.dataset.testid || document.activeElement.tagName) : ""`))
	if err != nil || focused != "form-errors" {
		t.Errorf("after a refused save the focus is on %q (%v), want the error summary", focused, err)
	}
	summary, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="form-errors"]').innerText`))
	if err != nil || !strings.Contains(summary, "Indicatore 1 «") {
		t.Errorf("the error summary does not name the indicator: %q (%v)", summary, err)
	}
	browsertest.AssertAccessible(t, ctx)
	if n := secCount(t, e.pool, `
		SELECT count(*) FROM progress_reports pr JOIN objectives o ON o.id = pr.objective_id
		JOIN periods p ON p.id = pr.period_id JOIN cycle_centres cc ON cc.id = o.cycle_centre_id JOIN centres c ON c.id = cc.centre_id
		WHERE c.name = 'AREA FINANZIARIA' AND p.ends_on = '2024-03-31' AND pr.status = 'in linea' AND pr.text_html LIKE '%Trimestre avviato%'`); n != 2 {
		t.Errorf("%d objectives of AREA FINANZIARIA with their report at 31/03/2024, want 2", n)
	}
	if n := secCount(t, e.pool, `
		SELECT count(*) FROM indicator_values v JOIN periods p ON p.id = v.period_id
		WHERE p.ends_on = '2024-03-31' AND v.value = 1`); n != 2 {
		t.Errorf("%d values of 1 at 31/03/2024, want 2", n)
	}
}
