package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
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
func record(ctx context.Context, tx pgx.Tx, a Actor, action, entity string, id int64, oldValue, newValue any) error {
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
	Action   string
	Entity   string
	EntityID *int64
	OldValue string
	NewValue string
}

// AuditFilter narrows the audit log; zero fields do not filter.
type AuditFilter struct {
	Actor  string
	Entity string
	From   time.Time
	To     time.Time // exclusive
	Limit  int
}

// ListAudit returns the newest entries first.
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
	rows, err := s.pool.Query(ctx, `
		SELECT id, at, actor, action, entity, entity_id, coalesce(old_value::text, ''), coalesce(new_value::text, '')
		FROM audit_log
		WHERE ($1 = '' OR actor = $1) AND ($2 = '' OR entity = $2)
		  AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4)
		ORDER BY id DESC LIMIT $5`, f.Actor, f.Entity, from, to, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (AuditEntry, error) {
		var e AuditEntry
		err := r.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.OldValue, &e.NewValue)
		return e, err
	})
}

// AuditEntities returns the kinds of record the audit log names, for the
// filter of the log's page.
func (s *Store) AuditEntities(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT entity FROM audit_log ORDER BY entity`)
	if err != nil {
		return nil, fmt.Errorf("audit entities: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
