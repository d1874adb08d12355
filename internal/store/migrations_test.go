package store_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"traguardo/internal/pgtest"
	"traguardo/migrations"
)

// TestMigrations_DownAndUp runs every down migration to an empty schema, then
// every up migration again, as the owner: each pair undoes what it does.
func TestMigrations_DownAndUp(t *testing.T) {
	t.Parallel()
	runtime := pgtest.URL(t)
	u, err := url.Parse(runtime)
	if err != nil {
		t.Fatal(err)
	}
	owner := pgtest.Cluster(t).OwnerURL(strings.TrimPrefix(u.Path, "/"))
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	m, err := migrate.NewWithSourceInstance("iofs", src, "pgx5"+strings.TrimPrefix(owner, "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	latest, _, err := m.Version()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Down(); err != nil {
		t.Fatalf("down: %v", err)
	}
	if err := m.Up(); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if v, dirty, err := m.Version(); err != nil || dirty || v != latest {
		t.Errorf("version %d (dirty %v, %v) after down and up, want %d", v, dirty, err, latest)
	}
}
