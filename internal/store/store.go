// Package store reads and writes the performance cycle in PostgreSQL. Every
// statement is parameterised; every write is one transaction.
package store

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/singleflight"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
)

// ErrNotFound is returned when the requested row does not exist.
var ErrNotFound = errors.New("not found")

// Conflict is a write refused because of what is already stored; its message
// is for people (Italian).
type Conflict struct {
	Message string
	// Field names the value refused, when it is one the caller sent:
	// FieldVariationOn, FieldApprovedOn; "" otherwise.
	Field string
}

// The fields a Conflict may name.
const (
	FieldVariationOn = "variation_on"
	FieldApprovedOn  = "approved_on"
)

// Error is the message for people.
func (c *Conflict) Error() string { return c.Message }

// Store is the database of one installation, which serves one organisation.
type Store struct {
	pool *pgxpool.Pool
	// cycles are the cycles LoadCycle read, by year, with the data version
	// they were read at (see cycle_cache.go).
	cycles cycleCache
	// loads share one load of a cycle among the requests that need it at once.
	loads singleflight.Group
	// cacheHits, cacheMisses and cacheLoads count the cycle cache's work
	// (CycleCacheStats).
	cacheHits, cacheMisses, cacheLoads atomic.Uint64
	// clock tells today: which period a cycle's figures are at, which
	// windows are open, which dates are in the future.
	clock domain.Clock
	// adopted is told of every approval and variation of a plan, after
	// its commit (OnAdopted).
	adopted func(ctx context.Context, year int)
	// changes is what the server keeps of the sessions' statement while
	// WatchChanges listens (changes.go); changesLog is told of a lost
	// listening connection.
	changes    changeCache
	changesLog func(error)
}

// New returns a store on pool, on the machine's clock.
func New(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, cycles: cycleCache{byYear: map[int]*keptCycle{}}, clock: domain.SystemClock,
		changes: changeCache{sessions: map[string]*keptSession{}, counters: map[int]keptCounters{}, userSeq: map[int64]uint64{}}}
}

// write runs f in a transaction (pgx.BeginFunc) and then, committed or
// not, forgets what this server keeps of sessions and counters: a write
// of this server is seen by the next request it serves (changes.go).
// Every write of the store goes through write or exec.
func (s *Store) write(ctx context.Context, f func(pgx.Tx) error) error {
	defer s.changes.forgetAll()
	return pgx.BeginFunc(ctx, s.pool, f)
}

// exec is the pool's Exec for a write of one statement, forgetting as
// write does.
func (s *Store) exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	defer s.changes.forgetAll()
	return s.pool.Exec(ctx, sql, args...)
}

// SetClock sets the clock the store tells today by (the configuration's,
// see server.Config.Clock); call it before the store is used.
func (s *Store) SetClock(c domain.Clock) { s.clock = c }

// Clock is the store's clock.
func (s *Store) Clock() domain.Clock { return s.clock }

// today is the calendar day in Italy by the store's clock.
func (s *Store) today() time.Time { return s.clock.Today() }

// Pool exposes the pool, for the session store and health checks.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// CycleSummary is a line of the list of cycles.
type CycleSummary struct {
	Year         int
	Organisation string
	ApprovalAct  string
	Centres      int
	Objectives   int
}

// ListCycles returns the cycles, newest first.
func (s *Store) ListCycles(ctx context.Context) ([]CycleSummary, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT c.year, o.name, coalesce(c.approval_act, ''),
		       (SELECT count(*) FROM cycle_centres cc WHERE cc.cycle_id = c.id),
		       (SELECT count(*) FROM objectives ob WHERE ob.cycle_id = c.id)
		FROM cycles c JOIN organisations o ON o.id = c.organisation_id
		ORDER BY c.year DESC`)
	if err != nil {
		return nil, fmt.Errorf("list cycles: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (CycleSummary, error) {
		var c CycleSummary
		err := r.Scan(&c.Year, &c.Organisation, &c.ApprovalAct, &c.Centres, &c.Objectives)
		return c, err
	})
}

// monthDate is how a month is stored: the first day of the month.
func monthDate(m *domain.Month) *time.Time {
	if m == nil {
		return nil
	}
	t := time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC)
	return &t
}

func dateMonth(t *time.Time) *domain.Month {
	if t == nil {
		return nil
	}
	return &domain.Month{Year: t.Year(), Month: t.Month()}
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// constraintMessages are the database's constraints that people may run
// into, by name (migrations name them), with what to tell them.
var constraintMessages = map[string]string{
	"objectives_number_unique":    plan.MsgNumberTaken,
	"users_email_unique":          "esiste già un utente con questa email",
	"cycles_year_unique":          "esiste già un ciclo per questo anno",
	"centres_name_unique":         "esiste già un centro con questo nome",
	"cycle_centres_centre_unique": "il centro è già in questo ciclo",
	"cycle_centres_name_unique":   "esiste già un centro con questo nome in questo ciclo",
	"periods_ends_on_unique":      "esiste già un periodo con questa data",
	"indicator_values_yes_no":     "per un indicatore si/no il valore è si o no",
}

// conflictFrom turns the database's refusal of a value into a message for
// people; other errors pass unchanged.
func conflictFrom(err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	if msg, ok := constraintMessages[pgErr.ConstraintName]; ok {
		return &Conflict{Message: msg}
	}
	switch pgErr.Code {
	case "23505": // unique_violation
		return &Conflict{Message: "esiste già un elemento con questi dati"}
	case "23514": // check_violation
		return &Conflict{Message: "valore non ammesso"}
	}
	return err
}
