package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/demo"
	"traguardo/web/paths"
)

// TestBrowser_NucleoValidates: the director has sent the demo's 2023
// Relazione; the Nucleo, in Chromium, opens its page, comments an
// objective, opens the validation form, is refused without an outcome,
// writes its act in the rich-text editor and validates; the public page
// then shows the outcome and the hash, and the public PDF's bytes have
// that hash. Each page passes axe.
func TestBrowser_NucleoValidates(t *testing.T) {
	t.Parallel()
	e := rpEnv(t)
	rpSend(t, e)
	ctx := browsertest.New(t)
	pbDo(t, ctx, "sign in as the Nucleo",
		chromedp.Navigate(e.srv.URL+"/accedi"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS("#email"), e.emails["nucleo"]),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.DefaultPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="sign-in"]`)),
	)
	pbDo(t, ctx, "open the Relazione from the cycle page",
		chromedp.Navigate(e.srv.URL+paths.Cycle(2023)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="deadlines"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="validation-link"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="comment-form"]`)),
	)
	if s := visibleText(t, ctx, `[data-testid="report-state"]`); s != "Stato: Inviata al Nucleo, in attesa di validazione" {
		t.Errorf("state %q", s)
	}
	browsertest.AssertAccessible(t, ctx)
	pbDo(t, ctx, "comment on AREA DIREZIONE objective 1",
		chromedp.SetValue(chromedp.CSS("#objective"), fmt.Sprint(e.objectiveID)),
		chromedp.SetValue(chromedp.CSS("#body"), "Indicare la fonte del dato consuntivo."),
		chromedp.Click(chromedp.CSS(`[data-testid="save-comment"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="comment-body"]`)),
	)
	if s := visibleText(t, ctx, `[data-testid="comment-body"]`); s != "Indicare la fonte del dato consuntivo." {
		t.Errorf("comment %q", s)
	}
	browsertest.AssertAccessible(t, ctx)
	pbDo(t, ctx, "open the validation form and save it without an outcome",
		chromedp.Click(chromedp.CSS(`[data-testid="validate-link"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#text_html-editor`)),
		chromedp.Click(chromedp.CSS(`[data-testid="save-validation"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-outcome"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#text_html-editor`)),
	)
	browsertest.AssertAccessible(t, ctx)
	pbDo(t, ctx, "validate",
		chromedp.Click(chromedp.CSS(`input[name="outcome"][value="validata"]`)),
		chromedp.Click(chromedp.CSS("#text_html-editor")),
		pbInsertText("Il Nucleo di Valutazione valida la Relazione sulla Performance 2023."),
		chromedp.Click(chromedp.CSS(`[data-testid="save-validation"]`)),
		chromedp.WaitVisible(`//*[contains(normalize-space(), "Validazione registrata")]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="public-link"]`)),
	)
	if s := visibleText(t, ctx, `[data-testid="version-state"]`); s != "Validata" {
		t.Errorf("version state %q", s)
	}
	browsertest.AssertAccessible(t, ctx)
	v := rpVersion(t, e, 1)
	if v.state != "validata" || !strings.Contains(string(v.json), `"year": 2023`) {
		t.Fatalf("stored: %q", v.state)
	}
	pbDo(t, ctx, "open the public page",
		chromedp.Click(chromedp.CSS(`[data-testid="public-link"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="public-sha256"]`)),
	)
	if s := visibleText(t, ctx, `[data-testid="public-sha256"]`); s != v.pdfHash {
		t.Errorf("the public page shows %q, the stored PDF's hash is %s", s, v.pdfHash)
	}
	if s := visibleText(t, ctx, `[data-testid="public-validation"]`); s != "Il Nucleo di Valutazione valida la Relazione sulla Performance 2023." {
		t.Errorf("validation text %q", s)
	}
	browsertest.AssertAccessible(t, ctx)
	if got := rpHash([]byte(e.client(t).get(paths.TransparencyFile(2023, 1, paths.FrozenPDF)).Body)); got != v.pdfHash {
		t.Errorf("the public PDF's SHA-256 is %s, the page shows %s", got, v.pdfHash)
	}
}
