package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/audit"
)

// Actor is who makes a change: a signed-in user, or a command-line tool.
type Actor struct {
	UserID *int64
	Name   string // the user's email, or "cli"
}

// CLI is the actor of changes made with the traguardo command.
var CLI = Actor{Name: "cli"}

// record appends an entry to the audit log inside the write's transaction, so
// the change and its record commit or fail together.
func record(ctx context.Context, tx pgx.Tx, a Actor, action audit.Action, entity audit.Entity, id int64, oldValue, newValue any) error {
	encode := func(v any) ([]byte, error) {
		if v == nil {
			return nil, nil
		}
		return json.Marshal(v)
	}
	o, err := encode(oldValue)
	if err != nil {
		return err
	}
	n, err := encode(newValue)
	if err != nil {
		return err
	}
	var entityID *int64
	if id != 0 {
		entityID = &id
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO audit_log (user_id, actor, action, entity, entity_id, old_value, new_value)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.UserID, a.Name, action, entity, entityID, o, n); err != nil {
		return fmt.Errorf("audit %s %s: %w", action, entity, err)
	}
	return nil
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID       int64
	At       time.Time
	Actor    string
	Action   audit.Action
	Entity   audit.Entity
	EntityID *int64
	OldValue string
	NewValue string
	// Subject is what names the record today, read with the entry.
	Subject AuditSubject
}

// AuditSubject names the record of an audit entry as the database has it
// now: the entry's snapshots name the record as it was, but not where it
// sits (an objective's snapshot has its centre's id, not its name). For a
// record since deleted, the context comes from the ids its snapshot keeps.
// Zero fields are unknown.
type AuditSubject struct {
	Exists         bool   // the record is still there
	Year           int    // the year of its cycle
	Centre         string // the centre's name: of a centre, or the centre its objective belongs to
	Objective      int    // the objective's number: of an objective, or the one an activity or indicator belongs to
	ObjectiveTitle string
	Name           string // its own name: a centre's or user's or organisation's name, an objective's title, an activity's description, an indicator's name, a period's last day (2023-06-30)
}

// AuditFilter narrows the audit log; zero fields do not filter.
type AuditFilter struct {
	Actor  string
	Entity audit.Entity
	From   time.Time
	To     time.Time // exclusive
	Limit  int
}

// ListAudit returns the newest entries first, each with what names its
// record, in one statement whatever the number of entries.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	var from, to *time.Time
	if !f.From.IsZero() {
		from = &f.From
	}
	if !f.To.IsZero() {
		to = &f.To
	}
	// The entries are chosen first, then each is joined by primary keys to
	// the rows that name it: the ids go from the record to its objective,
	// centre and cycle, taken from the snapshot when the row is gone.
	rows, err := s.pool.Query(ctx, `
		WITH a AS (
			SELECT id, at, actor, action, entity, entity_id, old_value, new_value,
				CASE WHEN jsonb_typeof(coalesce(new_value, old_value) -> 'objective_id') = 'number'
					THEN (coalesce(new_value, old_value) ->> 'objective_id')::numeric::bigint END AS snap_objective,
				CASE WHEN jsonb_typeof(coalesce(new_value, old_value) -> 'cycle_centre_id') = 'number'
					THEN (coalesce(new_value, old_value) ->> 'cycle_centre_id')::numeric::bigint END AS snap_centre
			FROM audit_log
			WHERE ($1 = '' OR actor = $1) AND ($2 = '' OR entity = $2)
			  AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4)
			ORDER BY id DESC LIMIT $5)
		SELECT a.id, a.at, a.actor, a.action, a.entity, a.entity_id,
			coalesce(a.old_value::text, ''), coalesce(a.new_value::text, ''),
			CASE a.entity
				WHEN 'cycle' THEN y.id IS NOT NULL WHEN 'period' THEN p.id IS NOT NULL
				WHEN 'centre' THEN cc.id IS NOT NULL WHEN 'objective' THEN o.id IS NOT NULL
				WHEN 'activity' THEN ac.id IS NOT NULL WHEN 'indicator' THEN i.id IS NOT NULL
				WHEN 'user' THEN u.id IS NOT NULL WHEN 'access' THEN u.id IS NOT NULL
				WHEN 'organisation' THEN org.id IS NOT NULL ELSE false END,
			coalesce(y.year, 0), coalesce(cc.name, ''), coalesce(o.number, 0), coalesce(o.title, ''),
			coalesce(CASE a.entity
				WHEN 'period' THEN to_char(p.ends_on, 'YYYY-MM-DD') WHEN 'centre' THEN cc.name
				WHEN 'objective' THEN o.title WHEN 'activity' THEN ac.description WHEN 'indicator' THEN i.name
				WHEN 'user' THEN u.email WHEN 'access' THEN u.email WHEN 'organisation' THEN org.name END, '')
		FROM a
		LEFT JOIN periods p ON a.entity = 'period' AND p.id = a.entity_id
		LEFT JOIN activities ac ON a.entity = 'activity' AND ac.id = a.entity_id
		LEFT JOIN indicators i ON a.entity = 'indicator' AND i.id = a.entity_id
		LEFT JOIN users u ON a.entity IN ('user', 'access') AND u.id = a.entity_id
		LEFT JOIN organisations org ON a.entity = 'organisation' AND org.id = a.entity_id
		LEFT JOIN objectives o ON o.id = CASE a.entity
			WHEN 'objective' THEN a.entity_id
			WHEN 'activity' THEN coalesce(ac.objective_id, a.snap_objective)
			WHEN 'indicator' THEN coalesce(i.objective_id, a.snap_objective) END
		LEFT JOIN cycle_centres cc ON cc.id = CASE a.entity
			WHEN 'centre' THEN a.entity_id
			WHEN 'objective' THEN coalesce(o.cycle_centre_id, a.snap_centre)
			WHEN 'activity' THEN o.cycle_centre_id WHEN 'indicator' THEN o.cycle_centre_id END
		LEFT JOIN cycles y ON y.id = CASE a.entity
			WHEN 'cycle' THEN a.entity_id WHEN 'period' THEN p.cycle_id
			ELSE coalesce(cc.cycle_id, o.cycle_id) END
		ORDER BY a.id DESC`, f.Actor, f.Entity, from, to, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (AuditEntry, error) {
		var e AuditEntry
		n := &e.Subject
		err := r.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.OldValue, &e.NewValue,
			&n.Exists, &n.Year, &n.Centre, &n.Objective, &n.ObjectiveTitle, &n.Name)
		return e, err
	})
}

// AuditEntities returns the kinds of record the audit log names, for the
// filter of the log's page.
func (s *Store) AuditEntities(ctx context.Context) ([]audit.Entity, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT entity FROM audit_log ORDER BY entity`)
	if err != nil {
		return nil, fmt.Errorf("audit entities: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[audit.Entity])
}
