package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pathWithout is a PATH of one temporary folder holding links to the
// programs of names found on the current PATH, except those of missing.
func pathWithout(t *testing.T, missing ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"pg_ctl", "initdb", "pg_dump", "pg_restore", "pdftotext", "fc-list", "make", "pandoc", "apt-get"} {
		if strings.Contains(strings.Join(missing, " "), name) {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			if err := os.Symlink(p, filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// TestRun_AllFound: on a machine set up as .ci/run sets it up, nothing is
// missing and nothing is installed.
func TestRun_AllFound(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run(context.Background(), &out, &errs, false); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errs.String())
	}
	if !strings.Contains(out.String(), "all found") {
		t.Errorf("output %q", out.String())
	}
}

// TestRun_MissingNotRoot: without pandoc and pdftotext, not as root, it
// installs nothing, names both and prints the one apt-get command with
// their packages.
func TestRun_MissingNotRoot(t *testing.T) {
	t.Setenv("PATH", pathWithout(t, "pandoc", "pdftotext"))
	var out, errs bytes.Buffer
	if code := run(context.Background(), &out, &errs, false); code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out.String(), errs.String())
	}
	if strings.Contains(out.String(), "installing") {
		t.Errorf("it installs as a user: %q", out.String())
	}
	msg := errs.String()
	for _, want := range []string{"pandoc: not found on PATH.", "pdftotext: not found on PATH.",
		"\n  apt-get install -y --no-install-recommends pandoc poppler-utils\n"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Count(msg, "apt-get install -y") != 1 {
		t.Errorf("not one install command:\n%s", msg)
	}
}
