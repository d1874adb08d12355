package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/audit"
	"traguardo/internal/domain"
	"traguardo/internal/plan"
)

// The Relazione's lifecycle (migration 000010): the director sends a version
// to the Nucleo, the Nucleo comments per objective and the director answers,
// the Nucleo decides with its outcome, date and text, and at that moment the
// report's PDF and JSON are frozen with their SHA-256. A decided version
// never changes (the database refuses it); a new version needs a new
// decision.

// ReportVersion is a version of a cycle's Relazione, without its files.
type ReportVersion struct {
	ID           int64
	Organisation string
	Year         int
	Number       int
	State        plan.ReportState
	SentAt       time.Time
	SentBy       string
	OpenPoints   []string // the coherence check's points the director confirmed
	// The decision, zero while the version waits.
	ValidatedOn    *time.Time
	ValidatedAt    *time.Time
	ValidatedBy    string
	ValidationHTML string
	PDFSHA256      string
	JSONSHA256     string
	PDFSize        int
	JSONSize       int
	// Observations are the Nucleo's comments as the frozen PDF prints them
	// (a JSON array of report.Observation), nil for a version waiting or
	// decided before they were frozen.
	Observations []byte
}

// ReportComment is a comment of the Nucleo on an objective of a sent
// version, with the director's answer.
type ReportComment struct {
	ID            int64
	ReportNumber  int
	ObjectiveID   *int64 // nil once the objective is gone
	Objective     string // as it read when commented
	Body          string
	At            time.Time
	By            string
	Answer        string
	AnsweredAt    *time.Time
	AnsweredBy    string
	Version       int
	ReportPending bool // the comment's version still waits for the Nucleo
}

// ReportVersions returns the versions of the Relazione of year, newest
// first (none for a cycle without any, or no such cycle).
func (s *Store) ReportVersions(ctx context.Context, year int) ([]ReportVersion, error) {
	return s.reportVersions(ctx, year, false)
}

// PublishedReports returns the validated versions (with or without
// observations) of the Relazione of year, newest first.
func (s *Store) PublishedReports(ctx context.Context, year int) ([]ReportVersion, error) {
	return s.reportVersions(ctx, year, true)
}

func (s *Store) reportVersions(ctx context.Context, year int, published bool) ([]ReportVersion, error) {
	rows, err := s.pool.Query(ctx, reportVersionsSelect+`
		WHERE c.year = $1 AND (NOT $2 OR r.state IN ('validata', 'validata con osservazioni'))
		ORDER BY r.number DESC`, year, published)
	if err != nil {
		return nil, fmt.Errorf("report versions of %d: %w", year, err)
	}
	return pgx.CollectRows(rows, scanReportVersion)
}

// PublishedReportsAll returns the validated versions (with or without
// observations) of the Relazione of every year, the latest year first and
// within a year the newest version first: the index of Amministrazione
// Trasparente.
func (s *Store) PublishedReportsAll(ctx context.Context) ([]ReportVersion, error) {
	rows, err := s.pool.Query(ctx, reportVersionsSelect+`
		WHERE r.state IN ('validata', 'validata con osservazioni')
		ORDER BY c.year DESC, r.number DESC`)
	if err != nil {
		return nil, fmt.Errorf("published reports: %w", err)
	}
	return pgx.CollectRows(rows, scanReportVersion)
}

const reportVersionsSelect = `
		SELECT r.id, o.name, c.year, r.number, r.state, r.sent_at, r.sent_by_name, r.open_points, r.validated_on, r.validated_at,
		       coalesce(r.validated_by_name, ''), coalesce(r.validation_html, ''), coalesce(r.pdf_sha256, ''),
		       coalesce(r.json_sha256, ''), coalesce(length(r.pdf), 0), coalesce(length(r.json), 0), r.observations
		FROM report_versions r JOIN cycles c ON c.id = r.cycle_id JOIN organisations o ON o.id = c.organisation_id`

func scanReportVersion(r pgx.CollectableRow) (ReportVersion, error) {
	var v ReportVersion
	var state string
	err := r.Scan(&v.ID, &v.Organisation, &v.Year, &v.Number, &state, &v.SentAt, &v.SentBy, &v.OpenPoints, &v.ValidatedOn, &v.ValidatedAt,
		&v.ValidatedBy, &v.ValidationHTML, &v.PDFSHA256, &v.JSONSHA256, &v.PDFSize, &v.JSONSize, &v.Observations)
	v.State = plan.ReportState(state)
	return v, err
}

// ReportComments returns the Nucleo's comments on every version of the
// Relazione of year, oldest first.
func (s *Store) ReportComments(ctx context.Context, year int) ([]ReportComment, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT m.id, r.number, m.objective_id, m.objective_label, m.body, m.at, m.by_name,
		       coalesce(m.answer, ''), m.answered_at, coalesce(m.answered_by_name, ''), m.version, r.state = 'inviata'
		FROM report_comments m JOIN report_versions r ON r.id = m.report_id JOIN cycles c ON c.id = r.cycle_id
		WHERE c.year = $1
		ORDER BY m.id`, year)
	if err != nil {
		return nil, fmt.Errorf("report comments of %d: %w", year, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ReportComment, error) {
		var m ReportComment
		err := r.Scan(&m.ID, &m.ReportNumber, &m.ObjectiveID, &m.Objective, &m.Body, &m.At, &m.By,
			&m.Answer, &m.AnsweredAt, &m.AnsweredBy, &m.Version, &m.ReportPending)
		return m, err
	})
}

// SendReport sends a new version of the Relazione of year to the Nucleo,
// with the coherence check's open points the director confirmed; it
// returns the version's number. The plan must be approved, and no version
// may be waiting already. A version after a decided one (validated, or
// not) is a new version that needs its own decision; the earlier ones stay.
// Every active account of the Nucleo is notified, with link (the lifecycle
// page): the notifications are returned, for the e-mail.
func (s *Store) SendReport(ctx context.Context, a Actor, year int, openPoints []string, link string) (int, []int64, error) {
	if openPoints == nil {
		openPoints = []string{}
	}
	var number int
	var notified []int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		var cycleID int64
		var act *string
		err := tx.QueryRow(ctx, `SELECT id, approval_act FROM cycles WHERE year = $1 FOR UPDATE`, year).Scan(&cycleID, &act)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("cycle %d: %w", year, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if act == nil || *act == "" {
			return &Conflict{Message: "il piano non è approvato: la relazione si invia sul piano approvato"}
		}
		var pending int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM report_versions WHERE cycle_id = $1 AND state = 'inviata'`, cycleID).Scan(&pending); err != nil {
			return err
		}
		if pending > 0 {
			return &Conflict{Message: "la relazione è già stata inviata ed è in attesa della decisione del Nucleo"}
		}
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO report_versions (cycle_id, number, sent_by, sent_by_name, open_points)
			SELECT $1, coalesce(max(number), 0) + 1, $2, $3, $4 FROM report_versions WHERE cycle_id = $1
			RETURNING id, number`, cycleID, a.UserID, a.Name, openPoints).Scan(&id, &number); err != nil {
			return conflictFrom(err)
		}
		if err := record(ctx, tx, a, audit.SendReport, audit.Report, id, nil, audit.Snapshot{
			audit.KeyYear: year, audit.KeyNumber: number, audit.KeyState: string(plan.ReportSent), audit.KeyOpenPoints: openPoints}); err != nil {
			return err
		}
		text := fmt.Sprintf("Il direttore ha inviato al Nucleo di Valutazione la Relazione sulla performance %d (versione %d): da esaminare, commentare e validare.", year, number)
		if n := len(openPoints); n == 1 {
			text += " Un punto della verifica di coerenza è rimasto aperto."
		} else if n > 1 {
			text += fmt.Sprintf(" %d punti della verifica di coerenza sono rimasti aperti.", n)
		}
		notified, err = notifyRole(ctx, tx, "nucleo", text, link)
		return err
	})
	return number, notified, err
}

// CommentReport records the Nucleo's comment on an objective of the cycle of
// year, on the version waiting for its decision; it returns the comment's
// id and the notifications of the directors (with link, the comments of the
// lifecycle page), for the e-mail.
func (s *Store) CommentReport(ctx context.Context, a Actor, year int, objectiveID int64, body, link string) (int64, []int64, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return 0, nil, &Conflict{Message: "scrivere il commento", Field: "body"}
	}
	if msg := plan.TooLong(body, plan.MaxText); msg != "" {
		return 0, nil, &Conflict{Message: msg, Field: "body"}
	}
	var id int64
	var notified []int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		reportID, _, err := pendingReport(ctx, tx, year)
		if err != nil {
			return err
		}
		// The objective as the Nucleo's list names it (its section too when
		// its centre has more than one: the number restarts in each).
		var label string
		err = tx.QueryRow(ctx, `
			SELECT cc.name || ' · '
			       || CASE WHEN EXISTS (SELECT 1 FROM objectives x WHERE x.cycle_centre_id = o.cycle_centre_id AND x.section <> o.section)
			               THEN o.section || ' · ' ELSE '' END
			       || 'Obiettivo ' || o.number || ': ' || o.title
			FROM objectives o JOIN cycles c ON c.id = o.cycle_id
			JOIN cycle_centres cc ON cc.id = o.cycle_centre_id JOIN centres ce ON ce.id = cc.centre_id
			WHERE o.id = $1 AND c.year = $2`, objectiveID, year).Scan(&label)
		if errors.Is(err, pgx.ErrNoRows) {
			return &Conflict{Message: "scegliere un obiettivo del ciclo", Field: "objective"}
		}
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO report_comments (report_id, objective_id, objective_label, body, by_user, by_name)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, reportID, objectiveID, label, body, a.UserID, a.Name).Scan(&id); err != nil {
			return conflictFrom(err)
		}
		if err := record(ctx, tx, a, audit.CommentReport, audit.ReportComment, id, nil, audit.Snapshot{
			audit.KeyReportID: reportID, audit.KeyObjectiveID: objectiveID, audit.KeyObjectiveLabel: label, audit.KeyBody: body, audit.KeyVersion: 1}); err != nil {
			return err
		}
		notified, err = notifyRole(ctx, tx, "direttore", fmt.Sprintf(
			"Il Nucleo di Valutazione ha commentato la Relazione %d su «%s»: «%s». Il commento attende la risposta del direttore.", year, clip(label, quoteMost), clip(body, quoteMost)), link)
		return err
	})
	return id, notified, err
}

// pendingReport locks the version of the Relazione of year that waits for
// the Nucleo; a Conflict when none does.
func pendingReport(ctx context.Context, tx pgx.Tx, year int) (id int64, sentAt time.Time, err error) {
	err = tx.QueryRow(ctx, `
		SELECT r.id, r.sent_at FROM report_versions r JOIN cycles c ON c.id = r.cycle_id
		WHERE c.year = $1 AND r.state = 'inviata' FOR UPDATE OF r`, year).Scan(&id, &sentAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, sentAt, &Conflict{Message: "nessuna relazione è in attesa del Nucleo: il direttore deve prima inviarla"}
	}
	return id, sentAt, err
}

// AnswerComment sets the director's answer to a comment of the cycle of
// year, read at ch.Version; an empty answer is refused. Every active
// account of the Nucleo is notified, with link; the notifications are
// returned, for the e-mail.
func (s *Store) AnswerComment(ctx context.Context, ch Change, year int, commentID int64, answer, link string) ([]int64, error) {
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return nil, &Conflict{Message: "scrivere la risposta", Field: "answer"}
	}
	if msg := plan.TooLong(answer, plan.MaxText); msg != "" {
		return nil, &Conflict{Message: msg, Field: "answer"}
	}
	var notified []int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		var old, label string
		var version int
		err := tx.QueryRow(ctx, `
			SELECT coalesce(m.answer, ''), m.version, m.objective_label FROM report_comments m
			JOIN report_versions r ON r.id = m.report_id JOIN cycles c ON c.id = r.cycle_id
			WHERE m.id = $1 AND c.year = $2`, commentID, year).Scan(&old, &version, &label)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("comment %d of %d: %w", commentID, year, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := lockVersion(ctx, tx, "report_comments", audit.ReportComment, commentID, ch.Version); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE report_comments SET answer = $2, answered_at = now(), answered_by = $3, answered_by_name = $4, version = version + 1
			WHERE id = $1`, commentID, answer, ch.Actor.UserID, ch.Actor.Name); err != nil {
			return conflictFrom(err)
		}
		if err := record(ctx, tx, ch.Actor, audit.AnswerComment, audit.ReportComment, commentID,
			audit.Snapshot{audit.KeyAnswer: old, audit.KeyVersion: version}, audit.Snapshot{audit.KeyAnswer: answer, audit.KeyVersion: version + 1}); err != nil {
			return err
		}
		verb := "ha risposto"
		if old != "" {
			verb = "ha modificato la risposta"
		}
		notified, err = notifyRole(ctx, tx, "nucleo", fmt.Sprintf("Il direttore %s al commento sulla Relazione %d su «%s»: %s",
			verb, year, clip(label, quoteMost), clip(answer, quoteMost)), link)
		return err
	})
	return notified, err
}

// Validation is the Nucleo's decision on the version waiting, with the
// report frozen as it stands.
type Validation struct {
	Outcome  plan.ReportState // a plan.Outcomes
	On       time.Time        // the date of the act
	TextHTML string           // sanitised rich text
	// PDF and JSON are the report's files, made just before. Export makes
	// the JSON again from the cycle as the decision's transaction reads it:
	// when that differs from JSON, the data changed meanwhile, and the
	// decision is refused rather than freeze files of another moment.
	PDF, JSON []byte
	Export    func(*plan.Cycle) ([]byte, error)
	// Observations are the Nucleo's comments on the version as the PDF
	// prints them (a JSON array), frozen with it; Comments counts them:
	// when the version has another count of comments by the decision's
	// transaction, one came meanwhile, and the decision is refused.
	Observations []byte
	Comments     int
	// Link is the page the directors' notification of the decision opens.
	Link string
}

// ErrReportMoved is the refusal of a decision whose cycle's data changed
// between the making of its files and its saving.
var ErrReportMoved = &Conflict{Message: "i dati del ciclo sono cambiati mentre la relazione veniva congelata: ripetere la validazione"}

// ValidateReport records the Nucleo's decision on version number of the
// Relazione of year, which must be the one waiting, and freezes its files
// with their SHA-256, in one transaction with its audit record and the
// notifications of the directors, which it returns for the e-mail.
func (s *Store) ValidateReport(ctx context.Context, a Actor, year, number int, v Validation) ([]int64, error) {
	if !v.Outcome.IsOutcome() {
		return nil, &Conflict{Message: "scegliere l'esito della validazione", Field: "outcome"}
	}
	v.On = Day(v.On)
	if strings.TrimSpace(richTextPlain(v.TextHTML)) == "" {
		return nil, &Conflict{Message: "scrivere il testo del documento di validazione", Field: "text_html"}
	}
	if msg := plan.TooLong(v.TextHTML, plan.MaxRichText); msg != "" {
		return nil, &Conflict{Message: msg, Field: "text_html"}
	}
	if len(v.PDF) == 0 || len(v.JSON) == 0 || v.Export == nil {
		return nil, errors.New("validate report: the frozen files are missing")
	}
	observations := v.Observations
	if len(observations) == 0 {
		observations = []byte("[]")
	}
	var notified []int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		id, sentAt, err := pendingReport(ctx, tx, year)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT number FROM report_versions WHERE id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n != number {
			return &Conflict{Message: fmt.Sprintf("la relazione in attesa è la versione %d, non la %d: ricaricare la pagina", n, number)}
		}
		if msg := plan.ValidationProblem(v.On, domain.Today(sentAt), s.today()); msg != "" {
			return &Conflict{Message: msg, Field: "validated_on"}
		}
		c, err := loadCycleTx(ctx, tx, year, 0, s.today())
		if err != nil {
			return err
		}
		now, err := v.Export(c)
		if err != nil {
			return err
		}
		if !bytes.Equal(now, v.JSON) {
			return ErrReportMoved
		}
		var comments int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM report_comments WHERE report_id = $1`, id).Scan(&comments); err != nil {
			return err
		}
		if comments != v.Comments {
			return ErrReportMoved
		}
		pdfSum, jsonSum := sha256.Sum256(v.PDF), sha256.Sum256(v.JSON)
		pdfHash, jsonHash := hex.EncodeToString(pdfSum[:]), hex.EncodeToString(jsonSum[:])
		if _, err := tx.Exec(ctx, `
			UPDATE report_versions SET state = $2, validated_on = $3, validated_at = now(), validated_by = $4,
				validated_by_name = $5, validation_html = $6, pdf = $7, pdf_sha256 = $8, json = $9, json_sha256 = $10,
				observations = $11, version = version + 1
			WHERE id = $1`, id, string(v.Outcome), v.On, a.UserID, a.Name, v.TextHTML, v.PDF, pdfHash, v.JSON, jsonHash, observations); err != nil {
			return conflictFrom(err)
		}
		if err := record(ctx, tx, a, audit.ValidateReport, audit.Report, id,
			audit.Snapshot{audit.KeyNumber: number, audit.KeyState: string(plan.ReportSent)},
			audit.Snapshot{audit.KeyNumber: number, audit.KeyState: string(v.Outcome), audit.KeyValidatedOn: v.On.Format(time.DateOnly),
				audit.KeyValidationHTML: v.TextHTML, audit.KeyPDFSHA256: pdfHash, audit.KeyJSONSHA256: jsonHash}); err != nil {
			return err
		}
		notified, err = notifyRole(ctx, tx, "direttore", fmt.Sprintf("Il Nucleo di Valutazione ha deciso sulla Relazione sulla performance %d (versione %d): «%s», con atto del %s.",
			year, number, v.Outcome.Label(), v.On.Format("02/01/2006")), v.Link)
		return err
	})
	return notified, err
}

// richTextPlain is rich text without its tags, to tell an empty editor
// ("<p></p>") from a text.
func richTextPlain(h string) string {
	var b strings.Builder
	in := false
	for _, r := range h {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.ReplaceAll(b.String(), "&nbsp;", " ")
}

// ReportFile is a frozen file of a decided version.
type ReportFile struct {
	Bytes  []byte
	SHA256 string
	State  plan.ReportState
}

// The frozen files of a version.
const (
	FilePDF  = "pdf"
	FileJSON = "json"
)

// ReportFile returns the frozen file kind (FilePDF, FileJSON) of version
// number of the Relazione of year; ErrNotFound when that version is not
// decided (nothing is frozen) or does not exist. published limits it to the
// validated versions, for the public page.
func (s *Store) ReportFile(ctx context.Context, year, number int, kind string, published bool) (ReportFile, error) {
	var f ReportFile
	var state string
	var col, sum string
	switch kind {
	case FilePDF:
		col, sum = "r.pdf", "r.pdf_sha256"
	case FileJSON:
		col, sum = "r.json", "r.json_sha256"
	default:
		return f, fmt.Errorf("report file %q: %w", kind, ErrNotFound)
	}
	err := s.pool.QueryRow(ctx, `
		SELECT `+col+`, `+sum+`, r.state FROM report_versions r JOIN cycles c ON c.id = r.cycle_id
		WHERE c.year = $1 AND r.number = $2 AND r.state <> 'inviata'
		  AND (NOT $3 OR r.state IN ('validata', 'validata con osservazioni'))`, year, number, published).Scan(&f.Bytes, &f.SHA256, &state)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, fmt.Errorf("report %d version %d %s: %w", year, number, kind, ErrNotFound)
	}
	f.State = plan.ReportState(state)
	return f, err
}
