package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/server"
)

// TestBrowser_LegalPages: a visitor reaches the accessibility statement and
// the privacy notice from the sign-in page's footer, on a phone and on a
// computer, and axe-core finds nothing on either (nor a sideways scroll);
// the administrator's form passes too, before and after a refused save,
// whose message is read next to its field and whose typed value stays; the
// corrected save shows on the statement as a mailto link.
func TestBrowser_LegalPages(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	base := e.srv.URL
	ctx := browsertest.New(t)
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	for _, size := range [][2]int64{{pbMobileWidth, pbMobileHeight}, {1366, 900}} {
		for _, link := range []struct{ footer, page string }{
			{"footer-accessibility", "accessibility-statement"},
			{"footer-privacy", "privacy-notice"},
		} {
			pbDo(t, tctx, "opening the sign-in page and following "+link.footer,
				chromedp.EmulateViewport(size[0], size[1]),
				chromedp.Navigate(base+"/accedi"),
				chromedp.WaitVisible(chromedp.CSS(`#email`)),
				chromedp.ScrollIntoView(chromedp.CSS(`[data-testid="`+link.footer+`"]`)),
				chromedp.Click(chromedp.CSS(`[data-testid="`+link.footer+`"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="`+link.page+`"]`)),
			)
			pbCheckPage(t, tctx, link.page, false)
		}
	}

	pbSignIn(t, tctx, base, e.emails["admin"])
	pbDo(t, tctx, "opening the administrator's form at 1366 px",
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+"/admin/note-legali"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="legal-form"]`)),
	)
	pbCheckPage(t, tctx, "the form of the legal notices", true)
	pbDo(t, tctx, "saving with a wrong feedback address",
		chromedp.SendKeys(chromedp.CSS(`#feedback_email`), "segnalazioni-at-ente"),
		chromedp.SendKeys(chromedp.CSS(`#dpo_contact`), "dpo@ente.example.it"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="form-errors"]`)),
	)
	if msg := pbErrorOf(t, tctx, "feedback_email"); !strings.Contains(msg, "L'email non è valida") {
		t.Errorf("the feedback address's message reads %q", msg)
	}
	kept, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`[document.getElementById("feedback_email").value,
		document.getElementById("dpo_contact").value, document.getElementById("feedback_email").getAttribute("aria-describedby")]`))
	if err != nil || len(kept) != 3 || kept[0] != "segnalazioni-at-ente" || kept[1] != "dpo@ente.example.it" || kept[2] != "feedback_email-errore" {
		t.Errorf("after the refusal the fields hold %q (%v)", kept, err)
	}
	pbCheckPage(t, tctx, "the form of the legal notices with an error", true)
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.querySelector("#feedback_email").value = ""`)); err != nil {
		t.Fatal(err)
	}
	pbDo(t, tctx, "correcting the address and saving",
		chromedp.SendKeys(chromedp.CSS(`#feedback_email`), "segnalazioni@ente.example.it"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash"]`)),
		chromedp.Navigate(base+"/accessibilita"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="feedback-email"]`)),
	)
	href, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="feedback-email"]').getAttribute("href")`))
	if err != nil || href != "mailto:segnalazioni@ente.example.it" {
		t.Errorf("the statement's feedback link is %q (%v)", href, err)
	}
	pbCheckPage(t, tctx, "the statement as the admin sees it", false)
}
