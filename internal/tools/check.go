package tools

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Check is what was found of one program (or font) Traguardo needs.
type Check struct {
	Name     string // e.g. "pandoc"
	Package  string // the Debian package that brings it
	Required bool   // the application (or the tests) cannot do without it
	For      string // what needs it: what fails without it
	Path     string // where it was found
	Version  string // what it says of its version
	Problem  string // why it is unusable; empty when it is fine
	NotHere  string // not needed in this configuration, and why
}

// Failed says whether c is required and unusable.
func (c Check) Failed() bool { return c.Required && c.NotHere == "" && c.Problem != "" }

// Chromium's environment variables: CHROMIUM_PATH for the Relazione's PDF
// (report.ChromiumEnv), CHROME_PATH for the browser tests.
const (
	ChromiumEnv     = "CHROMIUM_PATH"
	TestChromiumEnv = "CHROME_PATH"
)

// Runtime describes the server's configuration as far as its programs go.
type Runtime struct {
	// PrivateCluster: DATABASE_URL is unset, so the application starts its
	// own PostgreSQL and needs the server's binaries.
	PrivateCluster bool
	// ServerMajor is the major version of the PostgreSQL server that
	// backups read (0: unknown); ServerNote says where it comes from.
	ServerMajor int
	ServerNote  string
}

// RuntimeChecks are the programs the application runs: Chromium, pandoc,
// pg_dump and pg_restore of (at least) the server's major version, the
// Relazione's font, and the PostgreSQL server when the application starts
// its own.
func RuntimeChecks(ctx context.Context, rt Runtime) []Check {
	checks := []Check{
		chromium(ctx, ChromiumEnv,
			"the Relazione as PDF (its download, `traguardo report --format pdf`, and the Nucleo's validation, which freezes the PDF); the chart inside DOCX/ODT"),
		pandoc(ctx, "the Relazione as DOCX and ODT"),
	}
	pkg := "postgresql-client"
	if rt.ServerMajor > 0 {
		pkg = "postgresql-client-" + strconv.Itoa(rt.ServerMajor)
	}
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		c := Check{Name: tool, Package: pkg, Required: true, For: "traguardo " + map[string]string{"pg_dump": "backup", "pg_restore": "restore"}[tool]}
		p, err := FindPGClient(tool)
		if err != nil {
			c.Problem = "not found"
		} else {
			c.Path, c.Version = p, Version(ctx, p, "--version")
			switch major := PostgresMajor(c.Version); {
			case major == 0:
				c.Problem = "does not say its version"
			case rt.ServerMajor > 0 && major < rt.ServerMajor:
				c.Problem = fmt.Sprintf("version %d cannot read a PostgreSQL %d server", major, rt.ServerMajor)
			case rt.ServerMajor == 0:
				c.Version += "; the server's version is unknown" + note(rt.ServerNote)
			default:
				c.Version += fmt.Sprintf("; server %d%s", rt.ServerMajor, note(rt.ServerNote))
			}
		}
		checks = append(checks, c)
	}
	checks = append(checks, font(ctx, "the Relazione's PDF: its text in "+ReportFont+" (web/static/css/report.css), not in whatever font is left"))
	server := postgresServer(ctx, "the private PostgreSQL cluster that starts when DATABASE_URL is unset")
	if !rt.PrivateCluster {
		server.NotHere = "DATABASE_URL is set: the application uses that server"
	}
	return append(checks, server)
}

func note(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// TestChecks are the programs the tests need (make test): the headless
// Chromium of the browser tests and of the PDF, pandoc, pdftotext, the
// Relazione's font, the PostgreSQL server and its client, the postgres
// user when run as root (the private cluster runs as that user), and make.
func TestChecks(ctx context.Context) []Check {
	checks := []Check{
		chromium(ctx, TestChromiumEnv, "the browser tests and the Relazione's PDF"),
		pandoc(ctx, "the tests of the Relazione as DOCX and ODT"),
		found(ctx, "pdftotext", "poppler-utils", "the tests that read the text of the Relazione's PDF", "-v"),
		font(ctx, "the tests of the Relazione's PDF"),
		postgresServer(ctx, "every test that needs a database (internal/pgtest)"),
	}
	pgDump := Check{Name: "pg_dump", Package: "postgresql-client", Required: true, For: "the test of traguardo backup"}
	if p, err := FindPGClient("pg_dump"); err != nil {
		pgDump.Problem = "not found"
	} else {
		pgDump.Path, pgDump.Version = p, Version(ctx, p, "--version")
	}
	checks = append(checks, pgDump)
	if os.Geteuid() == 0 {
		c := Check{Name: "postgres user", Package: "postgresql-common", Required: true,
			For: "the private cluster, which runs as the postgres user when the tests run as root"}
		if u, err := user.Lookup("postgres"); err != nil {
			c.Problem = "no such user"
		} else {
			c.Path = "uid " + u.Uid
		}
		checks = append(checks, c)
	}
	return append(checks, found(ctx, "make", "make", "the test command itself", "--version"))
}

func chromium(ctx context.Context, env string, what string) Check {
	c := Check{Name: "Chromium", Package: "chromium-headless-shell", Required: true, For: what}
	p, err := FindChromium(env)
	if err != nil {
		c.Problem = strings.TrimPrefix(err.Error(), ErrNoChromium.Error()+": ")
		return c
	}
	c.Path, c.Version = p, Version(ctx, p, "--version")
	if c.Version == "" {
		c.Problem = "does not run (" + p + " --version failed)"
	}
	return c
}

func pandoc(ctx context.Context, what string) Check {
	c := Check{Name: "pandoc", Package: "pandoc", Required: true, For: what}
	p, err := FindPandoc()
	if err != nil {
		c.Problem = "not found on PATH"
		return c
	}
	c.Path, c.Version = p, Version(ctx, p, "--version")
	if c.Version == "" {
		c.Problem = "does not run (pandoc --version failed)"
	}
	return c
}

func font(ctx context.Context, what string) Check {
	c := Check{Name: "font " + ReportFont, Package: "fonts-dejavu-core", Required: true, For: what}
	p, err := FindFont(ctx, ReportFont)
	if err != nil {
		c.Problem = err.Error()
		return c
	}
	c.Path = p
	return c
}

func postgresServer(ctx context.Context, what string) Check {
	c := Check{Name: "PostgreSQL server", Package: "postgresql", Required: true, For: what}
	dir, err := FindPostgresBin()
	if err != nil {
		c.Problem = "initdb and pg_ctl not found"
		return c
	}
	c.Path = dir
	c.Version = Version(ctx, dir+"/initdb", "--version")
	return c
}

// found checks a program on PATH.
func found(ctx context.Context, name, pkg, what string, versionArgs ...string) Check {
	c := Check{Name: name, Package: pkg, Required: true, For: what}
	p, err := exec.LookPath(name)
	if err != nil {
		c.Problem = "not found on PATH"
		return c
	}
	c.Path, c.Version = p, Version(ctx, p, versionArgs...)
	return c
}

// Packages are the Debian packages of the failed checks, once each, in
// their order.
func Packages(checks []Check) []string {
	var pkgs []string
	for _, c := range checks {
		if c.Failed() && !slices.Contains(pkgs, c.Package) {
			pkgs = append(pkgs, c.Package)
		}
	}
	return pkgs
}

// InstallCommand is the one command that installs pkgs on Debian.
func InstallCommand(pkgs []string) string {
	return "apt-get install -y --no-install-recommends " + strings.Join(pkgs, " ")
}

// Write prints one line per check (found, missing or not needed, with its
// path and version), what needs each and its Debian package, under each
// problem what fails, and, when some required one is missing, the one
// command that installs them all.
func Write(w io.Writer, checks []Check) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range checks {
		state, detail := "ok", c.Path
		if c.Version != "" {
			detail += "  " + c.Version
		}
		switch {
		case c.NotHere != "":
			state, detail = "not needed", c.NotHere
		case c.Problem != "" && c.Required:
			state, detail = "MISSING", c.Problem
		case c.Problem != "":
			state, detail = "missing", c.Problem
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Name, state, detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nWhat needs each (Debian package):")
	for _, c := range checks {
		req := "required"
		if !c.Required {
			req = "optional"
		}
		fmt.Fprintf(w, "  %s (%s, %s): %s\n", c.Name, c.Package, req, c.For)
	}
	for _, c := range checks {
		if c.Problem != "" && c.NotHere == "" {
			fmt.Fprintf(w, "\n%s: %s.\n  Without it: %s.\n  Debian package: %s\n", c.Name, c.Problem, c.For, c.Package)
		}
	}
	if pkgs := Packages(checks); len(pkgs) > 0 {
		_, err := fmt.Fprintf(w, "\nRequired but missing; install them (as root) with\n  %s\n", InstallCommand(pkgs))
		return err
	}
	return nil
}
