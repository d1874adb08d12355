package pgcluster_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"traguardo/internal/db"
	"traguardo/internal/pgcluster"
)

// TestCluster_Passwords starts a private cluster and checks that it lets no
// one in without the right password, on TCP or on its socket, keeps the
// passwords in a private file, and finds them again at the next start.
func TestCluster_Passwords(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := start(t, ctx, tempDir(t))

	for _, role := range []string{pgcluster.Owner, pgcluster.Runtime} {
		for what, conn := range map[string]string{
			"TCP without password":    fmt.Sprintf("host=127.0.0.1 port=%d user=%s dbname=postgres sslmode=disable", c.Port, role),
			"TCP with a wrong one":    fmt.Sprintf("host=127.0.0.1 port=%d user=%s password=traguardo dbname=postgres sslmode=disable", c.Port, role),
			"socket without password": fmt.Sprintf("host=%s port=%d user=%s dbname=postgres", c.Dir, c.Port, role),
		} {
			requireRefused(t, ctx, role+", "+what, conn)
		}
	}
	requireConnects(t, ctx, c.OwnerURL("postgres"), pgcluster.Owner)
	requireConnects(t, ctx, c.URL("postgres"), pgcluster.Runtime)

	hba, err := os.ReadFile(filepath.Join(c.Dir, "pg_hba.conf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(hba), "\n") {
		if f := strings.Fields(line); len(f) > 0 && !strings.HasPrefix(f[0], "#") && f[len(f)-1] != "scram-sha-256" {
			t.Errorf("pg_hba.conf: %q, want scram-sha-256 on every line", line)
		}
	}
	st, err := os.Stat(filepath.Join(c.Dir, pgcluster.Secrets))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", pgcluster.Secrets, st.Mode().Perm())
	}

	// A second process while the server runs (a CLI command during make
	// run), then a restart, both with the same passwords.
	again := start(t, ctx, c.Dir)
	if again.Owned || again.URL("x") != c.URL("x") || again.OwnerURL("x") != c.OwnerURL("x") {
		t.Errorf("a second Start on a running cluster: owned %v, URLs %s, %s; want not owned, %s, %s",
			again.Owned, again.URL("x"), again.OwnerURL("x"), c.URL("x"), c.OwnerURL("x"))
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	restarted := start(t, ctx, c.Dir)
	requireConnects(t, ctx, restarted.OwnerURL("postgres"), pgcluster.Owner)
	requireConnects(t, ctx, restarted.URL("postgres"), pgcluster.Runtime)
}

// TestCluster_OlderTrustCluster: a cluster made by an older Traguardo (no
// passwords file: it trusted local connections) is refused with what to do.
func TestCluster_OlderTrustCluster(t *testing.T) {
	if _, err := pgcluster.FindBinDir(); err != nil {
		t.Fatal(err) // the tests need PostgreSQL's server binaries: .ci/run installs them
	}
	dir := tempDir(t)
	if err := os.WriteFile(filepath.Join(dir, "PG_VERSION"), []byte("15\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := pgcluster.Start(context.Background(), dir, pgcluster.Options{Ephemeral: true})
	if err == nil {
		c.Stop()
	}
	if err == nil || !strings.Contains(err.Error(), "rm -rf "+dir) || !strings.Contains(err.Error(), "older") {
		t.Fatalf("Start on an older cluster: err = %v, want a refusal saying to delete it", err)
	}
}

// TestCluster_Roles migrates a database as the owner and checks the runtime
// role: no power beyond traguardo_app, a schema check that sees migrations,
// and the same privileges on a table that a later migration adds.
func TestCluster_Roles(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := start(t, ctx, tempDir(t))
	if err := c.CreateDatabase(ctx, "app", ""); err != nil {
		t.Fatal(err)
	}
	runtime := open(t, ctx, c.URL("app"))
	if err := db.CheckSchema(ctx, runtime); !errors.Is(err, db.ErrSchemaNotCurrent) {
		t.Fatalf("CheckSchema before migrating = %v, want ErrSchemaNotCurrent", err)
	}
	if err := db.Migrate(c.URL("app")); err == nil {
		t.Error("the runtime role ran the migrations")
	}
	if err := db.Migrate(c.OwnerURL("app")); err != nil {
		t.Fatal(err)
	}
	if err := db.CheckSchema(ctx, runtime); err != nil {
		t.Fatalf("CheckSchema after migrating = %v", err)
	}
	if problems, err := db.CheckRuntimeRole(ctx, runtime); err != nil || len(problems) != 0 {
		t.Errorf("CheckRuntimeRole(runtime) = %v, %v; want none", problems, err)
	}
	owner := open(t, ctx, c.OwnerURL("app"))
	if problems, err := db.CheckRuntimeRole(ctx, owner); err != nil || len(problems) == 0 {
		t.Errorf("CheckRuntimeRole(owner) = %v, %v; want the superuser and owner of audit_log named", problems, err)
	}
	if _, err := runtime.Exec(ctx, `INSERT INTO schema_migrations (version, dirty) VALUES (999, false)`); err == nil {
		t.Error("the runtime role wrote schema_migrations")
	}

	// A later migration adds a table: the default privileges give the
	// runtime role rows, not the table.
	if _, err := owner.Exec(ctx, `CREATE TABLE later (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text)`); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`INSERT INTO later (note) VALUES ('a'), ('b')`,
		`UPDATE later SET note = 'c' WHERE note = 'a'`,
		`DELETE FROM later WHERE note = 'b'`,
		`SELECT count(*) FROM later`,
	} {
		if _, err := runtime.Exec(ctx, sql); err != nil {
			t.Errorf("as the runtime role, %s: %v", sql, err)
		}
	}
	for _, sql := range []string{
		`TRUNCATE later`,
		`ALTER TABLE later ADD COLUMN x int`,
		`CREATE TABLE mine (id int)`,
		`CREATE TRIGGER t BEFORE INSERT ON later FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
	} {
		var pe *pgconn.PgError
		if _, err := runtime.Exec(ctx, sql); !errors.As(err, &pe) || pe.Code != "42501" {
			t.Errorf("as the runtime role, %s: err = %v, want permission denied", sql, err)
		}
	}
}

// tempDir is a directory that the server's user can reach (t.TempDir's
// parent is private to root: Start would keep the cluster elsewhere).
func tempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "tgpgc")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func start(t *testing.T, ctx context.Context, dir string) *pgcluster.Cluster {
	t.Helper()
	if _, err := pgcluster.FindBinDir(); err != nil {
		t.Fatal(err) // the tests need PostgreSQL's server binaries: .ci/run installs them
	}
	c, err := pgcluster.Start(ctx, dir, pgcluster.Options{Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop() })
	return c
}

func open(t *testing.T, ctx context.Context, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := db.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func requireRefused(t *testing.T, ctx context.Context, what, conn string) {
	t.Helper()
	c, err := pgx.Connect(ctx, conn)
	if err == nil {
		c.Close(ctx)
		t.Errorf("%s: connected, want a refusal", what)
		return
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "28P01" { // invalid_password
		if !strings.Contains(err.Error(), "password") && !strings.Contains(err.Error(), "SASL") {
			t.Errorf("%s: err = %v, want a password refusal", what, err)
		}
	}
}

func requireConnects(t *testing.T, ctx context.Context, url, role string) {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("as %s: %v", role, err)
	}
	defer conn.Close(ctx)
	var got string
	if err := conn.QueryRow(ctx, `SELECT current_user`).Scan(&got); err != nil || got != role {
		t.Errorf("current_user = %q, %v; want %s", got, err, role)
	}
}
