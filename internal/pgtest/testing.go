// Package pgtest is the database harness of the tests: one private
// PostgreSQL cluster (internal/pgcluster) per test binary, a migrated
// template database, and a fresh copy of it per test.
//
// Tests connect as the runtime role, with the privileges the application
// has in production; a test that needs the owner asks for it with Owner.
package pgtest

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"traguardo/internal/db"
	"traguardo/internal/pgcluster"
)

// harness is the cluster of one test binary; TestMain sets it before any test
// runs and tears it down after, so it is the one piece of package state here.
var harness struct {
	cluster *pgcluster.Cluster
	seq     atomic.Int64
}

const templateDB = "traguardo_template"

// Main starts a private cluster for a test binary, creates a migrated template
// database, runs the tests and stops the cluster. Use it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
func Main(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "tgpg")
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	c, err := pgcluster.Start(ctx, dir, pgcluster.Options{Ephemeral: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		return 1
	}
	defer c.Stop()
	err = c.CreateDatabase(ctx, templateDB, "")
	if err == nil {
		err = db.Migrate(c.OwnerURL(templateDB))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		return 1
	}
	harness.cluster = c
	return m.Run()
}

// Cluster is the running cluster of this test binary.
func Cluster(tb testing.TB) *pgcluster.Cluster {
	tb.Helper()
	if harness.cluster == nil {
		tb.Fatal("pgtest: no cluster; call pgtest.Main from TestMain")
	}
	return harness.cluster
}

// URL returns the connection string of a fresh, migrated database for tb, as
// the runtime role.
func URL(tb testing.TB) string {
	tb.Helper()
	c := Cluster(tb)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), harness.seq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.CreateDatabase(ctx, name, templateDB); err != nil {
		tb.Fatal(err)
	}
	return c.URL(name)
}

// NewDB returns a pool on a fresh, migrated database, connected as the
// runtime role, closed when tb ends.
func NewDB(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	return open(tb, URL(tb))
}

// Owner returns a pool on the database of pool connected as the owner of
// the schema (a superuser in the private cluster), closed when tb ends: for
// the few tests that change the schema or check what the owner may do.
func Owner(tb testing.TB, pool *pgxpool.Pool) *pgxpool.Pool {
	tb.Helper()
	return open(tb, Cluster(tb).OwnerURL(pool.Config().ConnConfig.Database))
}

func open(tb testing.TB, url string) *pgxpool.Pool {
	tb.Helper()
	pool, err := db.Open(context.Background(), url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	return pool
}
