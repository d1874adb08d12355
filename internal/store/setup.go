package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/audit"
	"traguardo/internal/auth"
	"traguardo/internal/names"
)

// Installed is what a database already holds that a first run would
// otherwise create: its organisation, its accounts, its cycles.
type Installed struct {
	Organisation string // empty: none
	Accounts     int
	Admins       []string // the administrators' e-mails
	Cycles       []int    // the years
}

// InstalledError is Setup's refusal of a database that is not new.
type InstalledError struct{ Installed Installed }

func (e *InstalledError) Error() string {
	var held []string
	if e.Installed.Organisation != "" {
		held = append(held, fmt.Sprintf("the organisation %q", e.Installed.Organisation))
	}
	if n := len(e.Installed.Cycles); n > 0 {
		years := make([]string, n)
		for i, y := range e.Installed.Cycles {
			years[i] = fmt.Sprint(y)
		}
		held = append(held, fmt.Sprintf("%d cycle(s) (%s)", n, strings.Join(years, ", ")))
	}
	if e.Installed.Accounts > 0 {
		a := fmt.Sprintf("%d account(s)", e.Installed.Accounts)
		if len(e.Installed.Admins) > 0 {
			a += ", administrators: " + strings.Join(e.Installed.Admins, ", ")
		}
		held = append(held, a)
	}
	return "the database is already set up: it holds " + strings.Join(held, "; ")
}

// Setup is the first run of an installation: in one transaction, on a
// database with no organisation, no cycle and no account, it names the
// organisation (whose plans the installation then imports) and creates its
// first administrator, both audited as a's. On any other database it
// changes nothing and returns an *InstalledError saying what is there.
func (s *Store) Setup(ctx context.Context, a Actor, organisation string, admin NewUser) (int64, error) {
	organisation = names.Clean(organisation)
	if organisation == "" {
		return 0, &Conflict{Message: "indicare il nome dell'ente"}
	}
	if admin.Role != auth.Admin {
		return 0, fmt.Errorf("setup: the first account must be an administrator, not %q", admin.Role)
	}
	var userID int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		// Two first runs at once: the second waits, then finds the first's.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('traguardo setup'))`); err != nil {
			return err
		}
		var in Installed
		if err := tx.QueryRow(ctx, `
			SELECT coalesce((SELECT name FROM organisations ORDER BY id LIMIT 1), ''),
				(SELECT count(*) FROM users),
				coalesce((SELECT array_agg(email ORDER BY email) FROM users WHERE role = 'admin'), '{}'),
				coalesce((SELECT array_agg(year ORDER BY year) FROM cycles), '{}')`).Scan(
			&in.Organisation, &in.Accounts, &in.Admins, &in.Cycles); err != nil {
			return err
		}
		if in.Organisation != "" || in.Accounts > 0 || len(in.Cycles) > 0 {
			return &InstalledError{Installed: in}
		}
		var orgID int64
		if err := tx.QueryRow(ctx, `INSERT INTO organisations (name) VALUES ($1) RETURNING id`, organisation).Scan(&orgID); err != nil {
			return fmt.Errorf("insert organisation: %w", err)
		}
		if err := record(ctx, tx, a, audit.Create, audit.Organisation, orgID, nil, audit.Snapshot{audit.KeyName: organisation}); err != nil {
			return err
		}
		var err error
		userID, err = createUser(ctx, tx, a, admin)
		return err
	})
	return userID, err
}
