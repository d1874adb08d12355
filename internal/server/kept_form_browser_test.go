package server_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/demo"
)

// leaveWarns is whether leaving the page now would ask for confirmation: a
// beforeunload event, dispatched as the browser does, is cancelled.
const leaveWarns = `(() => { const e = new Event("beforeunload", {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented; })()`

// keptShots saves full-page screenshots of the page at 1366 and 390 pixels
// into the directory TRAGUARDO_SCREENSHOTS, when it is set, named name.
func keptShots(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("TRAGUARDO_SCREENSHOTS")
	if dir == "" {
		return
	}
	for _, w := range []int64{1366, 390} {
		var opts []chromedp.EmulateViewportOption
		if w < 600 {
			opts = append(opts, chromedp.EmulateMobile)
		}
		pbDo(t, ctx, "viewport", chromedp.EmulateViewport(w, 900, opts...))
		shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, w)), shot, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	pbDo(t, ctx, "viewport", chromedp.EmulateViewport(1366, 900))
}

// TestBrowser_ExpiredSessionSaveKept is issue 18's "done when" for typed
// progress: in Chromium the manager of AREA FINANZIARIA types values in the
// entry form (leaving it would now warn), the session expires, "Salva
// bozza" lands on the sign-in page which says the values were kept;
// signing in again shows the form with the typed values and a message,
// nothing saved; "Salva bozza" then saves them.
func TestBrowser_ExpiredSessionSaveKept(t *testing.T) {
	t.Parallel()
	f := newProgressFixture(t)
	ctx := browsertest.New(t)
	value, reason := "#"+ind(f.indicators[0], "value"), "#"+ind(f.indicators[1], "reason")
	from := "#" + act(f.activities[0], "from")
	signIn := func(what string) {
		pbDo(t, ctx, what,
			chromedp.WaitVisible(chromedp.CSS(`form[action="/accedi"] #email`)),
			chromedp.SendKeys(chromedp.CSS("#email"), "responsabile.finanziaria@traguardo.test"),
			chromedp.SendKeys(chromedp.CSS("#password"), demo.DefaultPassword),
			chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
		)
	}
	warns := func(what string, want bool) {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[bool](leaveWarns))
		if err != nil || got != want {
			t.Errorf("%s: leaving warns %v (%v), want %v", what, got, err, want)
		}
	}
	pbDo(t, ctx, "sign in", chromedp.Navigate(f.e.srv.URL+"/accedi"))
	signIn("sign in")
	pbDo(t, ctx, "open the entry form",
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="my-centre"]`)),
		chromedp.Navigate(f.e.srv.URL+f.path),
		chromedp.WaitVisible(chromedp.CSS(`#text_html-editor`)),
	)
	warns("the form as loaded", false)
	pbDo(t, ctx, "type values",
		chromedp.SendKeys(chromedp.CSS(value), "2"),
		chromedp.SendKeys(chromedp.CSS(reason), "Dati in arrivo dalla ragioneria"),
		chromedp.SetValue(chromedp.CSS(from), "2024-01"),
		chromedp.SetValue(chromedp.CSS(`#status`), "a rischio"),
		chromedp.Click(chromedp.CSS("#text_html-editor")),
		pbInsertText("Trimestre avviato, dati parziali"),
	)
	warns("the form with typed values", true)

	// The session expires while the manager types.
	expired := secCount(t, f.e.pool, `WITH d AS (DELETE FROM sessions RETURNING 1) SELECT count(*) FROM d`)
	if expired == 0 {
		t.Fatal("no session to expire")
	}
	pbDo(t, ctx, "save after the session expired",
		chromedp.Click(chromedp.CSS(`[data-testid="progress-form"] [data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="kept-form"]`)),
	)
	if got := visibleText(t, ctx, `[data-testid="kept-form"]`); got != keptSignInMsg {
		t.Errorf("sign-in page: %q, want %q", got, keptSignInMsg)
	}
	browsertest.AssertAccessible(t, ctx)
	keptShots(t, ctx, "kept-signin")
	if n := keptSaved(t, f); n != 0 {
		t.Fatalf("%d values saved without a session", n)
	}

	signIn("sign in again")
	pbDo(t, ctx, "back on the form", chromedp.WaitVisible(chromedp.CSS(`[data-testid="restored"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#text_html-editor`)))
	if got := visibleText(t, ctx, `[data-testid="restored"]`); got != keptRestored {
		t.Errorf("the form says %q, want %q", got, keptRestored)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || loc != f.e.srv.URL+f.path {
		t.Errorf("after signing in the browser is on %q (%v), want the form", loc, err)
	}
	for sel, want := range map[string]string{value: "2", reason: "Dati in arrivo dalla ragioneria", from: "2024-01", "#status": "a rischio"} {
		got, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
		if err != nil || got != want {
			t.Errorf("%s: %q (%v), want %q", sel, got, err, want)
		}
	}
	if got := visibleText(t, ctx, `#text_html-editor`); got != "Trimestre avviato, dati parziali" {
		t.Errorf("report: %q", got)
	}
	if n := keptSaved(t, f); n != 0 {
		t.Errorf("%d values saved before the manager saved", n)
	}
	warns("the restored form", true)
	browsertest.AssertAccessible(t, ctx)
	keptShots(t, ctx, "kept-restored")

	pbDo(t, ctx, "save",
		chromedp.Click(chromedp.CSS(`[data-testid="progress-form"] [data-testid="save"]`)),
		chromedp.WaitVisible(`//*[contains(normalize-space(), "Avanzamento salvato come bozza.")]`),
	)
	warns("the form once saved", false)
	pbDo(t, ctx, "leave the saved form", chromedp.Navigate(f.e.srv.URL+"/mie-aree"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="my-centre"]`)))
	if n := browsertest.LeaveQuestions(ctx); n != 0 {
		t.Errorf("the browser asked %d times whether to leave a page, want never (every page was left by a save)", n)
	}
	if n := secCount(t, f.e.pool, `SELECT count(*) FROM indicator_values WHERE period_id = $1 AND indicator_id = $2 AND value = 2`, f.pid, f.indicators[0]); n != 1 {
		t.Errorf("the typed value saved %d times, want 1", n)
	}
	if n := secCount(t, f.e.pool, `SELECT count(*) FROM progress_reports WHERE period_id = $1 AND objective_id = $2 AND status = 'a rischio' AND text_html LIKE '%Trimestre avviato%'`, f.pid, f.objective); n != 1 {
		t.Errorf("the typed report saved %d times, want 1", n)
	}
}

// TestBrowser_UnsavedWarnsOnPlanForms: the plan's edit forms warn before
// they are left with a change, not before a submit; a form shown again
// after a refused save warns at once.
func TestBrowser_UnsavedWarnsOnPlanForms(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, testConfig)
	ctx := browsertest.New(t)
	pbDo(t, ctx, "sign in as the director",
		chromedp.Navigate(e.srv.URL+"/accedi"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS("#email"), e.emails["direttore"]),
		chromedp.SendKeys(chromedp.CSS("#password"), demo.DefaultPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="current-user"]`)),
		chromedp.Navigate(fmt.Sprintf("%s/cicli/2023/obiettivi/%d/modifica", e.srv.URL, e.objectiveID)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="objective-form"] #title`)),
	)
	warn := func(what string, want bool) {
		t.Helper()
		tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		got, err := chromedp.Run(tctx, chromedp.Evaluate[bool](leaveWarns))
		if err != nil || got != want {
			t.Errorf("%s: leaving warns %v (%v), want %v", what, got, err, want)
		}
	}
	warn("the objective's form as loaded", false)
	pbDo(t, ctx, "change the title", chromedp.SendKeys(chromedp.CSS(`#title`), " rivisto"))
	warn("the objective's form changed", true)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#title").value = ""`)); err != nil {
		t.Fatal(err)
	}
	pbDo(t, ctx, "save with no title",
		chromedp.Click(chromedp.CSS(`[data-testid="objective-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="form-errors"]`)),
	)
	warn("the form refused, shown again", true)
	keptShots(t, ctx, "kept-objective-refused")
	if n := browsertest.LeaveQuestions(ctx); n != 0 {
		t.Errorf("the browser asked %d times whether to leave a page before any was left", n)
	}
	pbDo(t, ctx, "leave the refused form", chromedp.Navigate(e.srv.URL+"/cicli/2023"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="cycle-actions"]`)))
	if n := browsertest.LeaveQuestions(ctx); n != 1 {
		t.Errorf("leaving the refused form asked %d times, want once", n)
	}
}
