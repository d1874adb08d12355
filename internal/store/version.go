package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/audit"
)

// No lost updates: every record a user edits (a cycle, a centre in a cycle,
// an objective, an activity, an indicator, an account) carries a version,
// which every change of the record increments. A change states the version
// it was read at (Change.Version); when the record has moved on since, it is
// refused with a StaleError that says who changed what, from the audit log,
// whose snapshots carry the version they record.

// StaleError is a change refused because the record changed since the
// version it was read at: saving it would silently undo someone else's work.
type StaleError struct {
	Entity  audit.Entity
	ID      int64
	Read    int    // the version the change was read at
	Version int    // the record's version now
	Edits   []Edit // what was done to it since, oldest first
}

// Error describes the refusal for the logs.
func (e *StaleError) Error() string {
	return fmt.Sprintf("%s %d changed since version %d (now %d)", e.Entity, e.ID, e.Read, e.Version)
}

// Edit is one change of a record, as the audit log keeps it.
type Edit struct {
	At     time.Time
	By     string // the user's name, or the actor's email when it has none
	Action audit.Action
	// Fields are the record's fields the change set to another value, by
	// their names in the store (the keys of the audit snapshots).
	Fields []string
}

// Fields are the fields changed since the version read, each once, in the
// order they were first changed.
func (e *StaleError) Fields() []string {
	var out []string
	for _, ed := range e.Edits {
		for _, f := range ed.Fields {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// By are who changed the record since the version read, each once, in order.
func (e *StaleError) By() []string {
	var out []string
	for _, ed := range e.Edits {
		if !slices.Contains(out, ed.By) {
			out = append(out, ed.By)
		}
	}
	return out
}

// At is when the record was last changed (zero when the log has nothing).
func (e *StaleError) At() time.Time {
	if len(e.Edits) == 0 {
		return time.Time{}
	}
	return e.Edits[len(e.Edits)-1].At
}

// Did reports whether one of the changes since was action.
func (e *StaleError) Did(action audit.Action) bool {
	return slices.ContainsFunc(e.Edits, func(ed Edit) bool { return ed.Action == action })
}

// lockVersion locks the row id of table (a constant, never user input) for
// the rest of the transaction and checks that it is still at version: a
// later version is a StaleError naming the changes since, a missing row is
// ErrNotFound. Locking first, then comparing, keeps a stale version apart
// from the other guards of an UPDATE (see UpdateIndicator).
func lockVersion(ctx context.Context, tx pgx.Tx, table string, entity audit.Entity, id int64, version int) error {
	var current int
	err := tx.QueryRow(ctx, `SELECT version FROM `+table+` WHERE id = $1 FOR UPDATE`, id).Scan(&current)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s %d: %w", entity, id, ErrNotFound)
	}
	if err != nil {
		return err
	}
	if current == version {
		return nil
	}
	edits, err := editsSince(ctx, tx, entity, id, version)
	if err != nil {
		return err
	}
	return &StaleError{Entity: entity, ID: id, Read: version, Version: current, Edits: edits}
}

// editsSince reads from the audit log the changes of a record that brought
// it past version, oldest first.
func editsSince(ctx context.Context, tx pgx.Tx, entity audit.Entity, id int64, version int) ([]Edit, error) {
	rows, err := tx.Query(ctx, `
		SELECT a.at, coalesce(nullif(u.name, ''), a.actor), a.action,
		       coalesce(a.old_value, '{}'), coalesce(a.new_value, '{}')
		FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
		WHERE a.entity = $1 AND a.entity_id = $2
		  AND CASE WHEN jsonb_typeof(a.new_value->'version') = 'number'
		           THEN (a.new_value->>'version')::numeric > $3 END
		ORDER BY a.id`, entity, id, version)
	if err != nil {
		return nil, fmt.Errorf("changes of %s %d: %w", entity, id, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Edit, error) {
		var e Edit
		var oldValue, newValue []byte
		if err := r.Scan(&e.At, &e.By, &e.Action, &oldValue, &newValue); err != nil {
			return e, err
		}
		e.Fields = changedFields(oldValue, newValue)
		return e, nil
	})
}

// changedFields lists, sorted, the keys of a snapshot whose value differs
// from the snapshot before (all of them when there was none), but the
// version itself. PostgreSQL writes jsonb in one canonical form, so equal
// values are equal bytes.
func changedFields(oldValue, newValue []byte) []string {
	var before, after map[string]json.RawMessage
	if json.Unmarshal(oldValue, &before) != nil || json.Unmarshal(newValue, &after) != nil {
		return nil
	}
	var out []string
	for k, v := range after {
		if k == string(audit.KeyVersion) {
			continue
		}
		if o, ok := before[k]; !ok || !bytes.Equal(o, v) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
