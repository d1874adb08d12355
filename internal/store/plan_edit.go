package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/audit"
	"traguardo/internal/domain"
	"traguardo/internal/names"
	"traguardo/internal/plan"
)

// Change says who makes a change to a plan, the version of the record it was
// read at and, once the plan is approved, the variation it is part of.
type Change struct {
	Actor Actor
	// Version is the version of the record the change was read at: an update
	// or a deletion of a record changed since is refused with a StaleError.
	// Creations and moves ignore it.
	Version   int
	Variation *Variation
}

// Variation is a change to an approved plan: when it was decided and why.
type Variation struct {
	On     time.Time
	Reason string
}

// ErrPlanFrozen is returned for a change to an approved plan that does not
// come as a variation.
var ErrPlanFrozen = &Conflict{Message: "il piano è approvato: una modifica è una variazione, con data e motivazione"}

// planTable names a plan table and how to find its cycle; the names are
// constants, never user input.
type planTable struct {
	name    string // table
	entity  audit.Entity
	parent  string // column holding the parent id, ordering scope
	cycleOf string // query returning the cycle id of a row
}

var (
	centreTable = planTable{"cycle_centres", audit.Centre, "cycle_id",
		`SELECT cycle_id FROM cycle_centres WHERE id = $1`}
	objectiveTable = planTable{"objectives", audit.Objective, "cycle_centre_id",
		`SELECT cycle_id FROM objectives WHERE id = $1`}
	activityTable = planTable{"activities", audit.Activity, "objective_id",
		`SELECT o.cycle_id FROM activities a JOIN objectives o ON o.id = a.objective_id WHERE a.id = $1`}
	indicatorTable = planTable{"indicators", audit.Indicator, "objective_id",
		`SELECT o.cycle_id FROM indicators i JOIN objectives o ON o.id = i.objective_id WHERE i.id = $1`}
)

// inPlan runs fn in a transaction that holds the cycle's row lock, after
// checking that the change may be made: an approved plan only changes by
// variation. fn returns what to record: the action, entity, id and the
// values before and after.
func (s *Store) inPlan(ctx context.Context, ch Change, cycleID int64, fn func(tx pgx.Tx) (auditRecord, error)) error {
	var approved bool
	var year int
	err := s.write(ctx, func(tx pgx.Tx) error {
		var approvedOn *time.Time
		err := tx.QueryRow(ctx, `SELECT approved_on, year FROM cycles WHERE id = $1 FOR UPDATE`, cycleID).Scan(&approvedOn, &year)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		approved = approvedOn != nil
		if approved && ch.Variation == nil {
			return ErrPlanFrozen
		}
		if approved {
			if p := plan.VariationDateProblem(*approvedOn, Day(ch.Variation.On), s.today()); p != "" {
				return &Conflict{Message: p, Field: FieldVariationOn}
			}
		}
		rec, err := fn(tx)
		if err != nil {
			return err
		}
		if err := record(ctx, tx, ch.Actor, rec.action, rec.entity, rec.id, rawJSON(rec.old), rawJSON(rec.new)); err != nil {
			return err
		}
		if approved {
			if _, err := tx.Exec(ctx, `
				INSERT INTO variations (cycle_id, decided_on, reason, action, entity, entity_id, old_value, new_value, user_id, actor)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
				cycleID, ch.Variation.On, ch.Variation.Reason, rec.action, rec.entity, rec.id,
				rawJSON(rec.old), rawJSON(rec.new), ch.Actor.UserID, ch.Actor.Name); err != nil {
				return fmt.Errorf("record variation: %w", err)
			}
		}
		return nil
	})
	if err == nil && approved {
		s.adoptedHook(ctx, year)
	}
	return err
}

type auditRecord struct {
	action   audit.Action
	entity   audit.Entity
	id       int64
	old, new []byte // JSON snapshots of the row
}

// rawJSON passes a JSON snapshot to record and to the variations as JSON (a []byte would be
// encoded as base64); no snapshot is no value.
func rawJSON(b []byte) any {
	if b == nil {
		return nil
	}
	return json.RawMessage(b)
}

// snapshot is the row as JSON, for the audit log and variations.
func snapshot(ctx context.Context, tx pgx.Tx, t planTable, id int64) ([]byte, error) {
	var b []byte
	err := tx.QueryRow(ctx, `SELECT to_jsonb(t) FROM `+t.name+` t WHERE id = $1`, id).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	return b, err
}

// cycleOfRow finds the cycle a plan row belongs to.
func (s *Store) cycleOfRow(ctx context.Context, t planTable, id int64) (int64, error) {
	var cycleID int64
	err := s.pool.QueryRow(ctx, t.cycleOf, id).Scan(&cycleID)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("%s %d: %w", t.entity, id, ErrNotFound)
	}
	return cycleID, err
}

// updateRow applies an UPDATE to one plan row, read at ch.Version, and
// records it. The UPDATE increments the version.
func (s *Store) updateRow(ctx context.Context, ch Change, t planTable, id int64, sql string, args ...any) error {
	cycleID, err := s.cycleOfRow(ctx, t, id)
	if err != nil {
		return err
	}
	return s.inPlan(ctx, ch, cycleID, func(tx pgx.Tx) (auditRecord, error) {
		if err := lockVersion(ctx, tx, t.name, t.entity, id, ch.Version); err != nil {
			return auditRecord{}, err
		}
		old, err := snapshot(ctx, tx, t, id)
		if err != nil {
			return auditRecord{}, err
		}
		tag, err := tx.Exec(ctx, sql, append([]any{id}, args...)...)
		if err != nil {
			return auditRecord{}, conflictFrom(err)
		}
		if tag.RowsAffected() == 0 {
			// The row exists (snapshot found it): the statement's own guard refused.
			return auditRecord{}, errGuard
		}
		now, err := snapshot(ctx, tx, t, id)
		return auditRecord{action: audit.Update, entity: t.entity, id: id, old: old, new: now}, err
	})
}

// deleteRow deletes a plan row, read at ch.Version (its children go with
// it), and records it. Closing the gap in the positions of the row's
// siblings is no change of theirs: their versions stay.
func (s *Store) deleteRow(ctx context.Context, ch Change, t planTable, id int64) error {
	cycleID, err := s.cycleOfRow(ctx, t, id)
	if err != nil {
		return err
	}
	return s.inPlan(ctx, ch, cycleID, func(tx pgx.Tx) (auditRecord, error) {
		if err := lockVersion(ctx, tx, t.name, t.entity, id, ch.Version); err != nil {
			return auditRecord{}, err
		}
		old, err := snapshot(ctx, tx, t, id)
		if err != nil {
			return auditRecord{}, err
		}
		var parent int64
		var pos int
		if err := tx.QueryRow(ctx, `DELETE FROM `+t.name+` WHERE id = $1 RETURNING `+t.parent+`, position`, id).Scan(&parent, &pos); err != nil {
			return auditRecord{}, err
		}
		// Close the gap, so positions stay 0..n-1.
		if _, err := tx.Exec(ctx, `SET CONSTRAINTS ALL DEFERRED`); err != nil {
			return auditRecord{}, err
		}
		if _, err := tx.Exec(ctx, `UPDATE `+t.name+` SET position = position - 1 WHERE `+t.parent+` = $1 AND position > $2`, parent, pos); err != nil {
			return auditRecord{}, err
		}
		return auditRecord{action: audit.Delete, entity: t.entity, id: id, old: old}, nil
	})
}

// moveRow swaps a plan row with its neighbour: delta -1 moves it up, +1 down.
// At either end it does nothing. The order is the parent's, not a field of
// the row: a move neither checks nor changes a version.
func (s *Store) moveRow(ctx context.Context, ch Change, t planTable, id int64, delta int) error {
	if delta != -1 && delta != 1 {
		return fmt.Errorf("move by %d", delta)
	}
	cycleID, err := s.cycleOfRow(ctx, t, id)
	if err != nil {
		return err
	}
	return s.inPlan(ctx, ch, cycleID, func(tx pgx.Tx) (auditRecord, error) {
		var parent int64
		var pos int
		if err := tx.QueryRow(ctx, `SELECT `+t.parent+`, position FROM `+t.name+` WHERE id = $1`, id).Scan(&parent, &pos); err != nil {
			return auditRecord{}, err
		}
		if _, err := tx.Exec(ctx, `SET CONSTRAINTS ALL DEFERRED`); err != nil {
			return auditRecord{}, err
		}
		tag, err := tx.Exec(ctx, `UPDATE `+t.name+` SET position = $3 WHERE `+t.parent+` = $1 AND position = $2`, parent, pos+delta, pos)
		if err != nil {
			return auditRecord{}, err
		}
		if tag.RowsAffected() == 1 {
			if _, err := tx.Exec(ctx, `UPDATE `+t.name+` SET position = $2 WHERE id = $1`, id, pos+delta); err != nil {
				return auditRecord{}, err
			}
		}
		return auditRecord{action: audit.Move, entity: t.entity, id: id,
			old: fmt.Appendf(nil, `{"position": %d}`, pos), new: fmt.Appendf(nil, `{"position": %d}`, pos+delta*int(tag.RowsAffected()))}, nil
	})
}

// insertRow appends a plan row at the end of its parent and records it.
// sql inserts with $1 = parent id and $2 = position, then the args, and
// returns the id.
func (s *Store) insertRow(ctx context.Context, ch Change, t planTable, cycleID, parent int64, sql string, args ...any) (int64, error) {
	var id int64
	err := s.inPlan(ctx, ch, cycleID, func(tx pgx.Tx) (auditRecord, error) {
		var pos int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(position) + 1, 0) FROM `+t.name+` WHERE `+t.parent+` = $1`, parent).Scan(&pos); err != nil {
			return auditRecord{}, err
		}
		if err := tx.QueryRow(ctx, sql, append([]any{parent, pos}, args...)...).Scan(&id); err != nil {
			return auditRecord{}, conflictFrom(err)
		}
		now, err := snapshot(ctx, tx, t, id)
		return auditRecord{action: audit.Create, entity: t.entity, id: id, new: now}, err
	})
	return id, err
}

// CreateObjective appends an objective to a centre of a cycle.
func (s *Store) CreateObjective(ctx context.Context, ch Change, centre domain.CycleCentreID, o *plan.Objective) (int64, error) {
	centreRowID := int64(centre)
	cycleID, err := s.cycleOfRow(ctx, centreTable, centreRowID)
	if err != nil {
		return 0, err
	}
	return s.insertRow(ctx, ch, objectiveTable, cycleID, centreRowID, `
		INSERT INTO objectives (cycle_centre_id, position, cycle_id, section, number, title, strategic_area,
			operational_objective, peg_project, services, end_users, networks, description_html, weight, group_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, objective_group_for($3, $15)) RETURNING id`,
		cycleID, o.Section, o.Number, names.Clean(o.Title), o.StrategicArea, o.OperationalObjective, o.PEGProject,
		o.Services, o.EndUsers, o.Networks, o.DescriptionHTML, o.Weight, o.Group)
}

// UpdateObjective replaces the fields of an objective.
func (s *Store) UpdateObjective(ctx context.Context, ch Change, id int64, o *plan.Objective) error {
	return s.updateRow(ctx, ch, objectiveTable, id, `
		UPDATE objectives SET section = $2, number = $3, title = $4, strategic_area = $5, operational_objective = $6,
			peg_project = $7, services = $8, end_users = $9, networks = $10, description_html = $11, weight = $12,
			group_id = objective_group_for(cycle_id, $13), version = version + 1
		WHERE id = $1`,
		o.Section, o.Number, names.Clean(o.Title), o.StrategicArea, o.OperationalObjective, o.PEGProject,
		o.Services, o.EndUsers, o.Networks, o.DescriptionHTML, o.Weight, o.Group)
}

// DeleteObjective deletes an objective with its activities, indicators,
// values and reports.
func (s *Store) DeleteObjective(ctx context.Context, ch Change, id int64) error {
	return s.deleteRow(ctx, ch, objectiveTable, id)
}

// MoveObjective moves an objective up (-1) or down (+1) within its centre.
func (s *Store) MoveObjective(ctx context.Context, ch Change, id int64, delta int) error {
	return s.moveRow(ctx, ch, objectiveTable, id, delta)
}

// CreateActivity appends an activity to an objective.
func (s *Store) CreateActivity(ctx context.Context, ch Change, objectiveID int64, a *plan.Activity) (int64, error) {
	cycleID, err := s.cycleOfRow(ctx, objectiveTable, objectiveID)
	if err != nil {
		return 0, err
	}
	return s.insertRow(ctx, ch, activityTable, cycleID, objectiveID, `
		INSERT INTO activities (objective_id, position, description, planned_from, planned_to, planned_annual)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		a.Description, monthDate(a.Planned.From), monthDate(a.Planned.To), a.Planned.Annual)
}

// UpdateActivity replaces an activity's description and planned months.
func (s *Store) UpdateActivity(ctx context.Context, ch Change, id int64, a *plan.Activity) error {
	return s.updateRow(ctx, ch, activityTable, id, `
		UPDATE activities SET description = $2, planned_from = $3, planned_to = $4, planned_annual = $5,
			version = version + 1 WHERE id = $1`,
		a.Description, monthDate(a.Planned.From), monthDate(a.Planned.To), a.Planned.Annual)
}

// DeleteActivity deletes an activity with its progress.
func (s *Store) DeleteActivity(ctx context.Context, ch Change, id int64) error {
	return s.deleteRow(ctx, ch, activityTable, id)
}

// MoveActivity moves an activity up (-1) or down (+1) within its objective.
func (s *Store) MoveActivity(ctx context.Context, ch Change, id int64, delta int) error {
	return s.moveRow(ctx, ch, activityTable, id, delta)
}

// CreateIndicator appends an indicator to an objective.
func (s *Store) CreateIndicator(ctx context.Context, ch Change, objectiveID int64, in *plan.Indicator) (int64, error) {
	cycleID, err := s.cycleOfRow(ctx, objectiveTable, objectiveID)
	if err != nil {
		return 0, err
	}
	return s.insertRow(ctx, ch, indicatorTable, cycleID, objectiveID, `
		INSERT INTO indicators (objective_id, position, name, description, unit, polarity, weight, expected)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		names.Clean(in.Name), in.Description, string(in.Unit), string(in.Polarity), in.Weight, in.Expected)
}

// errGuard is a guarded update that its guard refused.
var errGuard = errors.New("update refused by its guard")

// UpdateIndicator replaces an indicator's definition (not its values). An
// indicator whose values are not all 0 or 1 cannot become si/no.
func (s *Store) UpdateIndicator(ctx context.Context, ch Change, id int64, in *plan.Indicator) error {
	err := s.updateRow(ctx, ch, indicatorTable, id, `
		UPDATE indicators SET name = $2, description = $3, unit = $4, polarity = $5, weight = $6, expected = $7,
			version = version + 1
		WHERE id = $1 AND ($4 <> 'si/no' OR NOT EXISTS (
			SELECT 1 FROM indicator_values v WHERE v.indicator_id = $1 AND v.value NOT IN (0, 1)))`,
		names.Clean(in.Name), in.Description, string(in.Unit), string(in.Polarity), in.Weight, in.Expected)
	if errors.Is(err, errGuard) {
		return &Conflict{Message: "l'indicatore ha già valori numerici: non può diventare si/no"}
	}
	return err
}

// DeleteIndicator deletes an indicator with its values.
func (s *Store) DeleteIndicator(ctx context.Context, ch Change, id int64) error {
	return s.deleteRow(ctx, ch, indicatorTable, id)
}

// MoveIndicator moves an indicator up (-1) or down (+1) within its objective.
func (s *Store) MoveIndicator(ctx context.Context, ch Change, id int64, delta int) error {
	return s.moveRow(ctx, ch, indicatorTable, id, delta)
}

// ApprovePlan records the act approving a cycle's plan, read at version;
// from then on the plan changes only by variation.
func (s *Store) ApprovePlan(ctx context.Context, a Actor, year, version int, act string, on time.Time) error {
	return s.approval(ctx, a, year, version, act, on, false)
}

// CorrectApproval corrects the act or the date of an approved plan, read at
// version (a wrong number or day typed at the approval): audited, and never
// to a day after a variation already decided.
func (s *Store) CorrectApproval(ctx context.Context, a Actor, year, version int, act string, on time.Time) error {
	return s.approval(ctx, a, year, version, act, on, true)
}

func (s *Store) approval(ctx context.Context, a Actor, year, version int, act string, on time.Time, correct bool) error {
	on = Day(on)
	if p := plan.ApprovalDateProblem(year, on, s.today()); p != "" {
		return &Conflict{Message: p, Field: FieldApprovedOn}
	}
	err := s.write(ctx, func(tx pgx.Tx) error {
		var id int64
		var currentAct *string
		var currentOn *time.Time
		var now int
		err := tx.QueryRow(ctx, `SELECT id, approval_act, approved_on, version FROM cycles WHERE year = $1 FOR UPDATE`, year).Scan(&id, &currentAct, &currentOn, &now)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		switch {
		case !correct && currentAct != nil:
			return &Conflict{Message: "il piano è già approvato"}
		case correct && currentAct == nil:
			return &Conflict{Message: "il piano non è ancora approvato: non c'è un atto da correggere"}
		}
		if err := lockVersion(ctx, tx, "cycles", audit.Cycle, id, version); err != nil {
			return err
		}
		if correct {
			var first *time.Time
			if err := tx.QueryRow(ctx, `SELECT min(decided_on) FROM variations WHERE cycle_id = $1`, id).Scan(&first); err != nil {
				return err
			}
			if first != nil && on.After(*first) {
				return &Conflict{Message: "una variazione è del " + first.Format("02/01/2006") + ": l'approvazione non può esserle successiva", Field: FieldApprovedOn}
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE cycles SET approval_act = $2, approved_on = $3, version = version + 1 WHERE id = $1`, id, act, on); err != nil {
			return err
		}
		after := audit.Snapshot{audit.KeyApprovalAct: act, audit.KeyApprovedOn: on.Format(time.DateOnly), audit.KeyVersion: now + 1}
		if !correct {
			return record(ctx, tx, a, audit.Approve, audit.Cycle, id, nil, after)
		}
		return record(ctx, tx, a, audit.CorrectApproval, audit.Cycle, id,
			audit.Snapshot{audit.KeyApprovalAct: *currentAct, audit.KeyApprovedOn: currentOn.Format(time.DateOnly), audit.KeyVersion: now}, after)
	})
	if err == nil && !correct {
		// The adopted plan: its Piano's first version.
		s.adoptedHook(ctx, year)
	}
	return err
}

// VariationEntry is one line of a cycle's list of variations.
type VariationEntry struct {
	On       time.Time
	Reason   string
	Action   string
	Entity   string
	EntityID *int64
	Actor    string
	OldValue string
	NewValue string
}

// ListVariations returns a cycle's variations in the order they were decided.
func (s *Store) ListVariations(ctx context.Context, year int) ([]VariationEntry, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT v.decided_on, v.reason, v.action, v.entity, v.entity_id, v.actor,
		       coalesce(v.old_value::text, ''), coalesce(v.new_value::text, '')
		FROM variations v JOIN cycles c ON c.id = v.cycle_id
		WHERE c.year = $1 ORDER BY v.decided_on, v.id`, year)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[VariationEntry])
}
