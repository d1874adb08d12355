package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"traguardo/internal/auth"
)

// NewUser is an account to create.
type NewUser struct {
	Email              string
	Name               string
	Role               auth.Role
	Centres            []int64 // organisational centres, for a responsabile
	PasswordHash       string
	MustChangePassword bool
}

// auditUser is what the audit log keeps of an account: never the hash.
type auditUser struct {
	Email   string    `json:"email"`
	Name    string    `json:"name"`
	Role    auth.Role `json:"role"`
	Centres []int64   `json:"centres"`
	Active  bool      `json:"active"`
}

// CreateUser adds an account and records it in the audit log.
func (s *Store) CreateUser(ctx context.Context, a Actor, u NewUser) (int64, error) {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	var id int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			INSERT INTO users (email, name, password_hash, role, must_change_password)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			u.Email, u.Name, u.PasswordHash, string(u.Role), u.MustChangePassword).Scan(&id)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			return &Conflict{Message: "esiste già un utente con questa email"}
		}
		if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		for _, c := range u.Centres {
			if _, err := tx.Exec(ctx, `INSERT INTO user_centres (user_id, centre_id) VALUES ($1, $2)`, id, c); err != nil {
				return fmt.Errorf("user centre %d: %w", c, err)
			}
		}
		return record(ctx, tx, a, "create", "user", id, nil,
			auditUser{Email: u.Email, Name: u.Name, Role: u.Role, Centres: u.Centres, Active: true})
	})
	return id, err
}

const userColumns = `u.id, u.email, u.name, u.role, u.active, u.must_change_password, u.session_epoch,
	coalesce((SELECT array_agg(uc.centre_id ORDER BY uc.centre_id) FROM user_centres uc WHERE uc.user_id = u.id), '{}')`

// userColumnsVersioned are userColumns with the account's version, which
// scanUser reads.
const userColumnsVersioned = userColumns + `, u.version`

func scanUser(row pgx.Row) (*auth.User, error) {
	var u auth.User
	var role string
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &role, &u.Active, &u.MustChangePassword, &u.SessionEpoch, &u.Centres, &u.Version); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	u.Role = auth.Role(role)
	return &u, nil
}

// UserByID returns an account with its centres.
func (s *Store) UserByID(ctx context.Context, id int64) (*auth.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumnsVersioned+` FROM users u WHERE u.id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("user %d: %w", id, err)
	}
	return u, nil
}

// UserForSignIn returns the account of email and its password hash.
func (s *Store) UserForSignIn(ctx context.Context, email string) (*auth.User, string, error) {
	var hash string
	row := s.pool.QueryRow(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u WHERE u.email = $1`,
		strings.ToLower(strings.TrimSpace(email)))
	var u auth.User
	var role string
	err := row.Scan(&u.ID, &u.Email, &u.Name, &role, &u.Active, &u.MustChangePassword, &u.SessionEpoch, &u.Centres, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, "", ErrNotFound
	}
	if err != nil {
		return nil, "", err
	}
	u.Role = auth.Role(role)
	return &u, hash, nil
}

// Empty reports whether the database holds no cycle and no account: a new
// installation.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	var empty bool
	err := s.pool.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM cycles) AND NOT EXISTS (SELECT 1 FROM users)`).Scan(&empty)
	return empty, err
}

// ListUsers returns every account, by email.
func (s *Store) ListUsers(ctx context.Context) ([]*auth.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userColumnsVersioned+` FROM users u ORDER BY u.email`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var users []*auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

// SetPassword replaces a password. A reset by someone else (endSessions)
// also ends every session of the account at once. It changes the account
// whatever its version (the user's own change, the command line); an
// administrator's reset is ResetPassword.
func (s *Store) SetPassword(ctx context.Context, a Actor, userID int64, hash string, mustChange, endSessions bool) error {
	return s.setPassword(ctx, a, userID, nil, hash, mustChange, endSessions)
}

// ResetPassword gives an account, read at version, a one-time password and
// ends its sessions at once.
func (s *Store) ResetPassword(ctx context.Context, a Actor, userID int64, version int, hash string) error {
	return s.setPassword(ctx, a, userID, &version, hash, true, true)
}

func (s *Store) setPassword(ctx context.Context, a Actor, userID int64, version *int, hash string, mustChange, endSessions bool) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if version != nil {
			if err := lockVersion(ctx, tx, "users", "user", userID, *version); err != nil {
				return err
			}
		}
		var now int
		err := tx.QueryRow(ctx, `
			UPDATE users SET password_hash = $2, must_change_password = $3,
				session_epoch = session_epoch + CASE WHEN $4 THEN 1 ELSE 0 END, version = version + 1
			WHERE id = $1 RETURNING version`, userID, hash, mustChange, endSessions).Scan(&now)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		action := "change-password"
		if endSessions {
			action = "reset-password"
		}
		// The hash is never recorded: the entry says what happened, and the
		// version it brought the account to.
		return record(ctx, tx, a, action, "user", userID, map[string]int{"version": now - 1}, map[string]int{"version": now})
	})
}

// SetActive activates or deactivates an account read at version;
// deactivation ends every session of the account at once.
func (s *Store) SetActive(ctx context.Context, a Actor, userID int64, version int, active bool) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockVersion(ctx, tx, "users", "user", userID, version); err != nil {
			return err
		}
		var was bool
		if err := tx.QueryRow(ctx, `SELECT active FROM users WHERE id = $1`, userID).Scan(&was); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET active = $2, session_epoch = session_epoch + 1, version = version + 1 WHERE id = $1`, userID, active); err != nil {
			return err
		}
		return record(ctx, tx, a, "set-active", "user", userID,
			map[string]any{"active": was, "version": version}, map[string]any{"active": active, "version": version + 1})
	})
}

// RecordSignInFailure remembers a failed sign-in for throttling.
func (s *Store) RecordSignInFailure(ctx context.Context, email, address string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO login_failures (email, address) VALUES ($1, $2)`,
		strings.ToLower(strings.TrimSpace(email)), address)
	return err
}

// SignInFailures counts the failed sign-ins since a time, for an email and
// for an address.
func (s *Store) SignInFailures(ctx context.Context, email, address string, since time.Time) (byEmail, byAddress int, err error) {
	err = s.pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE email = $1), count(*) FILTER (WHERE address = $2)
		FROM login_failures WHERE at >= $3 AND (email = $1 OR address = $2)`,
		strings.ToLower(strings.TrimSpace(email)), address, since).Scan(&byEmail, &byAddress)
	return byEmail, byAddress, err
}

// ClearSignInFailures forgets an account's failures after a good sign-in.
func (s *Store) ClearSignInFailures(ctx context.Context, email string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM login_failures WHERE email = $1 OR at < now() - interval '1 day'`,
		strings.ToLower(strings.TrimSpace(email)))
	return err
}

// CentreRef is an organisational centre.
type CentreRef struct {
	ID   int64
	Name string
}

// ListCentres returns the organisation's centres, by name.
func (s *Store) ListCentres(ctx context.Context) ([]CentreRef, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name FROM centres ORDER BY name`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[CentreRef])
}
