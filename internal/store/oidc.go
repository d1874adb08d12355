package store

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/audit"
	"traguardo/internal/auth"
	"traguardo/internal/names"
)

// Identity is what a verified ID token of the body's OpenID Connect
// provider says of its holder.
type Identity struct {
	Issuer  string
	Subject string
	// Email is the token's e-mail, and EmailVerified whether the provider
	// vouches for it; an account is matched by it only when verified.
	Email         string
	EmailVerified bool
}

// RefusalWindow is how long a refusal of a sign-in with the provider is
// written to the audit log once: the same refusal again (same reason, same
// address, same e-mail) within it is not, so that anyone who can reach the
// callback cannot flood the append-only log.
const RefusalWindow = 15 * time.Minute

// SignInIdentity signs in the account of id, in one transaction, and writes
// the audit log: an account once linked is found by the identity (issuer
// and subject) alone; an account not yet linked by the verified e-mail, and
// it is linked then. Nothing else signs in: no account is ever created, an
// account linked to another identity or deactivated is refused. On a
// refusal it returns nil and the reason (written to the audit log, see
// RecordRefusal); the caller tells the user.
func (s *Store) SignInIdentity(ctx context.Context, id Identity, address string) (*auth.User, audit.Refusal, error) {
	var (
		u      *auth.User
		reason audit.Refusal
	)
	email := names.Email(id.Email)
	err := s.write(ctx, func(tx pgx.Tx) error {
		u, reason = nil, ""
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userColumnsVersioned+` FROM users u
			WHERE u.oidc_issuer = $1 AND u.oidc_subject = $2 FOR UPDATE`, id.Issuer, id.Subject))
		switch {
		case err == nil:
			if !u.Active {
				reason = audit.RefusalInactive
			}
		case !errors.Is(err, ErrNotFound):
			return err
		case email == "" || !id.EmailVerified:
			reason = audit.RefusalUnverifiedEmail
		default:
			var linked bool
			u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userColumnsVersioned+`, u.oidc_subject IS NOT NULL FROM users u
				WHERE u.email = $1 FOR UPDATE`, email), &linked)
			if errors.Is(err, ErrNotFound) {
				reason = audit.RefusalUnknownEmail
				break
			}
			if err != nil {
				return err
			}
			switch {
			case linked:
				reason = audit.RefusalSubject
			case !u.Active:
				reason = audit.RefusalInactive
			default:
				if _, err := tx.Exec(ctx, `UPDATE users SET oidc_issuer = $2, oidc_subject = $3, version = version + 1 WHERE id = $1`,
					u.ID, id.Issuer, id.Subject); err != nil {
					return conflictFrom(err)
				}
				if err := record(ctx, tx, Actor{UserID: &u.ID, Name: u.Email}, audit.LinkOIDC, audit.User, u.ID, nil,
					audit.Snapshot{audit.KeyEmail: u.Email, audit.KeyIssuer: id.Issuer, audit.KeySubject: id.Subject}); err != nil {
					return err
				}
			}
		}
		if reason != "" {
			var account int64
			if u != nil {
				account = u.ID
			}
			return recordRefusal(ctx, tx, reason, account, email, id.Subject, address)
		}
		return record(ctx, tx, Actor{UserID: &u.ID, Name: u.Email}, audit.SignInOIDC, audit.Access, u.ID, nil,
			audit.Snapshot{audit.KeyAddress: address, audit.KeySubject: id.Subject})
	})
	if err != nil {
		return nil, "", fmt.Errorf("sign in identity: %w", err)
	}
	if reason != "" {
		return nil, reason, nil
	}
	return u, "", nil
}

// RecordRefusal writes a refused sign-in with the provider decided before
// any account was looked up (an answer no sign-in awaits, a token that does
// not verify, an error of the provider): once per RefusalWindow for the
// same reason, address and e-mail. email and subject may be "".
func (s *Store) RecordRefusal(ctx context.Context, reason audit.Refusal, email, subject, address string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		return recordRefusal(ctx, tx, reason, 0, names.Email(email), subject, address)
	})
}

// recordRefusal writes a SignInRefused entry, of the account when one was
// found (account not 0), unless the same one was written within
// RefusalWindow, under an advisory lock on the address so that parallel
// refusals write one.
func recordRefusal(ctx context.Context, tx pgx.Tx, reason audit.Refusal, account int64, email, subject, address string) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockAddress, address); err != nil {
		return fmt.Errorf("lock address: %w", err)
	}
	same := audit.Snapshot{audit.KeyReason: reason, audit.KeyAddress: address}
	if email != "" {
		same[audit.KeyEmail] = email
	}
	key, err := json.Marshal(same)
	if err != nil {
		return err
	}
	var logged bool
	if err := tx.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM audit_log
			WHERE at > now() - make_interval(secs => $1) AND entity = $3 AND action = $4
			  AND new_value @> $2::jsonb AND ($5 OR NOT new_value ? 'email'))`,
		RefusalWindow.Seconds(), string(key), audit.Access, audit.SignInRefused, email != "").Scan(&logged); err != nil {
		return fmt.Errorf("refusal entry: %w", err)
	}
	if logged {
		return nil
	}
	snap := audit.Snapshot{audit.KeyReason: reason, audit.KeyAddress: address}
	if email != "" {
		snap[audit.KeyEmail] = email
	}
	if subject != "" {
		snap[audit.KeySubject] = subject
	}
	// The actor is who tried, not the account (its holder may not be who
	// tried): the e-mail the provider gave, if any.
	return record(ctx, tx, Actor{Name: cmp.Or(email, "(sconosciuto)")}, audit.SignInRefused, audit.Access, account, nil, snap)
}
