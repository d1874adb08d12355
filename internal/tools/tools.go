// Package tools knows the programs Traguardo runs besides its own code:
// where each is found, which Debian package brings it, and what fails
// without it. internal/chromium, internal/report, internal/db and
// internal/pgcluster find their programs here; `traguardo doctor` and the
// check of the test tools (cmd/testdeps, the first step of make test)
// list them from here. It imports only the standard library, so that the
// check of the test tools builds in seconds.
package tools

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ChromiumCandidates are tried in order when no environment variable names
// the Chromium: the binary of Debian's chromium-headless-shell (its
// /usr/bin script runs it without exec, so it comes second), then a full
// Chromium.
var ChromiumCandidates = []string{
	"/usr/lib/chromium/chromium-headless-shell",
	"/usr/bin/chromium-headless-shell",
	"chromium-headless-shell",
	"chromium",
}

// ErrNoChromium is returned by FindChromium where no Chromium is installed.
var ErrNoChromium = errors.New("no Chromium found")

// FindChromium returns the Chromium named by the environment variable env
// when it is set (an error wrapping ErrNoChromium when that is not an
// executable), else the first of ChromiumCandidates that exists, else an
// error wrapping ErrNoChromium.
func FindChromium(env string) (string, error) {
	if p := os.Getenv(env); p != "" {
		full, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("%w: %s=%q is not an executable: %v", ErrNoChromium, env, p, err)
		}
		return full, nil
	}
	for _, p := range ChromiumCandidates {
		if full, err := exec.LookPath(p); err == nil {
			return full, nil
		}
	}
	return "", fmt.Errorf("%w: none of %s", ErrNoChromium, strings.Join(ChromiumCandidates, ", "))
}

// ErrNoPandoc is returned by FindPandoc where pandoc is not installed.
var ErrNoPandoc = errors.New("pandoc not found")

// FindPandoc returns the path of pandoc on PATH, or ErrNoPandoc.
func FindPandoc() (string, error) {
	p, err := exec.LookPath("pandoc")
	if err != nil {
		return "", ErrNoPandoc
	}
	return p, nil
}

// ErrNoPostgresServer says that no PostgreSQL server binaries were found.
var ErrNoPostgresServer = errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found: " +
	"install them with `apt-get install postgresql` (Debian), " +
	"or set DATABASE_URL to an existing database, " +
	"or run `docker compose up` with Docker")

// FindPostgresBin returns the directory holding initdb and pg_ctl: from
// PATH, or the newest /usr/lib/postgresql/*/bin; ErrNoPostgresServer
// otherwise.
func FindPostgresBin() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionDir(dirs[i]) > versionDir(dirs[j]) })
	for _, d := range dirs {
		if fileExists(filepath.Join(d, "initdb")) {
			return d, nil
		}
	}
	return "", ErrNoPostgresServer
}

func versionDir(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// FindPGClient finds a PostgreSQL client program (pg_dump, pg_restore):
// beside the server binaries (the version of the private cluster), else on
// PATH.
func FindPGClient(tool string) (string, error) {
	if dir, err := FindPostgresBin(); err == nil {
		if p := filepath.Join(dir, tool); fileExists(p) {
			return p, nil
		}
	}
	p, err := exec.LookPath(tool)
	if err != nil {
		return "", fmt.Errorf("%s not found: install the PostgreSQL client (apt-get install postgresql-client)", tool)
	}
	return p, nil
}

// ReportFont is the font family the Relazione's stylesheet names first
// (web/static/css/report.css): the PDF is printed with it.
const ReportFont = "DejaVu Sans"

// fontDirs are where Debian installs fonts, looked through when fc-list is
// not installed.
var fontDirs = []string{"/usr/share/fonts", "/usr/local/share/fonts"}

// FindFont returns a file of the font family (asked of fontconfig's
// fc-list, which Chromium's fontconfig shares; without fc-list, a file
// DejaVuSans.ttf, the family's name without spaces, in the system's font
// folders), or an error.
func FindFont(ctx context.Context, family string) (string, error) {
	if fc, err := exec.LookPath("fc-list"); err == nil {
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, fc, family, "file").Output()
		if err != nil {
			return "", fmt.Errorf("fc-list: %w", err)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if f, _, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(f) != "" {
				return strings.TrimSpace(f), nil
			}
		}
		return "", fmt.Errorf("fontconfig knows no font %q", family)
	}
	want := strings.ReplaceAll(family, " ", "") + ".ttf"
	for _, dir := range fontDirs {
		var found string
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && d.Name() == want {
				found = p
				return filepath.SkipAll
			}
			return nil
		})
		if found != "" {
			return found, nil
		}
	}
	return "", fmt.Errorf("no file %s in %s", want, strings.Join(fontDirs, ", "))
}

// Version is the first non-empty line a program prints when run with args
// (standard output, else standard error), within 20 seconds; empty when it
// does not run.
func Version(ctx context.Context, path string, args ...string) string {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return ""
	}
	for _, b := range [][]byte{stdout.Bytes(), stderr.Bytes()} {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); line != "" {
				return line
			}
		}
	}
	return ""
}

var pgVersion = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)

// PostgresMajor is the major version in what a PostgreSQL program prints
// for --version ("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)":
// 15); 0 when there is none.
func PostgresMajor(version string) int {
	m := pgVersion.FindStringSubmatch(version)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
