package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/audit"
	"traguardo/internal/plan"
)

// ErrPlanNotEmpty refuses to load a plan into a cycle that has one already.
var ErrPlanNotEmpty = &Conflict{Message: "il ciclo contiene già un piano: caricare il foglio in un ciclo vuoto"}

// ImportPlan writes the plan of c (centres, objectives, activities,
// indicators, the strategic areas' public values, already validated and
// sanitised) into the existing cycle of
// year, which must have no centre yet, in one transaction with its audit
// record; the items of c get their ids. Only the plan is written: the year
// and periods of c, and the progress, values and reports of its items, are
// ignored, since the cycle has its own periods (an indicator's
// neutralisation, part of its row, would be written: a plan has none).
func (s *Store) ImportPlan(ctx context.Context, a Actor, year int, c *plan.Cycle) error {
	if err := cleanNames(c); err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		var cycleID, orgID int64
		var approved bool
		// The row lock keeps two uploads into the same cycle apart.
		err := tx.QueryRow(ctx, `SELECT id, organisation_id, approval_act IS NOT NULL FROM cycles WHERE year = $1 FOR UPDATE`,
			year).Scan(&cycleID, &orgID, &approved)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("cycle %d: %w", year, ErrNotFound)
		}
		if err != nil {
			return err
		}
		var hasCentres bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cycle_centres WHERE cycle_id = $1)`, cycleID).Scan(&hasCentres); err != nil {
			return err
		}
		switch {
		case hasCentres:
			return ErrPlanNotEmpty
		case approved:
			return &Conflict{Message: fmt.Sprintf("il piano del ciclo %d è già approvato: non si può caricare un foglio", year)}
		}
		if err := importCentres(ctx, tx, orgID, cycleID, c.Centres); err != nil {
			return conflictFrom(err)
		}
		// The sheet's public values take the place of any the cycle kept
		// (of areas no objective named, the cycle having none); a form
		// read before the import is stale after it.
		if values := plan.NormalPublicValues(c.PublicValues); len(values) > 0 {
			if err := writePublicValues(ctx, tx, cycleID, values, true); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE cycles SET public_values_version = public_values_version + 1 WHERE id = $1`, cycleID); err != nil {
				return err
			}
		}
		n := c.Count()
		return record(ctx, tx, a, audit.ImportPlan, audit.Cycle, cycleID, nil, audit.Snapshot{
			audit.KeyYear: year, audit.KeyCentres: n.Centres, audit.KeyObjectives: n.Objectives, audit.KeyActivities: n.Activities, audit.KeyIndicators: n.Indicators})
	})
}
