package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"traguardo/internal/browsertest"
	"traguardo/internal/store"
	"traguardo/web/paths"
)

// TestNotify_BrowserMenu: with a notification unread, the menu's Notifiche
// carries its count, which reads "Notifiche (1 non letta)" as the link's
// text, on a phone (menu opened) and on a desktop; the page passes
// axe-core, and nothing sticks out. NOTIFY_SHOTS names a directory to keep
// the full-page screenshots in (else a temporary one).
func TestNotify_BrowserMenu(t *testing.T) {
	t.Parallel()
	e := rpEnv(t)
	if _, _, err := e.st.SendReport(context.Background(), store.Actor{Name: "test"}, 2023, nil, paths.Validation(2023)); err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("NOTIFY_SHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	ctx := browsertest.New(t)
	pbSignIn(t, ctx, e.srv.URL, e.emails["nucleo"])
	const name = `document.querySelector('[data-testid="nav-notifications"]').textContent.replace(/\s+/g, ' ').trim()`
	for _, size := range []struct {
		width, height int64
		file          string
	}{{pbMobileWidth, pbMobileHeight, "notifiche-390.png"}, {1366, 900, "notifiche-1366.png"}} {
		tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		if err := chromedp.Do(tctx, chromedp.EmulateViewport(size.width, size.height)); err != nil {
			t.Fatal(err)
		}
		pbPage(t, tctx, e.srv.URL, paths.Notifications, `[data-testid="notification"]`, false)
		if size.width < 992 {
			// The menu folds on a phone: its button tells of the count;
			// open it, as a user does.
			label, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="menu-toggler"]').textContent.replace(/\s+/g, ' ').trim()`))
			if err != nil || label != "Apri il menu (1 notifica non letta)" {
				t.Errorf("the folded menu's button is named %q (%v)", label, err)
			}
			shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "menu-chiuso-390.png"), shot, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(tctx, chromedp.Click(chromedp.CSS(`[data-testid="menu-toggler"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="unread-count"]`))); err != nil {
				t.Fatalf("opening the menu: %v", err)
			}
			time.Sleep(500 * time.Millisecond) // the menu slides in
		}
		got, err := chromedp.Run(tctx, chromedp.Evaluate[string](name))
		if err != nil || got != "Notifiche (1 non letta)" {
			t.Errorf("at %d px the menu's Notifiche reads %q (%v), want \"Notifiche (1 non letta)\"", size.width, got, err)
		}
		shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, size.file), shot, 0o600); err != nil {
			t.Fatal(err)
		}
		cancel()
	}
	// A manager's Notifiche: the window that opened, and the periods open
	// to send.
	if _, err := e.st.NotifyOpenWindows(context.Background(), paths.Submission); err != nil {
		t.Fatal(err)
	}
	mctx := browsertest.New(t)
	pbSignIn(t, mctx, e.srv.URL, "responsabile.finanziaria@traguardo.test")
	tctx, cancel := context.WithTimeout(mctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatal(err)
	}
	pbPage(t, tctx, e.srv.URL, paths.Notifications, `[data-testid="deadline"]`, false)
	shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notifiche-responsabile-1366.png"), shot, 0o600); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(dir, os.TempDir()) {
		t.Logf("screenshots in %s", dir)
	}
}
