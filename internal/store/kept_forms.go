package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// KeptForm is a form posted after its session expired, kept for the account
// that loaded it (see the kept_forms table).
type KeptForm struct {
	// TokenHash is the SHA-256 of the browser's token.
	TokenHash []byte
	UserID    int64
	// Path is the page of the form, where it is shown again.
	Path string
	// Form is the posted fields, URL-encoded.
	Form string
}

// MaxKeptForms is how many forms one account may have kept at once: keeping
// another drops its oldest.
const MaxKeptForms = 5

// KeepForm stores f for lifetime, and deletes on the way the expired forms
// of everyone, the form that replaced (the browser's previous token, when
// it had one: nil otherwise) and the account's oldest beyond MaxKeptForms.
func (s *Store) KeepForm(ctx context.Context, f KeptForm, replaced []byte, lifetime time.Duration) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM kept_forms WHERE expires_at <= now() OR token_hash = $1`, replaced); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO kept_forms (token_hash, user_id, path, form, expires_at)
			VALUES ($1, $2, $3, $4, now() + $5::interval)`,
			f.TokenHash, f.UserID, f.Path, f.Form, fmt.Sprintf("%d milliseconds", lifetime.Milliseconds())); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM kept_forms WHERE user_id = $1 AND token_hash NOT IN
			(SELECT token_hash FROM kept_forms WHERE user_id = $1 ORDER BY created_at DESC, token_hash LIMIT $2)`,
			f.UserID, MaxKeptForms)
		return err
	})
}

// KeptFormWaiting reports whether a form kept under tokenHash has not expired.
func (s *Store) KeptFormWaiting(ctx context.Context, tokenHash []byte) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM kept_forms WHERE token_hash = $1 AND expires_at > now())`,
		tokenHash).Scan(&ok)
	return ok, err
}

// TakeKeptForm returns and deletes the form kept under tokenHash for the
// account userID at path, if it has not expired; ErrNotFound otherwise (no
// such form, another account's, another page's), leaving it be.
func (s *Store) TakeKeptForm(ctx context.Context, tokenHash []byte, userID int64, path string) (string, error) {
	var form string
	err := s.pool.QueryRow(ctx, `DELETE FROM kept_forms
		WHERE token_hash = $1 AND user_id = $2 AND path = $3 AND expires_at > now() RETURNING form`,
		tokenHash, userID, path).Scan(&form)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	return form, err
}
