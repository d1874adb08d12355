package chromium_test

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"traguardo/internal/chromium"
)

// TestPrintOptions_Sandbox: where the sandbox works (unprivileged user
// namespaces), the printer's browser runs with it: its renderer under a
// seccomp filter, and as root no process of it runs as root.
func TestPrintOptions_Sandbox(t *testing.T) {
	path, err := chromium.Find("CHROMIUM_PATH")
	if err != nil {
		t.Skip(err)
	}
	jail, err := chromium.NewJail(true)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := chromium.SandboxWorks(ctx, path, jail); err != nil {
		t.Skipf("no sandbox on this machine, the printer runs without it: %v", err)
	}
	opts, cleanup, err := chromium.PrintOptions(path, jail)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	if _, err := chromedp.Run(tabCtx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	tree := chromium.Tree(chromedp.FromContext(tabCtx).Browser.Process().Pid)
	renderers := 0
	for _, pid := range tree {
		status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
		if err != nil {
			continue
		}
		cmdline, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		if bytes.Contains(cmdline, []byte("--no-sandbox")) {
			t.Errorf("process %d runs with --no-sandbox", pid)
		}
		if os.Getuid() == 0 && bytes.Contains(status, []byte("\nUid:\t0\t")) {
			t.Errorf("process %d of the printer runs as root", pid)
		}
		if bytes.Contains(cmdline, []byte("--type=renderer")) {
			renderers++
			if !bytes.Contains(status, []byte("\nSeccomp:\t2")) {
				t.Errorf("renderer %d runs without its seccomp filter", pid)
			}
		}
	}
	if renderers == 0 {
		t.Errorf("no renderer among the printer's processes %v", tree)
	}
}
