package browsertest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const accessiblePage = `<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Obiettivi di performance - Traguardo</title>
</head>
<body>
<main>
<h1>Obiettivi di performance</h1>
<p id="intro">Stato di avanzamento degli obiettivi dell'ente.</p>
<img src="/logo.svg" alt="Logo dell'ente" width="40" height="40">
</main>
</body>
</html>`

const brokenPage = `<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<title>Pagina non accessibile</title>
</head>
<body>
<main>
<h1>Modulo</h1>
<img src="/logo.svg" width="40" height="40">
<form><input type="text" name="descrizione"></form>
</main>
</body>
</html>`

const logoSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#06c"/></svg>`

// newServer serves the two test pages on 127.0.0.1.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		}
	}
	mux.HandleFunc("GET /ok", page(accessiblePage))
	mux.HandleFunc("GET /broken", page(brokenPage))
	mux.HandleFunc("GET /logo.svg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		fmt.Fprint(w, logoSVG)
	})
	srv := httptest.NewServer(mux) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server on %s, want 127.0.0.1", srv.URL)
	}
	return srv
}

// recorder is a testing.TB that records failures instead of failing the
// test, to check that the harness reports them.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	fatal  bool
	logs   []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fatal = true
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

func seriousIDs(vs []Violation) []string {
	var ids []string
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			ids = append(ids, v.ID)
		}
	}
	return ids
}

func TestAccessiblePage(t *testing.T) {
	srv := newServer(t)
	ctx := New(t)

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/ok")); err != nil {
		t.Fatalf("navigate: %v", err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil {
		t.Fatalf("text of h1: %v", err)
	}
	if h1 != "Obiettivi di performance" {
		t.Errorf("h1 = %q, want %q", h1, "Obiettivi di performance")
	}

	vs, err := Axe(ctx)
	if err != nil {
		t.Fatalf("Axe: %v", err)
	}
	if ids := seriousIDs(vs); len(ids) > 0 {
		t.Errorf("accessible page has serious/critical violations %v: %v", ids, vs)
	}
	// A second run reuses the injected axe-core.
	if _, err := Axe(ctx); err != nil {
		t.Fatalf("second Axe: %v", err)
	}
	AssertAccessible(t, ctx)
}

func TestBrokenPage(t *testing.T) {
	srv := newServer(t)
	ctx := New(t)

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/broken")); err != nil {
		t.Fatalf("navigate: %v", err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil {
		t.Fatalf("text of h1: %v", err)
	}
	if h1 != "Modulo" {
		t.Errorf("h1 = %q, want %q", h1, "Modulo")
	}

	vs, err := Axe(ctx)
	if err != nil {
		t.Fatalf("Axe: %v", err)
	}
	ids := seriousIDs(vs)
	for _, want := range []string{"image-alt", "label"} {
		if !slices.Contains(ids, want) {
			t.Errorf("serious/critical violations %v, want %q among them; all: %v", ids, want, vs)
		}
	}
	for _, v := range vs {
		if v.ID == "image-alt" && (len(v.Nodes) != 1 || !strings.Contains(v.Nodes[0], "<img")) {
			t.Errorf("image-alt nodes = %q, want the <img>", v.Nodes)
		}
		if v.HelpURL == "" || v.Help == "" {
			t.Errorf("violation %s without help: %+v", v.ID, v)
		}
	}

	// AssertAccessible must fail the test, naming both rules.
	rec := &recorder{TB: t}
	AssertAccessible(rec, ctx)
	if rec.fatal || len(rec.errors) != 1 {
		t.Fatalf("AssertAccessible on the broken page: fatal=%v errors=%q, want one non-fatal error", rec.fatal, rec.errors)
	}
	msg := rec.errors[0]
	for _, want := range []string{"image-alt", "label", "<img", "descrizione", "/broken"} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure message lacks %q:\n%s", want, msg)
		}
	}
	t.Logf("AssertAccessible would report:\n%s", msg)
}

func TestMissingBrowser(t *testing.T) {
	t.Setenv("CHROME_PATH", "/nonexistent/chromium-headless-shell")
	rec := &recorder{TB: t}
	if ctx := New(rec); ctx != nil {
		t.Errorf("New returned a context without a browser")
	}
	if !rec.fatal || len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "apt-get install -y chromium-headless-shell") {
		t.Errorf("New without a browser: fatal=%v errors=%q, want a fatal error that says to install chromium-headless-shell", rec.fatal, rec.errors)
	}
}

func TestTimeout(t *testing.T) {
	defer func(d time.Duration) { testTimeout = d }(testTimeout)
	// Long enough for Chromium to start on a busy machine (the timeout
	// bounds its start too), short enough to wait for.
	testTimeout = 10 * time.Second
	srv := newServer(t)
	ctx := New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/ok")); err != nil {
		t.Fatalf("navigate before the timeout: %v", err)
	}
	<-ctx.Done()
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Errorf("ctx.Err() = %v, want context.DeadlineExceeded", ctx.Err())
	}
	err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/broken"))
	if err == nil {
		t.Fatal("navigate after the timeout succeeded")
	}
	t.Logf("after the timeout: %v", err)
}
