package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"traguardo/internal/auth"
	"traguardo/internal/db"
	"traguardo/internal/demo"
	"traguardo/internal/pgtest"
	"traguardo/internal/store"
)

// otherBodyPlan is the demo's 2023 document as another body's: the same
// plan under the organisation name.
func otherBodyPlan(t *testing.T, name string) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(demo.Cycle2023(), &doc); err != nil {
		t.Fatal(err)
	}
	doc["organisation"] = map[string]any{"name": name}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "piano.json")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestSetup: on a new, empty (not migrated) database, setup migrates it,
// names the organisation and creates the first administrator with a
// one-time password it prints; that body's plan then imports (without the
// demo), another body's does not, and the administrator signs in with the
// printed password, which must be changed. Both records are audited as the
// command line's. A second setup is refused, saying what the database
// holds, and changes nothing.
func TestSetup(t *testing.T) {
	ctx := context.Background()
	c := pgtest.Cluster(t)
	dbName := fmt.Sprintf("setup_%d", time.Now().UnixNano())
	if err := c.CreateDatabase(ctx, dbName, ""); err != nil {
		t.Fatal(err)
	}
	runtimeURL, ownerURL := c.URL(dbName), c.OwnerURL(dbName)
	getenv := func(k string) string {
		return map[string]string{"DATABASE_URL": runtimeURL, "MIGRATION_DATABASE_URL": ownerURL}[k]
	}
	const body = "Comune di Valfonda"
	var out bytes.Buffer
	if err := run([]string{"setup", "--organisation", "  Comune  di Valfonda ", "--admin-email", "Segreteria@Valfonda.example", "--name", "Anna Rossi"},
		&out, io.Discard, getenv); err != nil {
		t.Fatalf("setup: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	password := lines[len(lines)-1]
	if err := auth.CheckPasswordStrength(password); err != nil || strings.ContainsAny(password, " :") {
		t.Fatalf("the last line is not a password: %q (%v)\n%s", password, err, out.String())
	}
	if !strings.Contains(out.String(), `"`+body+`"`) || !strings.Contains(out.String(), "segreteria@valfonda.example") ||
		!strings.Contains(out.String(), "changed at the first sign-in") {
		t.Errorf("setup says:\n%s", out.String())
	}

	pool, err := db.Open(ctx, runtimeURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := db.CheckSchema(ctx, pool); err != nil {
		t.Fatalf("schema after setup: %v", err)
	}
	st := store.New(pool)
	if name, err := st.OrganisationName(ctx); err != nil || name != body {
		t.Errorf("organisation %q (%v), want %q", name, err, body)
	}

	// The body's plan imports; another body's is refused.
	out.Reset()
	if err := run([]string{"import", otherBodyPlan(t, body)}, &out, io.Discard, getenv); err != nil {
		t.Fatalf("import of the body's plan: %v", err)
	}
	if !strings.Contains(out.String(), "Importato il ciclo 2023") {
		t.Errorf("import says %q", out.String())
	}
	err = run([]string{"import", otherBodyPlan(t, "Consorzio IN.RE.TE.")}, io.Discard, io.Discard, getenv)
	if err == nil || !strings.Contains(err.Error(), `questa installazione è dell'ente "Comune di Valfonda"`) {
		t.Errorf("import of another body's plan: %v", err)
	}

	// The administrator signs in with the printed password, and must change it.
	u, hash, err := st.UserForSignIn(ctx, "segreteria@valfonda.example")
	if err != nil {
		t.Fatal(err)
	}
	if !auth.CheckPassword(hash, password) || auth.CheckPassword(hash, password+"x") {
		t.Error("the printed password does not sign the administrator in")
	}
	if u.Role != auth.Admin || !u.MustChangePassword || !u.Active || u.Name != "Anna Rossi" {
		t.Errorf("administrator: role %s, must change %v, active %v, name %q", u.Role, u.MustChangePassword, u.Active, u.Name)
	}

	audited := column[string](t, pool, `SELECT action || ' ' || entity FROM audit_log WHERE actor = 'cli' ORDER BY id`)
	if strings.Join(audited, ", ") != "create organisation, create user, import cycle" {
		t.Errorf("audited as the command line: %v", audited)
	}

	// Again: refused, saying what is there; nothing changed.
	err = run([]string{"setup", "--organisation", "Altro Ente", "--admin-email", "altro@ente.example"}, io.Discard, io.Discard, getenv)
	var installed *store.InstalledError
	if !errors.As(err, &installed) {
		t.Fatalf("second setup: %v, want an InstalledError", err)
	}
	for _, want := range []string{`"Comune di Valfonda"`, "(2023)", "1 account(s)", "segreteria@valfonda.example", "nothing changed"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal does not say %q: %v", want, err)
		}
	}
	if n := column[int](t, pool, `SELECT count(*)::int FROM users`)[0]; n != 1 {
		t.Errorf("%d accounts after the refused setup", n)
	}
	if n := column[int](t, pool, `SELECT count(*)::int FROM organisations`)[0]; n != 1 {
		t.Errorf("%d organisations after the refused setup", n)
	}
}

// TestSetup_RefusedOnDemo: the demo's database (its organisation, cycles
// and accounts) is not set up again; bad flags are refused before the
// database is touched.
func TestSetup_RefusedOnDemo(t *testing.T) {
	runtimeURL, ownerURL := testDatabase(t)
	getenv := func(k string) string {
		return map[string]string{"DATABASE_URL": runtimeURL, "MIGRATION_DATABASE_URL": ownerURL}[k]
	}
	if err := run([]string{"demo"}, io.Discard, io.Discard, getenv); err != nil {
		t.Fatal(err)
	}
	err := run([]string{"setup", "--organisation", "Comune di Valfonda", "--admin-email", "a@valfonda.example"}, io.Discard, io.Discard, getenv)
	if err == nil || !strings.Contains(err.Error(), `the organisation "Consorzio IN.RE.TE."`) || !strings.Contains(err.Error(), "admin@traguardo.test") {
		t.Errorf("setup of the demo: %v", err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"setup", "--admin-email", "a@b.example"}, "setup needs --organisation"},
		{[]string{"setup", "--organisation", "Ente"}, "setup needs --admin-email"},
		{[]string{"setup", "--organisation", "Ente", "--admin-email", "non-un-indirizzo"}, "--admin-email:"},
		{[]string{"setup", "--organisation", strings.Repeat("x", 201), "--admin-email", "a@b.example"}, "at most 200 characters"},
	} {
		// Unreachable database: the flags are refused first.
		err := run(tc.args, io.Discard, io.Discard, func(k string) string {
			return map[string]string{"DATABASE_URL": "postgres://x@127.0.0.1:1/x", "MIGRATION_DATABASE_URL": "postgres://y@127.0.0.1:1/x"}[k]
		})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
}

// runDoctor runs the binary's doctor with env (added to PATH and HOME
// only) and returns its output and exit code.
func runDoctor(t *testing.T, bin, path string, args []string, env ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"doctor"}, args...)...)
	cmd.Env = append([]string{"PATH=" + path, "HOME=" + t.TempDir()}, env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

// linkedPath is a PATH of one folder of links to the programs the
// application runs found on this PATH, without those of missing.
func linkedPath(t *testing.T, missing ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"pg_ctl", "initdb", "pg_dump", "pg_restore", "pandoc", "fc-list", "chromium", "chromium-headless-shell"} {
		if strings.Contains(" "+strings.Join(missing, " ")+" ", " "+name+" ") {
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

// lineOf is the line of out that starts with name.
func lineOf(out, name string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, name+" ") {
			return l
		}
	}
	return ""
}

// TestDoctor: on this machine (set up as .ci/run sets it up) every program
// is found and doctor exits 0; without pandoc it exits 1 with a line naming
// pandoc, what fails without it and the apt-get command; with DATABASE_URL
// it reads the server's major version and needs no PostgreSQL server of
// its own; a pg_dump older than the server fails.
func TestDoctor(t *testing.T) {
	bin := buildBinary(t)
	out, code := runDoctor(t, bin, os.Getenv("PATH"), nil)
	if code != 0 {
		t.Fatalf("doctor on this machine: exit %d\n%s", code, out)
	}
	for _, name := range []string{"Chromium", "pandoc", "pg_dump", "pg_restore", "font DejaVu Sans", "PostgreSQL server"} {
		if l := lineOf(out, name); !strings.Contains(l, " ok ") {
			t.Errorf("%s: %q", name, l)
		}
	}
	if l := lineOf(out, "pg_dump"); !strings.Contains(l, "(PostgreSQL) 15") || !strings.Contains(l, "server 15 (the private cluster's)") {
		t.Errorf("pg_dump's version and the server's: %q", l)
	}

	out, code = runDoctor(t, bin, linkedPath(t, "pandoc"), nil)
	if code == 0 {
		t.Fatalf("doctor without pandoc exits 0:\n%s", out)
	}
	if l := lineOf(out, "pandoc"); !strings.Contains(l, "MISSING") {
		t.Errorf("pandoc's line: %q\n%s", l, out)
	}
	for _, want := range []string{"Without it: the Relazione as DOCX and ODT.", "\n  apt-get install -y --no-install-recommends pandoc\n", "traguardo: required programs are missing"} {
		if !strings.Contains(out, want) {
			t.Errorf("without pandoc, doctor does not say %q:\n%s", want, out)
		}
	}
	if l := lineOf(out, "Chromium"); !strings.Contains(l, " ok ") {
		t.Errorf("Chromium's line without pandoc: %q", l)
	}

	runtimeURL, _ := testDatabase(t)
	out, code = runDoctor(t, bin, os.Getenv("PATH"), nil, "DATABASE_URL="+runtimeURL)
	if code != 0 || !strings.Contains(lineOf(out, "pg_dump"), "server 15 (of DATABASE_URL)") ||
		!strings.Contains(lineOf(out, "PostgreSQL server"), "not needed") {
		t.Errorf("doctor with DATABASE_URL: exit %d\n%s", code, out)
	}
	out, code = runDoctor(t, bin, os.Getenv("PATH"), []string{"--pg-major", "99"}, "DATABASE_URL=postgres://x@127.0.0.1:1/x")
	if code == 0 || !strings.Contains(lineOf(out, "pg_dump"), "cannot read a PostgreSQL 99 server") ||
		!strings.Contains(out, "apt-get install -y --no-install-recommends postgresql-client-99") {
		t.Errorf("doctor with a server newer than pg_dump: exit %d\n%s", code, out)
	}
}

// TestHealthcheck: 0 on the answer 200 of /healthz, an error on 503 and
// where nothing listens.
func TestHealthcheck(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	addr := strings.TrimPrefix(srv.URL, "http://")
	ctx := context.Background()
	if err := run([]string{"healthcheck"}, io.Discard, io.Discard, func(k string) string { return map[string]string{"ADDR": addr}[k] }); err != nil {
		t.Errorf("healthy: %v", err)
	}
	_, port, _ := strings.Cut(addr, ":")
	if err := healthcheck(ctx, ":"+port); err != nil {
		t.Errorf("ADDR :%s: %v", port, err)
	}
	status = http.StatusServiceUnavailable
	if err := healthcheck(ctx, addr); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("unhealthy: %v", err)
	}
	srv.Close()
	if err := healthcheck(ctx, addr); err == nil {
		t.Error("nothing listens: no error")
	}
}
