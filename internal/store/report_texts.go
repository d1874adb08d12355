package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/audit"
)

// ReportTexts are the director's texts of a cycle's Relazione sulla
// Performance, as sanitised HTML (the caller sanitises before saving; the
// report sanitises again on display). A cycle whose texts were never saved
// has them empty, at version 0.
type ReportTexts struct {
	Introduction string // 1. Introduzione
	Context      string // 2.2 Contesto e risorse
	Gender       string // 2.4 Bilancio di genere
	Process      string // 3. Il processo di misurazione e valutazione
	Version      int
}

// LoadReportTexts reads the report texts of the cycle of year, in one
// statement: empty texts at version 0 when none were saved, ErrNotFound
// when there is no such cycle.
func (s *Store) LoadReportTexts(ctx context.Context, year int) (ReportTexts, error) {
	var t ReportTexts
	err := s.pool.QueryRow(ctx, `
		SELECT coalesce(t.introduction_html, ''), coalesce(t.context_html, ''), coalesce(t.gender_html, ''),
		       coalesce(t.process_html, ''), coalesce(t.version, 0)
		FROM cycles c LEFT JOIN report_texts t ON t.cycle_id = c.id
		WHERE c.year = $1`, year).Scan(&t.Introduction, &t.Context, &t.Gender, &t.Process, &t.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, fmt.Errorf("report texts %d: %w", year, ErrNotFound)
	}
	return t, err
}

// SaveReportTexts stores the report texts of the cycle of year, read at
// ch.Version, in one transaction with its audit record: a version other
// than the stored one is a StaleError naming who changed what since.
// They are the director's words about the year, not the plan: no variation
// once the plan is approved.
func (s *Store) SaveReportTexts(ctx context.Context, ch Change, year int, t ReportTexts) error {
	cycleID, err := s.cycleID(ctx, year)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		// The row exists from the first save on; make it, at version 0,
		// so that the first save locks and checks it like any other.
		if _, err := tx.Exec(ctx, `INSERT INTO report_texts (cycle_id) VALUES ($1) ON CONFLICT (cycle_id) DO NOTHING`, cycleID); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRow(ctx, `SELECT version FROM report_texts WHERE cycle_id = $1 FOR UPDATE`, cycleID).Scan(&current); err != nil {
			return err
		}
		if current != ch.Version {
			edits, err := editsSince(ctx, tx, audit.ReportTexts, cycleID, ch.Version)
			if err != nil {
				return err
			}
			return &StaleError{Entity: audit.ReportTexts, ID: cycleID, Read: ch.Version, Version: current, Edits: edits}
		}
		snap := func() ([]byte, error) {
			var j []byte
			err := tx.QueryRow(ctx, `
				SELECT jsonb_build_object('introduction_html', introduction_html, 'context_html', context_html,
					'gender_html', gender_html, 'process_html', process_html, 'version', version)
				FROM report_texts WHERE cycle_id = $1`, cycleID).Scan(&j)
			return j, err
		}
		old, err := snap()
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE report_texts SET introduction_html = $2, context_html = $3, gender_html = $4, process_html = $5,
				version = version + 1
			WHERE cycle_id = $1`, cycleID, t.Introduction, t.Context, t.Gender, t.Process); err != nil {
			return conflictFrom(err)
		}
		now, err := snap()
		if err != nil {
			return err
		}
		return record(ctx, tx, ch.Actor, audit.Update, audit.ReportTexts, cycleID, rawJSON(old), rawJSON(now))
	})
}
