package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/domain"
	"traguardo/internal/plan"
)

// LoadCycle reads the whole cycle of year, evaluated: a fixed number of
// queries whatever the size of the plan, and one alone while the cycle this
// store read last is still current (see cycle_cache.go). The cycle is the
// caller's to change.
func (s *Store) LoadCycle(ctx context.Context, year int) (*plan.Cycle, error) {
	k, err := s.keptCycle(ctx, year)
	if err != nil {
		return nil, err
	}
	return k.cycle.Clone(), nil
}

// PlanCycle is LoadCycle for a save that needs the cycle's plan as it
// stands, not its figures: a kept cycle whose plan is current serves even
// after writes to the cycle's data since (progress saved by others), so
// managers saving at once do not each read the whole cycle again. Its
// data (values, reports, states) may be older than the database's: a save
// judges nothing on them (its transaction reads what it is judged on), and
// a page shown with them reads LoadCycle. The cycle is the caller's.
func (s *Store) PlanCycle(ctx context.Context, year int) (*plan.Cycle, error) {
	k, err := s.kept(ctx, year, true)
	if err != nil {
		return nil, err
	}
	return k.cycle.Clone(), nil
}

// CycleFigures returns what build computes from the cycle of year as it
// stands now, for key on day (today): with the same cost as LoadCycle, and
// build runs once per data version, day and key in this process, on its
// own copy of the cycle. The value is shared by every caller until a write
// to the cycle (by any server) or the next day: build must return a value
// nobody changes afterwards, and the callers must not change it. key must
// say everything besides the cycle and the day that the value depends on,
// and take few values (it is kept). An error is not kept.
func (s *Store) CycleFigures(ctx context.Context, year int, day time.Time, key string, build func(*plan.Cycle) (any, error)) (any, error) {
	k, err := s.keptCycle(ctx, year)
	if err != nil {
		return nil, err
	}
	return k.figure(day, key, build)
}

// Snapshot is the kept cycle of a year as it stood at one read of its data
// version (Store.Snapshot), and the values computed from it: a page reads
// the version once and asks the snapshot for every value it shows, all of
// that one version.
type Snapshot struct {
	k *keptCycle
}

// Snapshot is the kept cycle of year as it stands now: one statement
// while this store's kept cycle is current (as LoadCycle). ErrNotFound when
// there is no such cycle.
func (s *Store) Snapshot(ctx context.Context, year int) (*Snapshot, error) {
	k, err := s.keptCycle(ctx, year)
	if err != nil {
		return nil, err
	}
	return &Snapshot{k: k}, nil
}

// Figures is CycleFigures on the snapshot: build gets a copy of its
// cycle, once per key and day.
func (p *Snapshot) Figures(day time.Time, key string, build func(*plan.Cycle) (any, error)) (any, error) {
	return p.k.figure(day, key, build)
}

// Kept returns what build computes for key on day, once per snapshot, day,
// key and dep, shared read-only like the figures; build gets no copy of
// the cycle (it reads values of Figures). dep names what else the value is
// computed from, which the snapshot's data version does not cover (the
// data version of another cycle, SnapshotAndBefore): a value kept with another
// dep is computed again and replaces it. build must read what dep names
// as it stands at dep or later.
func (p *Snapshot) Kept(day time.Time, key, dep string, build func() (any, error)) (any, error) {
	return p.k.shared(day, key, dep, build)
}

// SnapshotAndBefore is Snapshot, with where the cycle of the year before
// stands, read in the same statement: a word that changes at every write
// to that cycle's data, by any server, and when it is deleted or made
// again; "" when there is no such cycle. For a page that shows the year
// before's results too: its kept values depend on both (Snapshot.Kept's
// dep).
func (s *Store) SnapshotAndBefore(ctx context.Context, year int) (*Snapshot, string, error) {
	if v, before, ok, err := prefetchedVersion(ctx, year); ok {
		if err != nil {
			return nil, "", err
		}
		k, err := s.keptAt(ctx, year, v, false)
		if err != nil {
			return nil, "", err
		}
		return &Snapshot{k: k}, before, nil
	}
	rows, err := s.pool.Query(ctx, `
		SELECT c.year, v.cycle_id, v.data, v.plan FROM cycles c JOIN cycle_versions v ON v.cycle_id = c.id WHERE c.year IN ($1, $1 - 1)`, year)
	if err != nil {
		return nil, "", err
	}
	var v cycleVersion
	found, before := false, ""
	for rows.Next() {
		var y int
		var w cycleVersion
		if err := rows.Scan(&y, &w.cycle, &w.data, &w.plan); err != nil {
			rows.Close()
			return nil, "", err
		}
		if y == year {
			v, found = w, true
		} else {
			before = w.word()
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	if !found {
		return nil, "", fmt.Errorf("cycle %d: %w", year, ErrNotFound)
	}
	k, err := s.keptAt(ctx, year, v, false)
	if err != nil {
		return nil, "", err
	}
	return &Snapshot{k: k}, before, nil
}

// word names the version (SnapshotAndBefore).
func (v cycleVersion) word() string { return fmt.Sprintf("%d.%d", v.cycle, v.data) }

// keptCycle is the kept cycle of year if still current, else loaded and
// kept. Its cycle is not to be changed.
func (s *Store) keptCycle(ctx context.Context, year int) (*keptCycle, error) {
	return s.kept(ctx, year, false)
}

// kept is keptCycle; with planOnly, a kept cycle whose plan is current
// serves even if its data is not (see PlanCycle).
func (s *Store) kept(ctx context.Context, year int, planOnly bool) (*keptCycle, error) {
	v, _, ok, err := prefetchedVersion(ctx, year)
	if !ok {
		v, err = cycleVersionOf(ctx, s.pool, year)
	}
	if err != nil {
		return nil, err
	}
	return s.keptAt(ctx, year, v, planOnly)
}

// keptAt is kept for the version v of the cycle of year, just read.
func (s *Store) keptAt(ctx context.Context, year int, v cycleVersion, planOnly bool) (*keptCycle, error) {
	if k := s.cycles.get(year, v, planOnly); k != nil {
		s.cacheHits.Add(1)
		return k, nil
	}
	s.cacheMisses.Add(1)
	// The requests that find the same version gone stale load the cycle
	// once between them (the first one's load, begun after it read the
	// version: its snapshot holds that version or a later one).
	k, err, _ := s.loads.Do(fmt.Sprintf("%d@%d.%d", year, v.cycle, v.data), func() (any, error) {
		s.cacheLoads.Add(1)
		return s.loadAndKeep(context.WithoutCancel(ctx), year)
	})
	if err != nil {
		return nil, err
	}
	return k.(*keptCycle), nil
}

// cycleVersionOf is where the cycle of year stands (migration 000018);
// ErrNotFound when there is no such cycle.
func cycleVersionOf(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, year int) (cycleVersion, error) {
	var v cycleVersion
	err := q.QueryRow(ctx, `
		SELECT v.cycle_id, v.data, v.plan FROM cycles c JOIN cycle_versions v ON v.cycle_id = c.id WHERE c.year = $1`,
		year).Scan(&v.cycle, &v.data, &v.plan)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, fmt.Errorf("cycle %d: %w", year, ErrNotFound)
	}
	return v, err
}

// loadAndKeep reads the cycle of year with the version of its snapshot,
// and keeps it in the cache.
func (s *Store) loadAndKeep(ctx context.Context, year int) (*keptCycle, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	// The version the snapshot holds: what is read below is of it.
	v, err := cycleVersionOf(ctx, tx, year)
	if err != nil {
		return nil, err
	}
	c, err := loadCycleTx(ctx, tx, year, 0, s.today())
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	return s.cycles.put(year, v, c), nil
}

// loadCycleTx is the one reader of a cycle's rows: LoadCycle (and through
// its kept cycle LoadCentreFigures and Monitoring) reads with it in a
// snapshot of its own, and a write that must judge the cycle as it stands
// under its own locks reads with it within tx. Its statements are a fixed
// number whatever the size of the plan. When only is not 0 the cycle
// holds that centre alone (a cycle_centres id): the rows of the others
// are not read; ErrNotFound when the centre is not of the cycle. The
// cycle is evaluated (Evaluate): with only, the cycle's own figures are
// the centre's; today decides the period its figures are at.
func loadCycleTx(ctx context.Context, tx pgx.Tx, year int, only domain.CycleCentreID, today time.Time) (*plan.Cycle, error) {
	c := &plan.Cycle{Year: year}
	// The strategic areas' public values come with the cycle's row, in the
	// same statement (two arrays in the same order).
	var areas, values []string
	err := tx.QueryRow(ctx, `
		SELECT c.id, o.name, c.band_reached, c.band_partial, c.rounding, c.achievement_cap, coalesce(c.approval_act, ''), c.approved_on, c.version,
		       c.public_values_version,
		       ARRAY(SELECT v.area FROM public_values v WHERE v.cycle_id = c.id ORDER BY v.area),
		       ARRAY(SELECT v.value FROM public_values v WHERE v.cycle_id = c.id ORDER BY v.area)
		FROM cycles c JOIN organisations o ON o.id = c.organisation_id
		WHERE c.year = $1`, year).Scan(&c.ID, &c.Organisation, &c.Bands.Reached, &c.Bands.Partial, &c.Rules.Rounding, &c.Rules.Cap,
		&c.ApprovalAct, &c.ApprovedOn, &c.Version, &c.PublicValuesVersion, &areas, &values)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("cycle %d: %w", year, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("cycle %d: %w", year, err)
	}
	if len(areas) != len(values) {
		return nil, fmt.Errorf("cycle %d: %d public values for %d areas", year, len(values), len(areas))
	}
	for i := range areas {
		c.PublicValues = append(c.PublicValues, plan.PublicValue{Area: areas[i], Value: values[i]})
	}
	l := loader{tx: tx, c: c, only: only, byCentre: map[domain.CycleCentreID]*plan.Centre{}, objectives: map[int64]*plan.Objective{}, activities: map[int64]*plan.Activity{}, indicators: map[int64]*plan.Indicator{}}
	for _, step := range []func(context.Context) error{l.periods, l.centres, l.review, l.objectives_, l.activities_, l.progress, l.indicators_, l.values, l.targets, l.overrides, l.reports} {
		if err := step(ctx); err != nil {
			return nil, fmt.Errorf("cycle %d: %w", year, err)
		}
	}
	if only != 0 && len(c.Centres) == 0 {
		return nil, fmt.Errorf("cycle %d, centre %d: %w", year, only, ErrNotFound)
	}
	c.Evaluate(today)
	return c, nil
}

type loader struct {
	tx pgx.Tx
	c  *plan.Cycle
	// only is the centre the load is restricted to, 0 for all.
	only       domain.CycleCentreID
	byCentre   map[domain.CycleCentreID]*plan.Centre
	objectives map[int64]*plan.Objective
	activities map[int64]*plan.Activity
	indicators map[int64]*plan.Indicator
}

// each runs query and calls row after scanning each row into dest(). The
// query's $1 is the cycle's id; its comment /*only*/ becomes, when the
// load is restricted to a centre, "AND " + only, a condition on $2 (that
// centre's id); a query with no such comment reads the whole cycle.
func (l *loader) each(ctx context.Context, query, only string, dest func() []any, row func() error) error {
	args := []any{l.c.ID}
	if l.only != 0 && only != "" {
		query = strings.Replace(query, "/*only*/", "AND "+only, 1)
		args = append(args, int64(l.only))
	}
	rows, err := l.tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest()...); err != nil {
			return err
		}
		if err := row(); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (l *loader) periods(ctx context.Context) error {
	var p plan.Period
	return l.each(ctx, `SELECT id, ends_on, opens_on, closes_on FROM periods WHERE cycle_id = $1 ORDER BY ends_on`, "",
		func() []any { return []any{&p.ID, &p.EndsOn, &p.OpensOn, &p.ClosesOn} },
		func() error { l.c.Periods = append(l.c.Periods, p); return nil })
}

// review reads where each centre's periods stand in the review: the
// submission, when there is one, and the latest reopening, when there is
// one (a row for each (centre, period) with either).
func (l *loader) review(ctx context.Context) error {
	var centre domain.CycleCentreID
	var period time.Time
	var state, comment *string
	var version *int
	var submittedAt, reviewedAt, until *time.Time
	var submittedBy, reviewedBy *int64
	return l.each(ctx, `
		SELECT coalesce(s.cycle_centre_id, r.cycle_centre_id), pe.ends_on, s.state, s.comment, s.version,
			s.submitted_at, s.submitted_by, s.reviewed_at, s.reviewed_by, r.until
		FROM (SELECT * FROM submissions WHERE cycle_id = $1) s
		FULL JOIN (SELECT DISTINCT ON (period_id, cycle_centre_id) period_id, cycle_centre_id, until
		           FROM period_reopenings WHERE cycle_id = $1 ORDER BY period_id, cycle_centre_id, id DESC) r
		  ON r.period_id = s.period_id AND r.cycle_centre_id = s.cycle_centre_id
		JOIN periods pe ON pe.id = coalesce(s.period_id, r.period_id)
		WHERE true /*only*/ ORDER BY 1, 2`, "coalesce(s.cycle_centre_id, r.cycle_centre_id) = $2",
		func() []any {
			return []any{&centre, &period, &state, &comment, &version, &submittedAt, &submittedBy, &reviewedAt, &reviewedBy, &until}
		},
		func() error {
			ce := l.byCentre[centre]
			if ce == nil {
				return nil
			}
			if state != nil {
				sub := plan.Submission{Period: period, State: plan.SubmissionState(*state), Comment: deref(comment), Version: *version,
					SubmittedAt: *submittedAt}
				if submittedBy != nil {
					sub.SubmittedBy = *submittedBy
				}
				if reviewedAt != nil {
					sub.ReviewedAt = *reviewedAt
				}
				if reviewedBy != nil {
					sub.ReviewedBy = *reviewedBy
				}
				ce.Submissions = append(ce.Submissions, sub)
			}
			if until != nil {
				ce.Reopenings = append(ce.Reopenings, plan.Reopening{Period: period, Until: *until})
			}
			return nil
		})
}

func (l *loader) centres(ctx context.Context) error {
	return l.each(ctx, `
		SELECT cc.id, cc.centre_id, cc.name, cc.manager, cc.version FROM cycle_centres cc
		WHERE cc.cycle_id = $1 /*only*/ ORDER BY cc.position`, "cc.id = $2",
		func() []any {
			l.c.Centres = append(l.c.Centres, &plan.Centre{})
			ce := l.c.Centres[len(l.c.Centres)-1]
			return []any{&ce.ID, &ce.CentreID, &ce.Name, &ce.Manager, &ce.Version}
		},
		func() error {
			ce := l.c.Centres[len(l.c.Centres)-1]
			l.byCentre[ce.ID] = ce
			return nil
		})
}

func (l *loader) objectives_(ctx context.Context) error {
	var ccID domain.CycleCentreID
	var o *plan.Objective
	return l.each(ctx, `
		SELECT o.cycle_centre_id, o.id, o.section, o.number, o.title, o.strategic_area, o.operational_objective,
		       o.peg_project, o.services, o.end_users, o.networks, o.description_html, o.weight, coalesce(g.code, ''), o.version
		FROM objectives o LEFT JOIN objective_groups g ON g.id = o.group_id
		WHERE o.cycle_id = $1 /*only*/ ORDER BY o.cycle_centre_id, o.position`, "o.cycle_centre_id = $2",
		func() []any {
			o = &plan.Objective{}
			return []any{&ccID, &o.ID, &o.Section, &o.Number, &o.Title, &o.StrategicArea, &o.OperationalObjective,
				&o.PEGProject, &o.Services, &o.EndUsers, &o.Networks, &o.DescriptionHTML, &o.Weight, &o.Group, &o.Version}
		},
		func() error {
			ce := l.byCentre[ccID]
			if ce == nil {
				return fmt.Errorf("objective %d: centre %d not in cycle", o.ID, ccID)
			}
			ce.Objectives = append(ce.Objectives, o)
			l.objectives[o.ID] = o
			return nil
		})
}

func (l *loader) activities_(ctx context.Context) error {
	var objID int64
	var from, to *time.Time
	var a *plan.Activity
	return l.each(ctx, `
		SELECT a.objective_id, a.id, a.description, a.planned_from, a.planned_to, a.planned_annual, a.version
		FROM activities a JOIN objectives o ON o.id = a.objective_id
		WHERE o.cycle_id = $1 /*only*/ ORDER BY a.objective_id, a.position`, "o.cycle_centre_id = $2",
		func() []any {
			a = &plan.Activity{}
			return []any{&objID, &a.ID, &a.Description, &from, &to, &a.Planned.Annual, &a.Version}
		},
		func() error {
			a.Planned.From, a.Planned.To = dateMonth(from), dateMonth(to)
			o := l.objectives[objID]
			o.Activities = append(o.Activities, a)
			l.activities[a.ID] = a
			return nil
		})
}

func (l *loader) progress(ctx context.Context) error {
	var actID int64
	var from, to *time.Time
	var reason *string
	var p plan.Progress
	return l.each(ctx, `
		SELECT ap.activity_id, pe.ends_on, ap.actual_from, ap.actual_to, ap.actual_annual, ap.reason
		FROM activity_progress ap JOIN periods pe ON pe.id = ap.period_id
		WHERE pe.cycle_id = $1 /*only*/ ORDER BY ap.activity_id, pe.ends_on`,
		"ap.activity_id IN (SELECT a.id FROM activities a JOIN objectives o ON o.id = a.objective_id WHERE o.cycle_centre_id = $2)",
		func() []any {
			p = plan.Progress{}
			return []any{&actID, &p.Period, &from, &to, &p.Actual.Annual, &reason}
		},
		func() error {
			p.Actual.From, p.Actual.To, p.Reason = dateMonth(from), dateMonth(to), deref(reason)
			a := l.activities[actID]
			a.Progress = append(a.Progress, p)
			return nil
		})
}

func (l *loader) indicators_(ctx context.Context) error {
	var objID int64
	var unit, polarity string
	var reason, by, overrideReason *string
	var overridePct *float64
	var in *plan.Indicator
	return l.each(ctx, `
		SELECT i.objective_id, i.id, i.name, i.description, i.unit, i.polarity, i.weight, i.expected, i.neutralised_reason, i.neutralised_by,
			i.override_pct, i.override_reason, i.version
		FROM indicators i JOIN objectives o ON o.id = i.objective_id
		WHERE o.cycle_id = $1 /*only*/ ORDER BY i.objective_id, i.position`, "o.cycle_centre_id = $2",
		func() []any {
			in = &plan.Indicator{}
			return []any{&objID, &in.ID, &in.Name, &in.Description, &unit, &polarity, &in.Weight, &in.Expected, &reason, &by, &overridePct, &overrideReason, &in.Version}
		},
		func() error {
			in.Unit, in.Polarity = domain.Unit(unit), domain.Polarity(polarity)
			if reason != nil {
				in.Neutralised = &plan.Neutralisation{Reason: *reason, By: deref(by)}
			}
			if overridePct != nil {
				in.Override = &plan.Override{Pct: *overridePct, Reason: deref(overrideReason)}
			}
			o := l.objectives[objID]
			o.Indicators = append(o.Indicators, in)
			l.indicators[in.ID] = in
			return nil
		})
}

// indicatorsOfCentre restricts a query on an indicator's rows to those of
// the centre $2.
const indicatorsOfCentre = "IN (SELECT i.id FROM indicators i JOIN objectives o ON o.id = i.objective_id WHERE o.cycle_centre_id = $2)"

// values reads every period's values: a value, or "non rilevabile" with
// its reason (the writes are in importSeries and SaveProgress).
func (l *loader) values(ctx context.Context) error {
	var indID int64
	var reason *string
	var v plan.Value
	return l.each(ctx, `
		SELECT iv.indicator_id, pe.ends_on, coalesce(iv.value, 0), iv.not_measurable, iv.reason
		FROM indicator_values iv JOIN periods pe ON pe.id = iv.period_id
		WHERE pe.cycle_id = $1 /*only*/ ORDER BY iv.indicator_id, pe.ends_on`, "iv.indicator_id "+indicatorsOfCentre,
		func() []any { return []any{&indID, &v.Period, &v.Value, &v.NotMeasurable, &reason} },
		func() error {
			v.Reason = deref(reason)
			in := l.indicators[indID]
			in.Values = append(in.Values, v)
			return nil
		})
}

func (l *loader) targets(ctx context.Context) error {
	var indID int64
	var t plan.Target
	return l.each(ctx, `
		SELECT it.indicator_id, pe.ends_on, it.target
		FROM indicator_targets it JOIN periods pe ON pe.id = it.period_id
		WHERE pe.cycle_id = $1 /*only*/ ORDER BY it.indicator_id, pe.ends_on`, "it.indicator_id "+indicatorsOfCentre,
		func() []any { return []any{&indID, &t.Period, &t.Value} },
		func() error {
			in := l.indicators[indID]
			in.Targets = append(in.Targets, t)
			return nil
		})
}

// overrides reads the director's overrides of single periods (the writes
// are in SetMeasure and importSeries).
func (l *loader) overrides(ctx context.Context) error {
	var indID int64
	var o plan.PeriodOverride
	return l.each(ctx, `
		SELECT io.indicator_id, pe.ends_on, io.pct, io.reason
		FROM indicator_overrides io JOIN periods pe ON pe.id = io.period_id
		WHERE pe.cycle_id = $1 /*only*/ ORDER BY io.indicator_id, pe.ends_on`, "io.indicator_id "+indicatorsOfCentre,
		func() []any { return []any{&indID, &o.Period, &o.Pct, &o.Reason} },
		func() error {
			in := l.indicators[indID]
			in.Overrides = append(in.Overrides, o)
			return nil
		})
}

func (l *loader) reports(ctx context.Context) error {
	var objID int64
	var status *string
	var r plan.Report
	return l.each(ctx, `
		SELECT pr.objective_id, pe.ends_on, pr.status, pr.text_html, pr.version
		FROM progress_reports pr JOIN periods pe ON pe.id = pr.period_id
		WHERE pe.cycle_id = $1 /*only*/ ORDER BY pr.objective_id, pe.ends_on`,
		"pr.objective_id IN (SELECT o.id FROM objectives o WHERE o.cycle_centre_id = $2)",
		func() []any { return []any{&objID, &r.Period, &status, &r.TextHTML, &r.Version} },
		func() error {
			r.Status = domain.ReportStatus(deref(status))
			o := l.objectives[objID]
			o.Reports = append(o.Reports, r)
			return nil
		})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
