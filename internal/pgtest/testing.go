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
)

// harness is the cluster of one test binary; TestMain sets it before any test
// runs and tears it down after, so it is the one piece of package state here.
var harness struct {
	cluster *Cluster
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
	c, err := Start(ctx, dir, Options{Ephemeral: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		return 1
	}
	defer c.Stop()
	err = c.CreateDatabase(ctx, templateDB, "")
	if err == nil {
		err = db.Migrate(c.URL(templateDB))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		return 1
	}
	harness.cluster = c
	return m.Run()
}

// URL returns the connection string of a fresh, migrated database for tb.
func URL(tb testing.TB) string {
	tb.Helper()
	c := harness.cluster
	if c == nil {
		tb.Fatal("pgtest: no cluster; call pgtest.Main from TestMain")
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), harness.seq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.CreateDatabase(ctx, name, templateDB); err != nil {
		tb.Fatal(err)
	}
	return c.URL(name)
}

// NewDB returns a pool on a fresh, migrated database, closed when tb ends.
func NewDB(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	url := URL(tb)
	pool, err := db.Open(context.Background(), url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	return pool
}
