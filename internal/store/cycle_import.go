package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"traguardo/internal/audit"
	"traguardo/internal/domain"
	"traguardo/internal/plan"
)

// The import writes a whole cycle set-based, with a fixed number of
// statements whatever its size: the ids of the rows that others refer to
// are taken from their sequences up front (one query), every table is then
// written with one COPY (or one INSERT of arrays where a row needs the
// database's now() or may meet a row already there), and the triggers and
// constraints of the tables hold row by row as they would for an INSERT.

// ImportCycle writes a whole, already validated cycle in one transaction: all
// of it or nothing. The installation serves one organisation: the first
// import names it, later ones must be of the same organisation, and a year is
// imported once.
func (s *Store) ImportCycle(ctx context.Context, a Actor, c *plan.Cycle) (int64, error) {
	if err := cleanNames(c); err != nil {
		return 0, err
	}
	var cycleID int64
	err := s.write(ctx, func(tx pgx.Tx) error {
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
		periods, err := importPeriods(ctx, tx, cycleID, c.Periods)
		if err != nil {
			return err
		}
		if err := importCentres(ctx, tx, orgID, cycleID, c.Centres); err != nil {
			return err
		}
		if err := importSeries(ctx, tx, c.Centres, periods); err != nil {
			return err
		}
		if err := importSubmissions(ctx, tx, cycleID, c.Centres, periods); err != nil {
			return err
		}
		if err := writePublicValues(ctx, tx, cycleID, plan.NormalPublicValues(c.PublicValues), false); err != nil {
			return err
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

// importPeriods writes the periods of a new cycle (their entry windows are
// the database's default) and maps each period's end to its id.
func importPeriods(ctx context.Context, tx pgx.Tx, cycleID int64, list []plan.Period) (map[time.Time]int64, error) {
	ends := make([]time.Time, len(list))
	for i, p := range list {
		ends[i] = p.EndsOn
	}
	rows, err := tx.Query(ctx, `
		INSERT INTO periods (cycle_id, ends_on) SELECT $1, e FROM unnest($2::date[]) AS e RETURNING id, ends_on`, cycleID, ends)
	if err != nil {
		return nil, fmt.Errorf("insert period: %w", err)
	}
	periods := map[time.Time]int64{}
	var id int64
	var end time.Time
	if _, err := pgx.ForEachRow(rows, []any{&id, &end}, func() error {
		periods[end] = id
		return nil
	}); err != nil {
		return nil, fmt.Errorf("insert period: %w", err)
	}
	// The map is looked up with the document's days: the same instants.
	out := make(map[time.Time]int64, len(list))
	for _, p := range list {
		id, ok := periods[time.Date(p.EndsOn.Year(), p.EndsOn.Month(), p.EndsOn.Day(), 0, 0, 0, 0, time.UTC)]
		if !ok {
			return nil, fmt.Errorf("insert period %s: not returned", p.EndsOn.Format(time.DateOnly))
		}
		out[p.EndsOn] = id
	}
	return out, nil
}

// importCentres writes the plan of centres into a cycle that has none: each
// centre (its organisational unit is reused when it exists), its objectives,
// their activities and indicators, which get their ids. ImportCycle and
// ImportPlan share it; what the monitoring periods recorded is importSeries'
// job.
func importCentres(ctx context.Context, tx pgx.Tx, orgID, cycleID int64, centres []*plan.Centre) error {
	if len(centres) == 0 {
		return nil
	}
	// The organisational units, by name: found, or created.
	names := make([]string, len(centres))
	for i, ce := range centres {
		names[i] = ce.Name
	}
	rows, err := tx.Query(ctx, `
		INSERT INTO centres (organisation_id, name) SELECT $1, n FROM unnest($2::text[]) AS n
		ON CONFLICT (organisation_id, name) DO UPDATE SET name = EXCLUDED.name
		RETURNING id, name`, orgID, names)
	if err != nil {
		return fmt.Errorf("centres: %w", err)
	}
	units := map[string]domain.CentreID{}
	var unit domain.CentreID
	var name string
	if _, err := pgx.ForEachRow(rows, []any{&unit, &name}, func() error {
		units[name] = unit
		return nil
	}); err != nil {
		return fmt.Errorf("centres: %w", err)
	}
	for _, ce := range centres {
		var ok bool
		if ce.CentreID, ok = units[ce.Name]; !ok {
			return fmt.Errorf("centre %q: not returned", ce.Name)
		}
	}

	// The cross-cutting groups of the codes, in this cycle: found, or
	// created (as objective_group_for does one by one).
	var codes []string
	for _, ce := range centres {
		for _, o := range ce.Objectives {
			if o.Group != "" {
				codes = append(codes, o.Group)
			}
		}
	}
	groups := map[string]int64{}
	if len(codes) > 0 {
		rows, err := tx.Query(ctx, `
			WITH g AS (
				INSERT INTO objective_groups (cycle_id, code)
				SELECT DISTINCT $1::bigint, btrim(c) FROM unnest($2::text[]) AS c WHERE btrim(c) <> ''
				ON CONFLICT (cycle_id, code) DO UPDATE SET code = EXCLUDED.code
				RETURNING id, code)
			SELECT DISTINCT c, g.id FROM unnest($2::text[]) AS c JOIN g ON g.code = btrim(c)`, cycleID, codes)
		if err != nil {
			return fmt.Errorf("objective groups: %w", err)
		}
		var code string
		var id int64
		if _, err := pgx.ForEachRow(rows, []any{&code, &id}, func() error {
			groups[code] = id
			return nil
		}); err != nil {
			return fmt.Errorf("objective groups: %w", err)
		}
	}

	// The ids of the rows that others refer to, and the rows.
	var nObjectives, nActivities, nIndicators int
	for _, ce := range centres {
		nObjectives += len(ce.Objectives)
		for _, o := range ce.Objectives {
			nActivities += len(o.Activities)
			nIndicators += len(o.Indicators)
		}
	}
	ids, err := newIDs(ctx, tx, rowCounts{centres: len(centres), objectives: nObjectives,
		activities: nActivities, indicators: nIndicators})
	if err != nil {
		return err
	}
	var (
		ccRows, oRows, aRows, iRows [][]any
		oAt, aAt, iAt               []place
	)
	for i, ce := range centres {
		ce.ID = domain.CycleCentreID(ids.centres.next())
		ccRows = append(ccRows, []any{int64(ce.ID), cycleID, int64(ce.CentreID), ce.Manager, i})
		for j, o := range ce.Objectives {
			o.ID = ids.objectives.next()
			var group *int64
			if id, ok := groups[o.Group]; ok {
				group = &id
			}
			oRows = append(oRows, []any{o.ID, cycleID, int64(ce.ID), j, o.Section, o.Number, o.Title, o.StrategicArea,
				o.OperationalObjective, o.PEGProject, o.Services, o.EndUsers, o.Networks, o.DescriptionHTML, o.Weight, group})
			oAt = append(oAt, place{ce, o, -1})
			for k, a := range o.Activities {
				a.ID = ids.activities.next()
				aRows = append(aRows, []any{a.ID, o.ID, k, a.Description, monthDate(a.Planned.From), monthDate(a.Planned.To), a.Planned.Annual})
				aAt = append(aAt, place{ce, o, k})
			}
			for k, in := range o.Indicators {
				in.ID = ids.indicators.next()
				var reason, by, overrideReason *string
				var overridePct *float64
				if in.Neutralised != nil {
					reason, by = &in.Neutralised.Reason, &in.Neutralised.By
				}
				if in.Override != nil {
					overridePct, overrideReason = &in.Override.Pct, &in.Override.Reason
				}
				iRows = append(iRows, []any{in.ID, o.ID, k, in.Name, in.Description, string(in.Unit), string(in.Polarity),
					in.Weight, in.Expected, reason, by, overridePct, overrideReason})
				iAt = append(iAt, place{ce, o, k})
			}
		}
	}
	// A cycle centre's name is its unit's (cycle_centres_default_name).
	if err := copyRows(ctx, tx, "cycle_centres", []string{"id", "cycle_id", "centre_id", "manager", "position"}, ccRows,
		func(i int) string { return fmt.Sprintf("centre %q", centres[i].Name) }, false); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, "objectives", []string{"id", "cycle_id", "cycle_centre_id", "position", "section", "number", "title",
		"strategic_area", "operational_objective", "peg_project", "services", "end_users", "networks", "description_html", "weight", "group_id"},
		oRows, func(i int) string { return oAt[i].String() }, false); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, "activities", []string{"id", "objective_id", "position", "description", "planned_from", "planned_to", "planned_annual"},
		aRows, func(i int) string { return aAt[i].String() + fmt.Sprintf(": activity %d", aAt[i].item+1) }, false); err != nil {
		return err
	}
	return copyRows(ctx, tx, "indicators", []string{"id", "objective_id", "position", "name", "description", "unit", "polarity", "weight",
		"expected", "neutralised_reason", "neutralised_by", "override_pct", "override_reason"},
		iRows, func(i int) string { return iAt[i].String() + fmt.Sprintf(": indicator %d", iAt[i].item+1) }, false)
}

// importSeries writes what the monitoring periods recorded for the
// objectives of centres already written: their activities' progress, their
// indicators' values, intermediate targets and overrides of single
// periods, and their reports. periods maps a period's end to its id.
func importSeries(ctx context.Context, tx pgx.Tx, centres []*plan.Centre, periods map[time.Time]int64) error {
	var (
		progress, values, targets, overrides, reports [][]any
		progressAt, valuesAt, targetsAt, overridesAt  []place
		reportsAt                                     []place
	)
	for _, ce := range centres {
		for _, o := range ce.Objectives {
			for i, a := range o.Activities {
				for _, p := range a.Progress {
					progress = append(progress, []any{a.ID, periods[p.Period], monthDate(p.Actual.From), monthDate(p.Actual.To),
						p.Actual.Annual, nullString(p.Reason)})
					progressAt = append(progressAt, place{ce, o, i})
				}
			}
			for i, in := range o.Indicators {
				for _, v := range in.Values {
					var value *float64 // none when not measurable
					if !v.NotMeasurable {
						value = &v.Value
					}
					values = append(values, []any{in.ID, periods[v.Period], value, v.NotMeasurable, nullString(v.Reason)})
					valuesAt = append(valuesAt, place{ce, o, i})
				}
				for _, t := range in.Targets {
					targets = append(targets, []any{in.ID, periods[t.Period], t.Value})
					targetsAt = append(targetsAt, place{ce, o, i})
				}
				for _, po := range in.Overrides {
					overrides = append(overrides, []any{in.ID, periods[po.Period], po.Pct, po.Reason})
					overridesAt = append(overridesAt, place{ce, o, i})
				}
			}
			for _, r := range o.Reports {
				reports = append(reports, []any{o.ID, periods[r.Period], nullString(string(r.Status)), r.TextHTML})
				reportsAt = append(reportsAt, place{ce, o, -1})
			}
		}
	}
	if err := copyRows(ctx, tx, "activity_progress", []string{"activity_id", "period_id", "actual_from", "actual_to", "actual_annual", "reason"},
		progress, func(i int) string { return progressAt[i].series("activity %d progress") }, false); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, "indicator_values", []string{"indicator_id", "period_id", "value", "not_measurable", "reason"},
		values, func(i int) string { return valuesAt[i].series("indicator %d value") }, true); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, "indicator_targets", []string{"indicator_id", "period_id", "target"},
		targets, func(i int) string { return targetsAt[i].series("indicator %d target") }, true); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, "indicator_overrides", []string{"indicator_id", "period_id", "pct", "reason"},
		overrides, func(i int) string { return overridesAt[i].series("indicator %d override") }, true); err != nil {
		return err
	}
	return copyRows(ctx, tx, "progress_reports", []string{"objective_id", "period_id", "status", "text_html"},
		reports, func(i int) string { return reportsAt[i].series("report") }, false)
}

// importSubmissions writes the centres' submissions. A submission imported
// keeps its state; its times are the import's (the document does not carry
// them).
func importSubmissions(ctx context.Context, tx pgx.Tx, cycleID int64, centres []*plan.Centre, periods map[time.Time]int64) error {
	var periodIDs, centreIDs []int64
	var states, comments []string
	for _, ce := range centres {
		for _, sub := range ce.Submissions {
			periodIDs, centreIDs = append(periodIDs, periods[sub.Period]), append(centreIDs, int64(ce.ID))
			states, comments = append(states, string(sub.State)), append(comments, sub.Comment)
		}
	}
	if len(periodIDs) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO submissions (period_id, cycle_centre_id, cycle_id, state, comment, submitted_at, reviewed_at)
		SELECT p, cc, $1, st, cm, now(), CASE WHEN st <> 'inviato' THEN now() END
		FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[]) AS s (p, cc, st, cm)`,
		cycleID, periodIDs, centreIDs, states, comments); err != nil {
		return fmt.Errorf("submissions: %w", conflictFrom(err))
	}
	return nil
}

// idList hands out ids taken from a table's sequence, in order.
type idList struct {
	ids []int64
	n   int
}

func (l *idList) next() int64 {
	id := l.ids[l.n]
	l.n++
	return id
}

// newIDs takes, in one query, count ids from the identity sequence of each
// table, ascending: rows written in the plan's order get ids in that order,
// as one INSERT after the other would give them.
func newIDs(ctx context.Context, tx pgx.Tx, count rowCounts) (*rowIDs, error) {
	out := &rowIDs{}
	lists := []*idList{&out.centres, &out.objectives, &out.activities, &out.indicators}
	want := []int{count.centres, count.objectives, count.activities, count.indicators}
	// Each sequence is looked up once (s), not once an id.
	if err := tx.QueryRow(ctx, `SELECT
		ARRAY(SELECT nextval(s) FROM CAST(pg_get_serial_sequence('cycle_centres', 'id') AS regclass) AS s, generate_series(1, $1) ORDER BY 1),
		ARRAY(SELECT nextval(s) FROM CAST(pg_get_serial_sequence('objectives', 'id') AS regclass) AS s, generate_series(1, $2) ORDER BY 1),
		ARRAY(SELECT nextval(s) FROM CAST(pg_get_serial_sequence('activities', 'id') AS regclass) AS s, generate_series(1, $3) ORDER BY 1),
		ARRAY(SELECT nextval(s) FROM CAST(pg_get_serial_sequence('indicators', 'id') AS regclass) AS s, generate_series(1, $4) ORDER BY 1)`,
		want[0], want[1], want[2], want[3]).Scan(&lists[0].ids, &lists[1].ids, &lists[2].ids, &lists[3].ids); err != nil {
		return nil, fmt.Errorf("new ids: %w", err)
	}
	for i, l := range lists {
		if len(l.ids) != want[i] {
			return nil, fmt.Errorf("new ids (list %d): %d, want %d", i, len(l.ids), want[i])
		}
	}
	return out, nil
}

// rowCounts are how many rows of each table with ids others refer to an
// import writes; rowIDs are their ids, taken from the tables' sequences.
type rowCounts struct{ centres, objectives, activities, indicators int }

type rowIDs struct{ centres, objectives, activities, indicators idList }

// place is where a row of the import comes from, to name it in an error:
// its centre, its objective and the index of the item (-1: the objective).
type place struct {
	centre    *plan.Centre
	objective *plan.Objective
	item      int
}

// String names the objective, as the errors of the plan's rows do.
func (p place) String() string {
	return fmt.Sprintf("centre %q: objective %d", p.centre.Name, p.objective.Number)
}

// series names a row of what the periods recorded: what is a format of
// the item's number (from 1), or a plain word.
func (p place) series(what string) string {
	if p.item >= 0 {
		what = fmt.Sprintf(what, p.item+1)
	}
	return fmt.Sprintf("centre %q objective %d: %s", p.centre.Name, p.objective.Number, what)
}

// copyRows writes rows into table with one COPY. An error the database
// places at a line of the COPY is named by label of that row; with
// conflicts, a refusal of a value is the Conflict for people (conflictFrom),
// wrapped in that name.
func copyRows(ctx context.Context, tx pgx.Tx, table string, columns []string, rows [][]any, label func(int) string, conflicts bool) error {
	if len(rows) == 0 {
		return nil
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
	if err == nil {
		return nil
	}
	where := table
	if i, ok := copyLine(err, table); ok && i < len(rows) {
		where = label(i)
	}
	if conflicts {
		err = conflictFrom(err)
	}
	return fmt.Errorf("%s: %w", where, err)
}

var copyContext = regexp.MustCompile(`COPY (\S+), line (\d+)`)

// copyLine is the row (from 0) of a COPY into table that err names in its
// context, if it names one.
func copyLine(err error, table string) (int, bool) {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return 0, false
	}
	m := copyContext.FindStringSubmatch(pgErr.Where)
	if m == nil || m[1] != table {
		return 0, false
	}
	n, convErr := strconv.Atoi(m[2])
	if convErr != nil || n < 1 {
		return 0, false
	}
	return n - 1, true
}
