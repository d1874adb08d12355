package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"traguardo/internal/audit"
	"traguardo/internal/auth"
	"traguardo/internal/domain"
	"traguardo/internal/names"
)

// NewUser is an account to create.
type NewUser struct {
	Email              string
	Name               string
	Role               auth.Role
	Centres            []domain.CentreID // organisational centres, for a responsabile
	PasswordHash       string
	MustChangePassword bool
}

// auditUser is what the audit log keeps of an account: never the hash.
type auditUser struct {
	Email   string            `json:"email"`
	Name    string            `json:"name"`
	Role    auth.Role         `json:"role"`
	Centres []domain.CentreID `json:"centres"`
	Active  bool              `json:"active"`
}

// CreateUser adds an account and records it in the audit log.
func (s *Store) CreateUser(ctx context.Context, a Actor, u NewUser) (int64, error) {
	var id int64
	err := s.write(ctx, func(tx pgx.Tx) (err error) {
		id, err = createUser(ctx, tx, a, u)
		return err
	})
	return id, err
}

// createUser inserts an account in tx, audited.
func createUser(ctx context.Context, tx pgx.Tx, a Actor, u NewUser) (int64, error) {
	u.Email, u.Name = names.Email(u.Email), names.Clean(u.Name)
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO users (email, name, password_hash, role, must_change_password)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		u.Email, u.Name, u.PasswordHash, string(u.Role), u.MustChangePassword).Scan(&id)
	if err := conflictFrom(err); err != nil {
		return 0, fmt.Errorf("insert user: %w", err)
	}
	for _, c := range u.Centres {
		if _, err := tx.Exec(ctx, `INSERT INTO user_centres (user_id, centre_id) VALUES ($1, $2)`, id, c); err != nil {
			return 0, fmt.Errorf("user centre %d: %w", c, err)
		}
	}
	return id, record(ctx, tx, a, audit.Create, audit.User, id, nil,
		auditUser{Email: u.Email, Name: u.Name, Role: u.Role, Centres: u.Centres, Active: true})
}

const userColumns = `u.id, u.email, u.name, u.role, u.active, u.must_change_password, u.session_epoch,
	coalesce((SELECT array_agg(uc.centre_id ORDER BY uc.centre_id) FROM user_centres uc WHERE uc.user_id = u.id), '{}')`

// userColumnsVersioned are userColumns with the account's version, which
// scanUser reads.
const userColumnsVersioned = userColumns + `, u.version`

// scanUser reads userColumnsVersioned, then into more.
func scanUser(row pgx.Row, more ...any) (*auth.User, error) {
	var u auth.User
	var role string
	if err := row.Scan(append([]any{&u.ID, &u.Email, &u.Name, &role, &u.Active, &u.MustChangePassword, &u.SessionEpoch, &u.Centres, &u.Version}, more...)...); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	u.Role = auth.Role(role)
	return &u, nil
}

// UserByID returns an account with its centres and its unread
// notifications (counted up to auth.UnreadMost), in one statement: the
// session reads it at every request, and the menu shows the count.
func (s *Store) UserByID(ctx context.Context, id int64) (*auth.User, error) {
	var unread int
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumnsVersioned+`,
		(SELECT count(*) FROM (SELECT 1 FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL LIMIT $2) x)
		FROM users u WHERE u.id = $1`, id, auth.UnreadMost), &unread)
	if err != nil {
		return nil, fmt.Errorf("user %d: %w", id, err)
	}
	u.Unread = unread
	return u, nil
}

// UserForSignIn returns the account of email and its password hash.
func (s *Store) UserForSignIn(ctx context.Context, email string) (*auth.User, string, error) {
	var hash string
	row := s.pool.QueryRow(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u WHERE u.email = $1`,
		names.Email(email))
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
	return s.write(ctx, func(tx pgx.Tx) error {
		if version != nil {
			if err := lockVersion(ctx, tx, "users", audit.User, userID, *version); err != nil {
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
		action := audit.ChangePassword
		if endSessions {
			action = audit.ResetPassword
		}
		// The hash is never recorded: the entry says what happened, and the
		// version it brought the account to.
		return record(ctx, tx, a, action, audit.User, userID, audit.Snapshot{audit.KeyVersion: now - 1}, audit.Snapshot{audit.KeyVersion: now})
	})
}

// SetActive activates or deactivates an account read at version;
// deactivation ends every session of the account at once. The last active
// administrator cannot be deactivated: a *Conflict.
func (s *Store) SetActive(ctx context.Context, a Actor, userID int64, version int, active bool) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		if err := lockAdmins(ctx, tx); err != nil {
			return err
		}
		if err := lockVersion(ctx, tx, "users", audit.User, userID, version); err != nil {
			return err
		}
		var was bool
		var role string
		if err := tx.QueryRow(ctx, `SELECT active, role FROM users WHERE id = $1`, userID).Scan(&was, &role); err != nil {
			return err
		}
		if err := keepAnAdmin(ctx, tx, userID, auth.Role(role), was, auth.Role(role), active); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET active = $2, session_epoch = session_epoch + 1, version = version + 1 WHERE id = $1`, userID, active); err != nil {
			return err
		}
		return record(ctx, tx, a, audit.SetActive, audit.User, userID,
			audit.Snapshot{audit.KeyActive: was, audit.KeyVersion: version}, audit.Snapshot{audit.KeyActive: active, audit.KeyVersion: version + 1})
	})
}

// The fields of an account that a Conflict may name.
const (
	FieldRole    = "role"
	FieldCentres = "centres"
)

// AccountChange is what an administrator may change of an account.
type AccountChange struct {
	Name    string
	Role    auth.Role
	Centres []domain.CentreID // organisational centres, for a responsabile
}

// auditAccount is what the audit log keeps of an account's change, with
// the version it brought the account to.
type auditAccount struct {
	Name    string            `json:"name"`
	Role    auth.Role         `json:"role"`
	Centres []domain.CentreID `json:"centres"`
	Version int               `json:"version"`
}

// UpdateUser changes the name, role and centres of an account read at
// version, with its audit record, in one transaction. A change of role or
// of centres ends every session of the account at once (ended): its holder
// signs in again under what he or she may now do. A change that changes
// nothing writes nothing. The last active administrator keeps the role: a
// *Conflict; a centre removed meanwhile is a *Conflict too.
func (s *Store) UpdateUser(ctx context.Context, a Actor, userID int64, version int, ch AccountChange) (ended bool, err error) {
	ch.Name = names.Clean(ch.Name)
	centres := slices.Clone(ch.Centres)
	slices.Sort(centres)
	centres = slices.Compact(centres)
	if centres == nil {
		centres = []domain.CentreID{}
	}
	err = s.write(ctx, func(tx pgx.Tx) error {
		if err := lockAdmins(ctx, tx); err != nil {
			return err
		}
		if err := lockVersion(ctx, tx, "users", audit.User, userID, version); err != nil {
			return err
		}
		old, err := scanUser(tx.QueryRow(ctx, `SELECT `+userColumnsVersioned+` FROM users u WHERE u.id = $1`, userID))
		if err != nil {
			return fmt.Errorf("user %d: %w", userID, err)
		}
		sameCentres := slices.Equal(old.Centres, centres)
		if old.Name == ch.Name && old.Role == ch.Role && sameCentres {
			return nil
		}
		if err := keepAnAdmin(ctx, tx, userID, old.Role, old.Active, ch.Role, old.Active); err != nil {
			return err
		}
		ended = old.Role != ch.Role || !sameCentres
		if _, err := tx.Exec(ctx, `
			UPDATE users SET name = $2, role = $3, version = version + 1,
				session_epoch = session_epoch + CASE WHEN $4 THEN 1 ELSE 0 END
			WHERE id = $1`, userID, ch.Name, string(ch.Role), ended); err != nil {
			return conflictFrom(err)
		}
		if !sameCentres {
			if _, err := tx.Exec(ctx, `DELETE FROM user_centres WHERE user_id = $1`, userID); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO user_centres (user_id, centre_id) SELECT $1, unnest($2::bigint[])`, userID, centres); err != nil {
				if isForeignKeyViolation(err) {
					return &Conflict{Message: "uno dei centri scelti non esiste più", Field: FieldCentres}
				}
				return fmt.Errorf("user centres: %w", err)
			}
		}
		return record(ctx, tx, a, audit.Update, audit.User, userID,
			auditAccount{Name: old.Name, Role: old.Role, Centres: old.Centres, Version: version},
			auditAccount{Name: ch.Name, Role: ch.Role, Centres: centres, Version: version + 1})
	})
	if err != nil {
		return false, err
	}
	return ended, nil
}

// lockAdmins serialises the changes that may take an active administrator
// away, so that two administrators demoting or deactivating each other at
// once cannot both pass keepAnAdmin.
func lockAdmins(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockAdminSet); err != nil {
		return fmt.Errorf("lock administrators: %w", err)
	}
	return nil
}

// keepAnAdmin refuses, with a *Conflict, a change that takes the account id
// from an active administrator (wasRole, wasActive) to anything else when
// no other active administrator remains. The caller holds lockAdmins.
func keepAnAdmin(ctx context.Context, tx pgx.Tx, id int64, wasRole auth.Role, wasActive bool, role auth.Role, active bool) error {
	if wasRole != auth.Admin || !wasActive || (role == auth.Admin && active) {
		return nil
	}
	var others bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE role = $1 AND active AND id <> $2)`,
		string(auth.Admin), id).Scan(&others); err != nil {
		return fmt.Errorf("other administrators: %w", err)
	}
	if !others {
		return &Conflict{Message: auth.LastAdminMessage, Field: FieldRole}
	}
	return nil
}

// ChangePassword replaces the password of the signed-in user and ends the
// account's other sessions: it returns the new session epoch, which the
// caller's own session takes on to live on.
func (s *Store) ChangePassword(ctx context.Context, a Actor, userID int64, hash string) (epoch int, err error) {
	err = s.write(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			UPDATE users SET password_hash = $2, must_change_password = false, session_epoch = session_epoch + 1
			WHERE id = $1 RETURNING session_epoch`, userID, hash).Scan(&epoch)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, a, audit.ChangePassword, audit.User, userID, nil, nil)
	})
	return epoch, err
}

// AttemptLimits are the ceilings of failed password attempts within Window.
// An attempt from an untrusted client (no valid device cookie for the
// account) meets the pair, account and address limits: the pair limit is
// the low one, so that a stranger who guesses from elsewhere does not stop
// the owner's own address, until the higher ceiling per account. An attempt
// from a recognised device (Attempt.Device) meets the device limit alone:
// failures from anywhere else cannot lock the owner out of it.
type AttemptLimits struct {
	Window  time.Duration
	Pair    int // one account from one address, untrusted clients
	Account int // one account from any address, untrusted clients
	Address int // one address, whatever the account, untrusted clients
	Device  int // one account from one recognised device
}

// Throttled refuses a password attempt over a limit.
type Throttled struct {
	Limit audit.Limit
}

func (t *Throttled) Error() string { return "too many failed attempts (" + string(t.Limit) + ")" }

// The forms where a password is typed, as Attempt.Form.
const (
	FormSignIn   = "sign-in"
	FormPassword = "password"
)

// Attempt is one password check, reserved by ReserveAttempt before the
// check and counted as a failure until PassAttempt.
type Attempt struct {
	ID      int64  // set by ReserveAttempt
	Email   string // the account typed (sign-in) or signed in (password form)
	Address string
	Form    string // FormSignIn or FormPassword
	UserID  *int64 // the signed-in user, on the password form
	// Device is the device id of a valid device cookie for the account that
	// the request carried; "" for an untrusted client.
	Device string
}

func (a *Attempt) actor() Actor { return Actor{UserID: a.UserID, Name: a.Email} }

// The two-key advisory locks of ReserveAttempt: a namespace, then a hash of
// the account or of the address.
const (
	lockAccount int32 = 0x54520001
	lockAddress int32 = 0x54520002
)

// lockAdminSet is the one-key advisory lock of lockAdmins.
const lockAdminSet int64 = 0x54520003

// ReserveAttempt counts, checks and records a password attempt as one step:
// under a lock on the account and one on the address (which serialise the
// attempts of every app server on this database) it counts the failures
// within lim.Window and either records this attempt as one more failure,
// setting a.ID, or returns a *Throttled. An attempt from a recognised device
// (a.Device) counts and is counted against that device only; any other
// counts against the pair, the account and the address, among the attempts
// of untrusted clients. A refusal is written to the audit log once per
// window and refused subject, so a flood of refusals cannot flood the
// append-only log.
func (s *Store) ReserveAttempt(ctx context.Context, a *Attempt, lim AttemptLimits) error {
	a.Email = strings.ToLower(strings.TrimSpace(a.Email))
	window := lim.Window.Seconds()
	var refused *Throttled
	err := s.write(ctx, func(tx pgx.Tx) error {
		// Always the account first, then the address: no two transactions
		// can wait on each other in a circle.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockAccount, a.Email); err != nil {
			return fmt.Errorf("lock account: %w", err)
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockAddress, a.Address); err != nil {
			return fmt.Errorf("lock address: %w", err)
		}
		// The subject of the refusal: what the audit entry is unique for.
		var subject audit.Snapshot
		var limit audit.Limit
		if a.Device != "" {
			// A device belongs to one account: the account's lock serialises
			// its attempts.
			var device int
			if err := tx.QueryRow(ctx, `
				SELECT count(*) FROM login_failures
				WHERE device = $1 AND email = $2 AND at > now() - make_interval(secs => $3)`,
				a.Device, a.Email, window).Scan(&device); err != nil {
				return fmt.Errorf("count failures: %w", err)
			}
			if device >= lim.Device {
				// Once per window and account, whatever the device: a
				// stolen cookie tried from many addresses writes one entry.
				limit = audit.LimitDevice
				subject = audit.Snapshot{audit.KeyLimit: limit, audit.KeyEmail: a.Email}
			}
		} else {
			var pair, account, address int
			if err := tx.QueryRow(ctx, `
				SELECT count(*) FILTER (WHERE email = $1 AND address = $2),
				       count(*) FILTER (WHERE email = $1),
				       count(*) FILTER (WHERE address = $2)
				FROM login_failures
				WHERE at > now() - make_interval(secs => $3) AND (email = $1 OR address = $2) AND device IS NULL`,
				a.Email, a.Address, window).Scan(&pair, &account, &address); err != nil {
				return fmt.Errorf("count failures: %w", err)
			}
			switch {
			case pair >= lim.Pair:
				limit = audit.LimitPair
				subject = audit.Snapshot{audit.KeyLimit: limit, audit.KeyEmail: a.Email, audit.KeyAddress: a.Address}
			case account >= lim.Account:
				limit = audit.LimitAccount
				subject = audit.Snapshot{audit.KeyLimit: limit, audit.KeyEmail: a.Email}
			case address >= lim.Address:
				limit = audit.LimitAddress
				subject = audit.Snapshot{audit.KeyLimit: limit, audit.KeyAddress: a.Address}
			}
		}
		if limit == "" {
			return tx.QueryRow(ctx, `INSERT INTO login_failures (email, address, device) VALUES ($1, $2, NULLIF($3, '')) RETURNING id`,
				a.Email, a.Address, a.Device).Scan(&a.ID)
		}
		refused = &Throttled{Limit: limit}
		key, err := json.Marshal(subject)
		if err != nil {
			return err
		}
		var logged bool
		if err := tx.QueryRow(ctx, `
			SELECT EXISTS (SELECT 1 FROM audit_log
				WHERE at > now() - make_interval(secs => $1) AND entity = $3 AND action = $4
				  AND new_value @> $2::jsonb)`, window, string(key), audit.Access, audit.Throttled).Scan(&logged); err != nil {
			return fmt.Errorf("throttle entry: %w", err)
		}
		if logged {
			return nil
		}
		return record(ctx, tx, a.actor(), audit.Throttled, audit.Access, 0, nil, audit.Snapshot{
			audit.KeyLimit: limit, audit.KeyEmail: a.Email, audit.KeyAddress: a.Address, audit.KeyForm: a.Form})
	})
	if err != nil {
		return fmt.Errorf("reserve attempt: %w", err)
	}
	if refused != nil {
		return refused
	}
	return nil
}

// ReleaseAttempt forgets a reserved attempt whose password was never
// checked (the server was too busy): it does not count.
func (s *Store) ReleaseAttempt(ctx context.Context, a *Attempt) error {
	_, err := s.exec(ctx, `DELETE FROM login_failures WHERE id = $1`, a.ID)
	return err
}

// FailAttempt records a wrong password in the audit log (the attempt stays
// counted); accountID names the account when it exists (0 when not).
func (s *Store) FailAttempt(ctx context.Context, a *Attempt, accountID int64) error {
	action := audit.SignInFailed
	if a.Form == FormPassword {
		action = audit.PasswordFailed
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		return record(ctx, tx, a.actor(), action, audit.Access, accountID, nil,
			audit.Snapshot{audit.KeyEmail: a.Email, audit.KeyAddress: a.Address})
	})
}

// PassAttempt takes back a reserved attempt whose password was right, with
// the earlier failures of the same account from the same address and from
// the same device (failures from elsewhere still count), and forgets
// failures older than a day. A sign-in is recorded in the audit log as u's.
func (s *Store) PassAttempt(ctx context.Context, a *Attempt, u *auth.User) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			DELETE FROM login_failures
			WHERE id = $1 OR (email = $2 AND (address = $3 OR device = NULLIF($4, ''))) OR at < now() - interval '1 day'`,
			a.ID, a.Email, a.Address, a.Device); err != nil {
			return err
		}
		if a.Form != FormSignIn {
			return nil
		}
		return record(ctx, tx, Actor{UserID: &u.ID, Name: u.Email}, audit.SignIn, audit.Access, u.ID, nil,
			audit.Snapshot{audit.KeyAddress: a.Address})
	})
}

// RecordSignOut writes a sign-out in the audit log.
func (s *Store) RecordSignOut(ctx context.Context, u *auth.User, address string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		return record(ctx, tx, Actor{UserID: &u.ID, Name: u.Email}, audit.SignOut, audit.Access, u.ID, nil,
			audit.Snapshot{audit.KeyAddress: address})
	})
}

// CentreRef is an organisational centre.
type CentreRef struct {
	ID   domain.CentreID
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

// isForeignKeyViolation reports whether err is PostgreSQL's refusal of a
// reference to a row that does not exist.
func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23503"
}
