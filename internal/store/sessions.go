package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/jackc/pgx/v5"

	"traguardo/internal/auth"
	"traguardo/internal/domain"
)

// SessionStore is the sessions' store (scs): pgxstore's table, with the
// account a session is signed in to as a column of its own (user_id,
// migration 000023), so that reading a session reads, in the same
// statement, its account and where the cycle the request is about stands.
// A page then costs one round trip before its handler instead of three
// (session, account, the cycle's counters), on every server alike:
// nothing is kept in the process, so a deactivation, a password reset or
// another server's write shows at the next request as before.
//
// What the statement read is handed over through the request's context
// (WithPrefetch): Prefetched.User for authenticate, and the cycle's
// counters, taken once, by the first read of that cycle (kept) of a GET
// or HEAD request. The counters are never used for a request that writes:
// it must see its own writes.
type SessionStore struct {
	*pgxstore.PostgresStore
	st *Store
	// userOf is the account id in a session's encoded data (0 for none).
	userOf func(data []byte) int64
}

// NewSessionStore is the sessions' store on s's database, deleting the
// expired sessions every cleanup (never when 0); userOf reads the account
// id from a session's data, as the session manager encodes it.
func (s *Store) NewSessionStore(cleanup time.Duration, userOf func(data []byte) int64) *SessionStore {
	return &SessionStore{PostgresStore: pgxstore.NewWithCleanupInterval(s.pool, cleanup), st: s, userOf: userOf}
}

// Prefetched is what the reading of a request's session read besides:
// the signed-in account, and where the cycle of the request's year and
// that of the year before stand.
type Prefetched struct {
	year     int
	readOnly bool

	mu sync.Mutex
	// done says the session was read; user is its account, as the
	// column user_id names it (nil when none).
	done bool
	user *auth.User
	// counters are those of year and year-1 (found says the cycle
	// exists); taken says they were handed out.
	counters keptCounters
	taken    bool
}

type prefetchKey struct{}

// WithPrefetch returns a context whose session read (FindCtx) reads also
// the account and, when year is not 0, the counters of the cycles of year
// and the year before; readOnly says the request does not write (GET,
// HEAD): only then are the counters used.
func WithPrefetch(ctx context.Context, year int, readOnly bool) context.Context {
	return context.WithValue(ctx, prefetchKey{}, &Prefetched{year: year, readOnly: readOnly})
}

// PrefetchedUser returns the account of id as read with the session of
// ctx's request: ok is false when it was not read so (UserByID then).
func PrefetchedUser(ctx context.Context, id int64) (u *auth.User, ok bool) {
	p, _ := ctx.Value(prefetchKey{}).(*Prefetched)
	if p == nil {
		return nil, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.user == nil || p.user.ID != id {
		return nil, false
	}
	return p.user, true
}

// prefetchedVersion hands out, once, the counters of the cycle of year
// read with the session of a request that does not write: ok false when
// there are none (read them then). A cycle not found is ErrNotFound, as
// cycleVersionOf says.
func prefetchedVersion(ctx context.Context, year int) (v cycleVersion, before string, ok bool, err error) {
	p, _ := ctx.Value(prefetchKey{}).(*Prefetched)
	if p == nil {
		return v, "", false, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.done || !p.readOnly || p.taken || p.year == 0 || p.year != year {
		return v, "", false, nil
	}
	p.taken = true
	if !p.counters.found[0] {
		return v, "", true, fmt.Errorf("cycle %d: %w", year, ErrNotFound)
	}
	if p.counters.found[1] {
		before = p.counters.versions[1].word()
	}
	return p.counters.versions[0], before, true, nil
}

// FindCtx reads the session of token; with a Prefetched in ctx, its
// account and the cycles' counters in the same statement.
func (ss *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	p, _ := ctx.Value(prefetchKey{}).(*Prefetched)
	if p == nil {
		return ss.find(ctx, token)
	}
	var (
		data                   []byte
		userID                 *int64
		email, name, role      *string
		active, mustChange     *bool
		epoch, version, unread *int
		centres                []domain.CentreID
		cy, cd, cp, by, bd, bp *int64
		year                   *int
	)
	if p.year != 0 {
		year = &p.year
	}
	if k, c, ok := ss.st.changes.session(token, p.year, time.Now()); ok {
		u := k.user
		u.Centres = slices.Clone(u.Centres)
		p.mu.Lock()
		defer p.mu.Unlock()
		p.done, p.user, p.counters = true, &u, c
		return k.data, true, nil
	}
	seq := ss.st.changes.start()
	var expiry time.Time
	err := ss.st.pool.QueryRow(ctx, `
		SELECT s.data, s.expiry, u.id, u.email, u.name, u.role, u.active, u.must_change_password, u.session_epoch,
			coalesce((SELECT array_agg(uc.centre_id ORDER BY uc.centre_id) FROM user_centres uc WHERE uc.user_id = u.id), '{}'),
			u.version,
			(SELECT count(*) FROM (SELECT 1 FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL LIMIT $3) x),
			y.cycle_id, y.data, y.plan, b.cycle_id, b.data, b.plan
		FROM sessions s
		LEFT JOIN users u ON u.id = s.user_id
		LEFT JOIN (cycles cy JOIN cycle_versions y ON y.cycle_id = cy.id) ON cy.year = $2
		LEFT JOIN (cycles cb JOIN cycle_versions b ON b.cycle_id = cb.id) ON cb.year = $2 - 1
		WHERE s.token = $1 AND current_timestamp < s.expiry`, token, year, auth.UnreadMost).
		Scan(&data, &expiry, &userID, &email, &name, &role, &active, &mustChange, &epoch, &centres, &version, &unread,
			&cy, &cd, &cp, &by, &bd, &bp)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = true
	// The column is set at every write of a session since migration
	// 000023; a session written before has none (nor has one signed out):
	// PrefetchedUser then says to read the account apart. The data is not
	// decoded here: PrefetchedUser checks the column against the id the
	// session manager decoded.
	if userID != nil {
		p.user = &auth.User{ID: *userID, Email: *email, Name: *name, Role: auth.Role(*role), Active: *active,
			MustChangePassword: *mustChange, SessionEpoch: *epoch, Centres: centres, Version: *version, Unread: *unread}
	}
	if cy != nil {
		p.counters.versions[0], p.counters.found[0] = cycleVersion{cycle: *cy, data: *cd, plan: *cp}, true
	}
	if by != nil {
		p.counters.versions[1], p.counters.found[1] = cycleVersion{cycle: *by, data: *bd, plan: *bp}, true
	}
	// Kept for the next requests while WatchChanges listens (changes.go):
	// a copy, as the request's own may be changed by its handler.
	var kept *keptSession
	if p.user != nil {
		kept = &keptSession{data: data, expiry: expiry, user: *p.user}
		kept.user.Centres = slices.Clone(centres)
	}
	ss.st.changes.keep(seq, token, kept, p.year, p.counters)
	return data, true, nil
}

// find is pgxstore's Find, with the request's context.
func (ss *SessionStore) find(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := ss.st.pool.QueryRow(ctx, `SELECT data FROM sessions WHERE token = $1 AND current_timestamp < expiry`, token).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return data, true, nil
}

// CommitCtx writes the session of token with its account's id.
func (ss *SessionStore) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	var user *int64
	if id := ss.userOf(data); id != 0 {
		user = &id
	}
	// The statement starts with its verb (no blank before): the tests that
	// count a page's statements leave the write of a session's last use
	// out by this prefix.
	_, err := ss.st.pool.Exec(ctx, `INSERT INTO sessions (token, data, expiry, user_id) VALUES ($1, $2, $3, $4)
		ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry, user_id = EXCLUDED.user_id`,
		token, data, expiry, user)
	// Whatever the outcome, the next request reads the session again.
	ss.st.changes.forgetSession(token, ss.userOf(data))
	return err
}

// DeleteCtx deletes the session of token.
func (ss *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	var user int64
	err := ss.st.pool.QueryRow(ctx, `DELETE FROM sessions WHERE token = $1 RETURNING coalesce(user_id, 0)`, token).Scan(&user)
	if errors.Is(err, pgx.ErrNoRows) {
		err = nil
	}
	ss.st.changes.forgetSession(token, user)
	return err
}

// Find, Commit and Delete without a context are scs's older interface:
// the session manager calls the ...Ctx ones.
func (ss *SessionStore) Find(token string) ([]byte, bool, error) {
	return ss.find(context.Background(), token)
}

// Commit is CommitCtx without a context.
func (ss *SessionStore) Commit(token string, data []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, data, expiry)
}

// Delete is DeleteCtx without a context.
func (ss *SessionStore) Delete(token string) error {
	return ss.DeleteCtx(context.Background(), token)
}
