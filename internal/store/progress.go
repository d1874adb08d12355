package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/audit"
	"traguardo/internal/domain"
	"traguardo/internal/plan"
)

// SaveProgress saves, as a draft, a manager's entry of an objective's
// progress at a period (see saveProgress).
func (s *Store) SaveProgress(ctx context.Context, ch Change, objectiveID, periodID int64, p plan.ObjectiveProgress) error {
	_, err := s.saveProgress(ctx, ch, objectiveID, periodID, p, nil)
	return err
}

// CorrectProgress is the director's correction of an objective's progress
// at a period: as SaveProgress, whatever the state of the period's entry,
// audited as a correction, and the centre's managers notified with what
// changed (progressChanges) and a link to the entry: it returns the
// notifications, for the e-mail.
func (s *Store) CorrectProgress(ctx context.Context, ch Change, objectiveID, periodID int64, p plan.ObjectiveProgress, link string) ([]int64, error) {
	return s.saveProgress(ctx, ch, objectiveID, periodID, p, &link)
}

// saveProgress writes p as the objective's progress at the period, in one
// transaction under the cycle's lock (shared) and the objective's, read at ch.Version (0: never saved).
// The period must be of the objective's cycle, and every indicator and
// activity of p the objective's (else ErrNotFound); the period's entry must
// be open for the objective's centre unless correct. A value with nothing
// (no value, not "non rilevabile") and an activity with no months and no
// reason are removed. One audit record says what the progress was and is.
func (s *Store) saveProgress(ctx context.Context, ch Change, objectiveID, periodID int64, p plan.ObjectiveProgress, correction *string) ([]int64, error) {
	correct := correction != nil
	var notified []int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var cycleID int64
		var centre domain.CycleCentreID
		err := tx.QueryRow(ctx, `SELECT cycle_id, cycle_centre_id FROM objectives WHERE id = $1`, objectiveID).Scan(&cycleID, &centre)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("objective %d: %w", objectiveID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		// The cycle shared (plan changes, which take it exclusively, wait
		// for the saves and the saves for them), the objective exclusively:
		// the saves of one objective run one at a time, those of different
		// objectives at once.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM cycles WHERE id = $1 FOR SHARE`, cycleID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT 1 FROM objectives WHERE id = $1 FOR NO KEY UPDATE`, objectiveID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM periods WHERE id = $1 AND cycle_id = $2`, periodID, cycleID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("period %d of objective %d: %w", periodID, objectiveID, ErrNotFound)
		}
		if !correct {
			e, err := EntryStateTx(ctx, tx, periodID, centre, s.today())
			if err != nil {
				return err
			}
			if !e.Open {
				return &Conflict{Message: e.Message()}
			}
		}
		var id int64
		var current int
		err = tx.QueryRow(ctx, `SELECT id, version FROM progress_reports WHERE objective_id = $1 AND period_id = $2 FOR UPDATE`,
			objectiveID, periodID).Scan(&id, &current)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if current != ch.Version {
			var edits []Edit
			if id != 0 {
				if edits, err = editsSince(ctx, tx, audit.Progress, id, ch.Version); err != nil {
					return err
				}
			}
			return &StaleError{Entity: audit.Progress, ID: id, Read: ch.Version, Version: current, Edits: edits}
		}
		old, err := progressSnapshot(ctx, tx, objectiveID, periodID)
		if err != nil {
			return err
		}
		for _, v := range p.Values {
			var tag interface{ RowsAffected() int64 }
			if v.Value == nil && !v.NotMeasurable {
				tag, err = tx.Exec(ctx, `
					SELECT 1 FROM indicators WHERE id = $1 AND objective_id = $2`, v.IndicatorID, objectiveID)
				if err == nil && tag.RowsAffected() == 1 {
					_, err = tx.Exec(ctx, `DELETE FROM indicator_values WHERE indicator_id = $1 AND period_id = $2`, v.IndicatorID, periodID)
				}
			} else {
				tag, err = tx.Exec(ctx, `
					INSERT INTO indicator_values (indicator_id, period_id, value, not_measurable, reason)
					SELECT i.id, $2, $3, $4, $5 FROM indicators i WHERE i.id = $1 AND i.objective_id = $6
					ON CONFLICT (indicator_id, period_id) DO UPDATE
					SET value = EXCLUDED.value, not_measurable = EXCLUDED.not_measurable, reason = EXCLUDED.reason`,
					v.IndicatorID, periodID, v.Value, v.NotMeasurable, nullString(strings.TrimSpace(v.Reason)), objectiveID)
			}
			if err != nil {
				return conflictFrom(err)
			}
			if tag.RowsAffected() == 0 {
				return fmt.Errorf("indicator %d of objective %d: %w", v.IndicatorID, objectiveID, ErrNotFound)
			}
		}
		for _, a := range p.Activities {
			var tag interface{ RowsAffected() int64 }
			reason := strings.TrimSpace(a.Reason)
			if a.Actual.IsEmpty() && reason == "" {
				tag, err = tx.Exec(ctx, `SELECT 1 FROM activities WHERE id = $1 AND objective_id = $2`, a.ActivityID, objectiveID)
				if err == nil && tag.RowsAffected() == 1 {
					_, err = tx.Exec(ctx, `DELETE FROM activity_progress WHERE activity_id = $1 AND period_id = $2`, a.ActivityID, periodID)
				}
			} else {
				tag, err = tx.Exec(ctx, `
					INSERT INTO activity_progress (activity_id, period_id, actual_from, actual_to, actual_annual, reason)
					SELECT a.id, $2, $3, $4, $5, $6 FROM activities a WHERE a.id = $1 AND a.objective_id = $7
					ON CONFLICT (activity_id, period_id) DO UPDATE
					SET actual_from = EXCLUDED.actual_from, actual_to = EXCLUDED.actual_to,
					    actual_annual = EXCLUDED.actual_annual, reason = EXCLUDED.reason`,
					a.ActivityID, periodID, monthDate(a.Actual.From), monthDate(a.Actual.To), a.Actual.Annual, nullString(reason), objectiveID)
			}
			if err != nil {
				return conflictFrom(err)
			}
			if tag.RowsAffected() == 0 {
				return fmt.Errorf("activity %d of objective %d: %w", a.ActivityID, objectiveID, ErrNotFound)
			}
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO progress_reports (objective_id, period_id, status, text_html) VALUES ($1, $2, $3, $4)
			ON CONFLICT (objective_id, period_id) DO UPDATE
			SET status = EXCLUDED.status, text_html = EXCLUDED.text_html, version = progress_reports.version + 1
			RETURNING id`, objectiveID, periodID, nullString(string(p.Status)), p.TextHTML).Scan(&id); err != nil {
			return conflictFrom(err)
		}
		now, err := progressSnapshot(ctx, tx, objectiveID, periodID)
		if err != nil {
			return err
		}
		if !correct {
			return record(ctx, tx, ch.Actor, audit.SaveProgress, audit.Progress, id, old, now)
		}
		if err := record(ctx, tx, ch.Actor, audit.CorrectProgress, audit.Progress, id, old, now); err != nil {
			return err
		}
		managers, err := CentreManagers(ctx, tx, centre)
		if err != nil {
			return err
		}
		var objective int
		var end time.Time
		if err := tx.QueryRow(ctx, `SELECT o.number, pe.ends_on FROM objectives o, periods pe WHERE o.id = $1 AND pe.id = $2`,
			objectiveID, periodID).Scan(&objective, &end); err != nil {
			return err
		}
		text := fmt.Sprintf("Il direttore ha corretto l'avanzamento dell'obiettivo %d al %s.", objective, end.Format("02/01/2006"))
		if changed := progressChanges(old, now); changed != "" {
			text += " Valori cambiati: " + changed + "."
		} else {
			text += " Nessun valore è cambiato."
		}
		notified, err = Notify(ctx, tx, managers, text, *correction)
		return err
	})
	return notified, err
}

// progressSnapshot is an objective's progress at a period as the audit log
// keeps it, as data: the report's fields, each indicator's entry (its name
// and unit, the value or "non rilevabile", the reason) and each activity's
// actual months (its position, the months, the reason), in the plan's
// order. The Registro writes them in Italian.
func progressSnapshot(ctx context.Context, tx pgx.Tx, objectiveID, periodID int64) (audit.Snapshot, error) {
	var endsOn time.Time
	var status *string
	var text string
	var version int
	err := tx.QueryRow(ctx, `
		SELECT pe.ends_on, pr.status, coalesce(pr.text_html, ''), coalesce(pr.version, 0)
		FROM periods pe LEFT JOIN progress_reports pr ON pr.period_id = pe.id AND pr.objective_id = $1
		WHERE pe.id = $2`, objectiveID, periodID).Scan(&endsOn, &status, &text, &version)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `
		SELECT i.name, i.unit, v.value, v.not_measurable, coalesce(v.reason, '')
		FROM indicators i JOIN indicator_values v ON v.indicator_id = i.id AND v.period_id = $2
		WHERE i.objective_id = $1 ORDER BY i.position`, objectiveID, periodID)
	if err != nil {
		return nil, err
	}
	values := []audit.Snapshot{}
	for rows.Next() {
		var name, unit, reason string
		var value *float64
		var nm bool
		if err := rows.Scan(&name, &unit, &value, &nm, &reason); err != nil {
			rows.Close()
			return nil, err
		}
		values = append(values, audit.Snapshot{audit.KeyName: name, audit.KeyUnit: unit, audit.KeyValue: value,
			audit.KeyNotMeasurable: nm, audit.KeyReason: reason})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.Query(ctx, `
		SELECT a.position, p.actual_from, p.actual_to, p.actual_annual, coalesce(p.reason, ''), c.year
		FROM activities a JOIN activity_progress p ON p.activity_id = a.id AND p.period_id = $2
		JOIN objectives o ON o.id = a.objective_id JOIN cycles c ON c.id = o.cycle_id
		WHERE a.objective_id = $1 ORDER BY a.position`, objectiveID, periodID)
	if err != nil {
		return nil, err
	}
	activities := []audit.Snapshot{}
	for rows.Next() {
		var pos, year int
		var from, to *time.Time
		var annual bool
		var reason string
		if err := rows.Scan(&pos, &from, &to, &annual, &reason, &year); err != nil {
			rows.Close()
			return nil, err
		}
		activities = append(activities, audit.Snapshot{audit.KeyPosition: pos, audit.KeyFrom: monthOf(from), audit.KeyTo: monthOf(to),
			audit.KeyAnnual: annual, audit.KeyYear: year, audit.KeyReason: reason})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return audit.Snapshot{
		audit.KeyObjectiveID: objectiveID,
		audit.KeyPeriodID:    periodID,
		audit.KeyEndsOn:      endsOn.Format(time.DateOnly),
		audit.KeyStatus:      deref(status),
		audit.KeyTextHTML:    text,
		audit.KeyValues:      values,
		audit.KeyActivities:  activities,
		audit.KeyVersion:     version,
	}, nil
}

// monthOf is a month as a snapshot keeps it, "2023-09"; nil for none.
func monthOf(t *time.Time) *string {
	if m := dateMonth(t); m != nil {
		s := m.String()
		return &s
	}
	return nil
}

// SetTargets sets an indicator's intermediate targets, by period id (nil
// removes the period's target), read at the indicator's version ch.Version.
// Targets are part of the plan: once it is approved, a change is a
// variation. A period not of the indicator's cycle is ErrNotFound.
func (s *Store) SetTargets(ctx context.Context, ch Change, indicatorID int64, targets map[int64]*float64) error {
	cycleID, err := s.cycleOfRow(ctx, indicatorTable, indicatorID)
	if err != nil {
		return err
	}
	return s.inPlan(ctx, ch, cycleID, func(tx pgx.Tx) (auditRecord, error) {
		if err := lockVersion(ctx, tx, "indicators", audit.Indicator, indicatorID, ch.Version); err != nil {
			return auditRecord{}, err
		}
		before, err := targetsText(ctx, tx, indicatorID)
		if err != nil {
			return auditRecord{}, err
		}
		for pid, t := range targets {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM periods WHERE id = $1 AND cycle_id = $2`, pid, cycleID).Scan(&n); err != nil {
				return auditRecord{}, err
			}
			if n == 0 {
				return auditRecord{}, fmt.Errorf("period %d: %w", pid, ErrNotFound)
			}
			if t == nil {
				_, err = tx.Exec(ctx, `DELETE FROM indicator_targets WHERE indicator_id = $1 AND period_id = $2`, indicatorID, pid)
			} else {
				_, err = tx.Exec(ctx, `
					INSERT INTO indicator_targets (indicator_id, period_id, target) VALUES ($1, $2, $3)
					ON CONFLICT (indicator_id, period_id) DO UPDATE SET target = EXCLUDED.target`, indicatorID, pid, *t)
			}
			if err != nil {
				return auditRecord{}, conflictFrom(err)
			}
		}
		after, err := targetsText(ctx, tx, indicatorID)
		if err != nil {
			return auditRecord{}, err
		}
		if _, err := tx.Exec(ctx, `UPDATE indicators SET version = version + 1 WHERE id = $1`, indicatorID); err != nil {
			return auditRecord{}, err
		}
		old := fmt.Appendf(nil, `{"targets": %q, "version": %d}`, before, ch.Version)
		now := fmt.Appendf(nil, `{"targets": %q, "version": %d}`, after, ch.Version+1)
		return auditRecord{action: audit.Update, entity: audit.Indicator, id: indicatorID, old: old, new: now}, nil
	})
}

// targetsText writes an indicator's targets in words: "31/03/2024: 5; …".
func targetsText(ctx context.Context, tx pgx.Tx, indicatorID int64) (string, error) {
	rows, err := tx.Query(ctx, `
		SELECT pe.ends_on, t.target FROM indicator_targets t JOIN periods pe ON pe.id = t.period_id
		WHERE t.indicator_id = $1 ORDER BY pe.ends_on`, indicatorID)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var on time.Time
		var t float64
		if err := rows.Scan(&on, &t); err != nil {
			return "", err
		}
		out = append(out, on.Format("02/01/2006")+": "+strings.Replace(strconv.FormatFloat(t, 'f', -1, 64), ".", ",", 1))
	}
	return strings.Join(out, "; "), rows.Err()
}

// ProgressSavedSince is the set of objectives whose progress at period
// periodID was saved (or corrected) after since, read from the audit log:
// what a centre changed after its period was returned. One statement.
func (s *Store) ProgressSavedSince(ctx context.Context, periodID int64, since time.Time) (map[int64]bool, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT DISTINCT (new_value->>'objective_id')::bigint FROM audit_log
		WHERE entity = $1 AND at > $2 AND (new_value->>'period_id')::bigint = $3`, string(audit.Progress), since, periodID)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}
