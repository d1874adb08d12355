package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/audit"
	"traguardo/internal/plan"
)

// Measure is how an indicator is measured besides its values: neutralised
// (left out of every average) or overridden by the director (counted with
// the override), each with its reason; nil for neither.
type Measure struct {
	Neutralised *plan.Neutralisation
	Override    *plan.Override
}

// SetMeasure sets an indicator's neutralisation and override, read at
// ch.Version, in one transaction with its audit record. They are acts of
// measurement, not changes to the plan: they need no variation once the
// plan is approved. The reasons and the range are checked by the schema.
func (s *Store) SetMeasure(ctx context.Context, ch Change, id int64, m Measure) error {
	var nReason, nBy, oReason *string
	var oPct *float64
	if n := m.Neutralised; n != nil {
		nReason, nBy = &n.Reason, &n.By
	}
	if o := m.Override; o != nil {
		oPct, oReason = &o.Pct, &o.Reason
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockVersion(ctx, tx, indicatorTable.name, indicatorTable.entity, id, ch.Version); err != nil {
			return err
		}
		old, err := snapshot(ctx, tx, indicatorTable, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE indicators SET neutralised_reason = $2, neutralised_by = $3, override_pct = $4, override_reason = $5,
				version = version + 1
			WHERE id = $1`, id, nReason, nBy, oPct, oReason); err != nil {
			return conflictFrom(err)
		}
		now, err := snapshot(ctx, tx, indicatorTable, id)
		if err != nil {
			return err
		}
		return record(ctx, tx, ch.Actor, audit.Update, audit.Indicator, id, rawJSON(old), rawJSON(now))
	})
}
