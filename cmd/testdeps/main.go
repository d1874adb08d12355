// Command testdeps checks the programs the tests need (tools.TestChecks:
// the headless Chromium, pandoc, pdftotext, the DejaVu fonts, the
// PostgreSQL server and client, make). When one is missing it installs
// them as root where apt-get is available, as on a fresh CI machine;
// otherwise it stops at once, printing the one apt-get command to run.
// make test runs it first, and .ci/run before anything else. It imports
// only the standard library and internal/tools, so that it builds in
// seconds.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"

	"traguardo/internal/tools"
)

func main() {
	os.Exit(run(context.Background(), os.Stdout, os.Stderr, os.Geteuid() == 0))
}

func run(ctx context.Context, stdout, stderr io.Writer, root bool) int {
	checks := tools.TestChecks(ctx)
	pkgs := tools.Packages(checks)
	if len(pkgs) == 0 {
		fmt.Fprintln(stdout, "test tools: all found")
		return 0
	}
	aptGet, err := exec.LookPath("apt-get")
	if !root || err != nil {
		tools.Write(stderr, checks)
		why := "not root"
		if root {
			why = "no apt-get"
		}
		fmt.Fprintf(stderr, "The tests need them; nothing installed (%s).\n", why)
		return 1
	}
	fmt.Fprintf(stdout, "test tools: installing %v\n", pkgs)
	env := append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	for _, args := range [][]string{{"update", "-q"}, append([]string{"install", "-y", "-q", "--no-install-recommends"}, pkgs...)} {
		cmd := exec.CommandContext(ctx, aptGet, args...)
		cmd.Env, cmd.Stdout, cmd.Stderr = env, stdout, stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(stderr, "apt-get %s: %v\n", args[0], err)
			return 1
		}
	}
	checks = tools.TestChecks(ctx)
	if len(tools.Packages(checks)) > 0 {
		tools.Write(stderr, checks)
		fmt.Fprintln(stderr, "\nStill missing after apt-get install.")
		return 1
	}
	fmt.Fprintln(stdout, "test tools: all found")
	return 0
}
