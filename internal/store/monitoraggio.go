package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/audit"
	"traguardo/internal/format"
	"traguardo/internal/plan"
)

// The mid-year monitoring report (migration 000024): the director sends the
// report of a period to the Nucleo, frozen as a PDF with its SHA-256; the
// Nucleo records its observations on the period's report.

// MonitoringSending is a sending of the mid-year report of a period.
type MonitoringSending struct {
	ID        int64
	Period    time.Time
	Number    int
	SentAt    time.Time
	SentBy    string
	PDFSHA256 string
	PDFSize   int
}

// MonitoringObservation is an observation of the Nucleo on the mid-year
// report of a period, on one of its sendings.
type MonitoringObservation struct {
	ID       int64
	Period   time.Time
	Sending  int // the sending's number
	BodyHTML string
	At       time.Time
	By       string
}

// MonitoringSendings returns the sendings of the mid-year reports of year,
// by period, the newest first within a period.
func (s *Store) MonitoringSendings(ctx context.Context, year int) ([]MonitoringSending, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT m.id, p.ends_on, m.number, m.sent_at, m.sent_by_name, m.pdf_sha256, length(m.pdf)
		FROM monitoring_reports m JOIN cycles c ON c.id = m.cycle_id JOIN periods p ON p.id = m.period_id
		WHERE c.year = $1 ORDER BY p.ends_on, m.number DESC`, year)
	if err != nil {
		return nil, fmt.Errorf("monitoring reports of %d: %w", year, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (MonitoringSending, error) {
		var m MonitoringSending
		err := r.Scan(&m.ID, &m.Period, &m.Number, &m.SentAt, &m.SentBy, &m.PDFSHA256, &m.PDFSize)
		return m, err
	})
}

// MonitoringObservations returns the Nucleo's observations on the mid-year
// reports of year, oldest first.
func (s *Store) MonitoringObservations(ctx context.Context, year int) ([]MonitoringObservation, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT o.id, p.ends_on, m.number, o.body_html, o.at, o.by_name
		FROM monitoring_observations o JOIN monitoring_reports m ON m.id = o.monitoring_report_id
		JOIN cycles c ON c.id = m.cycle_id JOIN periods p ON p.id = m.period_id
		WHERE c.year = $1 ORDER BY o.at, o.id`, year)
	if err != nil {
		return nil, fmt.Errorf("monitoring observations of %d: %w", year, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (MonitoringObservation, error) {
		var o MonitoringObservation
		err := r.Scan(&o.ID, &o.Period, &o.Sending, &o.BodyHTML, &o.At, &o.By)
		return o, err
	})
}

// MonitoringPDF returns the frozen PDF of sending id of the mid-year
// report of year; ErrNotFound when the cycle has no such sending.
func (s *Store) MonitoringPDF(ctx context.Context, year int, id int64) (MonitoringSending, []byte, error) {
	var m MonitoringSending
	var pdf []byte
	err := s.pool.QueryRow(ctx, `
		SELECT m.id, p.ends_on, m.number, m.sent_at, m.sent_by_name, m.pdf_sha256, length(m.pdf), m.pdf
		FROM monitoring_reports m JOIN cycles c ON c.id = m.cycle_id JOIN periods p ON p.id = m.period_id
		WHERE c.year = $1 AND m.id = $2`, year, id).Scan(&m.ID, &m.Period, &m.Number, &m.SentAt, &m.SentBy, &m.PDFSHA256, &m.PDFSize, &pdf)
	if errors.Is(err, pgx.ErrNoRows) {
		return m, nil, fmt.Errorf("monitoring report %d of %d: %w", id, year, ErrNotFound)
	}
	return m, pdf, err
}

// SendMonitoring sends the mid-year report of year at the period ending on
// period to the Nucleo, frozen as pdf (made just before, from the report
// as it stands), in one transaction with its audit record and the
// notifications of every active account of the Nucleo (with link), which
// it returns for the e-mail. A period already sent is sent again as a new
// sending (its number the next); the earlier ones stay.
func (s *Store) SendMonitoring(ctx context.Context, a Actor, year int, period time.Time, pdf []byte, link string) (int, []int64, error) {
	if len(pdf) == 0 {
		return 0, nil, errors.New("send monitoring: the frozen PDF is missing")
	}
	sum := sha256.Sum256(pdf)
	hash := hex.EncodeToString(sum[:])
	var number int
	var notified []int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		var cycleID, periodID int64
		err := tx.QueryRow(ctx, `
			SELECT c.id, p.id FROM cycles c JOIN periods p ON p.cycle_id = c.id
			WHERE c.year = $1 AND p.ends_on = $2 FOR UPDATE OF p`, year, period).Scan(&cycleID, &periodID)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("period %s of %d: %w", period.Format(time.DateOnly), year, ErrNotFound)
		}
		if err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO monitoring_reports (cycle_id, period_id, number, sent_by, sent_by_name, pdf, pdf_sha256)
			SELECT $1, $2, coalesce(max(number), 0) + 1, $3, $4, $5, $6 FROM monitoring_reports WHERE period_id = $2
			RETURNING id, number`, cycleID, periodID, a.UserID, a.Name, pdf, hash).Scan(&id, &number); err != nil {
			return conflictFrom(err)
		}
		if err := record(ctx, tx, a, audit.SendMonitoring, audit.MonitoringReport, id, nil, audit.Snapshot{
			audit.KeyYear: year, audit.KeyPeriodID: periodID, audit.KeyEndsOn: period.Format(time.DateOnly),
			audit.KeyNumber: number, audit.KeyPDFSHA256: hash}); err != nil {
			return err
		}
		text := fmt.Sprintf("Il direttore ha inviato al Nucleo di Valutazione il monitoraggio intermedio %d al %s", year, format.Date(period))
		if number > 1 {
			text += fmt.Sprintf(" (invio n. %d)", number)
		}
		notified, err = notifyRole(ctx, tx, "nucleo", text+": da esaminare e, se del caso, osservare.", link)
		return err
	})
	return number, notified, err
}

// ObserveMonitoring records the Nucleo's observation bodyHTML (sanitised
// rich text, not empty) on the latest sending of the mid-year report of
// year at period, in one transaction with its audit record and the
// notifications of the directors (with link), which it returns for the
// e-mail. A period not sent is a Conflict: the director sends it first.
func (s *Store) ObserveMonitoring(ctx context.Context, a Actor, year int, period time.Time, bodyHTML, link string) (int64, []int64, error) {
	bodyHTML = strings.TrimSpace(bodyHTML)
	if strings.TrimSpace(richTextPlain(bodyHTML)) == "" {
		return 0, nil, &Conflict{Message: "scrivere l'osservazione", Field: "body_html"}
	}
	if msg := plan.TooLong(bodyHTML, plan.MaxRichText); msg != "" {
		return 0, nil, &Conflict{Message: msg, Field: "body_html"}
	}
	var id int64
	var notified []int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		var reportID int64
		var number int
		err := tx.QueryRow(ctx, `
			SELECT m.id, m.number FROM monitoring_reports m JOIN cycles c ON c.id = m.cycle_id JOIN periods p ON p.id = m.period_id
			WHERE c.year = $1 AND p.ends_on = $2 ORDER BY m.number DESC LIMIT 1 FOR SHARE OF m`, year, period).Scan(&reportID, &number)
		if errors.Is(err, pgx.ErrNoRows) {
			return &Conflict{Message: "il monitoraggio intermedio al " + format.Date(period) + " non è stato inviato al Nucleo: il direttore deve prima inviarlo"}
		}
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO monitoring_observations (monitoring_report_id, body_html, by_user, by_name)
			VALUES ($1, $2, $3, $4) RETURNING id`, reportID, bodyHTML, a.UserID, a.Name).Scan(&id); err != nil {
			return conflictFrom(err)
		}
		if err := record(ctx, tx, a, audit.ObserveMonitoring, audit.MonitoringObservation, id, nil, audit.Snapshot{
			audit.KeyReportID: reportID, audit.KeyEndsOn: period.Format(time.DateOnly), audit.KeyNumber: number, audit.KeyTextHTML: bodyHTML}); err != nil {
			return err
		}
		notified, err = notifyRole(ctx, tx, "direttore", fmt.Sprintf(
			"Il Nucleo di Valutazione ha formulato osservazioni sul monitoraggio intermedio %d al %s: «%s».",
			year, format.Date(period), clip(strings.TrimSpace(richTextPlain(bodyHTML)), quoteMost)), link)
		return err
	})
	return id, notified, err
}
