package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/audit"
	"traguardo/internal/legal"
)

// legalNoticesID is the id of the one row of legal_notices, and the audit
// log's entity id of the notices.
const legalNoticesID = 1

// LoadLegalNotices reads the accessibility statement and the privacy
// notice as the administrator saved them, in one statement; until the first
// save, the defaults (legal.Default) filled with the organisation's name,
// at version 0.
func (s *Store) LoadLegalNotices(ctx context.Context) (legal.Notices, error) {
	var n legal.Notices
	var saved bool
	var organisation string
	err := s.pool.QueryRow(ctx, `
		SELECT coalesce((SELECT name FROM organisations ORDER BY id LIMIT 1), ''), l.id IS NOT NULL,
		       coalesce(l.status, ''), coalesce(l.non_accessible, ''), coalesce(l.prepared_on, 'epoch'::date),
		       coalesce(l.reviewed_on, 'epoch'::date), coalesce(l.assessment, ''), coalesce(l.feedback_email, ''),
		       coalesce(l.site_url, ''), coalesce(l.organisation_info, ''), coalesce(l.controller, ''),
		       coalesce(l.controller_contact, ''), coalesce(l.dpo_contact, ''), coalesce(l.recipients, ''),
		       coalesce(l.retention, ''), coalesce(l.version, 0)
		FROM (SELECT 1) one LEFT JOIN legal_notices l ON l.id = $1`, legalNoticesID).Scan(
		&organisation, &saved, &n.Status, &n.NonAccessible, &n.PreparedOn, &n.ReviewedOn, &n.Assessment, &n.FeedbackEmail,
		&n.SiteURL, &n.Organisation, &n.Controller, &n.ControllerContact, &n.DPOContact, &n.Recipients, &n.Retention, &n.Version)
	if err != nil {
		return legal.Notices{}, fmt.Errorf("legal notices: %w", err)
	}
	if !saved {
		return legal.Default(organisation), nil
	}
	n.Body = organisation
	return n, nil
}

// SaveLegalNotices stores the notices, read at ch.Version (0: the
// defaults, never saved), in one transaction with its audit record: a
// version other than the stored one is a StaleError naming who changed what
// since. The caller checks n (legal.Check); the database refuses what
// breaks its constraints all the same.
func (s *Store) SaveLegalNotices(ctx context.Context, ch Change, n legal.Notices) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		snap := func() ([]byte, error) {
			var j []byte
			err := tx.QueryRow(ctx, `
				SELECT jsonb_build_object('status', status, 'non_accessible', non_accessible,
					'prepared_on', prepared_on, 'reviewed_on', reviewed_on, 'assessment', assessment,
					'feedback_email', feedback_email, 'site_url', site_url, 'organisation_info', organisation_info,
					'controller', controller, 'controller_contact', controller_contact, 'dpo_contact', dpo_contact,
					'recipients', recipients, 'retention', retention, 'version', version)
				FROM legal_notices WHERE id = $1`, legalNoticesID).Scan(&j)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil, nil
			}
			return j, err
		}
		stale := func(current int) error {
			edits, err := editsSince(ctx, tx, audit.LegalNotices, legalNoticesID, ch.Version)
			if err != nil {
				return err
			}
			return &StaleError{Entity: audit.LegalNotices, ID: legalNoticesID, Read: ch.Version, Version: current, Edits: edits}
		}
		args := []any{legalNoticesID, string(n.Status), n.NonAccessible, n.PreparedOn, n.ReviewedOn, n.Assessment,
			n.FeedbackEmail, n.SiteURL, n.Organisation, n.Controller, n.ControllerContact, n.DPOContact,
			n.Recipients, n.Retention}
		var old []byte
		if ch.Version == 0 {
			// The first save makes the row; another first save committed
			// meanwhile makes this one stale.
			tag, err := tx.Exec(ctx, `
				INSERT INTO legal_notices (id, status, non_accessible, prepared_on, reviewed_on, assessment,
					feedback_email, site_url, organisation_info, controller, controller_contact, dpo_contact,
					recipients, retention, version)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1)
				ON CONFLICT (id) DO NOTHING`, args...)
			if err != nil {
				return conflictFrom(err)
			}
			if tag.RowsAffected() == 0 {
				var current int
				if err := tx.QueryRow(ctx, `SELECT version FROM legal_notices WHERE id = $1`, legalNoticesID).Scan(&current); err != nil {
					return err
				}
				return stale(current)
			}
		} else {
			var current int
			err := tx.QueryRow(ctx, `SELECT version FROM legal_notices WHERE id = $1 FOR UPDATE`, legalNoticesID).Scan(&current)
			if errors.Is(err, pgx.ErrNoRows) {
				current = 0
			} else if err != nil {
				return err
			}
			if current != ch.Version {
				return stale(current)
			}
			if old, err = snap(); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `
				UPDATE legal_notices SET status = $2, non_accessible = $3, prepared_on = $4, reviewed_on = $5,
					assessment = $6, feedback_email = $7, site_url = $8, organisation_info = $9, controller = $10,
					controller_contact = $11, dpo_contact = $12, recipients = $13, retention = $14, version = version + 1
				WHERE id = $1`, args...); err != nil {
				return conflictFrom(err)
			}
		}
		now, err := snap()
		if err != nil {
			return err
		}
		action := audit.Update
		if old == nil {
			action = audit.Create
		}
		return record(ctx, tx, ch.Actor, action, audit.LegalNotices, legalNoticesID, rawJSON(old), rawJSON(now))
	})
}
