// Package browsertest runs pages of Traguardo in a real headless Chromium
// during go test, and checks their accessibility with axe-core.
//
// The browser is Debian's chromium-headless-shell, driven with chromedp over
// a pipe (no network port). axe-core 4.14.1 (axe.min.js, MPL-2.0, see
// axe-core-LICENSE) is embedded in the test binary and injected into the page,
// so nothing is downloaded while the tests run.
//
// A typical test:
//
//	srv := httptest.NewServer(handler) // listens on 127.0.0.1
//	defer srv.Close()
//	ctx := browsertest.New(t)
//	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
//		t.Fatal(err)
//	}
//	browsertest.AssertAccessible(t, ctx)
package browsertest

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"traguardo/internal/chromium"
)

// axeSource is axe-core 4.14.1, the file axe.min.js of its npm package.
//
//go:embed axe.min.js
var axeSource string

// testTimeout bounds the life of the browser of one call of New: after it,
// every action on the context fails with context.DeadlineExceeded and the
// browser is killed. It is a variable only so that the package's own test
// can shorten it.
var testTimeout = 3 * time.Minute

// slots bounds how many browsers of one test binary run at once: on a
// two-core machine a dozen Chromiums in parallel starve each other and the
// server under test. A test waits for a slot before its timeout starts.
var slots = make(chan struct{}, max(2, runtime.NumCPU()))

// wcagTags are the axe-core tags of the rules that Axe runs: WCAG 2.0 and
// 2.1, levels A and AA.
var wcagTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// lockedBuffer collects the output of the browser, which chromedp writes from
// another goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// jsonString encodes v as JSON, to put it in a script.
func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// findChrome returns the path of the browser to run: CHROME_PATH if it is
// set, or else the first of the usual places that exists (package chromium).
func findChrome() (string, error) { return chromium.Find("CHROME_PATH") }

// New starts a headless Chromium for the test and returns the context of a
// browser tab, for chromedp.Run and chromedp.Do.
//
// The browser is CHROME_PATH if that is set, else the binary of the Debian
// package chromium-headless-shell, else chromium from PATH. If none is found,
// or the browser does not start, New fails the test (it never skips it): CI
// must install chromium-headless-shell.
//
// The browser runs with --headless --no-sandbox --disable-gpu
// --disable-background-networking --disable-component-update --disable-sync
// --no-first-run and a fresh temporary --user-data-dir, which chromedp
// creates and removes. It lives at most 3 minutes; after that every action
// on the context fails with context.DeadlineExceeded. tb.Cleanup closes it
// and waits until the process has exited and its directory is removed. Each
// call of New starts its own browser, so parallel tests do not share tabs.
func New(tb testing.TB) context.Context {
	tb.Helper()

	path, err := findChrome()
	if err != nil {
		tb.Fatalf("browsertest: no Chromium to run (%v): install the Debian package chromium-headless-shell "+
			"(apt-get install -y chromium-headless-shell) or set CHROME_PATH to a Chromium binary", err)
		return nil
	}

	slots <- struct{}{}
	release := sync.OnceFunc(func() { <-slots })

	output := new(lockedBuffer)
	opts := append(chromium.Options(path), chromedp.CombinedOutput(output))

	// The timeout is on the allocator's parent, so it bounds the whole
	// browser, including its start.
	timeoutCtx, cancelTimeout := context.WithTimeout(context.Background(), testTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(timeoutCtx, opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)

	stop := func() {
		// Close the browser gracefully when it still runs, then free
		// everything and wait until the process is gone.
		if err := chromedp.Cancel(tabCtx); err != nil &&
			!errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			tb.Logf("browsertest: closing Chromium: %v", err)
		}
		cancelTab()
		cancelAlloc()
		cancelTimeout()
		release()
	}

	// The first Do starts the browser and opens the tab. Its context is the
	// tab context itself, so the browser lives as long as that context.
	if err := chromedp.Do(tabCtx); err != nil {
		stop()
		msg := fmt.Sprintf("browsertest: cannot start %s: %v", path, err)
		if out := strings.TrimSpace(output.String()); out != "" {
			msg += "\nbrowser output:\n" + out
		}
		tb.Fatalf("%s\n(install the Debian package chromium-headless-shell, or set CHROME_PATH to a working Chromium)", msg)
		return nil
	}
	tb.Cleanup(stop)
	// A page that asks before it is left (a form with unsaved changes, on
	// beforeunload) is left: a test that navigates away means to. The
	// questions are counted, for LeaveQuestions.
	asked := new(atomic.Int64)
	dialogs := chromedp.Events(tabCtx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			if ev.Type != page.DialogTypeBeforeunload {
				continue
			}
			asked.Add(1)
			go chromedp.Call(tabCtx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return context.WithValue(tabCtx, leaveKey{}, asked)
}

type leaveKey struct{}

// LeaveQuestions is how many times a page of the browser of ctx (from New)
// asked whether to leave it (beforeunload); New's browser always leaves.
func LeaveQuestions(ctx context.Context) int64 {
	n, _ := ctx.Value(leaveKey{}).(*atomic.Int64)
	if n == nil {
		return 0
	}
	return n.Load()
}

// Violation is one axe-core rule that the page breaks, with the elements that
// break it.
type Violation struct {
	// ID is the axe-core rule, for example "image-alt".
	ID string
	// Impact is "minor", "moderate", "serious" or "critical".
	Impact string
	// Help is the short description of the rule, in English.
	Help string
	// HelpURL is the page of the rule on dequeuniversity.com.
	HelpURL string
	// Nodes are the elements that break the rule, each as its CSS selector
	// followed by the start of its HTML.
	Nodes []string
}

// String formats the violation for a test failure message.
func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s]: %s (%s)", v.ID, v.Impact, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    - %s", n)
	}
	return b.String()
}

// axeRunJS runs axe on the whole document with the WCAG 2.0/2.1 A and AA
// rules, and returns the violations in the shape of Violation. It is a
// function expression, called with the tags.
const axeRunJS = `async (tags) => {
	const res = await axe.run(document, {
		runOnly: {type: "tag", values: tags},
		resultTypes: ["violations"],
	});
	const clip = (s) => s.length > 200 ? s.slice(0, 200) + "…" : s;
	return res.violations.map((v) => ({
		ID: v.id,
		Impact: v.impact || "",
		Help: v.help,
		HelpURL: v.helpUrl,
		Nodes: v.nodes.map((n) => n.target.join(" ") + "  " + clip(n.html)),
	}));
}`

// Axe injects axe-core into the page that the tab of ctx shows, unless it is
// there already, and runs it with the rules tagged wcag2a, wcag2aa, wcag21a and
// wcag21aa. It returns the violations that axe finds (none is an empty
// slice), or an error if the script cannot run. Call it after the page has
// loaded, for example after chromedp.Navigate; a new navigation removes axe,
// and the next call injects it again.
func Axe(ctx context.Context) ([]Violation, error) {
	tags, err := jsonString(wcagTags)
	if err != nil {
		return nil, err
	}
	has, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object" && typeof window.axe.run === "function"`))
	if err != nil {
		return nil, fmt.Errorf("browsertest: checking for axe-core: %w", err)
	}
	if !has {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
			return nil, fmt.Errorf("browsertest: injecting axe-core: %w", err)
		}
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](
		"("+axeRunJS+")("+tags+")", chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("browsertest: running axe-core: %w", err)
	}
	if vs == nil {
		vs = []Violation{}
	}
	return vs, nil
}

// AssertAccessible runs Axe on the page that the tab of ctx shows. It fails
// the test (with tb.Errorf, so the test goes on) listing every violation of
// impact "serious" or "critical" with its rule, help text and elements, and
// logs the "minor" and "moderate" ones with tb.Logf. If axe cannot run, it
// fails the test with tb.Fatalf.
func AssertAccessible(tb testing.TB, ctx context.Context) {
	tb.Helper()
	vs, err := Axe(ctx)
	if err != nil {
		tb.Fatalf("%v", err)
		return
	}
	var url string
	if u, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		url = u
	}
	var serious, minor []string
	for _, v := range vs {
		switch v.Impact {
		case "serious", "critical":
			serious = append(serious, v.String())
		default:
			minor = append(minor, v.String())
		}
	}
	if len(minor) > 0 {
		tb.Logf("axe-core: %d minor/moderate accessibility violation(s) on %s:\n  %s",
			len(minor), url, strings.Join(minor, "\n  "))
	}
	if len(serious) > 0 {
		tb.Errorf("axe-core: %d serious/critical accessibility violation(s) on %s:\n  %s",
			len(serious), url, strings.Join(serious, "\n  "))
	}
}
