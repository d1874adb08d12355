package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
)

// ConstraintMessages exposes constraintMessages to the tests of the schema.
var ConstraintMessages = constraintMessages

// ConflictFrom exposes conflictFrom.
var ConflictFrom = conflictFrom

// LoadCentreTx reads, in a transaction of its own, the cycle of year
// restricted to one centre (a cycle_centres id), as MissingReasons does.
func (s *Store) LoadCentreTx(ctx context.Context, year int, only domain.CycleCentreID) (*plan.Cycle, error) {
	var c *plan.Cycle
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		c, err = loadCycleTx(ctx, tx, year, only, s.today())
		return err
	})
	return c, err
}

// MaxFigures exposes maxFigures.
const MaxFigures = maxFigures
