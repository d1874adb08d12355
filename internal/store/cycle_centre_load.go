package store

import (
	"time"

	"context"
	"fmt"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
)

// LoadCentreFigures is the cycle of year holding one centre only, the
// organisational centre centre, with its plan and data as LoadCycle reads
// them: a copy of that centre of the kept cycle (no statement more than
// LoadCycle's, and only that centre is copied). It is evaluated
// (Evaluate): the centre's and its objectives' figures are those of the
// whole cycle, the cycle's own are the centre's. A page that shows another
// year's result of a centre (the year before, for the objectives carried
// over) reads it so. ErrNotFound when the cycle does not exist or the
// centre is not in it.
func (s *Store) LoadCentreFigures(ctx context.Context, year int, centre domain.CentreID) (*plan.Cycle, *plan.Centre, error) {
	k, err := s.keptCycle(ctx, year)
	if err != nil {
		return nil, nil, err
	}
	c, ok := onlyCentre(k.cycle, centre, s.today())
	if !ok {
		return nil, nil, fmt.Errorf("cycle %d, centre %d: %w", year, centre, ErrNotFound)
	}
	return c, c.Centres[0], nil
}

// onlyCentre is a copy of c holding its centre of the organisational centre
// id alone, evaluated on today; false when c has no such centre. c is not
// changed.
func onlyCentre(c *plan.Cycle, id domain.CentreID, today time.Time) (*plan.Cycle, bool) {
	for _, ce := range c.Centres {
		if ce.CentreID == id {
			one := *c
			one.Centres = []*plan.Centre{ce}
			out := one.Clone()
			out.Evaluate(today)
			return out, true
		}
	}
	return nil, false
}
