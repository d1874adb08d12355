package store

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/audit"
	"traguardo/internal/plan"
)

// SetPublicValues replaces the public values of the strategic areas of the
// cycle of year with values, read at ch.Version (the cycle's
// PublicValuesVersion): an area left out, or with no text, has none
// afterwards. Each value names an area some objective of the cycle names,
// once, within plan.MaxPublicValue (plan.CheckPublicValues, judged on the
// objectives as they stand in the transaction); a problem is a Conflict
// and changes nothing. One transaction with its audit record; part of the
// plan, so after its approval only as a variation (ch.Variation).
func (s *Store) SetPublicValues(ctx context.Context, ch Change, year int, values []plan.PublicValue) error {
	cycleID, err := s.cycleID(ctx, year)
	if err != nil {
		return err
	}
	return s.inPlan(ctx, ch, cycleID, func(tx pgx.Tx) (auditRecord, error) {
		var current int
		if err := tx.QueryRow(ctx, `SELECT public_values_version FROM cycles WHERE id = $1`, cycleID).Scan(&current); err != nil {
			return auditRecord{}, err
		}
		if current != ch.Version {
			edits, err := editsSince(ctx, tx, audit.PublicValues, cycleID, ch.Version)
			if err != nil {
				return auditRecord{}, err
			}
			return auditRecord{}, &StaleError{Entity: audit.PublicValues, ID: cycleID, Read: ch.Version, Version: current, Edits: edits}
		}
		areas, err := objectiveAreas(ctx, tx, cycleID)
		if err != nil {
			return auditRecord{}, err
		}
		if p := plan.CheckPublicValues(values, areas); len(p) > 0 {
			return auditRecord{}, &Conflict{Message: publicValueMessage(values, p[0])}
		}
		old, err := publicValuesSnapshot(ctx, tx, cycleID)
		if err != nil {
			return auditRecord{}, err
		}
		if err := writePublicValues(ctx, tx, cycleID, plan.NormalPublicValues(values), true); err != nil {
			return auditRecord{}, err
		}
		if _, err := tx.Exec(ctx, `UPDATE cycles SET public_values_version = public_values_version + 1 WHERE id = $1`, cycleID); err != nil {
			return auditRecord{}, err
		}
		now, err := publicValuesSnapshot(ctx, tx, cycleID)
		return auditRecord{action: audit.Update, entity: audit.PublicValues, id: cycleID, old: old, new: now}, err
	})
}

// publicValueMessage is a problem of CheckPublicValues in a sentence that
// names its area.
func publicValueMessage(values []plan.PublicValue, p plan.PublicValueProblem) string {
	if p.Field == plan.FieldPublicValue {
		return "valore pubblico dell'area «" + strings.TrimSpace(values[p.Index].Area) + "»: " + p.Message
	}
	return p.Message
}

// objectiveAreas are the strategic areas the objectives of the cycle name.
func objectiveAreas(ctx context.Context, tx pgx.Tx, cycleID int64) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT DISTINCT strategic_area FROM objectives WHERE cycle_id = $1 AND strategic_area <> ''`, cycleID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// writePublicValues stores values (normal: trimmed, each with text) as the
// public values of the cycle, in one statement each: with replace, the
// cycle's others go first.
func writePublicValues(ctx context.Context, tx pgx.Tx, cycleID int64, values []plan.PublicValue, replace bool) error {
	if replace {
		if _, err := tx.Exec(ctx, `DELETE FROM public_values WHERE cycle_id = $1`, cycleID); err != nil {
			return err
		}
	}
	if len(values) == 0 {
		return nil
	}
	areas := make([]string, len(values))
	texts := make([]string, len(values))
	for i, v := range values {
		areas[i], texts[i] = v.Area, v.Value
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO public_values (cycle_id, area, value) SELECT $1, a, v FROM unnest($2::text[], $3::text[]) AS t (a, v)`,
		cycleID, areas, texts); err != nil {
		return conflictFrom(err)
	}
	return nil
}

// publicValuesSnapshot is the cycle's public values as the audit log and
// the variations keep them: one "area: value" line per area, and the version.
func publicValuesSnapshot(ctx context.Context, tx pgx.Tx, cycleID int64) ([]byte, error) {
	var j []byte
	err := tx.QueryRow(ctx, `
		SELECT jsonb_build_object('public_values', coalesce((SELECT jsonb_agg(v.area || ': ' || v.value ORDER BY v.area)
			FROM public_values v WHERE v.cycle_id = c.id), '[]'::jsonb), 'version', c.public_values_version)
		FROM cycles c WHERE c.id = $1`, cycleID).Scan(&j)
	return j, err
}
