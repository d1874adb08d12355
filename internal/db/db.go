// Package db opens the PostgreSQL pool and applies the embedded migrations.
//
// Two roles reach the database: the owner of the schema runs Migrate, and
// the runtime role, a member of traguardo_app (migration 000003), serves with
// the pool that Open returns. CheckSchema and CheckRuntimeRole tell the
// runtime side whether the schema is current and whether it has more power
// than it should.
package db

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // registers the pgx5 scheme
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"traguardo/migrations"
)

// Open connects a pool to databaseURL and checks that the server answers.
func Open(ctx context.Context, databaseURL string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	return pool, nil
}

// Wait returns once the server of databaseURL accepts a connection, trying
// again for up to limit while it refuses them (not started yet, starting up,
// shutting down, restarting: an application started with its database, or
// just before it, waits instead of failing). A refusal that waiting cannot
// cure (a wrong password, a missing database or role) returns at once.
// notify, if not nil, hears each failed attempt.
func Wait(ctx context.Context, databaseURL string, limit time.Duration, notify func(error)) error {
	cfg, err := pgconn.ParseConfig(databaseURL)
	if err != nil {
		return fmt.Errorf("parse database url: %w", err)
	}
	deadline := time.Now().Add(limit)
	for delay := 100 * time.Millisecond; ; delay = min(2*delay, time.Second) {
		attempt, cancel := context.WithTimeout(ctx, 5*time.Second)
		conn, err := pgconn.ConnectConfig(attempt, cfg)
		cancel()
		if err == nil {
			return conn.Close(ctx)
		}
		var pe *pgconn.PgError
		// cannot_connect_now, admin_shutdown, crash_shutdown, too_many_connections
		if errors.As(err, &pe) && !slices.Contains([]string{"57P03", "57P01", "57P02", "53300"}, pe.Code) {
			return fmt.Errorf("connect to the database: %w", err)
		}
		if ctx.Err() != nil || time.Now().Add(delay).After(deadline) {
			return fmt.Errorf("the database did not accept connections within %s: %w", limit, err)
		}
		if notify != nil {
			notify(err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
	}
}

// Migrate brings the schema of databaseURL up to the newest embedded migration.
func Migrate(databaseURL string) error {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return fmt.Errorf("migrations source: %w", err)
	}
	m, err := migrate.NewWithSourceInstance("iofs", src, migrateURL(databaseURL))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	defer m.Close()
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate up: %w", err)
	}
	return nil
}

// migrateURL turns a libpq URL into the scheme golang-migrate's pgx/v5 driver expects.
func migrateURL(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return databaseURL
	}
	return "pgx5" + strings.TrimPrefix(databaseURL, u.Scheme)
}

// LatestVersion is the number of the newest embedded migration.
func LatestVersion() (uint, error) {
	entries, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		return 0, err
	}
	var latest uint
	for _, e := range entries {
		prefix, _, ok := strings.Cut(e.Name(), "_")
		if !ok || !strings.HasSuffix(e.Name(), ".up.sql") {
			continue
		}
		n, err := strconv.ParseUint(prefix, 10, 32)
		if err != nil {
			return 0, fmt.Errorf("migration %s: %w", e.Name(), err)
		}
		latest = max(latest, uint(n))
	}
	return latest, nil
}

// ErrSchemaNotCurrent says that the database's schema is not the one this
// binary was built for; the owner's URL is needed to migrate it.
var ErrSchemaNotCurrent = errors.New("the database schema is not current")

// CheckSchema returns nil when the schema of pool's database is at the newest
// embedded migration, and an error wrapping ErrSchemaNotCurrent otherwise.
func CheckSchema(ctx context.Context, pool *pgxpool.Pool) error {
	latest, err := LatestVersion()
	if err != nil {
		return err
	}
	var (
		version int64
		dirty   bool
	)
	err = pool.QueryRow(ctx, `SELECT version, dirty FROM schema_migrations LIMIT 1`).Scan(&version, &dirty)
	var pe *pgconn.PgError
	switch {
	case errors.Is(err, pgx.ErrNoRows), errors.As(err, &pe) && pe.Code == "42P01": // undefined_table
		return fmt.Errorf("%w: no migration applied, this binary needs version %d", ErrSchemaNotCurrent, latest)
	case err != nil:
		return fmt.Errorf("read the schema version: %w", err)
	case dirty:
		return fmt.Errorf("%w: migration %d failed half-way (dirty); fix it by hand, then run migrate", ErrSchemaNotCurrent, version)
	case version != int64(latest):
		return fmt.Errorf("%w: it is at version %d, this binary needs version %d", ErrSchemaNotCurrent, version, latest)
	}
	return nil
}

// CheckRuntimeRole lists what makes the role of pool more powerful than the
// application's runtime role should be: superuser, owner of the audit log,
// able to bypass row security or to create roles or databases. An empty list
// means none of these.
func CheckRuntimeRole(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	var (
		role                                   string
		super, createRole, createDB, bypassRLS bool
		ownsAudit                              bool
	)
	err := pool.QueryRow(ctx, `
		SELECT r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls,
			COALESCE(pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = to_regclass('audit_log')), 'USAGE'), false)
		FROM pg_roles r WHERE r.rolname = current_user`).Scan(&role, &super, &createRole, &createDB, &bypassRLS, &ownsAudit)
	if err != nil {
		return nil, fmt.Errorf("read the database role: %w", err)
	}
	var out []string
	for _, p := range []struct {
		bad  bool
		what string
	}{
		{super, "is a superuser"},
		{ownsAudit, "owns audit_log (or is a member of its owner)"},
		{createRole, "may create roles"},
		{createDB, "may create databases"},
		{bypassRLS, "bypasses row security"},
	} {
		if p.bad {
			out = append(out, fmt.Sprintf("role %s %s", role, p.what))
		}
	}
	return out, nil
}
