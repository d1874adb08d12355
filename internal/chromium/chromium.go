// Package chromium finds the headless Chromium that prints the Relazione and
// drives the browser tests, and gives the flags both run it with.
package chromium

import (
	"github.com/chromedp/chromedp"

	"traguardo/internal/tools"
)

// ErrNotFound is returned by Find where no Chromium is installed.
var ErrNotFound = tools.ErrNoChromium

// Find returns the Chromium named by the environment variable env when it
// is set (an error wrapping ErrNotFound when that is not an executable),
// else the first of the usual places that exists (tools.ChromiumCandidates),
// else ErrNotFound.
func Find(env string) (string, error) { return tools.FindChromium(env) }

// Options run the Chromium at path headless, without sandbox, GPU,
// background networking, component updates, sync or first-run screens. No
// user-data-dir flag: chromedp then makes a fresh temporary directory,
// kills any leftover child process that uses it, and removes it when the
// browser stops.
func Options(path string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
	}
}
