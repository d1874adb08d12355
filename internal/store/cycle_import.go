package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/audit"
	"traguardo/internal/domain"
	"traguardo/internal/plan"
)

// ImportCycle writes a whole, already validated cycle in one transaction: all
// of it or nothing. The installation serves one organisation: the first
// import names it, later ones must be of the same organisation, and a year is
// imported once.
func (s *Store) ImportCycle(ctx context.Context, a Actor, c *plan.Cycle) (int64, error) {
	if err := cleanNames(c); err != nil {
		return 0, err
	}
	var cycleID int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		orgID, err := organisationFor(ctx, tx, c.Organisation)
		if err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cycles WHERE organisation_id = $1 AND year = $2)`, orgID, c.Year).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return &Conflict{Message: fmt.Sprintf("il ciclo %d esiste già", c.Year)}
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO cycles (organisation_id, year, band_reached, band_partial, rounding, achievement_cap, approval_act, approved_on)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			orgID, c.Year, c.Bands.Reached, c.Bands.Partial, string(c.Rules.Normal().Rounding), c.Rules.Ceiling(),
			nullString(c.ApprovalAct), c.ApprovedOn).Scan(&cycleID); err != nil {
			return fmt.Errorf("insert cycle: %w", err)
		}
		periods := map[time.Time]int64{}
		for _, p := range c.Periods {
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO periods (cycle_id, ends_on) VALUES ($1, $2) RETURNING id`, cycleID, p.EndsOn).Scan(&id); err != nil {
				return fmt.Errorf("insert period: %w", err)
			}
			periods[p.EndsOn] = id
		}
		if err := importCentres(ctx, tx, orgID, cycleID, c.Centres); err != nil {
			return err
		}
		for _, ce := range c.Centres {
			for _, o := range ce.Objectives {
				if err := importSeries(ctx, tx, o, periods); err != nil {
					return fmt.Errorf("centre %q objective %d: %w", ce.Name, o.Number, err)
				}
			}
			// A submission imported keeps its state; its times are the
			// import's (the document does not carry them).
			for _, sub := range ce.Submissions {
				if _, err := tx.Exec(ctx, `
					INSERT INTO submissions (period_id, cycle_centre_id, cycle_id, state, comment, submitted_at, reviewed_at)
					VALUES ($1, $2, $3, $4, $5, now(), CASE WHEN $4 <> 'inviato' THEN now() END)`,
					periods[sub.Period], ce.ID, cycleID, string(sub.State), sub.Comment); err != nil {
					return fmt.Errorf("centre %q submission: %w", ce.Name, conflictFrom(err))
				}
			}
		}
		n := c.Count()
		return record(ctx, tx, a, audit.Import, audit.Cycle, cycleID, nil, audit.Snapshot{
			audit.KeyYear: c.Year, audit.KeyCentres: n.Centres, audit.KeyObjectives: n.Objectives, audit.KeyActivities: n.Activities, audit.KeyIndicators: n.Indicators})
	})
	return cycleID, err
}

func organisationFor(ctx context.Context, tx pgx.Tx, name string) (int64, error) {
	var id int64
	var existing string
	err := tx.QueryRow(ctx, `SELECT id, name FROM organisations ORDER BY id LIMIT 1`).Scan(&id, &existing)
	switch {
	case err == pgx.ErrNoRows:
		err = tx.QueryRow(ctx, `INSERT INTO organisations (name) VALUES ($1) RETURNING id`, name).Scan(&id)
		return id, err
	case err != nil:
		return 0, err
	case existing != name:
		return 0, &Conflict{Message: fmt.Sprintf("il documento è dell'ente %q, ma questa installazione è dell'ente %q", name, existing)}
	}
	return id, nil
}

// importCentres writes the plan of centres into a cycle that has none: each
// centre (its organisational unit is reused when it exists), its objectives,
// their activities and indicators, which get their ids. ImportCycle and
// ImportPlan share it; what the monitoring periods recorded is importSeries'
// job.
func importCentres(ctx context.Context, tx pgx.Tx, orgID, cycleID int64, centres []*plan.Centre) error {
	for i, ce := range centres {
		if err := importCentre(ctx, tx, orgID, cycleID, i, ce); err != nil {
			return fmt.Errorf("centre %q: %w", ce.Name, err)
		}
	}
	return nil
}

func importCentre(ctx context.Context, tx pgx.Tx, orgID, cycleID int64, pos int, ce *plan.Centre) error {
	var centreID domain.CentreID
	var ccID domain.CycleCentreID
	if err := tx.QueryRow(ctx, `
		INSERT INTO centres (organisation_id, name) VALUES ($1, $2)
		ON CONFLICT (organisation_id, name) DO UPDATE SET name = EXCLUDED.name
		RETURNING id`, orgID, ce.Name).Scan(&centreID); err != nil {
		return err
	}
	if err := tx.QueryRow(ctx, `
		INSERT INTO cycle_centres (cycle_id, centre_id, manager, position) VALUES ($1, $2, $3, $4) RETURNING id`,
		cycleID, centreID, ce.Manager, pos).Scan(&ccID); err != nil {
		return err
	}
	ce.ID, ce.CentreID = ccID, centreID
	for i, o := range ce.Objectives {
		// objective_group_for finds or creates the cross-cutting group of
		// the code in this cycle (none for an empty code).
		if err := tx.QueryRow(ctx, `
			INSERT INTO objectives (cycle_id, cycle_centre_id, position, section, number, title, strategic_area,
				operational_objective, peg_project, services, end_users, networks, description_html, weight, group_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, objective_group_for($1, $15)) RETURNING id`,
			cycleID, ccID, i, o.Section, o.Number, o.Title, o.StrategicArea, o.OperationalObjective, o.PEGProject,
			o.Services, o.EndUsers, o.Networks, o.DescriptionHTML, o.Weight, o.Group).Scan(&o.ID); err != nil {
			return fmt.Errorf("objective %d: %w", o.Number, err)
		}
		if err := importObjectiveItems(ctx, tx, o); err != nil {
			return fmt.Errorf("objective %d: %w", o.Number, err)
		}
	}
	return nil
}

// importObjectiveItems writes the activities and indicators of an objective
// (with an indicator's neutralisation, if any).
func importObjectiveItems(ctx context.Context, tx pgx.Tx, o *plan.Objective) error {
	for i, a := range o.Activities {
		if err := tx.QueryRow(ctx, `
			INSERT INTO activities (objective_id, position, description, planned_from, planned_to, planned_annual)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			o.ID, i, a.Description, monthDate(a.Planned.From), monthDate(a.Planned.To), a.Planned.Annual).Scan(&a.ID); err != nil {
			return fmt.Errorf("activity %d: %w", i+1, err)
		}
	}
	for i, in := range o.Indicators {
		var reason, by, overrideReason *string
		var overridePct *float64
		if in.Neutralised != nil {
			reason, by = &in.Neutralised.Reason, &in.Neutralised.By
		}
		if in.Override != nil {
			overridePct, overrideReason = &in.Override.Pct, &in.Override.Reason
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO indicators (objective_id, position, name, description, unit, polarity, weight, expected, neutralised_reason, neutralised_by,
				override_pct, override_reason)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			o.ID, i, in.Name, in.Description, string(in.Unit), string(in.Polarity), in.Weight, in.Expected, reason, by,
			overridePct, overrideReason).Scan(&in.ID); err != nil {
			return fmt.Errorf("indicator %d: %w", i+1, err)
		}
	}
	return nil
}

// importSeries writes what the monitoring periods recorded for an objective
// already written: its activities' progress, its indicators' values,
// intermediate targets and overrides of single periods, and its reports. periods maps a period's end to its id.
func importSeries(ctx context.Context, tx pgx.Tx, o *plan.Objective, periods map[time.Time]int64) error {
	for i, a := range o.Activities {
		for _, p := range a.Progress {
			if _, err := tx.Exec(ctx, `
				INSERT INTO activity_progress (activity_id, period_id, actual_from, actual_to, actual_annual, reason)
				VALUES ($1, $2, $3, $4, $5, $6)`,
				a.ID, periods[p.Period], monthDate(p.Actual.From), monthDate(p.Actual.To), p.Actual.Annual, nullString(p.Reason)); err != nil {
				return fmt.Errorf("activity %d progress: %w", i+1, err)
			}
		}
	}
	for i, in := range o.Indicators {
		for _, v := range in.Values {
			var value *float64 // none when not measurable
			if !v.NotMeasurable {
				value = &v.Value
			}
			if _, err := tx.Exec(ctx, `
				INSERT INTO indicator_values (indicator_id, period_id, value, not_measurable, reason) VALUES ($1, $2, $3, $4, $5)`,
				in.ID, periods[v.Period], value, v.NotMeasurable, nullString(v.Reason)); err != nil {
				return fmt.Errorf("indicator %d value: %w", i+1, conflictFrom(err))
			}
		}
		for _, t := range in.Targets {
			if _, err := tx.Exec(ctx, `INSERT INTO indicator_targets (indicator_id, period_id, target) VALUES ($1, $2, $3)`,
				in.ID, periods[t.Period], t.Value); err != nil {
				return fmt.Errorf("indicator %d target: %w", i+1, conflictFrom(err))
			}
		}
		for _, po := range in.Overrides {
			if _, err := tx.Exec(ctx, `INSERT INTO indicator_overrides (indicator_id, period_id, pct, reason) VALUES ($1, $2, $3, $4)`,
				in.ID, periods[po.Period], po.Pct, po.Reason); err != nil {
				return fmt.Errorf("indicator %d override: %w", i+1, conflictFrom(err))
			}
		}
	}
	for _, r := range o.Reports {
		if _, err := tx.Exec(ctx, `INSERT INTO progress_reports (objective_id, period_id, status, text_html) VALUES ($1, $2, $3, $4)`,
			o.ID, periods[r.Period], nullString(string(r.Status)), r.TextHTML); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	return nil
}
