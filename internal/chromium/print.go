package chromium

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/chromedp/chromedp"
)

// The printer's browser is run confined. Its sandbox (the renderer in its
// own namespaces under a seccomp filter) is on wherever it can be:
//
//   - Chromium refuses its sandbox to root. A server running as root starts
//     the printer as the unprivileged user Unprivileged (nobody), with a
//     profile directory and a HOME of that user's own, so the sandbox runs.
//   - Any other user runs it with the sandbox as it is.
//
// The sandbox needs unprivileged user namespaces; where the kernel or a
// container refuses them, Chromium does not start sandboxed, and
// SandboxWorks says so: the printer then runs it with --no-sandbox, and what
// confines it is what the printer does besides (JavaScript off, every
// request but the document refused, the memory watchdog, the timeout).

// Unprivileged is the user a server running as root prints as.
const Unprivileged = "nobody"

// Jail is how the printer's browser runs: with the sandbox or not, and as
// which user (nil: the server's own).
type Jail struct {
	Sandbox bool
	Cred    *syscall.Credential
	Home    string // the user's HOME, when Cred is set
}

// NewJail is the jail for this process: as root, the sandbox as
// Unprivileged; otherwise the sandbox as the server's user. sandbox false
// gives the jail without sandbox (the server's user, --no-sandbox).
func NewJail(sandbox bool) (Jail, error) {
	if !sandbox {
		return Jail{}, nil
	}
	if os.Getuid() != 0 {
		return Jail{Sandbox: true}, nil
	}
	u, err := user.Lookup(Unprivileged)
	if err != nil {
		return Jail{}, fmt.Errorf("chromium: user %s for the sandbox: %w", Unprivileged, err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil || uid == 0 {
		return Jail{}, fmt.Errorf("chromium: user %s is not unprivileged (%s:%s)", Unprivileged, u.Uid, u.Gid)
	}
	return Jail{Sandbox: true, Cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}}, nil
}

// PrintOptions are Options for the printer in jail: the profile directory
// made for it (owned by the jail's user; cleanup removes it), the sandbox
// on or --no-sandbox, and JavaScript off from the start. The browser is
// killed with SIGKILL if the server dies.
func PrintOptions(path string, jail Jail) (opts []chromedp.ExecAllocatorOption, cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "traguardo-print-")
	if err != nil {
		return nil, nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	if jail.Cred != nil {
		if err := os.Chown(dir, int(jail.Cred.Uid), int(jail.Cred.Gid)); err != nil {
			cleanup()
			return nil, nil, err
		}
	}
	opts = append(Options(path)[:0:0], Options(path)...)
	opts = append(opts,
		// Options says no-sandbox; chromedp adds it for root unless told.
		chromedp.Flag("no-sandbox", !jail.Sandbox),
		chromedp.UserDataDir(dir),
		chromedp.Flag("blink-settings", "scriptEnabled=false"),
		chromedp.Env("HOME="+dir),
		chromedp.ModifyCmdFunc(func(cmd *exec.Cmd) {
			cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true, Credential: jail.Cred}
		}),
	)
	return opts, cleanup, nil
}

// SandboxWorks starts the Chromium at path in jail once, to load a blank
// page and end: nil when it runs, else why not (in a container without
// user namespaces, "No usable sandbox").
func SandboxWorks(ctx context.Context, path string, jail Jail) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	opts, cleanup, err := PrintOptions(path, jail)
	if err != nil {
		return err
	}
	defer cleanup()
	var out limitedBuffer
	opts = append(opts, chromedp.CombinedOutput(&out))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	if _, err := chromedp.Run(tabCtx, chromedp.Navigate("about:blank")); err != nil {
		return fmt.Errorf("chromium: sandboxed start: %w: %s", err, out.String())
	}
	return nil
}

// limitedBuffer keeps the first 4 KiB written to it.
type limitedBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if room := 4096 - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.b)
}
