// Package chromium finds the headless Chromium that prints the Relazione and
// drives the browser tests, and gives the flags both run it with.
package chromium

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/chromedp/chromedp"
)

// ErrNotFound is returned by Find where no Chromium is installed.
var ErrNotFound = errors.New("chromium: no Chromium found")

// candidates are tried in order when the environment variable is unset: the
// binary of Debian's chromium-headless-shell (its /usr/bin script runs it
// without exec, so it comes second), then a full Chromium.
var candidates = []string{
	"/usr/lib/chromium/chromium-headless-shell",
	"/usr/bin/chromium-headless-shell",
	"chromium-headless-shell",
	"chromium",
}

// Find returns the Chromium named by the environment variable env when it
// is set (an error wrapping ErrNotFound when that is not an executable),
// else the first of the usual places that exists, else ErrNotFound.
func Find(env string) (string, error) {
	if p := os.Getenv(env); p != "" {
		full, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("%w: %s=%q is not an executable: %v", ErrNotFound, env, p, err)
		}
		return full, nil
	}
	for _, p := range candidates {
		if full, err := exec.LookPath(p); err == nil {
			return full, nil
		}
	}
	return "", fmt.Errorf("%w: none of %s", ErrNotFound, strings.Join(candidates, ", "))
}

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
