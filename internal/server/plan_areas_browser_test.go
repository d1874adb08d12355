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

// TestBrowser_StrategicAreas: the director reaches the form of the
// strategic areas' public value from the cycle page, on a computer and on
// a phone; axe-core finds nothing (nor a sideways scroll, nor labels over
// fields), before and after a refused save, whose message is read next to
// its field, tied to it, with the text typed kept; the corrected save
// shows on the form again.
func TestBrowser_StrategicAreas(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	base := e.srv.URL
	ctx := browsertest.New(t)
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	pbSignIn(t, tctx, base, e.emails["direttore"])
	pbDo(t, tctx, "following the cycle page's link at 1366 px",
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+"/cicli/2023"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="areas-link"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="areas-link"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="areas-form"]`)),
	)
	pbCheckPage(t, tctx, "the form of the strategic areas", true)

	// An overlong text in the first area, a good one in the second.
	pbDo(t, tctx, "saving a text over 4.000 characters",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("public_value-0").value = "a".repeat(4001)`),
		chromedp.SendKeys(chromedp.CSS(`#public_value-1`), "Servizi sociali più vicini."),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="form-errors"]`)),
	)
	if msg := pbErrorOf(t, tctx, "public_value-0"); !strings.Contains(msg, "al più 4.000 caratteri") {
		t.Errorf("the message reads %q", msg)
	}
	kept, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`[String(document.getElementById("public_value-0").value.length),
		document.getElementById("public_value-1").value, document.getElementById("public_value-0").getAttribute("aria-describedby")]`))
	if err != nil || len(kept) != 3 || kept[0] != "4001" || kept[1] != "Servizi sociali più vicini." || kept[2] != "public_value-0-errore" {
		t.Errorf("after the refusal the fields hold %q (%v)", kept, err)
	}
	pbCheckPage(t, tctx, "the form of the strategic areas with an error", true)

	pbDo(t, tctx, "correcting and saving",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("public_value-0").value = ""`),
		chromedp.SendKeys(chromedp.CSS(`#public_value-0`), "Un ente trasparente."),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash"]`)),
	)
	pbDo(t, tctx, "opening the form on a phone",
		chromedp.EmulateViewport(pbMobileWidth, pbMobileHeight, chromedp.EmulateMobile),
		chromedp.Navigate(base+"/cicli/2023/aree-strategiche"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="areas-form"]`)),
	)
	saved, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`[document.getElementById("public_value-0").value, document.getElementById("public_value-1").value]`))
	if err != nil || len(saved) != 2 || saved[0] != "Un ente trasparente." || saved[1] != "Servizi sociali più vicini." {
		t.Errorf("after the save the form holds %q (%v)", saved, err)
	}
	pbCheckPage(t, tctx, "the form of the strategic areas on a phone", true)
}
