package db

import (
	"context"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

// Counter counts the SQL statements a pool sends, set as its
// ConnConfig.Tracer: each Query, QueryRow and Exec (BEGIN and COMMIT
// included), each query queued in a batch, and each COPY, as one. The
// benchmark (internal/bench) and the tests of statement counts use it, so
// that a batch or a COPY is never a way to hide statements.
type Counter struct {
	// Skip, when set, leaves out the statements (queries and batched
	// queries) whose SQL it reports: a test of one kind of statement
	// uses it to ignore another that it checks elsewhere.
	Skip func(sql string) bool

	n atomic.Int64
}

var (
	_ pgx.QueryTracer    = (*Counter)(nil)
	_ pgx.BatchTracer    = (*Counter)(nil)
	_ pgx.CopyFromTracer = (*Counter)(nil)
)

// N is the number of statements counted so far.
func (c *Counter) N() int64 { return c.n.Load() }

// TraceQueryStart counts a Query, QueryRow or Exec.
func (c *Counter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if c.Skip == nil || !c.Skip(data.SQL) {
		c.n.Add(1)
	}
	return ctx
}

// TraceQueryEnd does nothing.
func (c *Counter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchStart does nothing: a batch counts its queries.
func (c *Counter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

// TraceBatchQuery counts one query of a batch.
func (c *Counter) TraceBatchQuery(_ context.Context, _ *pgx.Conn, data pgx.TraceBatchQueryData) {
	if c.Skip == nil || !c.Skip(data.SQL) {
		c.n.Add(1)
	}
}

// TraceBatchEnd does nothing.
func (c *Counter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// TraceCopyFromStart counts a COPY.
func (c *Counter) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceCopyFromStartData) context.Context {
	c.n.Add(1)
	return ctx
}

// TraceCopyFromEnd does nothing.
func (c *Counter) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}
