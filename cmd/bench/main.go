// Command bench runs the benchmark of issue 12 (see internal/bench): a
// private PostgreSQL, a large plan, the application on 127.0.0.1 driven by
// concurrent signed-in clients. It prints the figures and writes them, with
// the notes of -notes, to -out.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"traguardo/internal/bench"
	"traguardo/internal/demo"
)

// marker starts the figures in the -out file.
const marker = "## Figures of the last run"

func main() {
	objectives := flag.Int("objectives", 400, "objectives of the plan")
	centres := flag.Int("centres", 40, "centres of the plan")
	users := flag.Int("users", 200, "accounts")
	duration := flag.Duration("duration", 5*time.Second, "how long each page is driven")
	dir := flag.String("dir", ".data/bench-pg", "directory of the private PostgreSQL (emptied first)")
	out := flag.String("out", "", "Markdown file (BENCHMARKS.md) whose figures, below the line "+marker+", the run replaces")
	only := flag.String("only", "", "comma-separated parts to measure ("+strings.Join(bench.Parts, ", ")+"), all when empty; not with -out")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run (application and clients) to this file")
	flag.Parse()
	var parts []string
	if *only != "" {
		parts = strings.Split(*only, ",")
		for _, p := range parts {
			if !slices.Contains(bench.Parts, p) {
				fmt.Fprintf(os.Stderr, "bench: -only: unknown part %q (parts: %s)\n", p, strings.Join(bench.Parts, ", "))
				os.Exit(2)
			}
		}
		if *out != "" {
			fmt.Fprintln(os.Stderr, "bench: -only measures a part of the run: it does not write -out, whose figures are of a whole run")
			os.Exit(2)
		}
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := bench.Run(ctx, bench.Options{Dir: *dir, Scale: demo.Scale{Objectives: *objectives, Centres: *centres, Users: *users},
		Duration: *duration, Only: parts, Log: os.Stderr})
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
	res.Print(os.Stdout)
	if *out == "" {
		return
	}
	// The notes above the marker are kept; the figures below it replaced.
	var buf bytes.Buffer
	if old, err := os.ReadFile(*out); err == nil {
		if head, _, ok := bytes.Cut(old, []byte(marker)); ok {
			buf.Write(head)
		}
	}
	buf.WriteString(marker + "\n\n")
	res.Markdown(&buf)
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
