package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/audit"
	"traguardo/internal/format"
	"traguardo/internal/plan"
)

// Measure is how an indicator is measured besides its values: neutralised
// (left out of every average) or overridden by the director (counted with
// the override), each with its reason; nil for neither. Overrides are the
// director's overrides of single periods, all of them (none: nil).
type Measure struct {
	Neutralised *plan.Neutralisation
	Override    *plan.Override
	Overrides   []plan.PeriodOverride
}

// SetMeasure sets an indicator's neutralisation, override and overrides of
// single periods (in place of those it has), read at ch.Version, in one
// transaction with its audit record. They are acts of measurement, not
// changes to the plan: they need no variation once the plan is approved.
// The reasons and the range are checked by the schema; a period that is
// not one of the indicator's cycle is ErrNotFound.
func (s *Store) SetMeasure(ctx context.Context, ch Change, id int64, m Measure) error {
	var nReason, nBy, oReason *string
	var oPct *float64
	if n := m.Neutralised; n != nil {
		nReason, nBy = &n.Reason, &n.By
	}
	if o := m.Override; o != nil {
		oPct, oReason = &o.Pct, &o.Reason
	}
	ends := make([]time.Time, len(m.Overrides))
	pcts := make([]float64, len(m.Overrides))
	reasons := make([]string, len(m.Overrides))
	for i, o := range m.Overrides {
		ends[i], pcts[i], reasons[i] = o.Period, o.Pct, o.Reason
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		if err := lockVersion(ctx, tx, indicatorTable.name, indicatorTable.entity, id, ch.Version); err != nil {
			return err
		}
		old, err := measureSnapshot(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE indicators SET neutralised_reason = $2, neutralised_by = $3, override_pct = $4, override_reason = $5,
				version = version + 1
			WHERE id = $1`, id, nReason, nBy, oPct, oReason); err != nil {
			return conflictFrom(err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM indicator_overrides WHERE indicator_id = $1`, id); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO indicator_overrides (indicator_id, period_id, pct, reason)
			SELECT $1, pe.id, x.pct, x.reason
			FROM unnest($2::date[], $3::numeric[], $4::text[]) AS x(ends_on, pct, reason)
			JOIN periods pe ON pe.ends_on = x.ends_on
			WHERE pe.cycle_id = (SELECT o.cycle_id FROM indicators i JOIN objectives o ON o.id = i.objective_id WHERE i.id = $1)`,
			id, ends, pcts, reasons)
		if err != nil {
			return conflictFrom(err)
		}
		if n := tag.RowsAffected(); n != int64(len(m.Overrides)) {
			return fmt.Errorf("overrides of indicator %d: %d of %d periods are of its cycle: %w", id, n, len(m.Overrides), ErrNotFound)
		}
		now, err := measureSnapshot(ctx, tx, id)
		if err != nil {
			return err
		}
		return record(ctx, tx, ch.Actor, audit.Update, audit.Indicator, id, rawJSON(old), rawJSON(now))
	})
}

// measureSnapshot is the indicator's row as JSON with its overrides of
// single periods in words (audit.KeyPeriodOverrides): "30/06/2024: 80%
// (motivazione); …", empty for none.
func measureSnapshot(ctx context.Context, tx pgx.Tx, id int64) ([]byte, error) {
	rows, err := tx.Query(ctx, `
		SELECT pe.ends_on, io.pct, io.reason FROM indicator_overrides io JOIN periods pe ON pe.id = io.period_id
		WHERE io.indicator_id = $1 ORDER BY pe.ends_on`, id)
	if err != nil {
		return nil, err
	}
	var words []string
	for rows.Next() {
		var on time.Time
		var pct float64
		var reason string
		if err := rows.Scan(&on, &pct, &reason); err != nil {
			rows.Close()
			return nil, err
		}
		words = append(words, fmt.Sprintf("%s: %s%% (%s)", format.Date(on), format.Number(pct), reason))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var b []byte
	err = tx.QueryRow(ctx, `SELECT to_jsonb(t) || jsonb_build_object($2::text, $3::text) FROM indicators t WHERE id = $1`,
		id, string(audit.KeyPeriodOverrides), strings.Join(words, "; ")).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	return b, err
}
