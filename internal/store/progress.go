package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
// transaction under the cycle's lock (shared) and the objective's, read at
// ch.Version (0: never saved). The period must be of the objective's cycle,
// and every indicator and activity of p the objective's (else
// ErrNotFound); the period's entry must be open for the objective's centre
// unless correct. A value with nothing (no value, not "non rilevabile")
// and an activity with no months and no reason are removed. One audit
// record says what the progress was and is.
//
// It reads and writes the objective alone, in four statements whatever
// its size: one reads and locks what the save is judged on (progressRead),
// one writes the values, the activities, the report and the audit record
// at once (progressWrite), and the transaction's begin and commit. The
// director's correction adds the notification of the centre's managers.
func (s *Store) saveProgress(ctx context.Context, ch Change, objectiveID, periodID int64, p plan.ObjectiveProgress, correction *string) ([]int64, error) {
	correct := correction != nil
	var notified []int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		st, err := readProgress(ctx, tx, objectiveID, periodID)
		if err != nil {
			return err
		}
		if !correct {
			if e := plan.Entry(st.entry, s.today()); !e.Open {
				return &Conflict{Message: e.Message()}
			}
		}
		if st.Version != ch.Version {
			var edits []Edit
			if st.ReportID != 0 {
				if edits, err = editsSince(ctx, tx, audit.Progress, st.ReportID, ch.Version); err != nil {
					return err
				}
			}
			return &StaleError{Entity: audit.Progress, ID: st.ReportID, Read: ch.Version, Version: st.Version, Edits: edits}
		}
		now, err := st.with(objectiveID, p)
		if err != nil {
			return err
		}
		old := st.snapshot(objectiveID, periodID)
		rec := auditRecord{action: audit.SaveProgress, entity: audit.Progress}
		if correct {
			rec = auditRecord{action: audit.CorrectProgress, entity: audit.Progress}
		}
		if err := now.write(ctx, tx, ch.Actor, rec, objectiveID, periodID, old); err != nil {
			return err
		}
		if !correct {
			return nil
		}
		managers, err := CentreManagers(ctx, tx, st.centre)
		if err != nil {
			return err
		}
		text := fmt.Sprintf("Il direttore ha corretto l'avanzamento dell'obiettivo %d al %s.", st.number, st.EndsOn.Format("02/01/2006"))
		if changed := progressChanges(old, now.snapshot(objectiveID, periodID)); changed != "" {
			text += " Valori cambiati: " + changed + "."
		} else {
			text += " Nessun valore è cambiato."
		}
		notified, err = Notify(ctx, tx, managers, text, *correction)
		return err
	})
	return notified, err
}

// progressState is an objective's progress at a period as stored (or as
// a save is about to store it), with what the audit snapshot names it by:
// each indicator's name and unit, each activity's position, in the plan's
// order. readProgress reads it with the facts a save is judged on.
type progressState struct {
	EndsOn     time.Time
	Year       int
	ReportID   int64
	Version    int
	Status     *string
	TextHTML   string
	Indicators []indicatorProgress
	Activities []activityProgress

	// What the save is judged on, not part of the progress.
	centre domain.CycleCentreID
	number int
	entry  plan.EntryFacts
}

// indicatorProgress is an indicator of the objective and its value at the
// period; Has is false when it has none.
type indicatorProgress struct {
	ID            int64    `json:"id"`
	Name          string   `json:"name"`
	Unit          string   `json:"unit"`
	Has           bool     `json:"has"`
	Value         *float64 `json:"value"`
	NotMeasurable bool     `json:"not_measurable"`
	Reason        string   `json:"reason"`
}

// activityProgress is an activity of the objective and its actual months
// at the period; Has is false when it has none.
type activityProgress struct {
	ID       int64      `json:"id"`
	Position int        `json:"position"`
	Has      bool       `json:"has"`
	From     *time.Time `json:"from"`
	To       *time.Time `json:"to"`
	Annual   bool       `json:"annual"`
	Reason   string     `json:"reason"`
}

// readProgress reads, in one statement, the objective's progress at the
// period and the facts its save is judged on, taking the locks of a save:
// the cycle shared (plan changes, which take it exclusively, wait for the
// saves and the saves for them), the objective exclusively (the saves of
// one objective run one at a time, those of different objectives at once)
// and the submission of the centre's period shared (sending and reviewing
// it, which take it exclusively, wait for the saves). ErrNotFound when the
// objective does not exist or the period is not of its cycle.
func readProgress(ctx context.Context, tx pgx.Tx, objectiveID, periodID int64) (*progressState, error) {
	st := &progressState{}
	var state *string
	var until *time.Time
	var hasPeriod bool
	var rows []byte
	err := tx.QueryRow(ctx, `
		SELECT o.cycle_centre_id, o.number, c.year, pe.id IS NOT NULL,
		       coalesce(pe.ends_on, 'epoch'), coalesce(pe.opens_on, 'epoch'), coalesce(pe.closes_on, 'epoch'),
		       (SELECT r.until FROM period_reopenings r WHERE r.period_id = pe.id AND r.cycle_centre_id = o.cycle_centre_id ORDER BY r.id DESC LIMIT 1),
		       s.state, coalesce(pr.id, 0), coalesce(pr.version, 0), pr.status, coalesce(pr.text_html, ''),
		       json_build_object(
		           'indicators', coalesce((SELECT json_agg(json_build_object('id', i.id, 'name', i.name, 'unit', i.unit,
		               'has', v.indicator_id IS NOT NULL, 'value', v.value, 'not_measurable', coalesce(v.not_measurable, false),
		               'reason', coalesce(v.reason, '')) ORDER BY i.position)
		               FROM indicators i LEFT JOIN indicator_values v ON v.indicator_id = i.id AND v.period_id = pe.id
		               WHERE i.objective_id = o.id), '[]'),
		           'activities', coalesce((SELECT json_agg(json_build_object('id', a.id, 'position', a.position,
		               'has', ap.activity_id IS NOT NULL, 'from', ap.actual_from, 'to', ap.actual_to,
		               'annual', coalesce(ap.actual_annual, false), 'reason', coalesce(ap.reason, '')) ORDER BY a.position)
		               FROM activities a LEFT JOIN activity_progress ap ON ap.activity_id = a.id AND ap.period_id = pe.id
		               WHERE a.objective_id = o.id), '[]'))
		FROM objectives o JOIN cycles c ON c.id = o.cycle_id
		LEFT JOIN periods pe ON pe.id = $2 AND pe.cycle_id = o.cycle_id
		LEFT JOIN LATERAL (SELECT state FROM submissions WHERE period_id = pe.id AND cycle_centre_id = o.cycle_centre_id FOR SHARE) s ON true
		LEFT JOIN progress_reports pr ON pr.objective_id = o.id AND pr.period_id = pe.id
		WHERE o.id = $1
		FOR SHARE OF c FOR NO KEY UPDATE OF o`, objectiveID, periodID).Scan(
		&st.centre, &st.number, &st.Year, &hasPeriod, &st.EndsOn, &st.entry.OpensOn, &st.entry.ClosesOn,
		&until, &state, &st.ReportID, &st.Version, &st.Status, &st.TextHTML, &rows)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("objective %d: %w", objectiveID, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if !hasPeriod {
		return nil, fmt.Errorf("period %d of objective %d: %w", periodID, objectiveID, ErrNotFound)
	}
	if until != nil {
		st.entry.ReopenedUntil = *until
	}
	if state != nil {
		st.entry.State = plan.SubmissionState(*state)
	}
	var items struct {
		Indicators []indicatorProgress `json:"indicators"`
		Activities []struct {
			activityProgress
			From *string `json:"from"`
			To   *string `json:"to"`
		} `json:"activities"`
	}
	if err := json.Unmarshal(rows, &items); err != nil {
		return nil, fmt.Errorf("progress of objective %d: %w", objectiveID, err)
	}
	st.Indicators = items.Indicators
	for _, a := range items.Activities {
		x := a.activityProgress
		if x.From, err = jsonDate(a.From); err == nil {
			x.To, err = jsonDate(a.To)
		}
		if err != nil {
			return nil, err
		}
		st.Activities = append(st.Activities, x)
	}
	return st, nil
}

// jsonDate is a date as json_build_object writes it, "2023-09-01".
func jsonDate(s *string) (*time.Time, error) {
	if s == nil {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, *s)
	return &t, err
}

// with is the progress st becomes once p is saved: p's entries replace
// the objective's own (the last one of an indicator or activity named
// twice), an empty one removes it, and the report is p's at the next
// version. An indicator or activity of p not the objective's is
// ErrNotFound.
func (st *progressState) with(objectiveID int64, p plan.ObjectiveProgress) (*progressState, error) {
	now := *st
	now.Indicators = slices.Clone(st.Indicators)
	now.Activities = slices.Clone(st.Activities)
	for _, v := range p.Values {
		i := slices.IndexFunc(now.Indicators, func(x indicatorProgress) bool { return x.ID == v.IndicatorID })
		if i < 0 {
			return nil, fmt.Errorf("indicator %d of objective %d: %w", v.IndicatorID, objectiveID, ErrNotFound)
		}
		x := &now.Indicators[i]
		x.Has = v.Value != nil || v.NotMeasurable
		x.Value, x.NotMeasurable, x.Reason = nil, false, ""
		if x.Has {
			x.Value, x.NotMeasurable, x.Reason = v.Value, v.NotMeasurable, strings.TrimSpace(v.Reason)
		}
	}
	for _, a := range p.Activities {
		i := slices.IndexFunc(now.Activities, func(x activityProgress) bool { return x.ID == a.ActivityID })
		if i < 0 {
			return nil, fmt.Errorf("activity %d of objective %d: %w", a.ActivityID, objectiveID, ErrNotFound)
		}
		x := &now.Activities[i]
		reason := strings.TrimSpace(a.Reason)
		x.Has = !a.Actual.IsEmpty() || reason != ""
		x.From, x.To, x.Annual, x.Reason = nil, nil, false, ""
		if x.Has {
			x.From, x.To, x.Annual, x.Reason = monthDate(a.Actual.From), monthDate(a.Actual.To), a.Actual.Annual, reason
		}
	}
	now.Status, now.TextHTML = nullString(string(p.Status)), p.TextHTML
	now.Version++ // a report not saved yet is at 0, and inserted at 1
	return &now, nil
}

// write stores st as the objective's progress at the period with its audit
// record rec (its action and entity; old is what the progress was), in one
// statement.
func (st *progressState) write(ctx context.Context, tx pgx.Tx, a Actor, rec auditRecord, objectiveID, periodID int64, old audit.Snapshot) error {
	var dropValues, valueIDs, dropActs, actIDs []int64
	var values []*float64
	var nm, annual []bool
	var valueReasons, actReasons []*string
	var from, to []*time.Time
	for _, v := range st.Indicators {
		if !v.Has {
			dropValues = append(dropValues, v.ID)
			continue
		}
		valueIDs, values, nm, valueReasons = append(valueIDs, v.ID), append(values, v.Value), append(nm, v.NotMeasurable), append(valueReasons, nullString(v.Reason))
	}
	for _, x := range st.Activities {
		if !x.Has {
			dropActs = append(dropActs, x.ID)
			continue
		}
		actIDs, from, to, annual, actReasons = append(actIDs, x.ID), append(from, x.From), append(to, x.To), append(annual, x.Annual), append(actReasons, nullString(x.Reason))
	}
	oldJSON, err := json.Marshal(old)
	if err != nil {
		return err
	}
	newJSON, err := json.Marshal(st.snapshot(objectiveID, periodID))
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
		WITH drop_values AS (
		    DELETE FROM indicator_values WHERE period_id = $2 AND indicator_id = ANY($3::bigint[])
		), set_values AS (
		    INSERT INTO indicator_values (indicator_id, period_id, value, not_measurable, reason)
		    SELECT u.id, $2, u.value, u.nm, u.reason FROM unnest($4::bigint[], $5::numeric[], $6::boolean[], $7::text[]) AS u (id, value, nm, reason)
		    ON CONFLICT (indicator_id, period_id) DO UPDATE
		    SET value = EXCLUDED.value, not_measurable = EXCLUDED.not_measurable, reason = EXCLUDED.reason
		), drop_activities AS (
		    DELETE FROM activity_progress WHERE period_id = $2 AND activity_id = ANY($8::bigint[])
		), set_activities AS (
		    INSERT INTO activity_progress (activity_id, period_id, actual_from, actual_to, actual_annual, reason)
		    SELECT u.id, $2, u.f, u.t, u.annual, u.reason FROM unnest($9::bigint[], $10::date[], $11::date[], $12::boolean[], $13::text[]) AS u (id, f, t, annual, reason)
		    ON CONFLICT (activity_id, period_id) DO UPDATE
		    SET actual_from = EXCLUDED.actual_from, actual_to = EXCLUDED.actual_to,
		        actual_annual = EXCLUDED.actual_annual, reason = EXCLUDED.reason
		), report AS (
		    INSERT INTO progress_reports (objective_id, period_id, status, text_html) VALUES ($1, $2, $14, $15)
		    ON CONFLICT (objective_id, period_id) DO UPDATE
		    SET status = EXCLUDED.status, text_html = EXCLUDED.text_html, version = progress_reports.version + 1
		    RETURNING id
		)
		INSERT INTO audit_log (user_id, actor, action, entity, entity_id, old_value, new_value)
		SELECT $16, $17, $18, $19, report.id, $20, $21 FROM report`,
		objectiveID, periodID, dropValues, valueIDs, values, nm, valueReasons, dropActs, actIDs, from, to, annual, actReasons,
		st.Status, st.TextHTML, a.UserID, a.Name, rec.action, rec.entity, oldJSON, newJSON)
	return conflictFrom(err)
}

// snapshot is st as the audit log keeps it, as data: the report's fields,
// each indicator's entry (its name and unit, the value or "non
// rilevabile", the reason) and each activity's actual months (its
// position, the months, the reason), in the plan's order. The Registro
// writes them in Italian.
func (st *progressState) snapshot(objectiveID, periodID int64) audit.Snapshot {
	values := []audit.Snapshot{}
	for _, v := range st.Indicators {
		if v.Has {
			values = append(values, audit.Snapshot{audit.KeyName: v.Name, audit.KeyUnit: v.Unit, audit.KeyValue: v.Value,
				audit.KeyNotMeasurable: v.NotMeasurable, audit.KeyReason: v.Reason})
		}
	}
	activities := []audit.Snapshot{}
	for _, x := range st.Activities {
		if x.Has {
			activities = append(activities, audit.Snapshot{audit.KeyPosition: x.Position, audit.KeyFrom: monthOf(x.From), audit.KeyTo: monthOf(x.To),
				audit.KeyAnnual: x.Annual, audit.KeyYear: st.Year, audit.KeyReason: x.Reason})
		}
	}
	return audit.Snapshot{
		audit.KeyObjectiveID: objectiveID,
		audit.KeyPeriodID:    periodID,
		audit.KeyEndsOn:      st.EndsOn.Format(time.DateOnly),
		audit.KeyStatus:      deref(st.Status),
		audit.KeyTextHTML:    st.TextHTML,
		audit.KeyValues:      values,
		audit.KeyActivities:  activities,
		audit.KeyVersion:     st.Version,
	}
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
