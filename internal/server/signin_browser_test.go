package server_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/demo"
	"traguardo/internal/server"
)

// secNavItemsJS lists the entries of the main menu as a person reads them.
const secNavItemsJS = `Array.from(document.querySelectorAll('[data-testid="main-nav"] li')).map((li) => li.innerText.trim())`

// TestSignIn_BrowserEachRole signs in through the form in a real Chromium as
// each demo role: first with a wrong password (the error is shown, the email
// kept), then with the right one; it lands on the home page with the user's
// email in the header and the menu of the role, then signs out with "Esci"
// and lands on the sign-in form, its session gone. The browser sends Origin
// and Sec-Fetch-Site itself, so the forms pass the cross-origin protection
// as they will in use. The sign-in page (empty, with field errors, with a
// failed attempt) and each home page are checked with axe-core.
func TestSignIn_BrowserEachRole(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	base := e.srv.URL
	for _, role := range []string{"admin", "direttore", "responsabile", "nucleo", "osservatore"} {
		t.Run(role, func(t *testing.T) {
			t.Parallel()
			email := e.emails[role]
			ctx := browsertest.New(t)
			run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
				t.Helper()
				tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
				defer cancel()
				if err := chromedp.Do(tctx, actions...); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
			}
			location := func() string {
				t.Helper()
				loc, err := chromedp.Run(ctx, chromedp.Location())
				if err != nil {
					t.Fatal(err)
				}
				return loc
			}
			text := func(sel string) string {
				t.Helper()
				tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				s, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
				if err != nil {
					t.Fatalf("reading %s: %v", sel, err)
				}
				return strings.Join(strings.Fields(s), " ")
			}

			run("opening the sign-in form",
				chromedp.Navigate(base+"/accedi"),
				chromedp.WaitVisible(chromedp.CSS(`#email`)),
			)
			if role == "admin" {
				browsertest.AssertAccessible(t, ctx) // the empty form
				run("submitting the empty form",
					chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
					chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-email"]`)),
					chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-password"]`)),
				)
				if got := text(`[data-testid="error-email"]`); got != "Inserire l'email." {
					t.Errorf("error next to the email: %q", got)
				}
				browsertest.AssertAccessible(t, ctx) // the field errors
			}

			run("a wrong password",
				chromedp.SendKeys(chromedp.CSS(`#email`), email),
				chromedp.SendKeys(chromedp.CSS(`#password`), "password-sbagliata"),
				chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="sign-in-error"]`)),
			)
			if got := text(`[data-testid="sign-in-error"]`); got != secFailedMsg {
				t.Errorf("after a wrong password the page says %q, want %q", got, secFailedMsg)
			}
			if loc := location(); loc != base+"/accedi" {
				t.Errorf("after a wrong password the browser is on %s, want %s/accedi", loc, base)
			}
			kept, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#email`)))
			if err != nil {
				t.Fatal(err)
			}
			if kept != email {
				t.Errorf("the email field holds %q after a failed attempt, want %q", kept, email)
			}
			if role == "admin" {
				browsertest.AssertAccessible(t, ctx) // the failed attempt
			}

			run("signing in",
				chromedp.SendKeys(chromedp.CSS(`#password`), demo.DefaultPassword),
				chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="current-user"]`)),
			)
			// A responsabile's home is his areas (/mie-aree), anyone else's the cycles.
			home, landmark := base+"/", `[data-testid="cycle-card"]`
			if role == "responsabile" {
				home, landmark = base+"/mie-aree", `[data-testid="my-centre"]`
			}
			run("the home page", chromedp.WaitVisible(chromedp.CSS(landmark)))
			if loc := location(); loc != home {
				t.Errorf("after signing in the browser is on %s, want the home page %s", loc, home)
			}
			if got := text(`[data-testid="current-user"]`); !strings.Contains(got, email) {
				t.Errorf("the header shows %q, want the email %s", got, email)
			}
			items, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](secNavItemsJS))
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range []struct {
				label string
				want  bool
			}{
				{"Cicli", true},
				{"Utenti", role == "admin"},
				{"Registro delle modifiche", role == "admin" || role == "nucleo"},
				{"Guida", true},
				{"Cambia password", true},
			} {
				if got := slices.Contains(items, it.label); got != it.want {
					t.Errorf("menu %q: has %q = %v, want %v", items, it.label, got, it.want)
				}
			}
			browsertest.AssertAccessible(t, ctx) // the home page of the role

			run("signing out",
				chromedp.Click(chromedp.CSS(`[data-testid="sign-out"]`)),
				chromedp.WaitVisible(chromedp.CSS(`form[action="/accedi"] #email`)),
			)
			if loc := location(); loc != base+"/accedi" {
				t.Errorf("after signing out the browser is on %s, want %s/accedi", loc, base)
			}
			// The session is gone: the home page sends to the sign-in form.
			run("the home page after signing out",
				chromedp.Navigate(base+"/"),
				chromedp.WaitVisible(chromedp.CSS(`form[action="/accedi"] #email`)),
			)
			if loc, want := location(), base+"/accedi?next="+url.QueryEscape("/"); loc != want {
				t.Errorf("the home page after signing out led to %s, want %s", loc, want)
			}
		})
	}
}
