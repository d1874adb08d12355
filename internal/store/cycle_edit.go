package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/audit"
	"traguardo/internal/domain"
	"traguardo/internal/names"
	"traguardo/internal/plan"
)

// The cycle itself, its monitoring periods and its centres, written from the
// browser. Bands, periods and centres are part of the plan: once the plan is
// approved they change only by variation, like objectives (see inPlan).

// ErrNoOrganisation is returned when a cycle is created in an installation
// that has no organisation yet and no name was given for it.
var ErrNoOrganisation = &Conflict{Message: "importare prima un piano o indicare il nome dell'ente"}

// Day returns the calendar day of t as a UTC midnight, how the store keeps
// dates, whatever the location t was read in.
func Day(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// CheckYear reports whether year may be a cycle (plan.YearProblem).
func CheckYear(year int) error {
	if p := plan.YearProblem(year); p != "" {
		return errors.New(p)
	}
	return nil
}

// CheckPeriod reports whether a monitoring period ending on day may belong
// to the cycle of year: it must end within that year.
func CheckPeriod(year int, day time.Time) error {
	if plan.PeriodProblem(year, time.Time{}, day) != "" {
		return fmt.Errorf("il periodo del %s non cade nell'anno %d", day.Format("02/01/2006"), year)
	}
	return nil
}

// CheckCentreName reports whether name may name a centre.
func CheckCentreName(name string) error {
	for _, e := range (&plan.Centre{Name: name}).Validate() {
		if e.Field == "name" {
			return errors.New(e.Message)
		}
	}
	return nil
}

// NewCycle is a cycle to create.
type NewCycle struct {
	// Organisation names the organisation when the installation has none
	// yet; it is ignored otherwise (an installation serves one organisation).
	Organisation string
	Year         int
	// Periods are the ends of the monitoring periods; none means
	// DefaultPeriods.
	Periods []time.Time
}

// OrganisationName returns the name of the installation's organisation, or
// ErrNotFound when there is none yet.
func (s *Store) OrganisationName(ctx context.Context) (string, error) {
	var name string
	err := s.pool.QueryRow(ctx, `SELECT name FROM organisations ORDER BY id LIMIT 1`).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	return name, err
}

// CreateCycle creates an empty cycle (default bands, no centres, not
// approved) with its monitoring periods, in the installation's organisation;
// when there is none yet it creates it from nc.Organisation.
func (s *Store) CreateCycle(ctx context.Context, a Actor, nc NewCycle) (int64, error) {
	if err := CheckYear(nc.Year); err != nil {
		return 0, &Conflict{Message: err.Error()}
	}
	periods := nc.Periods
	if len(periods) == 0 {
		periods = plan.DefaultPeriods(nc.Year)
	}
	seen := map[time.Time]bool{}
	days := make([]time.Time, 0, len(periods))
	for _, p := range periods {
		d := Day(p)
		if err := CheckPeriod(nc.Year, d); err != nil {
			return 0, &Conflict{Message: err.Error()}
		}
		if seen[d] {
			return 0, &Conflict{Message: fmt.Sprintf("il periodo del %s è indicato due volte", d.Format("02/01/2006"))}
		}
		seen[d] = true
		days = append(days, d)
	}
	var cycleID int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		var orgID int64
		err := tx.QueryRow(ctx, `SELECT id FROM organisations ORDER BY id LIMIT 1`).Scan(&orgID)
		if errors.Is(err, pgx.ErrNoRows) {
			name := strings.TrimSpace(nc.Organisation)
			if name == "" {
				return ErrNoOrganisation
			}
			if err := tx.QueryRow(ctx, `INSERT INTO organisations (name) VALUES ($1) RETURNING id`, name).Scan(&orgID); err != nil {
				return fmt.Errorf("insert organisation: %w", err)
			}
			if err := record(ctx, tx, a, audit.Create, audit.Organisation, orgID, nil, audit.Snapshot{audit.KeyName: name}); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `
			INSERT INTO cycles (organisation_id, year) VALUES ($1, $2)
			ON CONFLICT (organisation_id, year) DO NOTHING RETURNING id`, orgID, nc.Year).Scan(&cycleID)
		if errors.Is(err, pgx.ErrNoRows) {
			return &Conflict{Message: fmt.Sprintf("il ciclo %d esiste già", nc.Year)}
		}
		if err != nil {
			return fmt.Errorf("insert cycle: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO periods (cycle_id, ends_on) SELECT $1, unnest($2::date[])`, cycleID, days); err != nil {
			return fmt.Errorf("insert periods: %w", err)
		}
		ends := make([]string, len(days))
		for i, d := range days {
			ends[i] = d.Format(time.DateOnly)
		}
		return record(ctx, tx, a, audit.Create, audit.Cycle, cycleID, nil, audit.Snapshot{audit.KeyYear: nc.Year, audit.KeyPeriods: ends})
	})
	return cycleID, err
}

// cycleID finds the id of the cycle of year.
func (s *Store) cycleID(ctx context.Context, year int) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT id FROM cycles WHERE year = $1`, year).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("cycle %d: %w", year, ErrNotFound)
	}
	return id, err
}

// UpdateCycleSettings sets a cycle's rules of measurement, read at
// ch.Version: its bands, the rounding of a figure and the cap of an
// indicator's achievement. They decide how every objective is judged, so
// after approval they change only by variation.
func (s *Store) UpdateCycleSettings(ctx context.Context, ch Change, year int, b domain.Bands, r domain.Rules) error {
	if err := b.Validate(); err != nil {
		return &Conflict{Message: err.Error()}
	}
	if err := r.Validate(); err != nil {
		return &Conflict{Message: err.Error()}
	}
	r = r.Normal()
	cycleID, err := s.cycleID(ctx, year)
	if err != nil {
		return err
	}
	return s.inPlan(ctx, ch, cycleID, func(tx pgx.Tx) (auditRecord, error) {
		if err := lockVersion(ctx, tx, "cycles", audit.Cycle, cycleID, ch.Version); err != nil {
			return auditRecord{}, err
		}
		snap := func() ([]byte, error) {
			var j []byte
			err := tx.QueryRow(ctx, `
				SELECT jsonb_build_object('band_reached', band_reached, 'band_partial', band_partial,
					'rounding', rounding, 'achievement_cap', achievement_cap, 'version', version)
				FROM cycles WHERE id = $1`, cycleID).Scan(&j)
			return j, err
		}
		old, err := snap()
		if err != nil {
			return auditRecord{}, err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE cycles SET band_reached = $2, band_partial = $3, rounding = $4, achievement_cap = $5, version = version + 1
			WHERE id = $1`, cycleID, b.Reached, b.Partial, string(r.Rounding), r.Cap); err != nil {
			return auditRecord{}, conflictFrom(err)
		}
		now, err := snap()
		return auditRecord{action: audit.Update, entity: audit.Cycle, id: cycleID, old: old, new: now}, err
	})
}

// AddPeriod adds a monitoring period, ending on day, to the cycle of year.
// The periods are when progress is measured: part of the plan, so after
// approval a new one comes by variation.
func (s *Store) AddPeriod(ctx context.Context, ch Change, year int, day time.Time) (int64, error) {
	day = Day(day)
	if err := CheckPeriod(year, day); err != nil {
		return 0, &Conflict{Message: err.Error()}
	}
	cycleID, err := s.cycleID(ctx, year)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.inPlan(ctx, ch, cycleID, func(tx pgx.Tx) (auditRecord, error) {
		err := tx.QueryRow(ctx, `
			INSERT INTO periods (cycle_id, ends_on) VALUES ($1, $2)
			ON CONFLICT (cycle_id, ends_on) DO NOTHING RETURNING id`, cycleID, day).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return auditRecord{}, &Conflict{Message: fmt.Sprintf("il periodo del %s esiste già", day.Format("02/01/2006"))}
		}
		if err != nil {
			return auditRecord{}, err
		}
		now, err := json.Marshal(audit.Snapshot{audit.KeyEndsOn: day.Format(time.DateOnly)})
		return auditRecord{action: audit.Create, entity: audit.Period, id: id, new: now}, err
	})
	return id, err
}

// PeriodCounts is the data entered for a monitoring period, which goes with
// it when it is deleted.
type PeriodCounts struct {
	Values   int // indicators' actual values
	Progress int // activities' actual months
	Reports  int // progress reports
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func periodCounts(ctx context.Context, q querier, periodID int64) (PeriodCounts, error) {
	var n PeriodCounts
	err := q.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM indicator_values WHERE period_id = $1),
		       (SELECT count(*) FROM activity_progress WHERE period_id = $1),
		       (SELECT count(*) FROM progress_reports WHERE period_id = $1)`, periodID).Scan(&n.Values, &n.Progress, &n.Reports)
	return n, err
}

// PeriodData counts what was entered for a monitoring period, for the page
// that confirms its deletion.
func (s *Store) PeriodData(ctx context.Context, periodID int64) (PeriodCounts, error) {
	return periodCounts(ctx, s.pool, periodID)
}

// DeletePeriod deletes a monitoring period with the values, progress and
// reports entered for it. The last period of a cycle cannot go.
func (s *Store) DeletePeriod(ctx context.Context, ch Change, periodID int64) error {
	var cycleID int64
	err := s.pool.QueryRow(ctx, `SELECT cycle_id FROM periods WHERE id = $1`, periodID).Scan(&cycleID)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("period %d: %w", periodID, ErrNotFound)
	}
	if err != nil {
		return err
	}
	return s.inPlan(ctx, ch, cycleID, func(tx pgx.Tx) (auditRecord, error) {
		var endsOn time.Time
		var periods int
		err := tx.QueryRow(ctx, `
			SELECT ends_on, (SELECT count(*) FROM periods WHERE cycle_id = p.cycle_id)
			FROM periods p WHERE id = $1`, periodID).Scan(&endsOn, &periods)
		if errors.Is(err, pgx.ErrNoRows) {
			return auditRecord{}, fmt.Errorf("period %d: %w", periodID, ErrNotFound)
		}
		if err != nil {
			return auditRecord{}, err
		}
		if periods <= 1 {
			return auditRecord{}, &Conflict{Message: "un ciclo deve avere almeno un periodo di monitoraggio"}
		}
		n, err := periodCounts(ctx, tx, periodID)
		if err != nil {
			return auditRecord{}, err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM periods WHERE id = $1`, periodID); err != nil {
			return auditRecord{}, err
		}
		old, err := json.Marshal(audit.Snapshot{audit.KeyEndsOn: endsOn.Format(time.DateOnly),
			audit.KeyValues: n.Values, audit.KeyProgress: n.Progress, audit.KeyReports: n.Reports})
		return auditRecord{action: audit.Delete, entity: audit.Period, id: periodID, old: old}, err
	})
}

// DeleteCycle deletes a cycle with its whole plan and data; the
// organisational centres stay. An approved plan is an act of the
// organisation: its cycle cannot be deleted.
func (s *Store) DeleteCycle(ctx context.Context, a Actor, year int) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		var id int64
		var approved bool
		err := tx.QueryRow(ctx, `SELECT id, approval_act IS NOT NULL FROM cycles WHERE year = $1 FOR UPDATE`, year).Scan(&id, &approved)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("cycle %d: %w", year, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if approved {
			return &Conflict{Message: fmt.Sprintf("il piano %d è approvato: il ciclo non si può eliminare", year)}
		}
		var old []byte
		if err := tx.QueryRow(ctx, `
			SELECT jsonb_build_object('year', c.year,
				'centres', (SELECT count(*) FROM cycle_centres WHERE cycle_id = c.id),
				'objectives', (SELECT count(*) FROM objectives WHERE cycle_id = c.id),
				'periods', (SELECT count(*) FROM periods WHERE cycle_id = c.id))
			FROM cycles c WHERE c.id = $1`, id).Scan(&old); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM cycles WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete cycle %d: %w", year, err)
		}
		return record(ctx, tx, a, audit.Delete, audit.Cycle, id, json.RawMessage(old), nil)
	})
}

// centreSnapshot is a centre of a cycle as the audit log and the variations
// keep it: with its name, which the row itself only references.
func centreSnapshot(ctx context.Context, tx pgx.Tx, ccID int64) ([]byte, error) {
	var b []byte
	err := tx.QueryRow(ctx, `
		SELECT jsonb_build_object('name', cc.name, 'manager', cc.manager, 'position', cc.position, 'version', cc.version)
		FROM cycle_centres cc WHERE cc.id = $1`, ccID).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("centre %d: %w", ccID, ErrNotFound)
	}
	return b, err
}

// centreNamed finds the organisational centre called name (ignoring case),
// other than except; 0 when there is none.
func centreNamed(ctx context.Context, tx pgx.Tx, cycleID int64, name string, except int64) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `
		SELECT ce.id FROM centres ce JOIN cycles c ON c.organisation_id = ce.organisation_id
		WHERE c.id = $1 AND lower(ce.name) = lower($2) AND ce.id <> $3
		ORDER BY ce.name = $2 DESC, ce.id LIMIT 1`, cycleID, name, except).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// centreInCycle refuses a centre that the cycle already has.
func centreInCycle(ctx context.Context, tx pgx.Tx, cycleID, centreID int64, name string) error {
	var in bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cycle_centres WHERE cycle_id = $1 AND centre_id = $2)`, cycleID, centreID).Scan(&in); err != nil {
		return err
	}
	if in {
		return &Conflict{Message: fmt.Sprintf("il centro %q è già in questo ciclo", name)}
	}
	return nil
}

// CreateCentre appends a centre with its manager to the cycle of year. An
// organisational centre of the same name (ignoring case) is reused, so that
// the accounts of its managers keep working across cycles.
func (s *Store) CreateCentre(ctx context.Context, ch Change, year int, name, manager string) (domain.CycleCentreID, error) {
	name, manager = names.Clean(name), names.Clean(manager)
	if err := CheckCentreName(name); err != nil {
		return 0, &Conflict{Message: err.Error()}
	}
	cycleID, err := s.cycleID(ctx, year)
	if err != nil {
		return 0, err
	}
	var ccID int64
	err = s.inPlan(ctx, ch, cycleID, func(tx pgx.Tx) (auditRecord, error) {
		centreID, err := centreNamed(ctx, tx, cycleID, name, 0)
		if err != nil {
			return auditRecord{}, err
		}
		if centreID == 0 {
			if err := tx.QueryRow(ctx, `
				INSERT INTO centres (organisation_id, name) SELECT organisation_id, $2 FROM cycles WHERE id = $1 RETURNING id`,
				cycleID, name).Scan(&centreID); err != nil {
				return auditRecord{}, fmt.Errorf("insert centre: %w", err)
			}
		} else if err := centreInCycle(ctx, tx, cycleID, centreID, name); err != nil {
			return auditRecord{}, err
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO cycle_centres (cycle_id, centre_id, manager, position)
			VALUES ($1, $2, $3, (SELECT coalesce(max(position) + 1, 0) FROM cycle_centres WHERE cycle_id = $1))
			RETURNING id`, cycleID, centreID, manager).Scan(&ccID); err != nil {
			return auditRecord{}, conflictFrom(err)
		}
		now, err := centreSnapshot(ctx, tx, ccID)
		return auditRecord{action: audit.Create, entity: audit.Centre, id: ccID, new: now}, err
	})
	return domain.CycleCentreID(ccID), err
}

// UpdateCentre renames a centre of a cycle and sets its manager, read at
// ch.Version. The organisational centre outlives cycles and binds its
// managers' accounts (user_centres), so a rename keeps it: the cycle's name
// of the centre changes (cycle_centres.name), and the organisational
// centre's name too when no other cycle uses it; a centre that other
// cycles share keeps its name there. Only a name that is already another
// organisational centre's (ignoring case) moves this cycle's row to that
// centre: the two are then the same unit, named as it is.
func (s *Store) UpdateCentre(ctx context.Context, ch Change, centre domain.CycleCentreID, name, manager string) error {
	ccID := int64(centre)
	name, manager = names.Clean(name), names.Clean(manager)
	if err := CheckCentreName(name); err != nil {
		return &Conflict{Message: err.Error()}
	}
	cycleID, err := s.cycleOfRow(ctx, centreTable, ccID)
	if err != nil {
		return err
	}
	return s.inPlan(ctx, ch, cycleID, func(tx pgx.Tx) (auditRecord, error) {
		if err := lockVersion(ctx, tx, "cycle_centres", audit.Centre, ccID, ch.Version); err != nil {
			return auditRecord{}, err
		}
		old, err := centreSnapshot(ctx, tx, ccID)
		if err != nil {
			return auditRecord{}, err
		}
		var centreID int64
		var current string
		var shared bool
		if err := tx.QueryRow(ctx, `
			SELECT cc.centre_id, cc.name, EXISTS (SELECT 1 FROM cycle_centres o WHERE o.centre_id = cc.centre_id AND o.id <> cc.id)
			FROM cycle_centres cc WHERE cc.id = $1`, ccID).Scan(&centreID, &current, &shared); err != nil {
			return auditRecord{}, err
		}
		if name != current {
			var taken bool
			if err := tx.QueryRow(ctx, `
				SELECT EXISTS (SELECT 1 FROM cycle_centres WHERE cycle_id = $1 AND id <> $2 AND lower(name) = lower($3))`,
				cycleID, ccID, name).Scan(&taken); err != nil {
				return auditRecord{}, err
			}
			if taken {
				return auditRecord{}, &Conflict{Message: fmt.Sprintf("il centro %q è già in questo ciclo", name)}
			}
			other, err := centreNamed(ctx, tx, cycleID, name, centreID)
			if err != nil {
				return auditRecord{}, err
			}
			switch {
			case other != 0:
				if err := centreInCycle(ctx, tx, cycleID, other, name); err != nil {
					return auditRecord{}, err
				}
				_, err = tx.Exec(ctx, `
					UPDATE cycle_centres SET centre_id = $2, name = (SELECT name FROM centres WHERE id = $2) WHERE id = $1`, ccID, other)
			case !shared:
				if _, err = tx.Exec(ctx, `UPDATE centres SET name = $2 WHERE id = $1`, centreID, name); err == nil {
					_, err = tx.Exec(ctx, `UPDATE cycle_centres SET name = $2 WHERE id = $1`, ccID, name)
				}
			default:
				_, err = tx.Exec(ctx, `UPDATE cycle_centres SET name = $2 WHERE id = $1`, ccID, name)
			}
			if err != nil {
				return auditRecord{}, conflictFrom(err)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE cycle_centres SET manager = $2, version = version + 1 WHERE id = $1`, ccID, manager); err != nil {
			return auditRecord{}, err
		}
		now, err := centreSnapshot(ctx, tx, ccID)
		return auditRecord{action: audit.Update, entity: audit.Centre, id: ccID, old: old, new: now}, err
	})
}

// MoveCentre moves a centre up (-1) or down (+1) in its cycle.
func (s *Store) MoveCentre(ctx context.Context, ch Change, centre domain.CycleCentreID, delta int) error {
	ccID := int64(centre)
	return s.moveRow(ctx, ch, centreTable, ccID, delta)
}

// DeleteCentre takes a centre, read at ch.Version, out of its cycle with its
// objectives (and their activities, indicators, values and reports). The organisational
// centre stays, for the other cycles and the accounts bound to it.
func (s *Store) DeleteCentre(ctx context.Context, ch Change, centre domain.CycleCentreID) error {
	ccID := int64(centre)
	cycleID, err := s.cycleOfRow(ctx, centreTable, ccID)
	if err != nil {
		return err
	}
	return s.inPlan(ctx, ch, cycleID, func(tx pgx.Tx) (auditRecord, error) {
		if err := lockVersion(ctx, tx, "cycle_centres", audit.Centre, ccID, ch.Version); err != nil {
			return auditRecord{}, err
		}
		var old []byte
		err := tx.QueryRow(ctx, `
			SELECT jsonb_build_object('name', cc.name, 'manager', cc.manager, 'position', cc.position,
				'objectives', (SELECT count(*) FROM objectives WHERE cycle_centre_id = cc.id))
			FROM cycle_centres cc WHERE cc.id = $1`, ccID).Scan(&old)
		if errors.Is(err, pgx.ErrNoRows) {
			return auditRecord{}, fmt.Errorf("centre %d: %w", ccID, ErrNotFound)
		}
		if err != nil {
			return auditRecord{}, err
		}
		var pos int
		if err := tx.QueryRow(ctx, `DELETE FROM cycle_centres WHERE id = $1 RETURNING position`, ccID).Scan(&pos); err != nil {
			return auditRecord{}, err
		}
		if _, err := tx.Exec(ctx, `SET CONSTRAINTS ALL DEFERRED`); err != nil {
			return auditRecord{}, err
		}
		if _, err := tx.Exec(ctx, `UPDATE cycle_centres SET position = position - 1 WHERE cycle_id = $1 AND position > $2`, cycleID, pos); err != nil {
			return auditRecord{}, err
		}
		return auditRecord{action: audit.Delete, entity: audit.Centre, id: ccID, old: old}, nil
	})
}

// CarryOver starts the cycle after fromYear from its plan, in one
// transaction: the same bands and rules of measurement, the periods a year later, the same centres
// and managers, the objectives with all their fields and groups, the
// activities with their planned months a year later (annual stays annual)
// and the indicators with their expected values, and the public values of
// the strategic areas. Nothing measured comes
// along: no actual values, progress, reports, neutralisations or
// overrides; the new
// plan is not approved. It is refused when the next year exists.
func (s *Store) CarryOver(ctx context.Context, a Actor, fromYear int) (int, error) {
	toYear := fromYear + 1
	if err := CheckYear(toYear); err != nil {
		return 0, &Conflict{Message: err.Error()}
	}
	err := s.write(ctx, func(tx pgx.Tx) error {
		// The source's row lock keeps plan writes out while it is copied.
		var from, orgID int64
		err := tx.QueryRow(ctx, `SELECT id, organisation_id FROM cycles WHERE year = $1 FOR UPDATE`, fromYear).Scan(&from, &orgID)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("cycle %d: %w", fromYear, ErrNotFound)
		}
		if err != nil {
			return err
		}
		var to int64
		err = tx.QueryRow(ctx, `
			INSERT INTO cycles (organisation_id, year, band_reached, band_partial, rounding, achievement_cap)
			SELECT organisation_id, $2, band_reached, band_partial, rounding, achievement_cap FROM cycles WHERE id = $1
			ON CONFLICT (organisation_id, year) DO NOTHING RETURNING id`, from, toYear).Scan(&to)
		if errors.Is(err, pgx.ErrNoRows) {
			return &Conflict{Message: fmt.Sprintf("il ciclo %d esiste già", toYear)}
		}
		if err != nil {
			return fmt.Errorf("insert cycle: %w", err)
		}
		// New rows are matched to their source by the organisational centre
		// and the positions, which are unique within their parent.
		steps := []struct {
			what audit.Key
			sql  string
		}{
			{audit.KeyPeriods, `
				INSERT INTO periods (cycle_id, ends_on)
				SELECT $2, (ends_on + interval '1 year')::date FROM periods WHERE cycle_id = $1`},
			{audit.KeyCentres, `
				INSERT INTO cycle_centres (cycle_id, centre_id, name, manager, position)
				SELECT $2, centre_id, name, manager, position FROM cycle_centres WHERE cycle_id = $1`},
			{audit.KeyGroups, `
				INSERT INTO objective_groups (cycle_id, code)
				SELECT $2, code FROM objective_groups WHERE cycle_id = $1`},
			{audit.KeyObjectives, `
				INSERT INTO objectives (cycle_id, cycle_centre_id, position, section, number, title, strategic_area,
					operational_objective, peg_project, services, end_users, networks, description_html, weight, group_id)
				SELECT $2, ncc.id, o.position, o.section, o.number, o.title, o.strategic_area,
					o.operational_objective, o.peg_project, o.services, o.end_users, o.networks, o.description_html, o.weight, ng.id
				FROM objectives o
				JOIN cycle_centres occ ON occ.id = o.cycle_centre_id
				JOIN cycle_centres ncc ON ncc.cycle_id = $2 AND ncc.centre_id = occ.centre_id
				LEFT JOIN objective_groups og ON og.id = o.group_id
				LEFT JOIN objective_groups ng ON ng.cycle_id = $2 AND ng.code = og.code
				WHERE o.cycle_id = $1`},
			{audit.KeyActivities, `
				INSERT INTO activities (objective_id, position, description, planned_from, planned_to, planned_annual)
				SELECT nob.id, a.position, a.description,
					(a.planned_from + interval '1 year')::date, (a.planned_to + interval '1 year')::date, a.planned_annual
				FROM activities a
				JOIN objectives o ON o.id = a.objective_id
				JOIN cycle_centres occ ON occ.id = o.cycle_centre_id
				JOIN cycle_centres ncc ON ncc.cycle_id = $2 AND ncc.centre_id = occ.centre_id
				JOIN objectives nob ON nob.cycle_centre_id = ncc.id AND nob.position = o.position
				WHERE o.cycle_id = $1`},
			{audit.KeyIndicators, `
				INSERT INTO indicators (objective_id, position, name, description, unit, polarity, weight, expected)
				SELECT nob.id, i.position, i.name, i.description, i.unit, i.polarity, i.weight, i.expected
				FROM indicators i
				JOIN objectives o ON o.id = i.objective_id
				JOIN cycle_centres occ ON occ.id = o.cycle_centre_id
				JOIN cycle_centres ncc ON ncc.cycle_id = $2 AND ncc.centre_id = occ.centre_id
				JOIN objectives nob ON nob.cycle_centre_id = ncc.id AND nob.position = o.position
				WHERE o.cycle_id = $1`},
			// The areas keep their names: their public values come along.
			{audit.KeyPublicValues, `
				INSERT INTO public_values (cycle_id, area, value)
				SELECT $2, area, value FROM public_values WHERE cycle_id = $1`},
		}
		counts := audit.Snapshot{audit.KeyFrom: fromYear, audit.KeyYear: toYear}
		for _, st := range steps {
			tag, err := tx.Exec(ctx, st.sql, from, to)
			if err != nil {
				return fmt.Errorf("carry over %s: %w", st.what, err)
			}
			counts[st.what] = tag.RowsAffected()
		}
		return record(ctx, tx, a, audit.CarryOver, audit.Cycle, to, nil, counts)
	})
	if err != nil {
		return 0, err
	}
	return toYear, nil
}
