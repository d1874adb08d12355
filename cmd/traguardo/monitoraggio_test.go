package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"traguardo/internal/db"
	"traguardo/internal/store"
)

// TestReport_Monitoraggio: `report --document monitoraggio` on the demo
// writes the mid-year report of 2024 at 30/06 as one HTML document (its
// title, every centre of the cycle, none of the web page's toolbar or
// sendings); a period written otherwise, a day that ends no period and a
// format it has not are refused in Italian, writing nothing.
// MIDYEAR_CLI_PDF=file also runs the built binary with --format pdf (it
// needs Chromium) and keeps the PDF in file.
func TestReport_Monitoraggio(t *testing.T) {
	ctx := context.Background()
	runtimeURL, ownerURL := testDatabase(t)
	vars := map[string]string{"DATABASE_URL": runtimeURL, "MIGRATION_DATABASE_URL": ownerURL}
	env := func(k string) string { return vars[k] }
	if err := run([]string{"demo"}, io.Discard, io.Discard, env); err != nil {
		t.Fatalf("demo: %v", err)
	}
	pool, err := db.Open(ctx, runtimeURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	c, err := store.New(pool).LoadCycle(ctx, 2024)
	if err != nil || len(c.Centres) < 2 {
		t.Fatalf("the demo's 2024: %v", err)
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "m.html")
	args := []string{"report", "--year", "2024", "--document", "monitoraggio", "--format", "html", "--out", file}
	if err := run(args, io.Discard, io.Discard, env); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	if !strings.HasPrefix(strings.ToLower(html), "<!doctype html>") {
		t.Errorf("not an HTML document: %.60q", html)
	}
	want := []string{"<title>Monitoraggio intermedio al 30/06/2024 · ", "Ciclo della performance 2024"}
	for _, ce := range c.Centres {
		want = append(want, ">"+ce.Name+"<")
	}
	for _, w := range want {
		if !strings.Contains(html, w) {
			t.Errorf("the HTML lacks %q", w)
		}
	}
	for _, no := range []string{"Strumenti del monitoraggio intermedio", `data-testid="monitoring-sendings"`, "<script"} {
		if strings.Contains(html, no) {
			t.Errorf("the HTML has %q, which is the web page's", no)
		}
	}

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--period", "30/06/2024"}, "AAAA-MM-GG"},
		{[]string{"--period", "2024-06-29"}, "non ha un periodo di monitoraggio che termina il 29/06/2024"},
		{[]string{"--format", "docx"}, "html or pdf"},
	} {
		out := filepath.Join(dir, "bad")
		args := append([]string{"report", "--year", "2024", "--document", "monitoraggio", "--out", out}, bad.args...)
		err := run(args, io.Discard, io.Discard, env)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: %v, want an error with %q", bad.args, err, bad.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v wrote %s", bad.args, out)
		}
	}

	if pdf := os.Getenv("MIDYEAR_CLI_PDF"); pdf != "" {
		cmd := exec.Command(buildBinary(t), "report", "--year", "2024", "--document", "monitoraggio", "--format", "pdf", "--out", pdf)
		cmd.Env = append(os.Environ(), "DATABASE_URL="+runtimeURL, "MIGRATION_DATABASE_URL="+ownerURL)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", cmd.Args, err, out)
		}
		if b, err := os.ReadFile(pdf); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
			t.Errorf("%s: not a PDF (%v)", pdf, err)
		}
	}
}
