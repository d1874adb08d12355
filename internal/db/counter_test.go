package db_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"traguardo/internal/db"
	"traguardo/internal/pgtest"
)

// TestCounter: a query, each query of a batch and a COPY count one
// statement each, so neither a batch nor a COPY hides what it sends.
func TestCounter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	counter := &db.Counter{}
	cfg.ConnConfig.Tracer = counter
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()

	count := func(name string, want int64, f func() error) {
		t.Helper()
		before := counter.N()
		if err := f(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := counter.N() - before; got != want {
			t.Errorf("%s counted %d statements, want %d", name, got, want)
		}
	}
	count("query", 1, func() error {
		_, err := conn.Exec(ctx, `CREATE TEMPORARY TABLE counted (n integer)`)
		return err
	})
	count("batch of three", 3, func() error {
		b := &pgx.Batch{}
		for i := range 3 {
			b.Queue(`INSERT INTO counted (n) VALUES ($1)`, i)
		}
		return conn.SendBatch(ctx, b).Close()
	})
	count("copy of 100 rows", 1, func() error {
		rows := make([][]any, 100)
		for i := range rows {
			rows[i] = []any{i}
		}
		_, err := conn.CopyFrom(ctx, pgx.Identifier{"counted"}, []string{"n"}, pgx.CopyFromRows(rows))
		return err
	})
	var n int
	count("check", 1, func() error { return conn.QueryRow(ctx, `SELECT count(*) FROM counted`).Scan(&n) })
	if n != 103 {
		t.Errorf("%d rows written, want 103", n)
	}
}
