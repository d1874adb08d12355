package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/domain"
	"traguardo/internal/format"
	"traguardo/web/paths"
)

// pubValidated is the demo's 2023 Relazione sent by the director,
// commented by the Nucleo on AREA DIREZIONE's objective 1 (the comment
// returned) and validated "con osservazioni".
func pubValidated(t *testing.T, e *secEnv, comment string) {
	t.Helper()
	rpSend(t, e)
	nuc := e.signedIn(t, "nucleo")
	if r := nuc.post(paths.ValidationComments(2023), url.Values{"objective": {strconv.FormatInt(e.objectiveID, 10)}, "body": {comment}}); r.Status != http.StatusSeeOther {
		t.Fatalf("comment: %d", r.Status)
	}
	if r := rpValidate(t, nuc, 1, "validata con osservazioni", "<p>Il Nucleo valida la Relazione con osservazioni.</p>"); r.Status != http.StatusSeeOther {
		t.Fatalf("validating: %d\n%s", r.Status, rpMain(r.Body))
	}
}

// TestBrowser_TransparencyIndex: a citizen, not signed in, opens the index
// of Amministrazione Trasparente before anything is published (the empty
// state), and after the 2023 Relazione is validated with observations:
// the index lists it, its link opens the year's page with the Nucleo's
// observation, whose link leads back to the index. Each page passes axe,
// on a desktop and on a phone, where no page scrolls sideways.
func TestBrowser_TransparencyIndex(t *testing.T) {
	t.Parallel()
	e := rpEnv(t)
	base := e.srv.URL
	ctx := browsertest.New(t)
	pbDo(t, ctx, "open the empty index",
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+paths.TransparencyIndex),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="transparency-empty"]`)),
	)
	browsertest.AssertAccessible(t, ctx)

	const comment = "Documentare la fonte del valore consuntivo."
	pubValidated(t, e, comment)
	pbDo(t, ctx, "open the index and the year's page from it",
		chromedp.Navigate(base+paths.TransparencyIndex),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="transparency-year"]`)),
	)
	browsertest.AssertAccessible(t, ctx)
	if s := visibleText(t, ctx, `[data-testid="transparency-outcome"]`); s != "Esito della validazione: Validata con osservazioni, documento del "+
		format.Date(domain.Today(time.Now()))+" (versione 1)." {
		t.Errorf("outcome %q", s)
	}
	pbDo(t, ctx, "follow the year's link",
		chromedp.Click(chromedp.CSS(`[data-testid="transparency-year-link"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="public-observation"]`)),
	)
	if s := visibleText(t, ctx, `[data-testid="public-observation-text"]`); s != comment {
		t.Errorf("the observation reads %q", s)
	}
	browsertest.AssertAccessible(t, ctx)
	pbDo(t, ctx, "back to the index",
		chromedp.Click(chromedp.CSS(`[data-testid="transparency-index-link"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="transparency-year"]`)),
	)
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(pbMobileWidth, pbMobileHeight, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	pbPage(t, ctx, base, paths.TransparencyIndex, `[data-testid="transparency-year"]`, false)
	pbPage(t, ctx, base, paths.Transparency(2023), `[data-testid="public-observation"]`, false)
}
