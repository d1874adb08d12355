package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The frozen versions of the adopted Piano della Performance (migration
// 000025): version 1 at the approval, then one for the variations decided
// since the version before. The PDF is printed after the approval's or the
// variation's transaction has committed (see OnAdopted), and written with a
// check that the plan has not moved since it was read (FreezePiano).

// PianoVersion is a frozen version of a cycle's adopted Piano, without its
// PDF.
type PianoVersion struct {
	Organisation string
	Year         int
	Number       int
	CreatedAt    time.Time
	CreatedBy    string
	Changes      []string
	SHA256       string
}

// PianoVariation is a variation with its id, the order the versions follow.
type PianoVariation struct {
	ID int64
	VariationEntry
}

// PianoState is what the next frozen version of a cycle's Piano is to
// hold: nothing when the plan is not approved, or when the last version
// holds every variation (Due false).
type PianoState struct {
	Year        int
	ApprovalAct string
	ApprovedOn  *time.Time
	// Next is the number of the next version; Since the variations decided
	// after the last version (every one, for the first), in order.
	Next  int
	Since []PianoVariation
	// through is the last variation's id when read (0 when none).
	through int64
}

// Due says whether a version is to be frozen: the plan is approved, and
// has no version yet or has variations since its last one.
func (p PianoState) Due() bool {
	return p.ApprovalAct != "" && (p.Next == 1 || len(p.Since) > 0)
}

// OnAdopted sets f to be told, after the transaction has committed, of
// every approval of a cycle's plan and of every variation of an approved
// plan, with the year of the cycle (a server freezes the Piano's next
// version then). f runs in the caller's goroutine, with its context.
func (s *Store) OnAdopted(f func(ctx context.Context, year int)) { s.adopted = f }

// adoptedHook tells OnAdopted's function of a change of the plan of year.
func (s *Store) adoptedHook(ctx context.Context, year int) {
	if s.adopted != nil {
		s.adopted(ctx, year)
	}
}

// PianoPending reads what the next version of the Piano of year is to
// hold: two statements.
func (s *Store) PianoPending(ctx context.Context, year int) (PianoState, error) {
	p := PianoState{Year: year}
	var act *string
	var cycleID, through int64
	err := s.pool.QueryRow(ctx, `
		SELECT c.id, c.approval_act, c.approved_on,
		       coalesce((SELECT max(number) FROM piano_versions WHERE cycle_id = c.id), 0) + 1,
		       coalesce((SELECT through_variation FROM piano_versions WHERE cycle_id = c.id ORDER BY number DESC LIMIT 1), 0)
		FROM cycles c WHERE c.year = $1`, year).Scan(&cycleID, &act, &p.ApprovedOn, &p.Next, &through)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("cycle %d: %w", year, ErrNotFound)
	}
	if err != nil {
		return p, err
	}
	if act == nil {
		return p, nil
	}
	p.ApprovalAct = *act
	rows, err := s.pool.Query(ctx, `
		SELECT v.id, v.decided_on, v.reason, v.action, v.entity, v.entity_id, v.actor,
		       coalesce(v.old_value::text, ''), coalesce(v.new_value::text, '')
		FROM variations v WHERE v.cycle_id = $1 AND v.id > $2 ORDER BY v.decided_on, v.id`, cycleID, through)
	if err != nil {
		return p, err
	}
	p.Since, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (PianoVariation, error) {
		var v PianoVariation
		err := r.Scan(&v.ID, &v.On, &v.Reason, &v.Action, &v.Entity, &v.EntityID, &v.Actor, &v.OldValue, &v.NewValue)
		return v, err
	})
	p.through = through
	for _, v := range p.Since {
		p.through = max(p.through, v.ID)
	}
	return p, err
}

// ErrPianoMoved is returned by FreezePiano when the plan changed (a
// variation, a correction of the act) after the state was read: the PDF
// would not be the plan's; read and print again.
var ErrPianoMoved = errors.New("store: the plan changed while its Piano was printed")

// FreezePiano writes the next version of the Piano: p as PianoPending read
// it, with what it changed in words and its PDF, in one transaction that
// holds the cycle's row lock (as every change of the plan does) and checks
// that nothing of p moved since; ErrPianoMoved otherwise. It returns the
// version's number.
func (s *Store) FreezePiano(ctx context.Context, a Actor, p PianoState, changes []string, pdf []byte) (int, error) {
	if !p.Due() {
		return 0, &Conflict{Message: "non c'è una nuova versione del piano da congelare"}
	}
	err := s.write(ctx, func(tx pgx.Tx) error {
		var cycleID, through int64
		var act *string
		var on *time.Time
		var next int
		err := tx.QueryRow(ctx, `SELECT id, approval_act, approved_on FROM cycles WHERE year = $1 FOR UPDATE`, p.Year).Scan(&cycleID, &act, &on)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("cycle %d: %w", p.Year, ErrNotFound)
		}
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `
			SELECT coalesce((SELECT max(number) FROM piano_versions WHERE cycle_id = $1), 0) + 1,
			       coalesce((SELECT max(id) FROM variations WHERE cycle_id = $1), 0)`, cycleID).Scan(&next, &through)
		if err != nil {
			return err
		}
		sameDay := (on == nil) == (p.ApprovedOn == nil) && (on == nil || on.Equal(*p.ApprovedOn))
		if act == nil || *act != p.ApprovalAct || !sameDay || next != p.Next || through != p.through {
			return ErrPianoMoved
		}
		var last *int64
		if through != 0 {
			last = &through
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO piano_versions (cycle_id, number, created_by, created_by_name, through_variation, changes, pdf, pdf_sha256)
			VALUES ($1, $2, $3, $4, $5, $6, $7, encode(sha256($7), 'hex'))`,
			cycleID, next, a.UserID, a.Name, last, changes, pdf)
		return err
	})
	if err != nil {
		return 0, err
	}
	return p.Next, nil
}

// PianoVersions are the frozen versions of the Piano of year, newest
// first, without their PDFs.
func (s *Store) PianoVersions(ctx context.Context, year int) ([]PianoVersion, error) {
	return s.pianoVersions(ctx, `WHERE c.year = $1 ORDER BY p.number DESC`, year)
}

// PianoVersionsAll are the frozen versions of every cycle's Piano, latest
// year first and each year's newest first, in one statement.
func (s *Store) PianoVersionsAll(ctx context.Context) ([]PianoVersion, error) {
	return s.pianoVersions(ctx, `ORDER BY c.year DESC, p.number DESC`)
}

func (s *Store) pianoVersions(ctx context.Context, where string, args ...any) ([]PianoVersion, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT o.name, c.year, p.number, p.created_at, p.created_by_name, p.changes, p.pdf_sha256
		FROM piano_versions p JOIN cycles c ON c.id = p.cycle_id JOIN organisations o ON o.id = c.organisation_id `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("piano versions: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (PianoVersion, error) {
		var v PianoVersion
		err := r.Scan(&v.Organisation, &v.Year, &v.Number, &v.CreatedAt, &v.CreatedBy, &v.Changes, &v.SHA256)
		return v, err
	})
}

// PianoFile is the frozen PDF of version number of the Piano of year, with
// its SHA-256; ErrNotFound when there is no such version.
func (s *Store) PianoFile(ctx context.Context, year, number int) (ReportFile, error) {
	var f ReportFile
	err := s.pool.QueryRow(ctx, `
		SELECT p.pdf, p.pdf_sha256 FROM piano_versions p JOIN cycles c ON c.id = p.cycle_id
		WHERE c.year = $1 AND p.number = $2`, year, number).Scan(&f.Bytes, &f.SHA256)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, fmt.Errorf("piano %d version %d: %w", year, number, ErrNotFound)
	}
	return f, err
}
